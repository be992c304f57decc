"""A strategy of this project ("bayes-level"): ask what most reduces the uncertainty on the learner's level.

It keeps a posterior over the learner's level T ∈ {0 … max reachable level} on the assessment's competence
(uniform prior), updated by every direct answer of the assessment with a guess-and-slip logistic model:

    P(ok | T, d) = g + (1 − g − s) / (1 + e^(−k(T + 0.5 − d)))

where d is the skill level, g the chance of guessing (1 / proposals for a QCU, else `guess_other`), s the slip
rate and k the sharpness (model parameters below, independent of any simulation). The next skill is the one
whose answer has the highest expected information gain on T, among the untested skills that can still change
the learner's placement; ties are broken by §5.1's reward (how many skills the answer settles), then by a
seeded draw. The test ends when no untested skill is both plausible (P(T ≥ level) ≥ `min_plausibility`) and
informative. Knowledge elements and scoring are those of the engine: only the choice of questions changes.
"""

from __future__ import annotations

import math

from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.referential import Challenge, ChallengeType, Skill
from engine.selection.base import SelectionContext
from engine.selection.smart_random import SmartRandom

SLIP = 0.08
GUESS_OTHER = 0.03
SHARPNESS = 2.5


def _guess(challenge: Challenge) -> float:
    return 1 / len(challenge.proposals) if challenge.type is ChallengeType.QCU else GUESS_OTHER


def _p_ok(level: int, skill_level: int, guess: float) -> float:
    return guess + (1 - guess - SLIP) / (1 + math.exp(-SHARPNESS * (level + 0.5 - skill_level)))


def _entropy(dist: list[float]) -> float:
    return -sum(p * math.log(p) for p in dist if p > 0)


class BayesLevel:
    name = "bayes-level"

    def __init__(self, config: EngineConfig = DEFAULT_CONFIG, *, min_plausibility: float = 0.08,
                 min_gain: float = 0.02) -> None:
        self.config = config
        self.min_plausibility = min_plausibility
        self.min_gain = min_gain
        self._reward = SmartRandom(config)

    def posterior(self, ctx: SelectionContext) -> list[float]:
        levels = range(self.config.max_reachable_level + 1)
        dist = [1.0] * len(levels)
        curves: dict[tuple[int, float], list[float]] = {}
        for answer in ctx.answers:
            challenge = ctx.referential.challenges.get(answer.challenge_id)
            if challenge is None or challenge.skill_name not in ctx.target_set:
                continue
            key = (ctx.referential.skills[challenge.skill_name].level, _guess(challenge))
            curve = curves.get(key)
            if curve is None:
                curve = curves[key] = [_p_ok(t, *key) for t in levels]
            ok = answer.status.is_ok
            dist = [d * (p if ok else 1 - p) for d, p in zip(dist, curve, strict=True)]
        total = sum(dist)
        return [p / total for p in dist]

    def _gain(self, dist: list[float], skill_level: int, guess: float) -> float:
        p_given = [_p_ok(t, skill_level, guess) for t in range(len(dist))]
        p_ok = sum(d * p for d, p in zip(dist, p_given, strict=True))
        if p_ok <= 0 or p_ok >= 1:
            return 0.0
        after_ok = [d * p / p_ok for d, p in zip(dist, p_given, strict=True)]
        after_ko = [d * (1 - p) / (1 - p_ok) for d, p in zip(dist, p_given, strict=True)]
        return _entropy(dist) - p_ok * _entropy(after_ok) - (1 - p_ok) * _entropy(after_ko)

    def next_challenge(self, ctx: SelectionContext) -> Challenge | None:
        dist = self.posterior(ctx)
        at_least = [sum(dist[t:]) for t in range(len(dist))] + [0.0]
        scored: list[tuple[float, Skill]] = []
        gain_cache: dict[tuple[int, float], float] = {}
        for name in ctx.target_skills:
            if name in ctx.assessed:
                continue
            playable = ctx.playable_challenges(name)
            if not playable:
                continue
            skill = ctx.referential.skills[name]
            if at_least[min(skill.level, len(dist) - 1)] < self.min_plausibility:
                continue  # almost surely above the learner: leave it unvalidated
            gains = []
            for c in playable:  # few distinct (level, guess) pairs: memoised for this step
                key = (skill.level, _guess(c))
                if key not in gain_cache:
                    gain_cache[key] = self._gain(dist, *key)
                gains.append(gain_cache[key])
            scored.append((sum(gains) / len(gains), skill))
        if not scored:
            return None
        top_gain = max(g for g, _ in scored)
        likeliest = max(range(len(dist)), key=dist.__getitem__)
        if top_gain < self.min_gain and not any(s.level <= likeliest for _, s in scored):
            return None
        tied = [s for g, s in scored if math.isclose(g, top_gain, abs_tol=1e-9)]
        mean_level = sum(t * p for t, p in enumerate(dist)) + 0.5
        rewards = {s.name: self._reward.reward(ctx, s, mean_level) for s in tied}
        best_reward = max(rewards.values())
        top = sorted((s for s in tied if math.isclose(rewards[s.name], best_reward, abs_tol=1e-9)),
                     key=lambda s: s.name)
        rng = ctx.rng(self.name)
        skill = top[rng.randrange(len(top))]
        challenges = sorted(ctx.playable_challenges(skill.name), key=lambda c: c.id)
        return challenges[rng.randrange(len(challenges))]
