"""Verification of a code: valid (name, date, score, levels — nothing more), expired after 3 years, unknown,
malformed."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from certificates.validity import valid_until
from certificates.verification import Outcome, verify
from content_bank.loader import default_referential
from tests.certificates.conftest import candidate, event, publish
from tests.certificates.documents import certificates_of_session


def _check(sessions: sessionmaker[Session], code: str, today: date):  # type: ignore[no-untyped-def]
    with sessions() as session:
        return verify(session, code, today, default_referential())


def test_a_valid_code_shows_the_holder_date_score_and_levels(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Durand", "Élodie", score=512, level=4)], day=date(2026, 5, 12)))
    code = certificates_of_session(sessions)[0].code or ""
    found = _check(sessions, code.lower(), date(2027, 1, 1))
    assert found.outcome is Outcome.VALID
    assert (found.first_name, found.last_name, found.session_date, found.score) == ("Élodie", "Durand",
                                                                                  date(2026, 5, 12), 512)
    assert found.global_level == "independent"
    assert {c.code: c.level for c in found.competences}["2.3"] == 4
    assert not hasattr(found, "birth_date") and not hasattr(found, "division")


def test_a_code_is_expired_after_three_years(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Durand", "Élodie")], day=date(2026, 5, 12)))
    code = certificates_of_session(sessions)[0].code or ""
    assert _check(sessions, code, date(2029, 5, 11)).outcome is Outcome.VALID
    expired = _check(sessions, code, date(2029, 5, 12))
    assert expired.outcome is Outcome.EXPIRED and expired.last_name == "Durand"


def test_unknown_and_malformed_codes_are_told_apart(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Durand", "Élodie")]))
    assert _check(sessions, "P-BBBBBBBB", date(2026, 6, 1)).outcome is Outcome.UNKNOWN
    assert _check(sessions, "P-0000", date(2026, 6, 1)).outcome is Outcome.MALFORMED


def test_validity_ends_the_day_before_the_third_anniversary() -> None:
    assert valid_until(date(2026, 5, 12)) == date(2029, 5, 11)
    assert valid_until(date(2028, 2, 29)) == date(2031, 2, 28)
