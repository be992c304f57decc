"""Simulated learners, to measure how well a selection strategy places people at their level.

Response model (documented in the README): a learner has a true level T (0..max reachable level) on
the competence; their ability is θ = T + 0.5, so they master the skills up to T. The chance of a right
answer on a challenge of skill level d is

    P(ok) = g + (1 − g − s) · 1 / (1 + e^(−k(θ − d)))

with slip s (a master still errs), guess g (1 / number of proposals for QCU, `guess_other` for other
types) and sharpness k. A skipped answer is never simulated. Pure: randomness is a seeded `random.Random`.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from engine.assessment import AssessmentState
from engine.competence_test import LearnerRecord, answer_challenge, scorecard, start_competence_test
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.referential import Challenge, ChallengeType, Referential

EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ResponseModel:
    slip: float = 0.05
    guess_other: float = 0.02
    sharpness: float = 3.0

    def p_correct(self, true_level: int, challenge: Challenge, skill_level: int) -> float:
        guess = 1 / len(challenge.proposals) if challenge.type is ChallengeType.QCU else self.guess_other
        theta = true_level + 0.5
        return guess + (1 - guess - self.slip) / (1 + math.exp(-self.sharpness * (theta - skill_level)))


def right_answer(challenge: Challenge) -> object:
    sol = challenge.solution
    match challenge.type:
        case ChallengeType.QCU:
            return str(sol)
        case ChallengeType.QCM:
            return sorted(sol)  # type: ignore[call-overload]
        case ChallengeType.QROC:
            return sol[0]  # type: ignore[index]
        case ChallengeType.QROCM_IND:
            return {name: accepted[0] for name, accepted in sol.items()}  # type: ignore[attr-defined]
        case _:
            return {i.name: group[0] for i, group in zip(challenge.inputs, sol, strict=False)}  # type: ignore[call-overload]


def wrong_answer(challenge: Challenge) -> object:
    match challenge.type:
        case ChallengeType.QCU:
            return str(1 if challenge.solution != 1 else 2)
        case ChallengeType.QCM:
            wrong = [i for i in range(1, len(challenge.proposals) + 1) if i not in challenge.solution]  # type: ignore[operator]
            return wrong[:1]
        case ChallengeType.QROC:
            return "zzzz-mauvaise-réponse"
        case _:
            return {i.name: "zzzz" for i in challenge.inputs}


@dataclass(frozen=True, slots=True)
class LearnerOutcome:
    competence_code: str
    true_level: int
    placed_level: int
    questions: int


def simulate_learner(referential: Referential, strategy: str, competence_code: str, true_level: int,
                     rng: random.Random, learner_id: str, model: ResponseModel = ResponseModel(),
                     config: EngineConfig = DEFAULT_CONFIG, max_questions: int = 200) -> LearnerOutcome:
    """Run one full competence test from nothing and return where the engine placed the learner."""
    now = EPOCH
    record = LearnerRecord(knowledge_elements=(), assessments=())
    step = start_competence_test(referential, record, competence_code, now=now, assessment_id=learner_id,
                                 seed=learner_id, strategy=strategy, config=config)
    elements: list = []
    seen: set[str] = set()
    questions = 0
    while step.challenge is not None and questions < max_questions:
        challenge = step.challenge
        level = referential.skills[challenge.skill_name].level
        ok = rng.random() < model.p_correct(true_level, challenge, level)
        value = right_answer(challenge) if ok else wrong_answer(challenge)
        record = LearnerRecord(tuple(elements), (step.assessment,), frozenset(seen))
        now += timedelta(seconds=30)
        step = answer_challenge(referential, record, step.assessment, challenge.id, value, now=now,
                                elapsed_seconds=10, config=config)
        elements.extend(step.new_knowledge_elements)
        seen.add(challenge.id)
        questions += 1
    assessment = step.assessment
    if assessment.state is not AssessmentState.COMPLETED:
        raise RuntimeError(f"strategy {strategy} did not finish within {max_questions} questions")
    final = LearnerRecord(tuple(elements), (assessment,), frozenset(seen))
    card = scorecard(referential, final, competence_code, now, config)
    return LearnerOutcome(competence_code, true_level, card.level, questions)


@dataclass(frozen=True, slots=True)
class SimulationReport:
    strategy: str
    learners: int
    exact_share: float
    mean_absolute_error: float
    mean_questions: float
    p95_questions: float


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, math.ceil(q / 100 * len(ordered)) - 1)
    return float(ordered[rank])


def summarise(strategy: str, outcomes: Sequence[LearnerOutcome]) -> SimulationReport:
    return SimulationReport(
        strategy=strategy,
        learners=len(outcomes),
        exact_share=sum(o.placed_level == o.true_level for o in outcomes) / len(outcomes),
        mean_absolute_error=statistics.fmean(abs(o.placed_level - o.true_level) for o in outcomes),
        mean_questions=statistics.fmean(o.questions for o in outcomes),
        p95_questions=percentile([o.questions for o in outcomes], 95),
    )


def simulate(referential: Referential, strategy: str, learners: int, seed: int,
             model: ResponseModel = ResponseModel(), config: EngineConfig = DEFAULT_CONFIG,
             competences: tuple[str, ...] = ()) -> SimulationReport:
    """`learners` simulated learners, each on a random competence (among `competences`, all when empty)
    at a random true level 0..max."""
    population = random.Random(seed)
    competences = tuple(sorted(competences or referential.competences))
    outcomes = []
    for i in range(learners):
        code = population.choice(competences)
        true_level = population.randint(0, config.max_reachable_level)
        answers_rng = random.Random(f"{seed}:{i}:answers")
        outcomes.append(simulate_learner(referential, strategy, code, true_level, answers_rng,
                                         learner_id=f"sim-{seed}-{i}", model=model, config=config))
    return summarise(strategy, outcomes)
