"""What every adaptive selection strategy receives and returns."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from engine.answers import AnswerStatus
from engine.knowledge import KnowledgeElement
from engine.referential import Challenge, Referential


@dataclass(frozen=True, slots=True)
class PastAnswer:
    challenge_id: str
    status: AnswerStatus


@dataclass(frozen=True)
class SelectionContext:
    """Everything a strategy may look at; nothing else (no clock, no global random source).

    `assessed` are the skills that must not be asked again; `answers` are this assessment's answers in
    order; `seed` makes the choice deterministic: the same context always gives the same challenge.
    """

    referential: Referential
    target_skills: tuple[str, ...]
    state: Mapping[str, KnowledgeElement]
    assessed: frozenset[str]
    answers: Sequence[PastAnswer]
    seed: str
    locale: str = "fr-fr"
    seen_challenge_ids: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def target_set(self) -> frozenset[str]:
        return frozenset(self.target_skills)

    @cached_property
    def untested_by_tube(self) -> dict[str, list[int]]:
        """Levels of the target skills not yet assessed, per tube."""
        out: dict[str, list[int]] = {}
        for name in self.target_skills:
            if name not in self.assessed:
                skill = self.referential.skills[name]
                out.setdefault(skill.tube_name, []).append(skill.level)
        return out

    def rng(self, purpose: str = "") -> random.Random:
        """A random source for this step only: seeded by the assessment and the number of answers."""
        return random.Random(f"{self.seed}:{len(self.answers)}:{purpose}")

    def playable_challenges(self, skill_name: str) -> list[Challenge]:
        """Operative challenges of a skill in the learner's locale, unseen ones first if any."""
        playable = self.referential.playable_challenges(skill_name, self.locale)
        if not self.seen_challenge_ids:
            return list(playable)
        unseen = [c for c in playable if c.id not in self.seen_challenge_ids]
        return unseen or list(playable)

    @cached_property
    def answered_challenge_ids(self) -> frozenset[str]:
        """Challenges answered in this assessment: never asked again in it."""
        return frozenset(a.challenge_id for a in self.answers)

    @property
    def last_answer(self) -> PastAnswer | None:
        return self.answers[-1] if self.answers else None


class SelectionStrategy(Protocol):
    name: str

    def next_challenge(self, context: SelectionContext) -> Challenge | None:
        """The next challenge to ask, or None when the test is over."""
        ...
