"""§5.2 "flash": item response theory (2PL), ability by expected a posteriori, next by information."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.referential import Challenge, Referential
from engine.selection.base import PastAnswer, SelectionContext

GRID_START, GRID_END, GRID_STEPS = -9.0, 9.0, 80
GRID: tuple[float, ...] = tuple(GRID_START + i * (GRID_END - GRID_START) / (GRID_STEPS - 1) for i in range(GRID_STEPS))


def probability_correct(theta: float, difficulty: float, discriminant: float) -> float:
    return 1.0 / (1.0 + math.exp(discriminant * (difficulty - theta)))


def information(theta: float, challenge: Challenge) -> float:
    p = probability_correct(theta, challenge.difficulty, challenge.discriminant)
    return challenge.discriminant**2 * p * (1 - p)


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
    likelihood = [1.0] * GRID_STEPS
    posterior = _normal(theta, config.flash_prior_variance)
    for challenge, ok in answers:
        for i, t in enumerate(GRID):
            p = probability_correct(t, challenge.difficulty, challenge.discriminant)
            likelihood[i] *= p if ok else 1 - p
        prior = _normal(theta, config.flash_prior_variance)
        posterior = _normalise([lk * pr for lk, pr in zip(likelihood, prior, strict=True)])
        new_theta = sum(w * t for w, t in zip(posterior, GRID, strict=True))
        if config.flash_step_cap is not None:
            new_theta = max(theta - config.flash_step_cap, min(theta + config.flash_step_cap, new_theta))
        theta = new_theta
    mean = sum(w * t for w, t in zip(posterior, GRID, strict=True))
    variance = sum(w * (t - mean) ** 2 for w, t in zip(posterior, GRID, strict=True))
    return AbilityEstimate(theta=theta, standard_error=math.sqrt(variance))


def _normal(mean: float, variance: float) -> list[float]:
    return _normalise([math.exp(-((t - mean) ** 2) / (2 * variance)) for t in GRID])


def _normalise(values: list[float]) -> list[float]:
    total = sum(values)
    if total <= 0:
        return [1.0 / len(values)] * len(values)
    return [v / total for v in values]


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
        ranked = sorted(eligible, key=lambda c: (-information(theta, c), c.id))[: self.config.flash_top_n]
        # weighted towards the best: weights n, n-1, ..., 1
        weights = list(range(len(ranked), 0, -1))
        return ctx.rng("flash").choices(ranked, weights=weights, k=1)[0]


def _answered(ref: Referential, answers: Sequence[PastAnswer]) -> list[tuple[Challenge, bool]]:
    return [(ref.challenges[a.challenge_id], a.status.is_ok) for a in answers if a.challenge_id in ref.challenges]
