"""§5.2 "flash": item response theory (2PL), ability by expected a posteriori, next by information."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.referential import Challenge, Referential
from engine.selection.base import PastAnswer, SelectionContext

GRID_START, GRID_END, GRID_STEPS = -9.0, 9.0, 80
GRID = np.linspace(GRID_START, GRID_END, GRID_STEPS)


def probability_correct(theta: float, difficulty: float, discriminant: float) -> float:
    return 1.0 / (1.0 + math.exp(discriminant * (difficulty - theta)))


def information(theta: float, challenge: Challenge) -> float:
    p = probability_correct(theta, challenge.difficulty, challenge.discriminant)
    return challenge.discriminant**2 * p * (1 - p)


@lru_cache(maxsize=4096)
def _success_curve(difficulty: float, discriminant: float) -> np.ndarray:
    """P(ok | θ) on the grid for an item; items share few (b, a) pairs, so this is memoised."""
    curve = 1.0 / (1.0 + np.exp(discriminant * (difficulty - GRID)))
    curve.setflags(write=False)
    return curve


@dataclass(frozen=True, slots=True)
class AbilityEstimate:
    theta: float
    standard_error: float


def estimate_ability(
    answers: Sequence[tuple[Challenge, bool]], config: EngineConfig = DEFAULT_CONFIG, start: float = 0.0,
) -> AbilityEstimate:
    """Expected a posteriori on the grid, answer by answer, with a normal prior (variance 1.5) centred on
    the previous estimate and an optional cap on each step."""
    theta = start
    two_variance = 2 * config.flash_prior_variance
    cap = config.flash_step_cap
    likelihood = np.ones(GRID_STEPS)
    weights = np.exp(-((GRID - theta) ** 2) / two_variance)
    for challenge, ok in answers:
        curve = _success_curve(challenge.difficulty, challenge.discriminant)
        likelihood *= curve if ok else 1.0 - curve
        weights = likelihood * np.exp(-((GRID - theta) ** 2) / two_variance)
        total = weights.sum()
        if not total > 0:  # underflow: the grid cannot tell; keep the previous estimate
            continue
        new_theta = float(weights @ GRID) / total
        if cap is not None:
            new_theta = max(theta - cap, min(theta + cap, new_theta))
        theta = new_theta
    posterior = _normalise(weights)
    mean = float(posterior @ GRID)
    return AbilityEstimate(theta=theta, standard_error=math.sqrt(float(posterior @ (GRID - mean) ** 2)))


def _normalise(values: np.ndarray) -> np.ndarray:
    total = float(values.sum())
    if total <= 0 or not math.isfinite(total):
        return np.full(GRID_STEPS, 1.0 / GRID_STEPS)
    return values / total


class Flash:
    """Next challenge by highest Fisher information, with the service's coverage constraints.

    `max_questions` is the fixed length (32 in certification). `one_per_tube` applies the certification
    rule of one challenge per tube; competence tests turn it off (a competence has only a few tubes).
    """

    name = "flash"

    def __init__(self, config: EngineConfig = DEFAULT_CONFIG, *, max_questions: int | None = None,
                 one_per_tube: bool = False) -> None:
        self.config = config
        self.max_questions = config.flash_test_length if max_questions is None else max_questions
        self.one_per_tube = one_per_tube

    def ability(self, ctx: SelectionContext) -> AbilityEstimate:
        return estimate_ability(_answered(ctx.referential, ctx.answers), self.config)

    def next_challenge(self, ctx: SelectionContext) -> Challenge | None:
        if len(ctx.answers) >= self.max_questions:
            return None
        ref = ctx.referential
        asked = [ref.challenges[a.challenge_id] for a in ctx.answers if a.challenge_id in ref.challenges]
        used_tubes = {ref.skills[c.skill_name].tube_name for c in asked}
        asked_skills = {c.skill_name for c in asked}
        eligible = [
            c
            for name in ctx.target_skills
            if name not in ctx.assessed and name not in asked_skills
            and not (self.one_per_tube and ref.skills[name].tube_name in used_tubes)
            for c in ctx.playable_challenges(name)
        ]
        if not eligible:
            return None
        competences = {ref.competence_of(c.skill_name) for c in eligible}
        answered_competences = {ref.competence_of(c.skill_name) for c in asked}
        uncovered = competences - answered_competences
        if uncovered:
            eligible = [c for c in eligible if ref.competence_of(c.skill_name) in uncovered]
        recent = {ref.competence_of(c.skill_name) for c in asked[-self.config.flash_avoid_last_competences:]}
        fresh = [c for c in eligible if ref.competence_of(c.skill_name) not in recent]
        eligible = fresh or eligible
        theta = self.ability(ctx).theta
        b = np.fromiter((c.difficulty for c in eligible), float, len(eligible))
        a = np.fromiter((c.discriminant for c in eligible), float, len(eligible))
        p = 1.0 / (1.0 + np.exp(a * (b - theta)))
        info = a * a * p * (1 - p)
        order = sorted(range(len(eligible)), key=lambda i: (-info[i], eligible[i].id))
        ranked = [eligible[i] for i in order[: self.config.flash_top_n]]
        # weighted towards the best: weights n, n-1, ..., 1
        weights = list(range(len(ranked), 0, -1))
        return ctx.rng("flash").choices(ranked, weights=weights, k=1)[0]


def _answered(ref: Referential, answers: Sequence[PastAnswer]) -> list[tuple[Challenge, bool]]:
    return [(ref.challenges[a.challenge_id], a.status.is_ok) for a in answers if a.challenge_id in ref.challenges]
