"""The staff side of certification as the doors call it: one transaction per call, views as plain data (rows
are returned detached and read-only), the clock injectable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from campaigns.models import CampaignRow
from certification import access, centres, enrolment, finalisation, repository, sessions, sos
from certification.access import StaffPlace, StaffRole
from certification.certifiability import certifiability_of
from certification.errors import UNKNOWN, StaffRefusal
from certification.models import (
    CandidateRow,
    CentreRow,
    CertificationAnswerRow,
    CertificationCourseRow,
    IssueReportRow,
    ResultRow,
    SessionRow,
)
from core.courses import Course
from engine.referential import Referential
from engine.scoring import Certifiability


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HomeView:
    places: list[StaffPlace]
    openable_schools: list[str]  # UAIs where the account is direction and no centre exists yet
    openable_courses: list[tuple[int, str]]  # (course id, title) where the account is staff, no centre yet


@dataclass(frozen=True)
class CentreView:
    centre: CentreRow
    role: StaffRole
    sessions: list[tuple[SessionRow, int]]  # (session, candidates)
    may_create: bool
    may_manage: bool


@dataclass(frozen=True)
class CandidateLine:
    candidate: CandidateRow
    certifiability: Certifiability | None  # None: no linked account (CSV pupil never matched)
    course: CertificationCourseRow | None
    result: ResultRow | None
    answered: tuple[str, ...]  # challenge ids answered, in order
    reports: tuple[IssueReportRow, ...]


@dataclass(frozen=True)
class SessionView:
    session: SessionRow
    centre: CentreRow
    role: StaffRole
    lines: list[CandidateLine]
    started: bool
    may_edit: bool  # edit, delete, enrol: created, nothing started, allowed to create sessions
    may_manage: bool  # finalise, publish

    @property
    def certifiable_count(self) -> int:
        return sum(1 for line in self.lines if line.certifiability and line.certifiability.is_certifiable)


class CertificationStaff:
    def __init__(self, sessions_: sessionmaker[Session], referential: Referential,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.sessions = sessions_
        self.referential = referential
        self.clock = clock

    # --- centres ------------------------------------------------------------------------------------------------

    def home(self, account_id: int) -> HomeView:
        with self.sessions.begin() as db:
            places = access.staff_places(db, account_id)
            taken_uais = {p.centre.uai for p in places}
            schools = [u for u in access.schools_where_manager(db, account_id)
                       if u not in taken_uais and repository.centre_by_uai(db, u) is None]
            courses = []
            for course_id in sorted(access.courses_where_staff(db, account_id)):
                if repository.centre_by_course(db, course_id) is None:
                    course = db.get(Course, course_id)
                    courses.append((course_id, (course.title or course.label or course.context_id) if course
                                    else str(course_id)))
            return HomeView(places, schools, courses)

    def is_staff_anywhere(self, account_id: int) -> bool:
        home = self.home(account_id)
        return bool(home.places or home.openable_schools or home.openable_courses)

    def open_centre(self, account_id: int, kind: str, key: str) -> CentreRow:
        with self.sessions.begin() as db:
            if kind == "school":
                return centres.open_school_centre(db, key, "", account_id)
            if kind == "course" and key.isdigit():
                return centres.open_course_centre(db, int(key), account_id)
            raise StaffRefusal("invalid", 400, "kind")

    def centre(self, account_id: int, centre_id: int) -> CentreView:
        with self.sessions.begin() as db:
            centre = repository.centre(db, centre_id)
            role = None if centre is None else access.role_in_centre(db, account_id, centre)
            if centre is None or role is None:
                raise StaffRefusal(UNKNOWN, 404)
            rows = repository.sessions_of_centre(db, centre.id)
            counts = dict(db.execute(select(CandidateRow.session_id, func.count(CandidateRow.id))
                                     .where(CandidateRow.session_id.in_([r.id for r in rows]))
                                     .group_by(CandidateRow.session_id)).all())
            return CentreView(centre, role, [(r, counts.get(r.id, 0)) for r in rows],
                              access.may_create_sessions(centre, role), access.may_manage_centre(role))

    def change_settings(self, account_id: int, centre_id: int, settings: centres.CentreSettings) -> None:
        with self.sessions.begin() as db:
            centres.change_settings(db, centre_id, settings, account_id)

    def create_sos(self, account_id: int, centre_id: int) -> CampaignRow:
        with self.sessions.begin() as db:
            return sos.create_sos_campaign(db, self.referential, centre_id, account_id, self.clock())

    def create_rentree(self, account_id: int, centre_id: int) -> CampaignRow:
        with self.sessions.begin() as db:
            return sos.create_rentree_campaign(db, self.referential, centre_id, account_id, self.clock())

    # --- sessions -----------------------------------------------------------------------------------------------

    def create_session(self, account_id: int, centre_id: int, draft: sessions.SessionDraft) -> SessionRow:
        with self.sessions.begin() as db:
            return sessions.create_session(db, centre_id, draft, account_id)

    def update_session(self, account_id: int, session_id: int, draft: sessions.SessionDraft) -> SessionRow:
        with self.sessions.begin() as db:
            return sessions.update_session(db, session_id, draft, account_id)

    def delete_session(self, account_id: int, session_id: int) -> int:
        """Deletes it; returns its centre's id (where to go next)."""
        with self.sessions.begin() as db:
            row, _ = sessions.visible_session(db, session_id, account_id)
            centre_id = row.centre_id
            sessions.delete_session(db, session_id, account_id)
            return centre_id

    def session(self, account_id: int, session_id: int) -> SessionView:
        with self.sessions.begin() as db:
            row, role = sessions.visible_session(db, session_id, account_id)
            centre = db.get(CentreRow, row.centre_id)
            assert centre is not None
            candidates = repository.candidates_of_session(db, row.id)
            courses = {c.candidate_id: c for c in repository.courses_of_session(db, row.id)}
            results = {r.candidate_id: r for r in repository.results_of_session(db, row.id)}
            reports: dict[int, list[IssueReportRow]] = {}
            for report in repository.issue_reports_of_session(db, row.id):
                reports.setdefault(report.candidate_id, []).append(report)
            live = certifiability_of(db, self.referential, [c.account_id for c in candidates if c.account_id])
            answered_by_course: dict[int, list[str]] = {}
            for course_id, challenge_id in db.execute(
                    select(CertificationAnswerRow.course_id, CertificationAnswerRow.challenge_id)
                    .join(CertificationCourseRow, CertificationCourseRow.id == CertificationAnswerRow.course_id)
                    .where(CertificationCourseRow.session_id == row.id)
                    .order_by(CertificationAnswerRow.course_id, CertificationAnswerRow.position)):
                answered_by_course.setdefault(course_id, []).append(challenge_id)
            lines = []
            for candidate in candidates:
                course = courses.get(candidate.id)
                answered = tuple(answered_by_course.get(course.id, ())) if course else ()
                lines.append(CandidateLine(candidate, live.get(candidate.account_id or -1), course,
                                           results.get(candidate.id), answered,
                                           tuple(reports.get(candidate.id, ()))))
            started = bool(courses)
            may_edit = (row.state == sessions.SessionState.CREATED and not started
                        and (access.may_create_sessions(centre, role) or row.created_by == account_id))
            return SessionView(row, centre, role, lines, started, may_edit, access.may_manage_centre(role))

    def classes(self, account_id: int, session_id: int) -> list[enrolment.ClassOfCentre]:
        with self.sessions.begin() as db:
            row, _ = sessions.visible_session(db, session_id, account_id)
            centre = db.get(CentreRow, row.centre_id)
            assert centre is not None
            return enrolment.centre_classes(db, centre)

    def enrol(self, account_id: int, session_id: int, account_ids: Sequence[int]) -> int:
        with self.sessions.begin() as db:
            return len(enrolment.enrol_pupils(db, session_id, account_ids, account_id))

    def enrol_csv(self, account_id: int, session_id: int, raw: bytes) -> int:
        with self.sessions.begin() as db:
            return len(enrolment.enrol_from_csv(db, session_id, raw, account_id, self._today()))

    def remove_candidate(self, account_id: int, candidate_id: int) -> int:
        """Removes the candidate; returns their session's id."""
        with self.sessions.begin() as db:
            candidate = repository.candidate(db, candidate_id)
            if candidate is None:
                raise StaffRefusal(UNKNOWN, 404)
            session_id = candidate.session_id
            enrolment.remove_candidate(db, candidate_id, account_id)
            return session_id

    def report_incident(self, account_id: int, candidate_id: int, incident: finalisation.ReportedIncident) -> int:
        """Returns the candidate's session id."""
        with self.sessions.begin() as db:
            finalisation.report_incident(db, candidate_id, incident, account_id, self.clock())
            candidate = repository.candidate(db, candidate_id)
            assert candidate is not None
            return candidate.session_id

    def withdraw_incident(self, account_id: int, report_id: int) -> int:
        with self.sessions.begin() as db:
            return finalisation.withdraw_incident(db, report_id, account_id)

    def finalise(self, account_id: int, session_id: int, report: finalisation.FinalisationReport) -> None:
        with self.sessions.begin() as db:
            finalisation.finalise_session(db, self.referential, session_id, report, account_id, self.clock())

    def publish(self, account_id: int, session_id: int) -> None:
        with self.sessions.begin() as db:
            finalisation.publish_results(db, session_id, account_id, self.clock())

    def _today(self) -> date:
        return self.clock().date()


