"""Reading and writing certification rows. Plain functions over a SQLAlchemy session; no commit here: the use
case owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from certification.models import (
    CandidateRow,
    CentreRow,
    CentreStaffRow,
    CertificationAnswerRow,
    CertificationCourseRow,
    IssueReportRow,
    ResultRow,
    SessionRow,
)


def centre(session: Session, centre_id: int) -> CentreRow | None:
    return session.get(CentreRow, centre_id)


def centre_by_uai(session: Session, uai: str) -> CentreRow | None:
    return session.scalar(select(CentreRow).where(CentreRow.uai == uai.upper()))


def centre_by_course(session: Session, course_id: int) -> CentreRow | None:
    return session.scalar(select(CentreRow).where(CentreRow.course_id == course_id))


def all_centres(session: Session) -> Sequence[CentreRow]:
    return session.scalars(select(CentreRow).order_by(CentreRow.name, CentreRow.id)).all()


def staff_row(session: Session, centre_id: int, account_id: int) -> CentreStaffRow | None:
    return session.scalar(select(CentreStaffRow).where(CentreStaffRow.centre_id == centre_id,
                                                       CentreStaffRow.account_id == account_id))


def session_by_id(session: Session, session_id: int) -> SessionRow | None:
    return session.get(SessionRow, session_id)


def session_by_number(session: Session, number: int) -> SessionRow | None:
    """The session candidates and invigilators name by its number."""
    return session.scalar(select(SessionRow).where(SessionRow.number == number))


def sessions_of_centre(session: Session, centre_id: int) -> Sequence[SessionRow]:
    return session.scalars(select(SessionRow).where(SessionRow.centre_id == centre_id)
                           .order_by(SessionRow.date.desc(), SessionRow.time.desc(), SessionRow.id.desc())).all()


def candidate(session: Session, candidate_id: int) -> CandidateRow | None:
    return session.get(CandidateRow, candidate_id)


def candidates_of_session(session: Session, session_id: int) -> Sequence[CandidateRow]:
    return session.scalars(select(CandidateRow).where(CandidateRow.session_id == session_id)
                           .order_by(CandidateRow.last_name, CandidateRow.first_name, CandidateRow.id)).all()


def candidate_by_account(session: Session, session_id: int, account_id: int) -> CandidateRow | None:
    """The candidate a logged-in pupil is in this session (None: not enrolled with this account)."""
    return session.scalar(select(CandidateRow).where(CandidateRow.session_id == session_id,
                                                     CandidateRow.account_id == account_id))


def candidacies_of_account(session: Session, account_id: int) -> Sequence[CandidateRow]:
    return session.scalars(select(CandidateRow).where(CandidateRow.account_id == account_id)
                           .order_by(CandidateRow.id)).all()


def course_of_candidate(session: Session, candidate_id: int) -> CertificationCourseRow | None:
    """The candidate's certification test, if it has started."""
    return session.scalar(select(CertificationCourseRow).where(CertificationCourseRow.candidate_id == candidate_id))


def courses_of_session(session: Session, session_id: int) -> Sequence[CertificationCourseRow]:
    return session.scalars(select(CertificationCourseRow)
                           .where(CertificationCourseRow.session_id == session_id)).all()


def answers_of_course(session: Session, course_id: int) -> Sequence[CertificationAnswerRow]:
    return session.scalars(select(CertificationAnswerRow).where(CertificationAnswerRow.course_id == course_id)
                           .order_by(CertificationAnswerRow.position)).all()


def issue_reports_of_session(session: Session, session_id: int) -> Sequence[IssueReportRow]:
    return session.scalars(select(IssueReportRow).join(CandidateRow, CandidateRow.id == IssueReportRow.candidate_id)
                           .where(CandidateRow.session_id == session_id)
                           .order_by(IssueReportRow.raised_at, IssueReportRow.id)).all()


def issue_reports_of_candidate(session: Session, candidate_id: int) -> Sequence[IssueReportRow]:
    return session.scalars(select(IssueReportRow).where(IssueReportRow.candidate_id == candidate_id)
                           .order_by(IssueReportRow.raised_at, IssueReportRow.id)).all()


def results_of_session(session: Session, session_id: int) -> Sequence[ResultRow]:
    return session.scalars(select(ResultRow).join(CandidateRow, CandidateRow.id == ResultRow.candidate_id)
                           .where(CandidateRow.session_id == session_id)).all()


def result_of_course(session: Session, course_id: int) -> ResultRow | None:
    return session.scalar(select(ResultRow).where(ResultRow.course_id == course_id))
