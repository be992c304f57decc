"""The candidate's capacity (θ) by expected a posteriori, answer by answer, as the service's flash
algorithm computes it (`algorithm-methods/flash.js`): 81 points from −9 to 9, a normal prior of
variance 1.5 centred on the previous estimate, the likelihood of every answer so far, an optional
relative cap on each step (`variationPercent`, for the first answers) and optional double measures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.certification.config import FlashOptions

GRID_STEP = 18 / 80
GRID = np.arange(-9.0, 9.0 + GRID_STEP / 2, GRID_STEP)  # 81 points, −9 … 9
ERROR_RATE_CLASS_INTERVAL = 9 / 80  # the service's correction of the error rate for the grid's coarseness


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    """An answered challenge's IRT parameters and whether the answer counts as right."""

    difficulty: float
    discriminant: float
    correct: bool


@dataclass(frozen=True, slots=True)
class CapacityEstimate:
    capacity: float
    error_rate: float


@lru_cache(maxsize=8192)
def _curve(difficulty: float, discriminant: float) -> np.ndarray:
    curve = 1.0 / (1.0 + np.exp(discriminant * (difficulty - GRID)))
    curve.setflags(write=False)
    return curve


def success_probability(capacity: float, difficulty: float, discriminant: float) -> float:
    return 1.0 / (1.0 + math.exp(discriminant * (difficulty - capacity)))


def _limit_variation(previous: float, proposed: float, percent: float) -> float:
    """The step is capped at `percent` of |previous| (at `percent` itself near 0), as in the service."""
    gap = percent if -percent < previous < percent else abs(previous * percent)
    return min(proposed, previous + gap) if proposed > previous else max(proposed, previous - gap)


def _item_likelihood(item: ItemAnswer) -> np.ndarray:
    curve = _curve(item.difficulty, item.discriminant)
    return curve if item.correct else 1.0 - curve


def estimate_capacity(items: Sequence[ItemAnswer], options: FlashOptions) -> CapacityEstimate:
    capacity = options.initial_capacity
    if not items:
        return CapacityEstimate(capacity, 5.0)  # the service's default error rate before any answer
    two_variance = 2 * options.prior_variance
    likelihood = np.ones(GRID.size)
    posterior = np.full(GRID.size, 1.0 / GRID.size)
    index = 0
    while index < len(items):
        double = options.double_measures_until > index and index + 1 < len(items)
        if double:  # two answers measured together: the mean of their likelihoods
            likelihood = likelihood * (_item_likelihood(items[index]) + _item_likelihood(items[index + 1])) / 2
        else:
            likelihood = likelihood * _item_likelihood(items[index])
        prior = np.exp(-((GRID - capacity) ** 2) / two_variance)
        weights = likelihood * prior
        total = float(weights.sum())
        if total > 0 and math.isfinite(total):
            posterior = weights / total
            proposed = float(posterior @ GRID)
            capped = (options.variation_percent is not None and options.variation_percent_until is not None
                      and index <= options.variation_percent_until)
            capacity = _limit_variation(capacity, proposed, options.variation_percent) if capped else proposed  # type: ignore[arg-type]
        index += 2 if double else 1
    variance = float(posterior @ (GRID - capacity) ** 2) - ERROR_RATE_CLASS_INTERVAL**2 / 12
    return CapacityEstimate(capacity, math.sqrt(max(variance, 0.0)))


def shrunk_capacity(items: Sequence[ItemAnswer], centre: float, variance: float) -> float:
    """A capacity on a subset of the answers (one competence's), by expected a posteriori with a normal
    prior centred on the overall capacity: with few answers it stays near the centre (this project's
    per-competence estimate; the service reads every competence level off the overall capacity)."""
    weights = np.exp(-((GRID - centre) ** 2) / (2 * variance))
    for item in items:
        weights = weights * _item_likelihood(item)
    total = float(weights.sum())
    return float(weights @ GRID) / total if total > 0 and math.isfinite(total) else centre
