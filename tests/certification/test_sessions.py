"""Sessions: created with their codes by who the centre allows, edited and deleted only while nothing started,
invisible to another centre's staff."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from certification import codes, repository, sessions
from certification.enrolment import enrol_pupils
from certification.errors import StaffRefusal
from certification.models import CertificationCourseRow
from certification.sessions import SessionDraft
from tests.certification import people
from tests.certification.school import make_school


def test_a_created_session_has_its_number_access_code_and_password(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        row = repository.session_by_number(db, school.session_number)
        assert row is not None and row.state == "created" and row.version == "v3"
        assert codes.is_access_code(row.access_code) and codes.is_invigilator_password(row.invigilator_password)
        assert (row.room, row.examiner, row.time, row.address) == ("Salle 12", "Mme Durand", "09:00",
                                                                   "1 rue de l'École")


def test_wrong_fields_are_refused_by_name(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        for draft, field in ((SessionDraft(date(2026, 5, 5), "25:00", "A", "B"), "time"),
                             (SessionDraft(date(2026, 5, 5), "10:00", "  ", "B"), "room"),
                             (SessionDraft(date(2026, 5, 5), "10:00", "A", ""), "examiner")):
            with pytest.raises(StaffRefusal) as refused:
                sessions.create_session(db, school.centre_id, draft, school.head)
            assert (refused.value.code, refused.value.detail) == ("invalid", field)


def test_teachers_create_sessions_only_when_the_centre_allows_it(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        with pytest.raises(StaffRefusal) as refused:
            sessions.create_session(db, school.centre_id, SessionDraft(date(2026, 5, 5), "10:00", "A", "B"),
                                    school.teacher)
        assert refused.value.code == "forbidden"
        pupil = school.pupils[0]
        with pytest.raises(StaffRefusal) as refused:
            sessions.create_session(db, school.centre_id, SessionDraft(date(2026, 5, 5), "10:00", "A", "B"), pupil)
        assert (refused.value.code, refused.value.status) == ("unknown", 404)


def test_another_centres_staff_see_nothing(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        other_head = people.gar_person(db, "0690002B", "National_dir", "dir2")
        for call in (lambda: sessions.visible_session(db, school.session_id, other_head),
                     lambda: sessions.update_session(db, school.session_id,
                                                     SessionDraft(date(2026, 5, 5), "10:00", "A", "B"), other_head),
                     lambda: sessions.delete_session(db, school.session_id, other_head)):
            with pytest.raises(StaffRefusal) as refused:
                call()
            assert refused.value.status == 404


def test_edit_and_delete_only_while_nothing_started(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        edited = sessions.update_session(db, school.session_id,
                                         SessionDraft(date(2026, 5, 6), "14:30", "CDI", "M. Roux", "", "Groupe 2"),
                                         school.head)
        assert (edited.date, edited.time, edited.room, edited.description) == (date(2026, 5, 6), "14:30", "CDI",
                                                                                "Groupe 2")
        [candidate, *_] = enrol_pupils(db, school.session_id, school.pupils, school.head)
        db.add(CertificationCourseRow(candidate_id=candidate.id, session_id=school.session_id,
                                      account_id=candidate.account_id, version="v3", seed="s",
                                      started_at=datetime(2026, 5, 6, 14, 31, tzinfo=UTC)))
        db.flush()
        with pytest.raises(StaffRefusal) as refused:
            sessions.update_session(db, school.session_id, SessionDraft(date(2026, 5, 7), "10:00", "A", "B"),
                                    school.head)
        assert refused.value.code == "already_started"
        with pytest.raises(StaffRefusal) as refused:
            sessions.delete_session(db, school.session_id, school.head)
        assert refused.value.code == "already_started"


def test_a_session_not_started_is_deleted_with_its_candidates(sessions_: sessionmaker[Session]) -> None:
    with sessions_.begin() as db:
        school = make_school(db)
        enrol_pupils(db, school.session_id, school.pupils, school.head)
        sessions.delete_session(db, school.session_id, school.head)
    with sessions_() as db:
        assert repository.session_by_number(db, school.session_number) is None
        assert repository.candidacies_of_account(db, school.pupils[0]) == []
