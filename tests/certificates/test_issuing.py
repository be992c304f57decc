"""A published session's results become certificates: one per candidate, a verification code for each validated
one (§9's format, unique), nothing for a rolled-back publication, codes kept when a session is published again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from certificates import codes
from certificates.issuing import unique_code
from certificates.models import CertificateRow
from core import events
from tests.certificates.conftest import candidate, event, publish

CODE = re.compile(r"^P-[2346789BCDFGHJKMPQRTVWXY]{8}$")


def _rows(sessions: sessionmaker[Session]) -> list[CertificateRow]:
    with sessions() as session:
        return list(session.scalars(select(CertificateRow).order_by(CertificateRow.certification_course_id)))


def test_a_published_session_issues_one_certificate_per_candidate(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Durand", "Élodie", score=512, level=4),
                             candidate(2, "Martin", "Paul", status="rejected", score=0),
                             candidate(3, "Petit", "Lina", status="cancelled")]))

    rows = _rows(sessions)
    assert [(r.last_name, r.status) for r in rows] == [("Durand", "validated"), ("Martin", "rejected"),
                                                      ("Petit", "cancelled")]
    validated = rows[0]
    assert CODE.match(validated.verification_code or "")
    assert validated.score == 512 and validated.competence_levels["3.4"] == 4
    assert validated.centre_name == "Collège Jean Moulin" and validated.session_number == 1001
    assert rows[1].verification_code is None and rows[2].verification_code is None


def test_codes_are_unique_across_candidates(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(i, f"Nom{i}", "Prénom") for i in range(1, 41)]))
    found = [r.verification_code for r in _rows(sessions)]
    assert len(set(found)) == 40 and all(CODE.match(c or "") for c in found)


def test_a_clashing_draw_is_drawn_again(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Durand", "Élodie")]))
    taken = _rows(sessions)[0].verification_code
    draws = iter([taken, taken, "P-22222222"])
    with sessions() as session:
        assert unique_code(session, lambda: next(draws)) == "P-22222222"


def test_publishing_again_updates_results_and_keeps_codes(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Durand", "Élodie", score=400)]))
    first = _rows(sessions)[0].verification_code
    publish(sessions, event([candidate(1, "Durand", "Élodie", score=420, comment="Rescoré par le jury")]))
    rows = _rows(sessions)
    assert len(rows) == 1 and rows[0].verification_code == first
    assert rows[0].score == 420 and rows[0].comment == "Rescoré par le jury"


def test_nothing_is_issued_when_the_publishing_transaction_fails(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), sessions.begin() as session:
        events.publish(session, event([candidate(1, "Durand", "Élodie")]))
        raise RuntimeError("the session could not be marked published")
    assert _rows(sessions) == []


@pytest.mark.parametrize(("typed", "code"), [
    ("P-4BCD7FGH", "P-4BCD7FGH"), (" p-4bcd 7fgh ", "P-4BCD7FGH"), ("P4BCD7FGH", "P-4BCD7FGH"),
    ("P-4BCD7FG", None), ("P-4BCD7FG0", None), ("X-4BCD7FGH", None), ("", None), ("P-" + "B" * 200, None),
])
def test_typed_codes_are_read_leniently_but_never_guessed(typed: str, code: str | None) -> None:
    assert codes.normalise(typed) == code


def test_a_new_code_uses_only_the_alphabet() -> None:
    assert all(CODE.match(codes.new_code()) for _ in range(200))
