"""§9 adaptive certification (v3): 32 questions over the 16 competences chosen by the flash algorithm
with the service's options, then a score out of the maximum reachable, a global level ("maille") and a
level per competence, all from the final capacity.

Pure: the referential (through a `ChallengePool`), the record of the test (answers, end, neutralised
challenges, seed) and the options in; the next challenge or the result out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from engine.answers import AnswerStatus
from engine.certification.capacity import CapacityEstimate, ItemAnswer, estimate_capacity, shrunk_capacity
from engine.certification.config import (
    COMPETENCE_COUNT,
    DEFAULT_CERTIFICATION_CONFIG,
    MESH_COEFFICIENTS,
    MESH_NAMES,
    MESH_WEIGHTS,
    CertificationConfig,
    FlashOptions,
    V3Scoring,
)
from engine.certification.records import (
    CertificationError,
    CertificationRecord,
    CertificationStatus,
    EndReason,
    max_reachable_level_on,
    scored_answers,
)
from engine.config import PIX_PER_LEVEL
from engine.referential import Challenge, Referential


@dataclass(frozen=True)
class ChallengePool:
    """The challenges a v3 test may ask, as arrays: build it once per bank and locale."""

    referential: Referential
    challenges: tuple[Challenge, ...]
    index: Mapping[str, int]
    difficulty: np.ndarray
    discriminant: np.ndarray
    competence: np.ndarray  # competence code index per challenge
    tube: np.ndarray
    skill: np.ndarray
    competence_codes: tuple[str, ...]

    @classmethod
    def build(cls, referential: Referential, locale: str = "fr-fr") -> ChallengePool:
        challenges = tuple(sorted(
            (c for s in referential.skills.values() if s.is_active
             for c in referential.playable_challenges(s.name, locale)),
            key=lambda c: c.id,
        ))
        if not challenges:
            raise CertificationError("empty_pool", "no challenge can be asked in this locale")
        codes = tuple(sorted(referential.competences))
        code_index = {code: i for i, code in enumerate(codes)}
        tubes = {name: i for i, name in enumerate(sorted(referential.tubes))}
        skills = {name: i for i, name in enumerate(sorted(referential.skills))}
        return cls(
            referential=referential,
            challenges=challenges,
            index={c.id: i for i, c in enumerate(challenges)},
            difficulty=np.array([c.difficulty for c in challenges]),
            discriminant=np.array([c.discriminant for c in challenges]),
            competence=np.array([code_index[referential.competence_of(c.skill_name)] for c in challenges]),
            tube=np.array([tubes[referential.skills[c.skill_name].tube_name] for c in challenges]),
            skill=np.array([skills[c.skill_name] for c in challenges]),
            competence_codes=codes,
        )

    def item(self, challenge_id: str, correct: bool) -> ItemAnswer:
        challenge = self.referential.challenges[challenge_id]
        return ItemAnswer(challenge.difficulty, challenge.discriminant, correct)


def capacity_of(pool: ChallengePool, record: CertificationRecord, options: FlashOptions) -> CapacityEstimate:
    """The capacity from the answers that count (neutralised ones left out)."""
    items = [pool.item(a.challenge_id, record.is_correct(a)) for a in scored_answers(record)
             if a.challenge_id in pool.referential.challenges]
    return estimate_capacity(items, options)


def _narrow(mask: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Apply a preference: keep the narrowed set unless it would be empty."""
    narrowed = mask & keep
    return narrowed if narrowed.any() else mask


def next_challenge_v3(pool: ChallengePool, record: CertificationRecord, options: FlashOptions | None = None,
                      exposure: Mapping[str, float] | None = None) -> Challenge | None:
    """The next challenge, or None when the test is over (ended, 32 answers, or nothing left to ask).

    Rules, in the service's order: never the same challenge, skill or (one question per tube) tube
    twice; through every competence first; forced competences only, if any; not a competence of the
    last 2 answers (kept when nothing else is left); then, among the challenges whose estimated success
    rate reaches the minimum for this question index (80 % for questions 1–8, 80 → 50 % for 9–16), the 5
    of highest Fisher information; the best one with probability 51 %, else one of the 4 others.
    Challenges seen elsewhere (`record.excluded_challenge_ids`) and, with `options.max_exposure`,
    challenges already seen by that share of candidates (`exposure`: challenge id → share) are avoided
    while others remain.
    """
    options = options or DEFAULT_CERTIFICATION_CONFIG.flash
    count = len(record.answers)
    if record.end is not None or count >= options.maximum_length:
        return None
    asked = [pool.index[a.challenge_id] for a in record.answers if a.challenge_id in pool.index]
    mask = np.ones(len(pool.challenges), dtype=bool)
    if asked:
        mask[asked] = False
        mask &= ~np.isin(pool.skill, pool.skill[asked])
        if options.limit_to_one_question_per_tube:
            mask &= ~np.isin(pool.tube, pool.tube[asked])
    if not mask.any():
        return None
    if record.excluded_challenge_ids:
        seen = np.array([c.id in record.excluded_challenge_ids for c in pool.challenges])
        mask = _narrow(mask, ~seen)
    if options.enable_passage_by_all_competences and asked:
        mask = _narrow(mask, ~np.isin(pool.competence, pool.competence[asked]))
    if options.forced_competences:
        forced = [pool.competence_codes.index(c) for c in options.forced_competences if c in pool.competence_codes]
        mask = _narrow(mask, np.isin(pool.competence, forced))
    recent = asked[-options.challenges_between_same_competence:] if options.challenges_between_same_competence else []
    if recent:
        mask = _narrow(mask, ~np.isin(pool.competence, pool.competence[recent]))
    if options.max_exposure is not None and exposure:
        under_cap = np.array([exposure.get(c.id, 0.0) < options.max_exposure for c in pool.challenges])
        mask = _narrow(mask, under_cap)
    candidates = np.flatnonzero(mask)
    capacity = capacity_of(pool, record, options).capacity
    a = pool.discriminant[candidates]
    p = 1.0 / (1.0 + np.exp(a * (pool.difficulty[candidates] - capacity)))
    reward = a * a * p * (1 - p)
    reaches = p >= options.minimal_success_rate(count)
    # order: reaching the minimal success rate first, then by information; ties by id (pool order)
    order = np.lexsort((candidates, -reward, ~reaches))[: options.top_n]
    top = [pool.challenges[candidates[i]] for i in order]
    rng = random.Random(f"{record.seed}:{count}:v3")
    if len(top) == 1 or rng.random() < options.probability_to_pick_best:
        return top[0]
    return top[1 + rng.randrange(len(top) - 1)]


class GlobalLevel(StrEnum):
    PRE_BEGINNER = "pre_beginner"
    BEGINNER = "beginner"
    INDEPENDENT = "independent"
    ADVANCED = "advanced"
    EXPERT = "expert"


MESH_GLOBAL_LEVELS: tuple[GlobalLevel, ...] = (
    GlobalLevel.PRE_BEGINNER, GlobalLevel.BEGINNER, GlobalLevel.BEGINNER, GlobalLevel.INDEPENDENT,
    GlobalLevel.INDEPENDENT, GlobalLevel.ADVANCED, GlobalLevel.ADVANCED, GlobalLevel.EXPERT, GlobalLevel.EXPERT,
)
MESH_STARTS: tuple[int, ...] = tuple(w * c for w, c in zip(MESH_WEIGHTS, MESH_COEFFICIENTS, strict=True))


def max_reachable_score(max_level: int) -> int:
    """The service's cap: level × 16 competences × 8 pix − 1 (895 at level 7; 767 at level 6)."""
    return max_level * COMPETENCE_COUNT * PIX_PER_LEVEL - 1


def score_for_capacity(capacity: float, scoring: V3Scoring, max_level: int) -> int:
    """The service's piecewise-linear score: floor(weight × (coefficient + progress in the mesh)),
    0 below the first bound, the maximum above the last, capped by the maximum reachable level."""
    bounds = scoring.mesh_bounds
    cap = max_reachable_score(max_level)
    if capacity < bounds[0]:
        return 0
    if capacity >= bounds[-1]:
        return cap
    i = next(k for k in range(len(MESH_WEIGHTS)) if bounds[k] <= capacity < bounds[k + 1])
    progress = (capacity - bounds[i]) / (bounds[i + 1] - bounds[i])
    return min(cap, math.floor(MESH_WEIGHTS[i] * (MESH_COEFFICIENTS[i] + progress)))


def mesh_index(score: int) -> int:
    """The mesh a score falls in (0–63 → 0, 64–127 → 1, 128–255 → 2, …, 896+ → 8)."""
    return max(i for i, start in enumerate(MESH_STARTS) if score >= start)


def global_level(score: int) -> GlobalLevel:
    return MESH_GLOBAL_LEVELS[mesh_index(score)]


def competence_level(capacity: float, bounds: tuple[float, ...], max_level: int) -> int:
    return min(max_level, sum(1 for b in bounds if capacity >= b))


@dataclass(frozen=True, slots=True)
class V3Result:
    status: CertificationStatus
    score: int | None  # None when cancelled
    capacity: float | None
    error_rate: float | None
    mesh: str | None
    global_level: GlobalLevel | None
    competence_levels: Mapping[str, int]
    answered: int
    simulated_skips: int
    max_reachable_level: int


def complete_with_skips(pool: ChallengePool, record: CertificationRecord, options: FlashOptions
                        ) -> tuple[CertificationRecord, int]:
    """An abandoned test is completed by skipped answers to the challenges the algorithm would have asked."""
    completed = replace(record, end=None)
    skips = 0
    while (challenge := next_challenge_v3(pool, completed, options)) is not None:
        completed = completed.with_answer(challenge.id, AnswerStatus.SKIPPED)
        skips += 1
    return replace(completed, end=record.end), skips


def competence_capacities(pool: ChallengePool, record: CertificationRecord, overall: float,
                          scoring: V3Scoring) -> dict[str, float]:
    """The capacity each competence level is read from: the overall one (the service's rule), or with
    `scoring.competence_prior_variance`, the competence's own answers shrunk towards the overall one."""
    variance = scoring.competence_prior_variance
    if variance is None:
        return dict.fromkeys(pool.competence_codes, overall)
    by_competence: dict[str, list[ItemAnswer]] = {code: [] for code in pool.competence_codes}
    for answer in scored_answers(record):
        if answer.challenge_id in pool.index:
            code = pool.competence_codes[pool.competence[pool.index[answer.challenge_id]]]
            by_competence[code].append(pool.item(answer.challenge_id, record.is_correct(answer)))
    return {code: shrunk_capacity(items, overall, variance) for code, items in by_competence.items()}


def score_v3(pool: ChallengePool, record: CertificationRecord,
             config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> V3Result:
    """Score a v3 test; call it again after a (de-)neutralisation to rescore.

    Ended with 32 answers (or nothing left to ask): scored. Ended early by the candidate or the clock:
    with ≥ 20 answers, completed by simulated skips then scored; fewer → rejected. Ended early by a
    technical problem: with ≥ 20 answers scored on what was answered (no penalty for the platform's
    fault); fewer → cancelled, not rejected.
    """
    options = config.flash
    answered = len(record.answers)
    max_level = max_reachable_level_on(record.certification_date, config.max_reachable_levels)
    complete = answered >= options.maximum_length or next_challenge_v3(pool, replace(record, end=None),
                                                                      options) is None
    if record.end is None and not complete:
        raise CertificationError("not_ended", "this certification test is still in progress")
    status = CertificationStatus.VALIDATED
    skips = 0
    scored = record
    if not complete:
        if answered < config.minimum_answers:
            if record.end is EndReason.ABORTED_TECHNICAL:
                return V3Result(CertificationStatus.CANCELLED, None, None, None, None, None, {}, answered, 0, max_level)
            status = CertificationStatus.REJECTED
        elif record.end is not EndReason.ABORTED_TECHNICAL:
            scored, skips = complete_with_skips(pool, record, options)
    estimate = capacity_of(pool, scored, options)
    score = score_for_capacity(estimate.capacity, config.v3_scoring, max_level)
    levels = {code: competence_level(capacity, config.v3_scoring.bounds_for(code), max_level)
              for code, capacity in competence_capacities(pool, scored, estimate.capacity, config.v3_scoring).items()}
    return V3Result(status, score, estimate.capacity, estimate.error_rate, MESH_NAMES[mesh_index(score)],
                    global_level(score), levels, answered, skips, max_level)
