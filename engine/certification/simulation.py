"""Simulated candidates certified by v3 and v2, to measure how well each places people.

Candidate model (documented in the README): a candidate has a general ability G ~ N(`mean`, `spread`²)
in level units and, on each competence c, an ability λ_c = G + N(0, `specific`²), so that two
competences of the same person correlate at spread² / (spread² + specific²) (0.75 by default), as
real profiles do. The true level on c is floor(λ_c) within 0..max level; the true score is
8 × Σ_c λ_c (each λ_c within 0..max level), capped like the certification's score.

Response model: the existing one of `engine.simulation` with a continuous level: the chance of a right
answer on a challenge of skill level d of competence c is g + (1 − g − s) / (1 + e^(−k(λ_c + 0.5 − d))),
slip s, guess g (1 / proposals for a QCU, `guess_other` otherwise), sharpness k.

Each candidate first takes the 16 competence tests (smart-random) to build the profile v2 needs (and
certifiability: only certifiable candidates sit the certification), then is certified twice on
different questions (the second test avoids every challenge of the first) for test–retest reliability.
Pure: all randomness comes from seeded `random.Random`.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from engine.answers import AnswerStatus
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG, PIX_PER_LEVEL, CertificationConfig
from engine.certification.records import CertificationRecord, CertificationStatus, CertificationVersion, EndReason
from engine.certification.v2 import ProfileCompetence, score_v2, select_v2_challenges
from engine.certification.v3 import (
    ChallengePool,
    global_level,
    max_reachable_score,
    mesh_index,
    next_challenge_v3,
    score_v3,
)
from engine.competence_test import LearnerRecord, answer_challenge, start_competence_test
from engine.config import DEFAULT_CONFIG
from engine.knowledge import KnowledgeElement, current_knowledge
from engine.referential import Challenge, ChallengeType, Referential
from engine.scoring import build_scorecard, certifiability
from engine.simulation import right_answer, wrong_answer

EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
CERTIFICATION_DAY = date(2026, 3, 2)


@dataclass(frozen=True, slots=True)
class CandidateModel:
    mean: float = 2.5
    spread: float = 1.2
    specific: float = 0.7
    slip: float = 0.05
    guess_other: float = 0.02
    sharpness: float = 3.0

    @property
    def competence_correlation(self) -> float:
        return self.spread**2 / (self.spread**2 + self.specific**2)


@dataclass(frozen=True)
class Candidate:
    abilities: Mapping[str, float]  # competence code → λ_c
    max_level: int

    def true_level(self, code: str) -> int:
        return max(0, min(self.max_level, math.floor(self.abilities[code])))

    @property
    def true_score(self) -> float:
        total = PIX_PER_LEVEL * sum(max(0.0, min(float(self.max_level), a)) for a in self.abilities.values())
        return min(total, float(max_reachable_score(self.max_level)))


def draw_candidate(rng: random.Random, codes: Sequence[str], model: CandidateModel, max_level: int) -> Candidate:
    general = rng.gauss(model.mean, model.spread)
    return Candidate({code: general + rng.gauss(0.0, model.specific) for code in codes}, max_level)


def p_correct(candidate: Candidate, referential: Referential, challenge: Challenge, model: CandidateModel) -> float:
    skill = referential.skills[challenge.skill_name]
    guess = 1 / len(challenge.proposals) if challenge.type is ChallengeType.QCU else model.guess_other
    ability = candidate.abilities[skill.competence_code]
    return guess + (1 - guess - model.slip) / (1 + math.exp(-model.sharpness * (ability + 0.5 - skill.level)))


@dataclass(frozen=True)
class Profile:
    knowledge: Mapping[str, KnowledgeElement]
    competences: tuple[ProfileCompetence, ...]
    seen: frozenset[str]
    questions: int
    certifiable: bool


def position(referential: Referential, candidate: Candidate, rng: random.Random, model: CandidateModel,
             name: str) -> Profile:
    """The 16 competence tests (smart-random) taken through the engine's lifecycle."""
    now = EPOCH
    elements: list = []
    assessments: list = []
    seen: set[str] = set()
    questions = 0
    for code in sorted(referential.competences):
        record = LearnerRecord(tuple(elements), tuple(assessments), frozenset(seen))
        step = start_competence_test(referential, record, code, now=now, assessment_id=f"{name}-{code}",
                                     seed=f"{name}-{code}")
        while step.challenge is not None:
            challenge = step.challenge
            ok = rng.random() < p_correct(candidate, referential, challenge, model)
            record = LearnerRecord(tuple(elements), (*assessments, step.assessment), frozenset(seen))
            now += timedelta(seconds=30)
            step = answer_challenge(referential, record, step.assessment, challenge.id,
                                    right_answer(challenge) if ok else wrong_answer(challenge), now=now,
                                    elapsed_seconds=10)
            elements.extend(step.new_knowledge_elements)
            seen.add(challenge.id)
            questions += 1
        assessments.append(step.assessment)
    state = current_knowledge(elements)
    cards = [build_scorecard(referential, code, state, test_in_progress=False, test_completed=True,
                             last_activity=now, now=now) for code in sorted(referential.competences)]
    profile = tuple(ProfileCompetence(c.competence_code, c.level, c.pix) for c in cards)
    return Profile(state, profile, frozenset(seen), questions, certifiability(cards).is_certifiable)


@dataclass(frozen=True, slots=True)
class Certified:
    status: CertificationStatus
    score: int | None
    levels: Mapping[str, int]
    challenge_ids: tuple[str, ...]


def _answer(candidate: Candidate, referential: Referential, challenge: Challenge, rng: random.Random,
            model: CandidateModel) -> AnswerStatus:
    return AnswerStatus.OK if rng.random() < p_correct(candidate, referential, challenge, model) else AnswerStatus.KO


def certify_v3(pool: ChallengePool, candidate: Candidate, rng: random.Random, model: CandidateModel, seed: str,
               config: CertificationConfig, excluded: frozenset[str], exposure: Mapping[str, float]) -> Certified:
    record = CertificationRecord(CertificationVersion.V3, CERTIFICATION_DAY, seed, excluded_challenge_ids=excluded)
    while (challenge := next_challenge_v3(pool, record, config.flash, exposure)) is not None:
        record = record.with_answer(challenge.id, _answer(candidate, pool.referential, challenge, rng, model))
    result = score_v3(pool, record.ended(EndReason.COMPLETED), config)
    return Certified(result.status, result.score, dict(result.competence_levels), record.answered_ids)


def certify_v2(referential: Referential, candidate: Candidate, profile: Profile, rng: random.Random,
               model: CandidateModel, seed: str, config: CertificationConfig, excluded: frozenset[str]) -> Certified:
    planned = select_v2_challenges(referential, profile.competences, profile.knowledge,
                                   seen_challenge_ids=profile.seen | excluded, seed=seed, config=config)
    record = CertificationRecord(CertificationVersion.V2, CERTIFICATION_DAY, seed)
    for p in planned:
        challenge = referential.challenges[p.challenge_id]
        record = record.with_answer(p.challenge_id, _answer(candidate, referential, challenge, rng, model))
    result = score_v2(referential, planned, profile.competences, record.ended(EndReason.COMPLETED), config)
    levels = {code: 0 for code in referential.competences}
    levels.update({m.competence_code: max(0, m.level) for m in result.marks})
    return Certified(result.status, result.score, levels, record.answered_ids)


@dataclass
class VersionReport:
    version: str
    candidates: int = 0
    rejected: int = 0
    squared_errors: list[float] = field(default_factory=list)
    level_exact: int = 0
    mesh_exact: int = 0
    mesh_within_one: int = 0
    competence_exact: int = 0
    competence_within_one: int = 0
    competence_total: int = 0
    questions: list[int] = field(default_factory=list)
    first_scores: list[float] = field(default_factory=list)
    second_scores: list[float] = field(default_factory=list)
    exposure: Counter = field(default_factory=Counter)

    def add(self, candidate: Candidate, first: Certified, second: Certified) -> None:
        self.candidates += 1
        self.questions.append(len(first.challenge_ids))
        self.exposure.update(set(first.challenge_ids))
        if first.status is not CertificationStatus.VALIDATED or first.score is None:
            self.rejected += 1
            return
        truth = candidate.true_score
        self.squared_errors.append((first.score - truth) ** 2)
        true_mesh, mesh = mesh_index(round(truth)), mesh_index(first.score)
        self.mesh_exact += true_mesh == mesh
        self.mesh_within_one += abs(true_mesh - mesh) <= 1
        self.level_exact += global_level(round(truth)) == global_level(first.score)
        for code in candidate.abilities:
            gap = abs(first.levels[code] - candidate.true_level(code))
            self.competence_total += 1
            self.competence_exact += gap == 0
            self.competence_within_one += gap <= 1
        if second.status is CertificationStatus.VALIDATED and second.score is not None:
            self.first_scores.append(first.score)
            self.second_scores.append(second.score)

    def summary(self, pool_size: int) -> dict[str, float]:
        scored = len(self.squared_errors) or 1
        shares = sorted((n / self.candidates for n in self.exposure.values()), reverse=True) if self.candidates else []
        return {
            "score_rmse": math.sqrt(statistics.fmean(self.squared_errors)) if self.squared_errors else float("nan"),
            "global_level_exact": self.level_exact / scored,
            "mesh_exact": self.mesh_exact / scored,
            "mesh_within_one": self.mesh_within_one / scored,
            "competence_exact": self.competence_exact / (self.competence_total or 1),
            "competence_within_one": self.competence_within_one / (self.competence_total or 1),
            "test_retest": _correlation(self.first_scores, self.second_scores),
            "rejected": self.rejected / (self.candidates or 1),
            "questions_mean": statistics.fmean(self.questions) if self.questions else 0.0,
            "exposure_max": shares[0] if shares else 0.0,
            "exposure_p95": shares[max(0, math.ceil(0.05 * len(shares)) - 1)] if shares else 0.0,
            "challenges_used": len(self.exposure) / pool_size,
        }


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float:
    if len(xs) < 3 or statistics.pstdev(xs) == 0 or statistics.pstdev(ys) == 0:
        return float("nan")
    return statistics.correlation(xs, ys)


@dataclass(frozen=True)
class SimulationResult:
    candidates_drawn: int
    not_certifiable: int
    positioning_questions_mean: float
    reports: Mapping[str, dict[str, float]]


def simulate_certifications(referential: Referential, versions: Sequence[str], candidates: int, seed: int,
                            model: CandidateModel = CandidateModel(),
                            config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> SimulationResult:
    """`candidates` certifiable candidates, each positioned then certified twice by every version asked."""
    pool = ChallengePool.build(referential)
    codes = sorted(referential.competences)
    population = random.Random(seed)
    reports = {v: VersionReport(v) for v in versions}
    drawn = not_certifiable = 0
    positioning: list[int] = []
    while len(positioning) < candidates:
        name = f"cand-{seed}-{drawn}"
        drawn += 1
        candidate = draw_candidate(population, codes, model, DEFAULT_CONFIG.max_reachable_level)
        profile = position(referential, candidate, random.Random(f"{name}:positioning"), model, name)
        if not profile.certifiable:
            not_certifiable += 1
            continue
        positioning.append(profile.questions)
        for version in versions:
            runs = []
            excluded: frozenset[str] = frozenset()
            for run in (1, 2):
                rng = random.Random(f"{name}:{version}:{run}")
                run_seed = f"{name}:{version}:{run}"
                if version == CertificationVersion.V3:
                    report = reports[version]
                    exposure = ({cid: n / report.candidates for cid, n in report.exposure.items()}
                                if config.flash.max_exposure is not None and report.candidates else {})
                    runs.append(certify_v3(pool, candidate, rng, model, run_seed, config, excluded, exposure))
                else:
                    runs.append(certify_v2(referential, candidate, profile, rng, model, run_seed, config, excluded))
                excluded = frozenset(runs[0].challenge_ids)
            reports[version].add(candidate, runs[0], runs[1])
    return SimulationResult(drawn, not_certifiable, statistics.fmean(positioning) if positioning else 0.0,
                            {v: r.summary(len(pool.challenges)) for v, r in reports.items()})


def configured(config: CertificationConfig, *, max_exposure: float | None = None,
               competence_prior_variance: float | None = None) -> CertificationConfig:
    """The configuration with the simulation command's options."""
    return replace(config, flash=replace(config.flash, max_exposure=max_exposure),
                   v3_scoring=replace(config.v3_scoring, competence_prior_variance=competence_prior_variance))
