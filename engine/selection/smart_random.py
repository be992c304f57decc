"""§5.1 "smart random": the public service's selection for competence tests and campaigns."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from typing import TypeVar

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
    # group observations by difficulty: Σ(outcome − P) = Σ_d (successes_d − n_d · P(L, d))
    successes: dict[float, int] = {}
    counts: dict[float, int] = {}
    for d, outcome in (*direct_outcomes, *VIRTUAL_ANSWERS):
        successes[d] = successes.get(d, 0) + outcome
        counts[d] = counts.get(d, 0) + 1
    total_successes = sum(successes.values())
    best_level, best_gap = LEVELS_TO_TEST[0], math.inf
    for level in LEVELS_TO_TEST:
        gap = abs(total_successes - sum(n * probability_correct(level, d) for d, n in counts.items()))
        if gap < best_gap - 1e-12:
            best_level, best_gap = level, gap
    return best_level


class SmartRandom:
    name = "smart-random"

    def __init__(self, config: EngineConfig = DEFAULT_CONFIG) -> None:
        self.config = config

    # -- the parts of §5.1, each testable on its own ---------------------------------------------
    def candidates(self, ctx: SelectionContext) -> list[Skill]:
        """Target skills not yet assessed that still have a playable challenge not yet answered here.

        A challenge answered in this assessment is never asked again, even when its answer wrote no
        knowledge element (a skill that became a target after a content change, say): its skill is
        left out while it has no other challenge, and its other variants are the only ones offered.
        """
        skills = ctx.referential.skills
        answered = ctx.answered_challenge_ids
        return [
            skills[name] for name in ctx.target_skills
            if name not in ctx.assessed
            and any(c.id not in answered for c in ctx.referential.playable_challenges(name, ctx.locale))
        ]

    def easy_tubes(self, ctx: SelectionContext) -> set[str]:
        """Tubes whose hardest target skill is at most `easy_tube_max_level`."""
        hardest: dict[str, int] = {}
        skills = ctx.referential.skills
        for name in ctx.target_skills:
            skill = skills[name]
            if skill.level > hardest.get(skill.tube_name, 0):
                hardest[skill.tube_name] = skill.level
        return {tube for tube, level in hardest.items() if level <= self.config.easy_tube_max_level}

    def _prefer_easy_tubes(self, ctx: SelectionContext, cands: list[Skill]) -> list[Skill]:
        easy = self.easy_tubes(ctx)
        preferred = [s for s in cands if s.tube_name in easy]
        return preferred or cands

    @staticmethod
    def _avoid_timed(ctx: SelectionContext, cands: list[Skill]) -> list[Skill]:
        """Skills whose playable challenges are all timed are avoided, unless nothing else is left."""
        untimed = [s for s in cands if not all(c.is_timed for c in ctx.playable_challenges(s.name))]
        return untimed or cands

    def estimated_level(self, ctx: SelectionContext) -> float:
        if not ctx.answers:
            return DEFAULT_ESTIMATED_LEVEL
        outcomes = [
            (ctx.referential.skills[ke.skill_name].level, 1 if ke.is_validated else 0)
            for ke in ctx.state.values()
            if ke.is_direct and ke.skill_name in ctx.target_set
        ]
        return estimate_level(outcomes)

    def reward(self, ctx: SelectionContext, skill: Skill, level: float) -> float:
        untested = ctx.untested_by_tube.get(skill.tube_name, ())
        p = probability_correct(level, skill.level)
        easier_or_equal = sum(1 for lvl in untested if lvl <= skill.level)
        harder_or_equal = sum(1 for lvl in untested if lvl >= skill.level)
        return p * easier_or_equal + (1 - p) * harder_or_equal

    def possible_skills(self, ctx: SelectionContext) -> tuple[list[Skill], float]:
        """The skills among which the next challenge is drawn, and the estimated level."""
        cands = self.candidates(ctx)
        if not cands:
            return [], self.estimated_level(ctx)
        if not ctx.answers:
            first = self._avoid_timed(ctx, self._prefer_easy_tubes(ctx, cands))
            preferred = [s for s in first if s.level == self.config.first_challenge_level]
            if not preferred:
                easiest = min(s.level for s in first)
                preferred = [s for s in first if s.level == easiest]
            return preferred, DEFAULT_ESTIMATED_LEVEL
        level = self.estimated_level(ctx)
        # the level filter drops; the two preferences after it only narrow a non-empty set (applied before
        # it, they could empty it and end the test while skills within reach were left)
        cands = [s for s in cands if s.level - level <= self.config.max_level_above_estimate]
        if not cands:
            return [], level
        cands = self._prefer_easy_tubes(ctx, cands)
        if self._avoiding_timed(ctx):  # answers exist here: only after a timed challenge
            cands = self._avoid_timed(ctx, cands)
        rewards = [(self.reward(ctx, s, level), s) for s in cands]
        best = max(r for r, _ in rewards)
        return [s for r, s in rewards if math.isclose(r, best, rel_tol=1e-12, abs_tol=1e-12)], level

    def next_challenge(self, ctx: SelectionContext) -> Challenge | None:
        skills, _ = self.possible_skills(ctx)
        if not skills:
            return None
        rng = ctx.rng("smart-random")
        skill = _pick(rng, sorted(skills, key=lambda s: s.name))
        answered = ctx.answered_challenge_ids
        challenges = sorted((c for c in ctx.playable_challenges(skill.name) if c.id not in answered),
                            key=lambda c: c.id)
        if self._avoiding_timed(ctx):  # first challenge, or after any timed one: untimed variants first
            challenges = [c for c in challenges if not c.is_timed] or challenges
        return _pick(rng, challenges)

    @staticmethod
    def _avoiding_timed(ctx: SelectionContext) -> bool:
        """First challenge, or the last one answered carried a timer (whatever its answer's status: the
        service looks only at whether the last challenge was timed)."""
        last = ctx.last_answer
        if last is None:
            return True
        challenge = ctx.referential.challenges.get(last.challenge_id)
        return challenge is not None and challenge.is_timed


T = TypeVar("T")


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[rng.randrange(len(items))]
