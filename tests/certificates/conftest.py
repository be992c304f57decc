"""A migrated database (SQLite, or PostgreSQL), and published sessions built as the certification sessions
context publishes them: `core.events.CertificationResultsPublished`, inside a transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from core import events
from core.events import CertificationResultsPublished, CertifiedCandidate
from tests.learning_use_cases.conftest import sessions  # noqa: F401 (fixture)

COMPETENCES = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3",
               "5.1", "5.2")


def candidate(course_id: int, last: str, first: str, division: str | None = "3e A", *, status: str = "validated",
              score: int | None = 400, level: int = 3, account_id: int | None = None,
              birth: date | None = date(2011, 5, 17), comment: str | None = None,
              global_level: str | None = "independent") -> CertifiedCandidate:
    levels = {code: (level if status == "validated" else 0) for code in COMPETENCES}
    return CertifiedCandidate(certification_course_id=course_id, account_id=account_id, first_name=first,
                              last_name=last, birth_date=birth, division=division, status=status,
                              score=score if status != "cancelled" else None,
                              global_level=global_level if status == "validated" else None,
                              competence_levels=levels, comment=comment)


def event(candidates: Sequence[CertifiedCandidate], *, session_id: int = 1, day: date = date(2026, 5, 12),
          centre_id: int = 7, centre_name: str = "Collège Jean Moulin", uai: str | None = "0751234A",
          number: int = 1001) -> CertificationResultsPublished:
    return CertificationResultsPublished(session_id=session_id, session_number=number, centre_id=centre_id,
                                         centre_name=centre_name, centre_uai=uai, session_date=day, version="v3",
                                         candidates=tuple(candidates),
                                         at=datetime.combine(day, datetime.min.time(), tzinfo=UTC))


def publish(factory: sessionmaker[Session], published: CertificationResultsPublished) -> None:
    """What the certification sessions context does: publish inside the transaction marking the session."""
    with factory.begin() as session:
        events.publish(session, published)
