"""A certification session ready for its test day: a school centre, its head, an enrolled and certifiable pupil."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from certification.centres import open_school_centre
from certification.models import CandidateRow, SessionRow
from engine.referential import Referential
from learning.models import KnowledgeElementRow
from tests.certification import people

UAI = "0750001A"
ACCESS_CODE = "BCDF23"
PASSWORD = "K7M4QR"


@dataclass(frozen=True)
class Day:
    session_id: int
    number: int
    head: int  # staff (direction) of the centre
    pupil: int
    candidate_id: int


def make_certifiable(db: Session, referential: Referential, account_id: int, now: datetime, competences: int = 5
                     ) -> None:
    """Every level-1 skill of the first `competences` competences validated: level 1 in each."""
    for code in sorted(referential.competences)[:competences]:
        skills = [s for s in referential.skills.values() if s.competence_code == code and s.level == 1]
        for skill in skills:
            db.add(KnowledgeElementRow(account_id=account_id, skill_name=skill.name, competence_code=code,
                                       status="validated", source="direct", earned_pix=8 / len(skills),
                                       created_at=now))
    db.flush()


def enrol(db: Session, session_id: int, account_id: int | None, first: str, last: str, **extra: object) -> int:
    row = CandidateRow(session_id=session_id, account_id=account_id, first_name=first, last_name=last,
                       birth_date=extra.pop("birth_date", date(2010, 5, 4)), division="3A", **extra)
    db.add(row)
    db.flush()
    return row.id


def make_day(db: Session, referential: Referential, now: datetime, *, number: int = 1234567, uai: str = UAI,
             version: str = "v3", certifiable: bool = True, **candidate: object) -> Day:
    head = people.gar_person(db, uai, "National_dir", f"dir-{number}", "Claire", "Directrice")
    pupil = people.gar_person(db, uai, "National_elv", f"elv-{number}", "Léa", "Martin", division="3A")
    centre = open_school_centre(db, uai, "Collège Exemple", None)
    row = SessionRow(centre_id=centre.id, number=number, date=now.date(), time="09:00", room="CDI", address="",
                     examiner="M. Surveillant", description="", access_code=ACCESS_CODE,
                     invigilator_password=PASSWORD, version=version, state="created")
    db.add(row)
    db.flush()
    if certifiable:
        make_certifiable(db, referential, pupil, now)
    candidate_id = enrol(db, row.id, pupil, "Léa", "Martin", **candidate)
    return Day(row.id, number, head, pupil, candidate_id)
