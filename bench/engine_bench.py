"""Times next-challenge selection and scoring on the full shipped bank with a 40-answer history.

Run: python bench/engine_bench.py [--bank PATH] [--runs N]
Prints p50/p99 in microseconds for each strategy's selection and for scoring (profile of 16 scorecards).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content_bank.loader import DEFAULT_BANK, load_bank  # noqa: E402
from engine.answers import AnswerStatus  # noqa: E402
from engine.assessment import Assessment, AssessmentType, RecordedAnswer  # noqa: E402
from engine.competence_test import LearnerRecord  # noqa: E402
from engine.knowledge import assessed_skills, current_knowledge, knowledge_elements_for_answer  # noqa: E402
from engine.profile import build_profile  # noqa: E402
from engine.selection import STRATEGIES, Flash, SelectionContext, get_strategy  # noqa: E402
from engine.simulation import percentile  # noqa: E402

HISTORY = 40


def build_history(ref, rng: random.Random):  # noqa: ANN001, ANN201
    """A campaign-like assessment over every skill of the bank, with 40 answers and their knowledge."""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    targets = tuple(sorted(s.name for s in ref.skills.values() if s.is_active))
    elements, answers = [], []
    for _ in range(HISTORY):
        assessed = {ke.skill_name for ke in elements}
        free = [name for name in targets if name not in assessed]
        challenge = ref.challenges_of(rng.choice(free))[0]
        status = AnswerStatus.OK if rng.random() < 0.6 else AnswerStatus.KO
        now += timedelta(seconds=40)
        elements += knowledge_elements_for_answer(referential=ref, challenge=challenge, status=status,
                                                  target_skills=targets, already_assessed=assessed, now=now,
                                                  assessment_id="bench")
        answers.append(RecordedAnswer(challenge.id, "x", status, now))
    assessment = Assessment(id="bench", type=AssessmentType.CAMPAIGN, target_skills=targets,
                            strategy="smart-random", seed="bench", created_at=now, answers=tuple(answers))
    return assessment, elements, now


def timed(fn, runs: int) -> list[float]:  # noqa: ANN001
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def row(label: str, samples: list[float]) -> None:
    print(f"{label:<34}{statistics.median(samples):>10.0f}{percentile(samples, 99):>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bank", type=Path, default=DEFAULT_BANK)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    ref = load_bank(args.bank)
    assessment, elements, now = build_history(ref, random.Random(7))
    state = current_knowledge(elements)
    ctx = SelectionContext(referential=ref, target_skills=assessment.target_skills, state=state,
                           assessed=frozenset(assessed_skills(state, now=now)), answers=assessment.past_answers(),
                           seed="bench")
    record = LearnerRecord(tuple(elements), (assessment,))
    print(f"bank: {len(ref.challenges)} challenges, {len(ref.skills)} skills; history: {HISTORY} answers, "
          f"{len(elements)} knowledge elements; {args.runs} runs each")
    print(f"{'operation':<34}{'p50 µs':>10}{'p99 µs':>10}")
    for name in sorted(STRATEGIES):
        # flash's fixed length (32) would end this 40-answer test at once: time it without the cap
        strategy = Flash(max_questions=10**6) if name == Flash.name else get_strategy(name)
        samples = timed(lambda s=strategy: s.next_challenge(ctx), args.runs)
        row(f"next challenge: {name}", samples)
    # a competence test: one competence's skills, with the history's answers on it
    code = sorted(ref.competences)[0]
    comp_targets = tuple(sk.name for sk in ref.active_skills_by_competence[code])
    comp_ctx = SelectionContext(referential=ref, target_skills=comp_targets, state={}, assessed=frozenset(),
                                answers=(), seed="bench")
    for name in sorted(STRATEGIES):
        strategy = get_strategy(name)
        row(f"competence test, 1st: {name}", timed(lambda s=strategy: s.next_challenge(comp_ctx), args.runs))
    row("scoring: profile (16 scorecards)", timed(lambda: build_profile(ref, record, now), args.runs))


if __name__ == "__main__":
    main()
