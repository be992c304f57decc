"""§5.1 "smart random": the public service's selection for competence tests and campaigns."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from engine.answers import AnswerStatus
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.referential import Challenge, Skill
from engine.selection.base import SelectionContext

LEVELS_TO_TEST: tuple[float, ...] = tuple(x / 2 for x in range(1, 16))  # 0.5 .. 7.5
VIRTUAL_ANSWERS: tuple[tuple[float, int], ...] = ((0.0, 1), (7.0, 0))  # (difficulty, outcome)
DEFAULT_ESTIMATED_LEVEL = 2.0


def probability_correct(level: float, difficulty: float) -> float:
    return 1.0 / (1.0 + math.exp(-(level - difficulty)))


def estimate_level(direct_outcomes: Iterable[tuple[float, int]]) -> float:
    """L over {0.5, …, 7.5} minimising |Σ(outcome − P(L, d))|, with the two virtual answers;
    ties go to the lowest L."""
    observations = list(direct_outcomes) + list(VIRTUAL_ANSWERS)
    best_level, best_gap = LEVELS_TO_TEST[0], math.inf
    for level in LEVELS_TO_TEST:
        gap = abs(sum(outcome - probability_correct(level, d) for d, outcome in observations))
        if gap < best_gap - 1e-12:
            best_level, best_gap = level, gap
    return best_level


@dataclass(frozen=True, slots=True)
class _Candidate:
    skill: Skill
    timed: bool


class SmartRandom:
    name = "smart-random"

    def __init__(self, config: EngineConfig = DEFAULT_CONFIG) -> None:
        self.config = config

    # -- the parts of §5.1, each testable on its own ---------------------------------------------
    def candidates(self, ctx: SelectionContext) -> list[_Candidate]:
        out: list[_Candidate] = []
        for name in ctx.target_skills:
            if name in ctx.assessed:
                continue
            playable = ctx.playable_challenges(name)
            if playable:
                out.append(_Candidate(ctx.referential.skills[name], all(c.is_timed for c in playable)))
        return out

    def easy_tubes(self, ctx: SelectionContext) -> set[str]:
        """Tubes whose hardest target skill is at most `easy_tube_max_level`."""
        hardest: dict[str, int] = {}
        for name in ctx.target_skills:
            skill = ctx.referential.skills[name]
            hardest[skill.tube_name] = max(hardest.get(skill.tube_name, 0), skill.level)
        return {tube for tube, level in hardest.items() if level <= self.config.easy_tube_max_level}

    def _prefer_easy_tubes(self, ctx: SelectionContext, cands: list[_Candidate]) -> list[_Candidate]:
        easy = self.easy_tubes(ctx)
        preferred = [c for c in cands if c.skill.tube_name in easy]
        return preferred or cands

    @staticmethod
    def _avoid_timed(cands: list[_Candidate]) -> list[_Candidate]:
        untimed = [c for c in cands if not c.timed]
        return untimed or cands

    def estimated_level(self, ctx: SelectionContext) -> float:
        if not ctx.answers:
            return DEFAULT_ESTIMATED_LEVEL
        targets = set(ctx.target_skills)
        outcomes = [
            (ctx.referential.skills[ke.skill_name].level, 1 if ke.is_validated else 0)
            for ke in ctx.state.values()
            if ke.is_direct and ke.skill_name in targets
        ]
        return estimate_level(outcomes)

    def reward(self, ctx: SelectionContext, skill: Skill, level: float) -> float:
        untested = [
            s for s in ctx.referential.tube_skills(skill.tube_name)
            if s.name in ctx.target_skills and s.name not in ctx.assessed
        ]
        p = probability_correct(level, skill.level)
        easier_or_equal = sum(1 for s in untested if s.level <= skill.level)
        harder_or_equal = sum(1 for s in untested if s.level >= skill.level)
        return p * easier_or_equal + (1 - p) * harder_or_equal

    def possible_skills(self, ctx: SelectionContext) -> tuple[list[Skill], float]:
        """The skills among which the next challenge is drawn, and the estimated level."""
        cands = self.candidates(ctx)
        if not cands:
            return [], self.estimated_level(ctx)
        if not ctx.answers:
            first = self._avoid_timed(self._prefer_easy_tubes(ctx, cands))
            preferred = [c for c in first if c.skill.level == self.config.first_challenge_level]
            if not preferred:
                easiest = min(c.skill.level for c in first)
                preferred = [c for c in first if c.skill.level == easiest]
            return [c.skill for c in preferred], DEFAULT_ESTIMATED_LEVEL
        level = self.estimated_level(ctx)
        cands = self._prefer_easy_tubes(ctx, cands)
        last = ctx.last_answer
        if last is not None and last.status is AnswerStatus.TIMED_OUT and ctx.referential.challenges[last.challenge_id].is_timed:
            cands = self._avoid_timed(cands)
        cands = [c for c in cands if c.skill.level - level <= self.config.max_level_above_estimate]
        if not cands:
            return [], level
        rewards = [(self.reward(ctx, c.skill, level), c.skill) for c in cands]
        best = max(r for r, _ in rewards)
        return [s for r, s in rewards if math.isclose(r, best, rel_tol=1e-12, abs_tol=1e-12)], level

    def next_challenge(self, ctx: SelectionContext) -> Challenge | None:
        skills, _ = self.possible_skills(ctx)
        if not skills:
            return None
        rng = ctx.rng("smart-random")
        skill = _pick(rng, sorted(skills, key=lambda s: s.name))
        return _pick(rng, sorted(ctx.playable_challenges(skill.name), key=lambda c: c.id))


T = TypeVar("T")


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[rng.randrange(len(items))]
