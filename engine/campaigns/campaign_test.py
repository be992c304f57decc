"""The campaign test: smart-random over the target skills, reusing what the learner's profile already knows.

Mirrors `engine.competence_test`: `start_campaign_test` starts or resumes, `answer_campaign_challenge` records
an answer (the same rules as any assessment), the test completes when no challenge is left among the target
skills. Skills already assessed in the profile are not asked again (on a new attempt, failures older than
4 days may be, as for "Retenter").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from engine.answers import AnswerValue
from engine.assessment import Assessment, AssessmentType
from engine.campaigns.participation import CampaignError, CampaignRefusal
from engine.competence_test import LearnerRecord, Step, advance, answer_challenge
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.knowledge import current_knowledge
from engine.referential import Referential
from engine.selection import get_strategy


def campaign_assessments(record: LearnerRecord, participation_id: str) -> list[Assessment]:
    return sorted((a for a in record.assessments
                   if a.type is AssessmentType.CAMPAIGN and a.campaign_participation_id == participation_id),
                  key=lambda a: a.created_at)


def playable_targets(referential: Referential, skills: Collection[str]) -> tuple[str, ...]:
    """The target skills still active in the referential (a retired skill is neither asked nor counted)."""
    return tuple(n for n in skills if (s := referential.skills.get(n)) is not None and s.is_active)


def start_campaign_test(
    referential: Referential, record: LearnerRecord, target_skills: Collection[str], *, participation_id: str,
    now: datetime, assessment_id: str, seed: str, improving: bool = False, strategy: str = "smart-random",
    config: EngineConfig = DEFAULT_CONFIG,
) -> Step:
    """Start the participation's test, or resume it; a completed one is refused (start a new attempt instead)."""
    existing = campaign_assessments(record, participation_id)
    current = next((a for a in reversed(existing) if a.is_started), None)
    if current is not None:
        return Step(current, referential.challenges.get(current.current_challenge_id or ""))
    if any(a.is_completed for a in existing):
        raise CampaignError(CampaignRefusal.ALREADY_COMPLETED, "this campaign test is over")
    get_strategy(strategy, config)  # unknown names fail before anything is created
    assessment = Assessment(
        id=assessment_id, type=AssessmentType.CAMPAIGN, target_skills=playable_targets(referential, target_skills),
        strategy=strategy, seed=seed, created_at=now, campaign_participation_id=participation_id,
        improving=improving, updated_at=now,
    )
    record = replace(record, assessments=(*record.assessments, assessment))
    # completed at once when the profile already knows every target skill: nothing to ask
    assessment = advance(referential, assessment, record, now, config)
    return Step(assessment, referential.challenges.get(assessment.current_challenge_id or ""))


def answer_campaign_challenge(
    referential: Referential, record: LearnerRecord, assessment: Assessment, challenge_id: str,
    value: AnswerValue | None, *, now: datetime, skipped: bool = False, elapsed_seconds: float | None = None,
    config: EngineConfig = DEFAULT_CONFIG,
) -> Step:
    """Record an answer to the current challenge of a campaign test (knowledge elements restricted to targets)."""
    if assessment.type is not AssessmentType.CAMPAIGN:
        raise CampaignError(CampaignRefusal.NOT_A_TEST, "not a campaign test")
    return answer_challenge(referential, record, assessment, challenge_id, value, now=now, skipped=skipped,
                            elapsed_seconds=elapsed_seconds, config=config)


@dataclass(frozen=True, slots=True)
class CampaignProgress:
    assessed: int  # target skills with a current knowledge element
    total: int
    completed: bool

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        return 0 if self.total == 0 else min(99, 100 * self.assessed // self.total)


def campaign_progress(record: LearnerRecord, target_skills: Collection[str], participation_id: str) -> CampaignProgress:
    state = current_knowledge(record.knowledge_elements)
    targets = set(target_skills)
    completed = any(a.is_completed for a in campaign_assessments(record, participation_id))
    return CampaignProgress(len(targets & set(state)), len(targets), completed)
