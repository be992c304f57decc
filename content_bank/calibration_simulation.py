"""Simulated answers with known 2PL values, to check that `calibrate` recovers them (test and bench)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from content_bank.calibration import Response
from engine.referential import Referential


@dataclass(frozen=True, slots=True)
class Simulation:
    true_values: dict[str, tuple[float, float]]  # challenge id → (difficulty, discriminant)
    responses: list[Response]


def simulate_answers(referential: Referential, competence: str, respondents: int, *, seed: int,
                     share_answered: float = 1.0, ability_sd: float = 1.6) -> Simulation:
    """`respondents` learners of ability θ ~ N(0, ability_sd) answer the validated challenges of one
    competence (each with probability `share_answered`); true values: the provisional difficulty plus
    N(0, 0.5) noise, discrimination uniform in [0.6, 2.4]; answers drawn from the 2PL model."""
    rng = np.random.default_rng(seed)
    ids = sorted(c.id for c in referential.challenges.values() if c.is_proposable
                 and referential.competence_of(c.skill_name) == competence)
    difficulty = np.array([referential.challenges[i].difficulty for i in ids]) + rng.normal(0, 0.5, len(ids))
    discrimination = rng.uniform(0.6, 2.4, len(ids))
    theta = rng.normal(0, ability_sd, respondents)
    p = 1 / (1 + np.exp(-discrimination[:, None] * (theta[None, :] - difficulty[:, None])))
    right = rng.random(p.shape) < p
    asked = rng.random(p.shape) < share_answered
    responses = [Response(f"learner-{j}", ids[i], bool(right[i, j]))
                 for j in range(respondents) for i in range(len(ids)) if asked[i, j]]
    return Simulation({cid: (float(difficulty[i]), float(discrimination[i])) for i, cid in enumerate(ids)},
                      responses)


def recovery(simulation: Simulation, fitted: dict[str, tuple[float, float]]) -> tuple[float, float, int]:
    """(correlation of difficulties, correlation of discriminations, challenges compared)."""
    ids = sorted(set(fitted) & set(simulation.true_values))
    true = np.array([simulation.true_values[i] for i in ids])
    got = np.array([fitted[i] for i in ids])
    return float(np.corrcoef(true[:, 0], got[:, 0])[0, 1]), float(np.corrcoef(true[:, 1], got[:, 1])[0, 1]), len(ids)
