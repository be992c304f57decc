"""Adaptive selection strategies, interchangeable by name."""

from __future__ import annotations

from collections.abc import Callable

from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.selection.base import PastAnswer, SelectionContext, SelectionStrategy
from engine.selection.bayes_level import BayesLevel
from engine.selection.flash import Flash
from engine.selection.smart_random import SmartRandom

STRATEGIES: dict[str, Callable[[EngineConfig], SelectionStrategy]] = {
    SmartRandom.name: SmartRandom,
    Flash.name: Flash,
    BayesLevel.name: BayesLevel,
}


def get_strategy(name: str, config: EngineConfig = DEFAULT_CONFIG) -> SelectionStrategy:
    try:
        return STRATEGIES[name](config)
    except KeyError:
        raise ValueError(f"unknown selection strategy {name!r}; known: {', '.join(sorted(STRATEGIES))}") from None


__all__ = ["STRATEGIES", "BayesLevel", "Flash", "PastAnswer", "SelectionContext", "SelectionStrategy", "SmartRandom",
           "get_strategy"]
