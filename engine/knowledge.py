"""Knowledge elements (§3): what the engine remembers of each skill, append-only."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from engine.answers import AnswerStatus
from engine.referential import Challenge, Referential, Skill


class KnowledgeStatus(StrEnum):
    VALIDATED = "validated"
    INVALIDATED = "invalidated"
    RESET = "reset"


class KnowledgeSource(StrEnum):
    DIRECT = "direct"
    INFERRED = "inferred"


@dataclass(frozen=True, slots=True)
class KnowledgeElement:
    skill_name: str
    competence_code: str
    status: KnowledgeStatus
    source: KnowledgeSource
    earned_pix: float
    created_at: datetime
    assessment_id: str | None = None
    challenge_id: str | None = None  # the challenge answered (for inferred ones too: the cause)

    @property
    def is_validated(self) -> bool:
        return self.status is KnowledgeStatus.VALIDATED

    @property
    def is_direct(self) -> bool:
        return self.source is KnowledgeSource.DIRECT


def current_knowledge(elements: Iterable[KnowledgeElement]) -> dict[str, KnowledgeElement]:
    """The learner's state: per skill, the latest knowledge element; a reset erases the skill.

    `elements` are in the order they were written (append order is the truth; ties in time keep it).
    """
    state: dict[str, KnowledgeElement] = {}
    for ke in elements:
        if ke.status is KnowledgeStatus.RESET:
            state.pop(ke.skill_name, None)
        else:
            state[ke.skill_name] = ke
    return state


def assessed_skills(
    state: Mapping[str, KnowledgeElement], *, now: datetime, improving: bool = False,
    retry_delay_days: int = 4,
) -> set[str]:
    """Skills that count as already assessed for a test.

    When improving ("Retenter"), validated skills stay assessed; invalidated skills older than the
    retry delay may be asked again.
    """
    if not improving:
        return set(state)
    limit = now - timedelta(days=retry_delay_days)
    return {name for name, ke in state.items() if ke.is_validated or ke.created_at > limit}


def knowledge_elements_for_answer(
    *,
    referential: Referential,
    challenge: Challenge,
    status: AnswerStatus,
    target_skills: Collection[str],
    already_assessed: Collection[str],
    now: datetime,
    assessment_id: str | None = None,
) -> list[KnowledgeElement]:
    """The direct knowledge element of an answer and those it infers across the tube.

    The direct one only when the skill is a target not yet assessed; then an ok validates every easier
    target skill of the tube not yet assessed, anything else invalidates every harder one.
    """
    skill = referential.skills[challenge.skill_name]
    target_skills = target_skills if isinstance(target_skills, set | frozenset) else set(target_skills)
    if skill.name not in target_skills or skill.name in already_assessed:
        return []
    validated = status.is_ok
    ke_status = KnowledgeStatus.VALIDATED if validated else KnowledgeStatus.INVALIDATED

    def element(s: Skill, source: KnowledgeSource) -> KnowledgeElement:
        return KnowledgeElement(
            skill_name=s.name, competence_code=s.competence_code, status=ke_status, source=source,
            earned_pix=referential.pix_value(s.name) if validated else 0.0, created_at=now,
            assessment_id=assessment_id, challenge_id=challenge.id,
        )

    elements = [element(skill, KnowledgeSource.DIRECT)]
    for other in referential.tube_skills(skill.tube_name):
        if other.name == skill.name or other.name not in target_skills or other.name in already_assessed:
            continue
        if (validated and other.level < skill.level) or (not validated and other.level > skill.level):
            elements.append(element(other, KnowledgeSource.INFERRED))
    return elements


def reset_elements(
    state: Mapping[str, KnowledgeElement], competence_code: str, *, now: datetime,
    assessment_id: str | None = None,
) -> list[KnowledgeElement]:
    """Reset knowledge elements erasing every known skill of a competence."""
    return [
        KnowledgeElement(
            skill_name=ke.skill_name, competence_code=competence_code, status=KnowledgeStatus.RESET,
            source=KnowledgeSource.DIRECT, earned_pix=0.0, created_at=now, assessment_id=assessment_id,
        )
        for ke in state.values()
        if ke.competence_code == competence_code
    ]
