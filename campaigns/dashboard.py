"""The class dashboard of a campaign and its CSV export: a fixed number of queries whatever the class size.

Results appear once a participant has shared them (the frozen snapshot); before that, the teacher sees the
status and the progress. "Who has not started" comes from the platform's roster (NRPS) for a course, or from
the GAR classes for a school.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from campaigns import repository as repo
from campaigns.models import CampaignRow, Organisation, ParticipationRow
from core.accounts import Account
from core.links import linked_elsewhere
from core.rosters import roster_for_course
from core.schools import GarGroup, GarGroupMember, GarProfile, GarSchool
from engine.campaigns.campaign_test import CampaignProgress, playable_targets
from engine.campaigns.export import (
    ExportParticipant,
    assessment_table,
    encode_csv,
    profiles_collection_table,
)
from engine.campaigns.participation import CampaignType, ParticipationStatus
from engine.campaigns.results import SharedResults, read_snapshot
from engine.campaigns.target_profile import TargetProfile
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.knowledge import KnowledgeElement, assessed_skills, current_knowledge
from engine.referential import Referential
from learning.models import AssessmentRow, KnowledgeElementRow
from learning.repository import aware, to_knowledge_element

UNNAMED = "(nom non transmis)"


@dataclass(frozen=True)
class ParticipantRow:
    participation_id: str
    account_id: int
    family_name: str
    given_name: str
    groups: tuple[str, ...]
    group_ids: frozenset[int]
    status: ParticipationStatus
    attempt: int
    started_at: datetime
    shared_at: datetime | None
    progress: int | None  # percent
    results: SharedResults | None
    linked: bool = False  # the learner linked this account with another door's ("compte relié")
    nothing_to_ask: bool = False  # shown completed: the profile already assessed every target skill, no test begun

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p) or UNNAMED


@dataclass(frozen=True)
class GroupOption:
    id: int
    label: str
    kind: str


@dataclass(frozen=True)
class Dashboard:
    campaign: CampaignRow
    organisation: Organisation
    target_profile: TargetProfile | None
    competences: tuple[tuple[str, str], ...]  # the columns: (code, name)
    participants: tuple[ParticipantRow, ...]
    not_started: tuple[str, ...]
    roster_known: bool  # a roster (NRPS or GAR classes) tells who has not started
    groups: tuple[GroupOption, ...]
    selected_group: int | None

    @property
    def is_assessment(self) -> bool:
        return self.campaign.type == CampaignType.ASSESSMENT

    def count(self, status: ParticipationStatus) -> int:
        return sum(1 for p in self.participants if p.status is status)

    @property
    def average_mastery(self) -> int | None:
        values = [p.results.mastery_percent for p in self.participants
                  if p.results is not None and p.results.mastery_percent is not None]
        return round(sum(values) / len(values)) if values else None


def _names(account: tuple[str | None, str | None, str | None], entry: tuple[str | None, str | None]
           ) -> tuple[str, str]:
    name, given, family = account
    if given or family:
        return family or "", given or ""
    if entry[0] or entry[1]:
        return entry[1] or "", entry[0] or ""
    return (name or UNNAMED), ""


def _participants(session: Session, campaign: CampaignRow) -> list[tuple[ParticipationRow, ...]]:
    current = (ParticipationRow.campaign_id == campaign.id) & (ParticipationRow.is_improved == false())
    return session.execute(
        select(ParticipationRow.id, ParticipationRow.account_id, ParticipationRow.status, ParticipationRow.attempt,
               ParticipationRow.created_at, ParticipationRow.shared_at, ParticipationRow.snapshot,
               Account.name, Account.given_name, Account.family_name,
               GarProfile.listed_given_name, GarProfile.listed_family_name, AssessmentRow.state)
        .join(Account, Account.id == ParticipationRow.account_id)
        .outerjoin(GarProfile, GarProfile.account_id == ParticipationRow.account_id)
        .outerjoin(AssessmentRow, AssessmentRow.id == ParticipationRow.assessment_id)
        .where(current)
    ).all()  # type: ignore[return-value]


def _knowledge(session: Session, account_ids: Collection[int], skills: Collection[str]
               ) -> dict[int, list[KnowledgeElement]]:
    """The knowledge elements of these accounts on these skills, in the order written: one query for the class."""
    by_account: dict[int, list[KnowledgeElement]] = defaultdict(list)
    if not account_ids or not skills:
        return by_account
    for row in session.execute(
        select(*KnowledgeElementRow.__table__.columns)
        .where(KnowledgeElementRow.account_id.in_(sorted(account_ids)),
               KnowledgeElementRow.skill_name.in_(sorted(skills)))
        .order_by(KnowledgeElementRow.id)
    ):
        by_account[row.account_id].append(to_knowledge_element(row))
    return by_account


def _started_state(referential: Referential, target: TargetProfile, elements: list[KnowledgeElement], *,
                   begun: bool, attempt: int, now: datetime, config: EngineConfig) -> tuple[int, bool]:
    """A started participation as its pupil's page shows it: (progress percent, nothing to ask). Nothing to ask:
    the test is not begun and the profile already assesses every playable target skill (what
    `start_campaign_test` would complete at once, with no question), so it is ready to send."""
    state = current_knowledge(elements)
    targets = set(target.skills)
    progress = CampaignProgress(len(targets & set(state)), len(targets), completed=False).percent
    if begun:
        return progress, False
    assessed = assessed_skills(state, now=now, improving=attempt > 1,
                               retry_delay_days=config.retry_delay_days)
    return progress, set(playable_targets(referential, target.skills)) <= assessed


def _groups(session: Session, organisation: Organisation, account_ids: object
            ) -> tuple[dict[int, list[GroupOption]], list[GroupOption]]:
    """GAR classes and groups of the accounts (those of the organisation's school when it is one)."""
    query = (select(GarGroupMember.account_id, GarGroup.id, GarGroup.label, GarGroup.kind)
             .join(GarGroup, GarGroup.id == GarGroupMember.group_id)
             .where(GarGroupMember.account_id.in_(account_ids)))  # type: ignore[arg-type]
    if organisation.uai:
        query = query.join(GarSchool, GarSchool.id == GarGroup.school_id).where(GarSchool.uai == organisation.uai)
    by_account: dict[int, list[GroupOption]] = defaultdict(list)
    options: dict[int, GroupOption] = {}
    for account_id, group_id, label, kind in session.execute(query):
        option = options.setdefault(group_id, GroupOption(group_id, label, kind))
        by_account[account_id].append(option)
    return by_account, sorted(options.values(), key=lambda g: (g.kind != "class", g.label))


def _school_students(session: Session, uai: str) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Account.id, Account.name, Account.given_name, Account.family_name, GarProfile.listed_given_name,
               GarProfile.listed_family_name)
        .join(GarGroupMember, GarGroupMember.account_id == Account.id)
        .join(GarGroup, GarGroup.id == GarGroupMember.group_id)
        .join(GarSchool, GarSchool.id == GarGroup.school_id)
        .join(GarProfile, GarProfile.account_id == Account.id)
        .where(GarSchool.uai == uai, GarProfile.role == "student").distinct()
    ).all()
    out = []
    for account_id, name, given, family, r_given, r_family in rows:
        last, first = _names((name, given, family), (r_given, r_family))
        out.append((account_id, " ".join(p for p in (first, last) if p)))
    return out


def dashboard(session: Session, referential: Referential, campaign: CampaignRow, *,
              group_id: int | None = None, now: datetime | None = None,
              config: EngineConfig = DEFAULT_CONFIG) -> Dashboard:
    """The campaign's class view (access is checked by the caller: `use_cases.campaign_for_teacher`). Read only:
    a started participation whose test has nothing to ask is shown completed (ready to send, 100 %) as its
    pupil's page will make it, without writing anything in the pupil's record on the teacher's behalf."""
    now = now or datetime.now(UTC)
    organisation = session.get(Organisation, campaign.organisation_id)
    assert organisation is not None  # foreign key
    target = repo.target_profile_of(session, campaign)
    if target is not None:
        competences = tuple((c, referential.competences[c].name) for c in target.skills_by_competence(referential))
    else:
        competences = tuple((c.code, c.name) for c in referential.competences.values())
    raw = _participants(session, campaign)
    # a linked learner's profile lives on one account; their classes and roster entry may be on the other
    links = linked_elsewhere(session, [r[1] for r in raw])
    groups_of, options = _groups(session, organisation,
                                 [r[1] for r in raw] + [o for others in links.values() for o in others])
    knowledge = _knowledge(session, {r[1] for r in raw if r[2] == ParticipationStatus.STARTED and r[12] != "completed"},
                           target.skills if target is not None else ())
    rows = []
    for (pid, account_id, status, attempt, created, shared_at, snap, name, given, family, r_given, r_family,
         state) in raw:
        current = ParticipationStatus(status)
        if current is ParticipationStatus.STARTED and state == "completed":
            current = ParticipationStatus.COMPLETED
        progress: int | None = None
        nothing_to_ask = False
        if current is not ParticipationStatus.STARTED:
            progress = 100
        elif target is not None:
            progress, nothing_to_ask = _started_state(referential, target, knowledge.get(account_id, []),
                                                      begun=state is not None, attempt=attempt, now=now,
                                                      config=config)
            if nothing_to_ask:
                current, progress = ParticipationStatus.COMPLETED, 100
        last, first = _names((name, given, family), (r_given, r_family))
        mine = list({g.id: g for a in (account_id, *sorted(links.get(account_id, ())))
                     for g in groups_of.get(a, [])}.values())
        rows.append(ParticipantRow(
            pid, account_id, last, first, tuple(g.label for g in mine), frozenset(g.id for g in mine), current,
            attempt, aware(created), aware(shared_at),  # type: ignore[arg-type]
            progress, read_snapshot(snap) if current is ParticipationStatus.SHARED and snap else None,
            linked=account_id in links, nothing_to_ask=nothing_to_ask,
        ))
    rows.sort(key=lambda r: (r.family_name.casefold(), r.given_name.casefold(), r.account_id))
    participating = {r.account_id for r in rows} | {o for others in links.values() for o in others}
    not_started: list[str] = []
    roster_known = False
    if campaign.course_id is not None:
        roster = roster_for_course(session, campaign.course_id)
        roster_known = roster.fetched_at is not None
        not_started = [m.display_name for m in roster.members
                       if m.is_learner and m.status.lower() == "active"
                       and (m.account_id is None or m.account_id not in participating)]
    elif organisation.uai:
        students = _school_students(session, organisation.uai)
        roster_known = bool(students)
        if group_id is not None:
            members, _ = _groups(session, organisation, [a for a, _ in students])
            students = [(a, n) for a, n in students if any(g.id == group_id for g in members.get(a, []))]
        not_started = sorted(n for a, n in students if a not in participating)
    if group_id is not None:
        rows = [r for r in rows if group_id in r.group_ids]
    return Dashboard(campaign, organisation, target, competences, tuple(rows), tuple(not_started), roster_known,
                     tuple(options), group_id)


def export_csv(session: Session, referential: Referential, campaign: CampaignRow, *,
               group_id: int | None = None, now: datetime | None = None,
               config: EngineConfig = DEFAULT_CONFIG) -> bytes:
    board = dashboard(session, referential, campaign, group_id=group_id, now=now, config=config)
    participants = [ExportParticipant(p.family_name, p.given_name, ", ".join(p.groups), p.status, p.started_at,
                                      p.shared_at, p.attempt, p.results) for p in board.participants]
    if board.target_profile is not None:
        return encode_csv(assessment_table(referential, board.target_profile, participants))
    return encode_csv(profiles_collection_table(referential, participants))
