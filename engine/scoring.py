"""Scores, levels, scorecards and certifiability (§4, §6 delays, §8)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from engine.config import DEFAULT_CONFIG, PIX_PER_LEVEL, EngineConfig
from engine.knowledge import KnowledgeElement
from engine.referential import Referential

SECONDS_PER_DAY = 86_400


class ScorecardStatus(StrEnum):
    NOT_STARTED = "not_started"
    STARTED = "started"
    COMPLETED = "completed"


def competence_pix(validated_pix: Iterable[float], config: EngineConfig = DEFAULT_CONFIG) -> int:
    """floor(sum of pix of validated skills), capped at 8 × max reachable level."""
    return min(math.floor(sum(validated_pix) + 1e-9), config.max_competence_pix)


def level_for_pix(pix: int, config: EngineConfig = DEFAULT_CONFIG) -> int:
    return min(pix // PIX_PER_LEVEL, config.max_reachable_level)


def remaining_days(last_activity: datetime | None, delay_days: int, now: datetime) -> int:
    """ceil(delay − days since last activity), never below 0."""
    if last_activity is None:
        return 0
    elapsed_days = (now - last_activity).total_seconds() / SECONDS_PER_DAY
    return max(0, math.ceil(delay_days - elapsed_days))


@dataclass(frozen=True, slots=True)
class Scorecard:
    competence_code: str
    competence_name: str
    domain_code: str
    pix: int
    exact_pix: float
    level: int
    pix_ahead_of_level: int  # pix earned inside the current level (pix mod 8)
    status: ScorecardStatus
    remaining_days_before_reset: int
    remaining_days_before_improving: int
    max_level: int

    @property
    def pix_to_next_level(self) -> int:
        return 0 if self.is_max_level else PIX_PER_LEVEL - self.pix_ahead_of_level

    @property
    def is_max_level(self) -> bool:
        return self.level >= self.max_level

    @property
    def is_resettable(self) -> bool:
        return self.status is not ScorecardStatus.NOT_STARTED and self.remaining_days_before_reset == 0

    @property
    def is_improvable(self) -> bool:
        return (self.status is ScorecardStatus.COMPLETED and not self.is_max_level
                and self.remaining_days_before_improving == 0)


def build_scorecard(
    referential: Referential,
    competence_code: str,
    state: Mapping[str, KnowledgeElement],
    *,
    test_in_progress: bool,
    test_completed: bool,
    last_activity: datetime | None,
    now: datetime,
    config: EngineConfig = DEFAULT_CONFIG,
) -> Scorecard:
    """A competence's scorecard from the learner's current knowledge (see `current_knowledge`)."""
    competence = referential.competences[competence_code]
    elements = [ke for ke in state.values() if ke.competence_code == competence_code]
    exact = sum(ke.earned_pix for ke in elements if ke.is_validated)
    pix = competence_pix([exact], config)
    if test_in_progress:
        status = ScorecardStatus.STARTED
    elif test_completed:
        status = ScorecardStatus.COMPLETED
    else:
        status = ScorecardStatus.STARTED if elements else ScorecardStatus.NOT_STARTED
    if last_activity is None and elements:
        last_activity = max(ke.created_at for ke in elements)
    return Scorecard(
        competence_code=competence_code,
        competence_name=competence.name,
        domain_code=competence.domain_code,
        pix=pix,
        exact_pix=exact,
        level=level_for_pix(pix, config),
        pix_ahead_of_level=pix % PIX_PER_LEVEL,
        status=status,
        remaining_days_before_reset=remaining_days(last_activity, config.reset_delay_days, now),
        remaining_days_before_improving=remaining_days(last_activity, config.retry_delay_days, now),
        max_level=config.max_reachable_level,
    )


@dataclass(frozen=True, slots=True)
class Certifiability:
    is_certifiable: bool
    competences_at_level: int
    missing_competences: int
    required: int


def certifiability(scorecards: Iterable[Scorecard], config: EngineConfig = DEFAULT_CONFIG) -> Certifiability:
    """§8: certifiable when at least 5 competences are at level ≥ 1; says how many are missing."""
    reached = sum(1 for s in scorecards if s.level >= config.certifiable_min_level)
    missing = max(0, config.certifiable_competence_count - reached)
    return Certifiability(missing == 0, reached, missing, config.certifiable_competence_count)


def total_pix(scorecards: Iterable[Scorecard]) -> int:
    return sum(s.pix for s in scorecards)
