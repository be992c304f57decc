"""Who is staff of which centre: GAR direction manages its school's centre, teachers and documentalists are
members, pupils are nothing; an LMS course's Administrators manage, Instructors are members; another centre's
staff have no role in this one."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from certification import access, centres
from certification.access import SessionCreators, StaffRole
from certification.errors import StaffRefusal
from engine.certification.records import CertificationVersion
from tests.certification import people


def test_gar_profiles_give_roles_in_their_school_centre_only(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        head = people.gar_person(db, "0750001A", "National_dir", "dir")
        teacher = people.gar_person(db, "0750001A", "National_ens", "ens")
        librarian = people.gar_person(db, "0750001A", "National_doc", "doc")
        pupil = people.gar_person(db, "0750001A", "National_elv", "elv", division="3A")
        other_head = people.gar_person(db, "0690002B", "National_dir", "dir2")
        mine = centres.open_school_centre(db, "0750001a", "Collège Jean Moulin", head)
        theirs = centres.open_school_centre(db, "0690002B", "", other_head)
        assert mine.uai == "0750001A" and theirs.name == "Établissement 0690002B"
        assert access.role_in_centre(db, head, mine) is StaffRole.MANAGER
        assert access.role_in_centre(db, teacher, mine) is StaffRole.MEMBER
        assert access.role_in_centre(db, librarian, mine) is StaffRole.MEMBER
        assert access.role_in_centre(db, pupil, mine) is None
        assert access.role_in_centre(db, head, theirs) is None
        assert access.role_in_centre(db, other_head, mine) is None
        assert [(p.centre.uai, p.role) for p in access.staff_places(db, teacher)] == [("0750001A", "member")]
        assert access.staff_places(db, pupil) == []


def test_only_the_direction_opens_a_school_centre_and_only_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        teacher = people.gar_person(db, "0750001A", "National_ens", "ens")
        head = people.gar_person(db, "0750001A", "National_dir", "dir")
        with pytest.raises(StaffRefusal) as refused:
            centres.open_school_centre(db, "0750001A", "X", teacher)
        assert refused.value.code == "forbidden"
        with pytest.raises(StaffRefusal) as refused:
            centres.open_school_centre(db, "0750001", "X", head)
        assert refused.value.code == "invalid"
        centres.open_school_centre(db, "0750001A", "X", head)
        with pytest.raises(StaffRefusal) as refused:
            centres.open_school_centre(db, "0750001A", "X", None)
        assert refused.value.code == "centre_exists"


def test_lti_roles_in_the_centres_course(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        course = people.course(db, "ctx-1", "Lycée en ligne")
        other = people.course(db, "ctx-2")
        admin = people.lti_person(db, course, "admin", "adm")
        instructor = people.lti_person(db, course, "teacher", "ins")
        learner = people.lti_person(db, course, "learner", "lea")
        stranger = people.lti_person(db, other, "teacher", "ins2")
        with pytest.raises(StaffRefusal):
            centres.open_course_centre(db, course, learner)
        centre = centres.open_course_centre(db, course, instructor)
        assert centre.name == "Lycée en ligne"
        # who opened it manages it; the platform's Administrators manage it too
        assert access.role_in_centre(db, instructor, centre) is StaffRole.MANAGER
        assert access.role_in_centre(db, admin, centre) is StaffRole.MANAGER
        assert access.role_in_centre(db, learner, centre) is None
        assert access.role_in_centre(db, stranger, centre) is None


def test_who_may_create_sessions_is_the_centres_setting(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        head = people.gar_person(db, "0750001A", "National_dir", "dir")
        teacher = people.gar_person(db, "0750001A", "National_ens", "ens")
        centre = centres.open_school_centre(db, "0750001A", "Collège", head)
        assert access.may_create_sessions(centre, access.role_in_centre(db, head, centre))
        assert not access.may_create_sessions(centre, access.role_in_centre(db, teacher, centre))
        with pytest.raises(StaffRefusal):
            centres.change_settings(db, centre.id, centres.CentreSettings(
                "Collège", CertificationVersion.V2, SessionCreators.STAFF, "review"), teacher)
        centres.change_settings(db, centre.id, centres.CentreSettings(
            "Collège", CertificationVersion.V2, SessionCreators.STAFF, "review"), head)
        assert (centre.version, centre.publication) == ("v2", "review")
        assert access.may_create_sessions(centre, access.role_in_centre(db, teacher, centre))
        assert not access.may_create_sessions(centre, None)
