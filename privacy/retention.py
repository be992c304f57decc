"""Retention: how long each kind of personal data is kept, and the purge that enforces it (`pix-lti purge`,
and `pix-lti worker` once per `PIX_LTI_RETENTION_PURGE_INTERVAL_SECONDS`). Every period is configurable;
the defaults follow the school year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import and_, delete, func, null, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from certificates.models import CertificateRow
from certification.models import CandidateRow, IssueReportRow, SessionRow
from core import audit
from core.accounts import Account
from core.links import AccountLink
from core.rosters import Roster, RosterMember
from core.store.base import ShortLivedStore
from ent_gar_connector.models import GarRosterEntry
from learning.models import AnswerRow, AssessmentRow
from lti_tool.grades.models import DEAD, DELIVERED, SUPERSEDED, OutboxItem
from privacy.erased import forget_erased_before
from privacy.erasure import collect, delete_redis, delete_rows

_BATCH = 200


class RetentionSettings(BaseSettings):
    """Periods in days (prefix ``PIX_LTI_RETENTION_``)."""

    model_config = SettingsConfigDict(env_prefix="PIX_LTI_RETENTION_", extra="ignore")

    # an account (and everything it owns: results, answers, participations...) one school year after its last use
    account_days: int = Field(365, ge=1)
    # the text of answers (pupils may type names or addresses) of finished tests; the right/wrong status stays
    answer_text_days: int = Field(180, ge=1)
    # grades sent to the LMS (the LMS keeps them): the outbox row is only a delivery receipt
    delivered_outbox_days: int = Field(30, ge=1)
    # deliveries that failed for good, kept a while for the administrator to see and retry
    dead_outbox_days: int = Field(90, ge=1)
    # LMS rosters (NRPS) of courses whose teachers no longer launch the tool (a roster is refreshed at each
    # instructor launch)
    course_roster_days: int = Field(180, ge=1)
    # a school's class-list entries (names, birth date) never matched to a pupil: always before the next year
    class_list_days: int = Field(60, ge=1)
    # keyed digests of erased identities (they keep an LMS roster from storing an erased pupil again)
    erased_identity_days: int = Field(365, ge=1)
    # certification candidates' identity (names, birth date, class, extra time, accessibility adjustment) and the
    # comments of their incidents, one school year after the session: the test has been scored and published, the
    # certificate carries what must stay; a session still waiting for its review keeps them until it is published
    certification_candidate_days: int = Field(365, ge=1)
    # certificates (names, birth date, levels, verification code) after the session: valid 3 years (the seeds:
    # "valable 3 ans", "renouvelée tous les 3 ans"), then one more school year in which the holder, the school and
    # a verifier are told it has expired (instead of "unknown"); then deleted
    certificate_days: int = Field(4 * 365 + 1, ge=1)
    purge_interval_seconds: int = Field(24 * 3600, ge=60)


@dataclass
class PurgeReport:
    accounts: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    redis_keys: int = 0
    interrupted: bool = False  # stopped between two batches of accounts (the worker is stopping)

    def add(self, name: str, count: int) -> None:
        if count:
            self.tables[name] = self.tables.get(name, 0) + count


def _expired_accounts(session: Session, cutoff: datetime) -> list[int]:
    """Accounts unused since the cutoff, unless linked to an account still in use (a linked learner's profile may
    live on the account of the door they no longer use)."""
    partner = aliased(Account)
    in_use_partner = (
        select(AccountLink.id)
        .join(partner, or_(and_(AccountLink.account_id == Account.id, partner.id == AccountLink.profile_account_id),
                           and_(AccountLink.profile_account_id == Account.id, partner.id == AccountLink.account_id)))
        .where(partner.last_launch_at >= cutoff)
    )
    return list(session.scalars(select(Account.id).where(Account.last_launch_at < cutoff, ~in_use_partner.exists())
                                .order_by(Account.id).limit(_BATCH)))


FINALISED_AWAITING_REVIEW = "finalised"


def _purge_certification(session: Session, settings: RetentionSettings, now: datetime, report: PurgeReport) -> None:
    """Candidates of old sessions lose their identity (the rows and the tests stay, for the results and for the
    challenges a pupil must not see again); old certificates go."""
    cutoff = (now - timedelta(days=settings.certification_candidate_days)).date()
    old_sessions = select(SessionRow.id).where(SessionRow.date < cutoff, SessionRow.state != FINALISED_AWAITING_REVIEW)
    named = select(CandidateRow.id).where(CandidateRow.session_id.in_(old_sessions),
                                          or_(CandidateRow.first_name != "", CandidateRow.last_name != "",
                                              CandidateRow.birth_date.is_not(None),
                                              CandidateRow.division.is_not(None)))
    ids = list(session.scalars(named))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start:start + _BATCH]
        session.execute(update(IssueReportRow).where(IssueReportRow.candidate_id.in_(batch),
                                                     IssueReportRow.comment != "")
                        .values(comment="").execution_options(synchronize_session=False))
        session.execute(update(CandidateRow).where(CandidateRow.id.in_(batch)).values(
            first_name="", last_name="", birth_date=None, division=None, extra_time_percent=0,
            accessibility_adjustment=False).execution_options(synchronize_session=False))
    report.add("certification_candidates (identity cleared)", len(ids))
    report.add("certification_sessions.examiner_comment (NULL)", session.execute(
        update(SessionRow).where(SessionRow.id.in_(old_sessions), SessionRow.examiner_comment.is_not(None))
        .values(examiner_comment=None).execution_options(synchronize_session=False)).rowcount or 0)
    expired = (now - timedelta(days=settings.certificate_days)).date()
    report.add("certificates", session.execute(delete(CertificateRow).where(
        CertificateRow.session_date < expired)).rowcount or 0)


def purge(sessions: sessionmaker[Session], store: ShortLivedStore | None, settings: RetentionSettings,
          now: datetime, actor: str, stopping: Callable[[], bool] | None = None) -> PurgeReport:
    """Apply every period once. Accounts go in batches (one transaction each), the rest in one transaction
    with the audit entry. When `stopping()` turns true (the worker got SIGTERM), it returns between two batches
    with `interrupted` set: what was committed stays, the rest waits for the next purge."""
    report = PurgeReport()
    account_cutoff = now - timedelta(days=settings.account_days)
    while True:
        if stopping is not None and stopping():
            report.interrupted = True
            return report
        with sessions.begin() as session:
            ids = _expired_accounts(session, account_cutoff)
            if not ids:
                break
            data = collect(session, ids, store)
            for name, count in delete_rows(session, data).items():
                report.add(name, count)
            report.accounts += len(ids)
        if store is not None:
            report.redis_keys += delete_redis(store, data)
    with sessions.begin() as session:
        finished = select(AssessmentRow.id).where(AssessmentRow.state != "started")
        cleared = session.execute(
            update(AnswerRow).where(AnswerRow.created_at < now - timedelta(days=settings.answer_text_days),
                                    AnswerRow.value.is_not(None), AnswerRow.assessment_id.in_(finished))
            .values(value=null()).execution_options(synchronize_session=False))
        report.add("assessment_answers.value (NULL)", cleared.rowcount or 0)
        delivered = session.execute(delete(OutboxItem).where(
            OutboxItem.status.in_((DELIVERED, SUPERSEDED)),
            func.coalesce(OutboxItem.delivered_at, OutboxItem.created_at)
            < now - timedelta(days=settings.delivered_outbox_days)))
        dead = session.execute(delete(OutboxItem).where(
            OutboxItem.status == DEAD, OutboxItem.created_at < now - timedelta(days=settings.dead_outbox_days)))
        report.add("grades_outbox", (delivered.rowcount or 0) + (dead.rowcount or 0))
        stale = select(Roster.course_id).where(Roster.fetched_at < now - timedelta(days=settings.course_roster_days))
        stale_ids = list(session.scalars(stale))
        if stale_ids:
            report.add("grades_roster_members", session.execute(
                delete(RosterMember).where(RosterMember.course_id.in_(stale_ids))).rowcount or 0)
            report.add("grades_rosters", session.execute(
                delete(Roster).where(Roster.course_id.in_(stale_ids))).rowcount or 0)
        report.add("gar_roster_entries", session.execute(delete(GarRosterEntry).where(
            GarRosterEntry.imported_at < now - timedelta(days=settings.class_list_days))).rowcount or 0)
        report.add("privacy_erased_identities",
                   forget_erased_before(session, now - timedelta(days=settings.erased_identity_days)))
        _purge_certification(session, settings, now, report)
        audit.record(session, actor, "privacy.purge", None, accounts=report.accounts, tables=dict(report.tables),
                     redis_keys=report.redis_keys, periods=settings.model_dump(exclude={"purge_interval_seconds"}))
    return report
