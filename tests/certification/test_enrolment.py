"""Enrolment: from a school's class or an LMS course's roster, or from a CSV whose every row is checked (all or
nothing); 15 days between two certifications; live certifiability of the enrolled pupils."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from certification import centres, enrolment, repository, sessions
from certification.certifiability import certifiability_of
from certification.enrolment import CsvRefused, RowError
from certification.errors import StaffRefusal
from certification.sessions import SessionDraft
from content_bank.loader import default_referential
from core.rosters import Roster, RosterMember
from learning.models import KnowledgeElementRow
from learning.use_cases import profile
from tests.certification import people
from tests.certification.school import SESSION_DAY, make_school

HEADER = "Nom;Prénom;Date de naissance;Classe;Temps majoré (%);Aménagement\n"


def test_the_class_list_gives_the_schools_pupils_and_enrols_them(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        centre = repository.centre(db, school.centre_id)
        [klass] = enrolment.centre_classes(db, centre)
        assert (klass.label, klass.kind) == ("3A", "class")
        assert [p[2] for p in klass.pupils] == ["Bernard", "Martin", "Petit"]
        added = enrolment.enrol_pupils(db, school.session_id, school.pupils[:2], school.head)
        assert [(c.first_name, c.last_name, c.division) for c in added] == [("Léa", "Martin", "3A"),
                                                                            ("Hugo", "Bernard", "3A")]
        with pytest.raises(StaffRefusal) as refused:
            enrolment.enrol_pupils(db, school.session_id, [school.pupils[2], school.pupils[0]], school.head)
        assert refused.value.code == "already_enrolled"
        with pytest.raises(StaffRefusal) as refused:
            enrolment.enrol_pupils(db, school.session_id, [school.head], school.head)
        assert refused.value.code == "unknown"
        assert len(repository.candidates_of_session(db, school.session_id)) == 2


def test_fifteen_days_between_two_certifications(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        enrolment.enrol_pupils(db, school.session_id, school.pupils[:1], school.head)
        soon = sessions.create_session(db, school.centre_id, SessionDraft(SESSION_DAY + timedelta(days=14), "09:00",
                                                                          "A", "B"), school.head)
        later = sessions.create_session(db, school.centre_id, SessionDraft(SESSION_DAY + timedelta(days=15), "09:00",
                                                                           "A", "B"), school.head)
        with pytest.raises(StaffRefusal) as refused:
            enrolment.enrol_pupils(db, soon.id, school.pupils[:1], school.head)
        assert refused.value.code == "too_soon"
        assert len(enrolment.enrol_pupils(db, later.id, school.pupils[:1], school.head)) == 1
        # a pupil marked absent was not certified: that session does not count
        enrolment.enrol_pupils(db, school.session_id, school.pupils[1:2], school.head)
        repository.candidate_by_account(db, school.session_id, school.pupils[1]).absent = True
        db.flush()
        assert len(enrolment.enrol_pupils(db, soon.id, school.pupils[1:2], school.head)) == 1


def test_lms_centre_enrols_from_the_nrps_roster(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        course = people.course(db, "ctx-1", "Seconde 4")
        instructor = people.lti_person(db, course, "teacher", "ins")
        launched = people.lti_person(db, course, "student", "s1", "Léa", "Martin")
        db.add(Roster(course_id=course, member_count=2))
        db.add_all([RosterMember(course_id=course, user_id="s1", given_name="Léa", family_name="Martin",
                                 roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]),
                    RosterMember(course_id=course, user_id="s2", given_name="Hugo", family_name="Bernard",
                                 roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]),
                    RosterMember(course_id=course, user_id="t", given_name="Paul", family_name="Prof",
                                 roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"])])
        db.flush()
        centre = centres.open_course_centre(db, course, instructor)
        row = sessions.create_session(db, centre.id, SessionDraft(SESSION_DAY, "09:00", "A", "B"), instructor)
        [klass] = enrolment.centre_classes(db, centre)
        assert [(p[1], p[2]) for p in klass.pupils] == [("Hugo", "Bernard"), ("Léa", "Martin")]
        assert launched in [p[0] for p in klass.pupils]
        added = enrolment.enrol_pupils(db, row.id, [p[0] for p in klass.pupils], instructor)
        assert all(c.account_id is not None for c in added) and len(added) == 2


def test_a_good_csv_enrols_every_row_and_links_known_pupils(sessions_: sessionmaker[Session]) -> None:
    raw = (HEADER + "MARTIN;Léa;12/03/2011;3A;33;non\n"
                    "Dupont;Jean;2011-01-05;3B;;oui\n"
                    "\n").encode()
    with sessions_.begin() as db:
        school = make_school(db)
        added = enrolment.enrol_from_csv(db, school.session_id, raw, school.head, date(2026, 4, 1))
        assert [(c.last_name, c.birth_date, c.extra_time_percent, c.accessibility_adjustment, c.division)
                for c in added] == [("MARTIN", date(2011, 3, 12), 33, False, "3A"),
                                    ("Dupont", date(2011, 1, 5), 0, True, "3B")]
        assert added[0].account_id == school.pupils[0] and added[1].account_id is None


def test_a_csv_with_wrong_rows_enrols_nobody_and_names_every_error(sessions_: sessionmaker[Session]) -> None:
    raw = (HEADER + "Martin;Léa;12/03/2011;3A;;\n"
                    ";Jean;31/02/2011;3B;150;peut-être\n"
                    "Petit;Inès;2011-04-04;3A;;\n"
                    "Martin;Léa;12/03/2011;3A;;\n").encode("cp1252")
    with sessions_.begin() as db:
        school = make_school(db)
        with pytest.raises(CsvRefused) as refused:
            enrolment.enrol_from_csv(db, school.session_id, raw, school.head, date(2026, 4, 1))
        assert refused.value.errors == (RowError(3, "last_name", "missing"), RowError(3, "birth_date", "bad_date"),
                                        RowError(3, "extra_time", "bad_percent"),
                                        RowError(3, "accessibility", "bad_yes_no"), RowError(5, "row", "duplicate"))
        assert repository.candidates_of_session(db, school.session_id) == []


def test_csv_refusals_of_the_whole_file(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        for raw, code in ((b"Nom,Classe\nMartin,3A\n", "missing_columns"), (b"", "no_header"),
                          (HEADER.encode(), "empty"), (b"\x00\x01", "not_text"),
                          (b"a" * (enrolment.MAX_CSV_BYTES + 1), "too_big")):
            with pytest.raises(CsvRefused) as refused:
                enrolment.enrol_from_csv(db, school.session_id, raw, school.head, date(2026, 4, 1))
            assert refused.value.code == code
        with pytest.raises(CsvRefused) as refused:
            enrolment.enrol_from_csv(db, school.session_id, b"Nom,Classe\n", school.head, date(2026, 4, 1))
        assert refused.value.missing == ("first_name", "birth_date")


def test_csv_rows_already_enrolled_or_too_soon_are_errors(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        enrolment.enrol_pupils(db, school.session_id, school.pupils[:1], school.head)
        raw = (HEADER + "Martin;Léa;12/03/2011;3A;;\nBernard;Hugo;01/01/2011;3A;;\n").encode()
        with pytest.raises(CsvRefused) as refused:
            enrolment.enrol_from_csv(db, school.session_id, raw, school.head, date(2026, 4, 1))
        assert refused.value.errors == (RowError(2, "row", "already_enrolled"),)
        soon = sessions.create_session(db, school.centre_id, SessionDraft(SESSION_DAY + timedelta(days=3), "09:00",
                                                                          "A", "B"), school.head)
        with pytest.raises(CsvRefused) as refused:
            enrolment.enrol_from_csv(db, soon.id, raw, school.head, date(2026, 4, 1))
        assert refused.value.errors == (RowError(2, "row", "too_soon"),)


def test_certifiability_is_read_live_from_the_profile(sessions_: sessionmaker[Session]) -> None:
    referential = default_referential()
    at = datetime(2026, 4, 1, tzinfo=UTC)
    with sessions_.begin() as db:
        school = make_school(db)
        strong, weak, _ = school.pupils
        for number, code in enumerate(list(referential.competences)[:5]):
            competence = referential.competences[code]
            for skill in _level_one_skills(referential, code):
                db.add(KnowledgeElementRow(account_id=strong, skill_name=skill, competence_code=competence.code,
                                           status="validated", source="direct", earned_pix=8.0, created_at=at,
                                           assessment_id=f"a{number}", challenge_id="c"))
        db.add(KnowledgeElementRow(account_id=weak, skill_name=_level_one_skills(referential, code)[0],
                                   competence_code=code, status="validated", source="direct", earned_pix=8.0,
                                   created_at=at, assessment_id="b", challenge_id="c"))
        db.flush()
        result = certifiability_of(db, referential, school.pupils)
        assert result[strong].is_certifiable and result[strong].missing_competences == 0
        assert not result[weak].is_certifiable and result[weak].missing_competences == 4
        assert result[school.pupils[2]].missing_competences == 5


def _level_one_skills(referential, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.name for s in referential.skills.values() if s.competence_code == code and s.level == 1]


def test_batched_certifiability_agrees_with_the_pupils_profile(sessions_: sessionmaker[Session]) -> None:
    referential = default_referential()
    at = datetime(2026, 4, 1, tzinfo=UTC)
    rng = random.Random(5)
    skills = [s for s in referential.skills.values() if s.level <= 3]
    with sessions_.begin() as db:
        school = make_school(db, tuple((f"P{i}", f"N{i}") for i in range(6)))
        for pupil in school.pupils:
            for skill in rng.sample(skills, rng.randint(0, 60)):
                status = rng.choice(["validated", "validated", "invalidated", "reset"])
                db.add(KnowledgeElementRow(account_id=pupil, skill_name=skill.name,
                                           competence_code=skill.competence_code, status=status, source="direct",
                                           earned_pix=8.0 / 2 if status == "validated" else 0.0, created_at=at,
                                           assessment_id="a", challenge_id="c"))
        db.flush()
        batched = certifiability_of(db, referential, school.pupils)
        for pupil in school.pupils:
            assert batched[pupil] == profile(db, referential, pupil, at).certifiability
