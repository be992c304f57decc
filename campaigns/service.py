"""The campaign use cases bound to a session factory, a referential, a clock and sources of ids and randomness:
one transaction per call."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from campaigns import access, dashboard, use_cases
from campaigns import repository as repo
from campaigns.models import CampaignRow, Organisation
from core.links import profile_account_id
from engine.campaigns.participation import CampaignError
from engine.competence_test import Step
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.referential import Referential
from learning.use_cases import new_id, new_seed, utc_now

MAX_ID = 2**31 - 1
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _known_id(value: int) -> int:
    """Database ids are 32-bit: anything else cannot exist (and must not reach the database)."""
    if not 0 < value <= MAX_ID:
        raise CampaignError(use_cases.CampaignAccess.UNKNOWN_CAMPAIGN, "no such campaign")
    return value


def _pid(value: str) -> str:
    """Participation ids are UUIDs: anything else is unknown (and never reaches the database)."""
    if _UUID.fullmatch(value) is None:
        raise CampaignError(use_cases.CampaignAccess.UNKNOWN_PARTICIPATION, "no such participation for this account")
    return value


@dataclass(frozen=True)
class OrganisationChoice:
    key: str  # "course:<id>" or "school:<uai>"
    label: str
    name: str = ""  # the course's name or the school's UAI, for pages that word the label themselves


class CampaignService:
    def __init__(self, sessions: sessionmaker[Session], referential: Referential,
                 config: EngineConfig = DEFAULT_CONFIG, strategy: str = "smart-random",
                 clock: Callable[[], datetime] = utc_now, new_id: Callable[[], str] = new_id,
                 new_seed: Callable[[], str] = new_seed, rng: random.Random | None = None) -> None:
        self.sessions = sessions
        self.referential = referential
        self.config = config
        self.strategy = strategy
        self.clock = clock
        self.new_id = new_id
        self.new_seed = new_seed
        self.rng = rng or random.SystemRandom()

    # --- teachers ---------------------------------------------------------------------------------------------

    def organisation_choices(self, account_id: int, course_id: int | None) -> list[OrganisationChoice]:
        """Where the teacher may create a campaign: the launch's course first, then their GAR schools."""
        with self.sessions.begin() as session:
            choices = []
            courses = access.teacher_course_ids(session, account_id)
            if course_id is not None and course_id in courses:
                org = access.organisation_for_course(session, course_id)
                choices.append(OrganisationChoice(f"course:{course_id}", f"Cours « {org.name} »", org.name))
            for uai in access.staff_school_uais(session, account_id):
                choices.append(OrganisationChoice(f"school:{uai}", f"Établissement {uai}", uai))
            return choices

    def create(self, account_id: int, organisation_key: str, draft: use_cases.CampaignDraft) -> CampaignRow:
        kind, _, value = organisation_key.partition(":")
        with self.sessions.begin() as session:
            organisation: Organisation
            course_id: int | None = None
            if kind == "course" and value.isdigit() and int(value) in access.teacher_course_ids(session, account_id):
                course_id = int(value)
                organisation = access.organisation_for_course(session, course_id)
            elif kind == "school" and value in access.staff_school_uais(session, account_id):
                organisation = access.organisation_for_school(session, value)
            else:
                raise CampaignError(use_cases.CampaignAccess.FORBIDDEN, "not a teacher of this organisation")
            return use_cases.create_campaign(session, self.referential, draft, creator_id=account_id,
                                             organisation=organisation, course_id=course_id, rng=self.rng,
                                             now=self.clock())

    def campaigns(self, account_id: int) -> list[tuple[CampaignRow, str]]:
        with self.sessions.begin() as session:
            return access.visible_campaigns(session, account_id)

    def course_campaigns(self, account_id: int, course_id: int | None) -> list[CampaignRow]:
        if course_id is None:
            return []
        with self.sessions.begin() as session:
            return access.course_campaigns(session, account_id, course_id)

    def dashboard(self, account_id: int, campaign_id: int, group_id: int | None = None) -> dashboard.Dashboard:
        with self.sessions.begin() as session:
            campaign = use_cases.campaign_for_teacher(session, account_id, _known_id(campaign_id))
            return dashboard.dashboard(session, self.referential, campaign, group_id=group_id, now=self.clock(),
                                       config=self.config)

    def export(self, account_id: int, campaign_id: int, group_id: int | None = None) -> tuple[CampaignRow, bytes]:
        with self.sessions.begin() as session:
            campaign = use_cases.campaign_for_teacher(session, account_id, _known_id(campaign_id))
            return campaign, dashboard.export_csv(session, self.referential, campaign, group_id=group_id,
                                                  now=self.clock(), config=self.config)

    # --- students ---------------------------------------------------------------------------------------------

    def find(self, code: str) -> CampaignRow:
        with self.sessions.begin() as session:
            return use_cases.find_by_code(session, code)

    def join(self, account_id: int, code: str) -> str:
        try:
            with self.sessions.begin() as session:
                account_id = profile_account_id(session, account_id)  # a linked account uses its profile
                campaign = use_cases.find_by_code(session, code)
                return use_cases.join(session, campaign, account_id, now=self.clock(), new_id=self.new_id).id
        except IntegrityError:  # the same student joined twice at once: the other request created it
            with self.sessions.begin() as session:
                account_id = profile_account_id(session, account_id)  # a linked account uses its profile
                campaign = use_cases.find_by_code(session, code)
                return use_cases.join(session, campaign, account_id, now=self.clock(), new_id=self.new_id).id

    def start(self, account_id: int, participation_id: str) -> Step:
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return use_cases.start_test(session, self.referential, account_id, _pid(participation_id), now=self.clock(),
                                        assessment_id=self.new_id(), seed=self.new_seed(), strategy=self.strategy,
                                        config=self.config)

    def view(self, account_id: int, participation_id: str) -> use_cases.ParticipationView:
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return use_cases.participation_view(session, self.referential, account_id, _pid(participation_id),
                                                now=self.clock(), config=self.config, assessment_id=self.new_id(),
                                                seed=self.new_seed(), strategy=self.strategy)

    def joined(self, account_id: int, code: str) -> str | None:
        """The account's current participation in the campaign of this code, if it already joined (None if not,
        or if the code is unknown)."""
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            try:
                campaign = use_cases.find_by_code(session, code)
            except CampaignError:
                return None
            found = repo.latest_participation(session, campaign.id, account_id)
            return None if found is None else found.id

    def share(self, account_id: int, participation_id: str) -> None:
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            use_cases.share(session, self.referential, account_id, _pid(participation_id), now=self.clock(),
                            config=self.config)

    def retry(self, account_id: int, participation_id: str) -> str:
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return use_cases.retry(session, account_id, _pid(participation_id), now=self.clock(), new_id=self.new_id,
                                   config=self.config).id

    def participation_of_test(self, account_id: int, assessment_id: str) -> str | None:
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            if _UUID.fullmatch(assessment_id) is None:
                return None
            return use_cases.participation_for_assessment(session, account_id, assessment_id)

    def mine(self, account_id: int) -> list[tuple[str, CampaignRow]]:
        with self.sessions.begin() as session:
            account_id = profile_account_id(session, account_id)  # a linked account uses its profile
            return [(p.id, c) for p, c in use_cases.own_participations(session, account_id)]
