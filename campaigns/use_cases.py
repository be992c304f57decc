"""Campaign use cases. Each function takes a `Session` and works inside the caller's transaction; the engine
decides, `now`, ids, seeds and random sources come in."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns import access
from campaigns import repository as repo
from campaigns.models import CampaignRow, Organisation, ParticipationRow, TargetProfileRow
from core import events
from core.events import CampaignResultsShared
from engine.assessment import AssessmentType
from engine.campaigns import participation as rules
from engine.campaigns.campaign_test import CampaignProgress, campaign_progress, start_campaign_test
from engine.campaigns.code import generate_code, normalise_code
from engine.campaigns.participation import CampaignError, CampaignRefusal, CampaignType, ParticipationStatus
from engine.campaigns.results import CampaignResult, campaign_result, snapshot
from engine.campaigns.target_profile import (
    Badge,
    BadgeCriterion,
    Stage,
    TargetProfile,
    TargetProfileError,
    badges_to_json,
    default_stages,
    skills_of_tubes,
    stages_to_json,
)
from engine.competence_test import LearnerRecord, Step
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.knowledge import current_knowledge
from engine.profile import Profile, build_profile
from engine.referential import Referential
from engine.text import clean_name
from learning import repository as learning_repo
from learning.models import AssessmentRow
from learning.use_cases import clock_start

MAX_NAME = 255
CODE_ATTEMPTS = 20


class CampaignAccess(StrEnum):
    FORBIDDEN = "forbidden"
    UNKNOWN_CAMPAIGN = "unknown_campaign"
    UNKNOWN_PARTICIPATION = "unknown_participation"
    BAD_FORM = "bad_form"


# --- creating a campaign (teachers) -------------------------------------------------------------------------

@dataclass(frozen=True)
class CampaignDraft:
    name: str
    type: CampaignType
    tubes: tuple[str, ...] = ()
    max_level: int | None = None
    multiple_sendings: bool = False
    stages: tuple[Stage, ...] | None = None  # None: the default stages by level
    badge_rate: int | None = None  # one badge per chosen competence at this % of its target skills


def build_target_profile(referential: Referential, draft: CampaignDraft) -> TargetProfile:
    skills = skills_of_tubes(referential, draft.tubes, draft.max_level)
    if draft.stages is not None:
        stages = draft.stages
    else:  # the default stages by level, up to the hardest target skill (a stage beyond it could not differ)
        hardest = max(referential.skills[n].level for n in skills)
        stages = tuple(s for s in default_stages() if (s.level or 0) <= hardest)
    badges: tuple[Badge, ...] = ()
    if draft.badge_rate is not None:
        grouped: dict[str, list[str]] = {}
        for name in skills:
            grouped.setdefault(referential.skills[name].competence_code, []).append(name)
        badges = tuple(
            Badge(f"competence-{code}", f"{code} {referential.competences[code].name}",
                  (BadgeCriterion(draft.badge_rate, frozenset(names)),))
            for code, names in grouped.items()
        )
    return TargetProfile(draft.name, skills, stages, badges)


def create_campaign(session: Session, referential: Referential, draft: CampaignDraft, *, creator_id: int,
                    organisation: Organisation, course_id: int | None, rng: random.Random,
                    now: datetime) -> CampaignRow:
    if not access.may_manage_organisation(session, creator_id, organisation):
        raise CampaignError(CampaignAccess.FORBIDDEN, "not a teacher of this organisation")
    name = clean_name(draft.name, len(draft.name)) or ""
    if not name or len(name) > MAX_NAME:
        raise CampaignError(CampaignAccess.BAD_FORM, "a campaign needs a name (255 characters at most)")
    target_profile_id = None
    if draft.type is CampaignType.ASSESSMENT:
        try:
            profile = build_target_profile(referential, replace(draft, name=name))
        except TargetProfileError as exc:
            raise CampaignError(CampaignAccess.BAD_FORM, str(exc)) from exc
        row = TargetProfileRow(organisation_id=organisation.id, name=name, skills=list(profile.skills),
                               stages=stages_to_json(profile.stages), badges=badges_to_json(profile.badges),
                               created_at=now)
        session.add(row)
        session.flush()
        target_profile_id = row.id
    campaign = CampaignRow(code=_unused_code(session, rng), name=name, type=str(draft.type),
                           organisation_id=organisation.id, target_profile_id=target_profile_id,
                           multiple_sendings=draft.multiple_sendings, created_by=creator_id, course_id=course_id,
                           created_at=now)
    session.add(campaign)
    session.flush()
    return campaign


def _unused_code(session: Session, rng: random.Random) -> str:
    for _ in range(CODE_ATTEMPTS):
        code = generate_code(rng)
        if session.scalar(select(CampaignRow.id).where(CampaignRow.code == code)) is None:
            return code
    raise RuntimeError("no free campaign code found")  # 23^6 * 8^3 codes: practically unreachable


def campaign_for_teacher(session: Session, account_id: int, campaign_id: int) -> CampaignRow:
    campaign = session.get(CampaignRow, campaign_id)
    if campaign is None:
        raise CampaignError(CampaignAccess.UNKNOWN_CAMPAIGN, "no such campaign")
    if not access.may_see_campaign(session, account_id, campaign):
        raise CampaignError(CampaignAccess.FORBIDDEN, "this campaign belongs to another class")
    return campaign


# --- joining and taking part (students) ---------------------------------------------------------------------

def find_by_code(session: Session, typed: str) -> CampaignRow:
    code = normalise_code(typed)
    if code is None:
        raise CampaignError(CampaignRefusal.INVALID_CODE, "a code is 6 letters then 3 digits")
    campaign = session.scalars(select(CampaignRow).where(CampaignRow.code == code)).first()
    if campaign is None:
        raise CampaignError(CampaignRefusal.UNKNOWN_CODE, "no campaign has this code")
    return campaign


def join(session: Session, campaign: CampaignRow, account_id: int, *, now: datetime,
         new_id: Callable[[], str]) -> ParticipationRow:
    """The account's current participation in the campaign, created on the first visit."""
    if campaign.archived_at is not None:
        raise CampaignError(CampaignRefusal.CAMPAIGN_ARCHIVED, "this campaign is closed")
    found = repo.latest_participation(session, campaign.id, account_id)
    if found is not None:
        return found
    started = rules.begin(new_id(), CampaignType(campaign.type), now=now)
    row = ParticipationRow(id=started.id, campaign_id=campaign.id, account_id=account_id, attempt=1,
                           is_improved=False, status=str(started.status), created_at=now,
                           completed_at=started.completed_at)
    session.add(row)
    session.flush()
    return row


def _load_own(session: Session, account_id: int, participation_id: str, *,
              lock: bool = False) -> tuple[ParticipationRow, CampaignRow]:
    row = repo.own_participation(session, account_id, participation_id, lock=lock)
    if row is None:
        raise CampaignError(CampaignAccess.UNKNOWN_PARTICIPATION, "no such participation for this account")
    campaign = session.get(CampaignRow, row.campaign_id)
    assert campaign is not None  # foreign key
    return row, campaign


def start_test(session: Session, referential: Referential, account_id: int, participation_id: str, *,
               now: datetime, assessment_id: str, seed: str, strategy: str = "smart-random",
               config: EngineConfig = DEFAULT_CONFIG) -> Step:
    """Start (or resume) the participation's campaign test; its questions are the student pages' `/evaluations`."""
    row, campaign = _load_own(session, account_id, participation_id, lock=True)
    profile = repo.target_profile_of(session, campaign)
    if profile is None:
        raise CampaignError(CampaignRefusal.NOT_A_TEST, "a profiles collection has no test")
    if row.status != ParticipationStatus.STARTED:
        raise CampaignError(CampaignRefusal.ALREADY_COMPLETED, "this campaign test is over")
    record = learning_repo.load_record(session, account_id)
    return _begin(session, referential, row, campaign, profile, record, now=now, assessment_id=assessment_id,
                  seed=seed, strategy=strategy, config=config)


def _begin(session: Session, referential: Referential, row: ParticipationRow, campaign: CampaignRow,
           profile: TargetProfile, record: LearnerRecord, *, now: datetime, assessment_id: str, seed: str,
           strategy: str, config: EngineConfig, only_if_nothing_to_ask: bool = False) -> Step:
    """The engine starts (or resumes) the test; a new assessment is stored, and the participation completed at
    once when the profile already knows every target skill. `only_if_nothing_to_ask`: store nothing unless so."""
    step = start_campaign_test(referential, record, profile.skills, participation_id=row.id, now=now,
                               assessment_id=assessment_id, seed=seed, improving=row.attempt > 1,
                               strategy=strategy, config=config)
    if step.assessment.id == assessment_id and (step.assessment.is_completed or not only_if_nothing_to_ask):
        learning_repo.insert_assessment(session, row.account_id, step.assessment,
                                        handed_out_at=clock_start(referential, step.assessment, now))
        row.assessment_id = assessment_id
        if step.assessment.is_completed:
            repo.apply(row, rules.complete(repo.to_participation(row, campaign.type), now=now))
        session.flush()
    return step


def _sync(session: Session, row: ParticipationRow, campaign: CampaignRow) -> None:
    """A started participation whose test the student pages completed becomes completed."""
    if row.status != ParticipationStatus.STARTED or row.assessment_id is None:
        return
    assessment = session.get(AssessmentRow, row.assessment_id)
    if assessment is not None and assessment.state == "completed":
        done_at = learning_repo.aware(assessment.updated_at) or learning_repo.aware(assessment.created_at)
        repo.apply(row, rules.complete(repo.to_participation(row, campaign.type), now=done_at))  # type: ignore[arg-type]
        session.flush()


@dataclass(frozen=True)
class ParticipationView:
    campaign: CampaignRow
    participation: rules.Participation
    assessment_id: str | None
    target_profile: TargetProfile | None
    progress: CampaignProgress | None
    result: CampaignResult | None  # live results (the student's own), or those shared
    profile: Profile
    retry_refusal: CampaignError | None
    retry_days: int


def participation_view(session: Session, referential: Referential, account_id: int, participation_id: str, *,
                       now: datetime, config: EngineConfig = DEFAULT_CONFIG, assessment_id: str | None = None,
                       seed: str = "", strategy: str = "smart-random") -> ParticipationView:
    """The participation as the student sees it. A test not yet begun whose target skills the profile already
    knows has nothing to ask: with `assessment_id` given, it is completed now (as "Commencer" would), so the page
    shows the results and the sending, not a "99 %" test that ends with no question."""
    row, campaign = _load_own(session, account_id, participation_id, lock=assessment_id is not None)
    _sync(session, row, campaign)
    record = learning_repo.load_record(session, account_id)
    target = repo.target_profile_of(session, campaign)
    if (assessment_id is not None and target is not None and row.status == ParticipationStatus.STARTED
            and row.assessment_id is None):
        step = _begin(session, referential, row, campaign, target, record, now=now, assessment_id=assessment_id,
                      seed=seed, strategy=strategy, config=config, only_if_nothing_to_ask=True)
        if step.assessment.is_completed:
            record = learning_repo.load_record(session, account_id)
    profile = build_profile(referential, record, now, config)
    progress = result = None
    if target is not None:
        progress = campaign_progress(record, target.skills, row.id)
        result = campaign_result(referential, target, current_knowledge(record.knowledge_elements))
    participation = repo.to_participation(row, campaign.type)
    refusal = rules.retry_refusal(participation, multiple_sendings=campaign.multiple_sendings, now=now,
                                  config=config)
    return ParticipationView(campaign, participation, row.assessment_id, target, progress, result, profile, refusal,
                             rules.remaining_days_before_retry(participation, now, config))


def share(session: Session, referential: Referential, account_id: int, participation_id: str, *, now: datetime,
          config: EngineConfig = DEFAULT_CONFIG) -> rules.Participation:
    """Send the results: computed now, frozen in the snapshot; a second sending is refused. The mastery rate is
    enqueued for the gradebook of the learner's activities linked to this campaign (same transaction)."""
    row, campaign = _load_own(session, account_id, participation_id, lock=True)
    _sync(session, row, campaign)
    record = learning_repo.load_record(session, account_id)
    target = repo.target_profile_of(session, campaign)
    result = None
    if target is not None:
        result = campaign_result(referential, target, current_knowledge(record.knowledge_elements))
    data = snapshot(result, build_profile(referential, record, now, config))
    shared = rules.share(repo.to_participation(row, campaign.type), data, now=now)
    repo.apply(row, shared)
    session.flush()
    if result is not None:  # an assessment campaign's mastery reaches the gradebook only now, in this transaction
        stage = None if result.stage is None else (result.stage.index, result.stage.count)
        events.publish(session, CampaignResultsShared(account_id=account_id, campaign_code=campaign.code,
                                                      mastery_percent=result.mastery_percent, stage=stage, at=now))
    return shared


def retry(session: Session, account_id: int, participation_id: str, *, now: datetime, new_id: Callable[[], str],
          config: EngineConfig = DEFAULT_CONFIG) -> ParticipationRow:
    """A new attempt ("Repasser le parcours" / "Envoyer à nouveau"); the previous one stays as history."""
    row, campaign = _load_own(session, account_id, participation_id, lock=True)
    latest = repo.latest_participation(session, campaign.id, account_id)
    if latest is not None and latest.id != row.id:
        return latest  # already retried (a replayed form)
    nxt = rules.retry(repo.to_participation(row, campaign.type), new_id(),
                      multiple_sendings=campaign.multiple_sendings, now=now, config=config)
    row.is_improved = True
    new = ParticipationRow(id=nxt.id, campaign_id=campaign.id, account_id=account_id, attempt=nxt.attempt,
                           is_improved=False, status=str(nxt.status), created_at=now, completed_at=nxt.completed_at)
    session.add(new)
    session.flush()
    return new


def participation_for_assessment(session: Session, account_id: int, assessment_id: str) -> str | None:
    """The participation a campaign test belongs to (for the end of the test's pages)."""
    found = session.get(AssessmentRow, assessment_id)
    if found is None or found.account_id != account_id or found.type != str(AssessmentType.CAMPAIGN):
        return None
    return found.campaign_participation_id


def own_participations(session: Session, account_id: int) -> Sequence[tuple[ParticipationRow, CampaignRow]]:
    return session.execute(
        select(ParticipationRow, CampaignRow).join(CampaignRow, CampaignRow.id == ParticipationRow.campaign_id)
        .where(ParticipationRow.account_id == account_id, ParticipationRow.is_improved.is_(False))
        .order_by(ParticipationRow.created_at.desc())).all()  # type: ignore[return-value]
