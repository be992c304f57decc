"""A school centre with its head, a teacher, and a class of pupils; a session created by the head."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from certification import centres, sessions
from tests.certification import people

UAI = "0750001A"
SESSION_DAY = date(2026, 5, 4)


@dataclass
class School:
    centre_id: int
    head: int
    teacher: int
    pupils: list[int]
    session_id: int
    session_number: int


def make_school(db: Session, pupil_names: tuple[tuple[str, str], ...] = (("Léa", "Martin"), ("Hugo", "Bernard"),
                                                                          ("Inès", "Petit"))) -> School:
    head = people.gar_person(db, UAI, "National_dir", "dir", "Claire", "Directrice")
    teacher = people.gar_person(db, UAI, "National_ens", "ens", "Paul", "Prof")
    pupils = [people.gar_person(db, UAI, "National_elv", f"elv-{i}", given, family, division="3A")
              for i, (given, family) in enumerate(pupil_names)]
    centre = centres.open_school_centre(db, UAI, "Collège Jean Moulin", head)
    row = sessions.create_session(db, centre.id, sessions.SessionDraft(SESSION_DAY, "09:00", "Salle 12", "Mme Durand",
                                                                       "1 rue de l'École"), head)
    return School(centre.id, head, teacher, pupils, row.id, row.number)
