"""Times the v3 certification's next-question selection and scoring on the full shipped bank.

Run: python bench/certification_bench.py [--bank PATH] [--runs N]
For tests standing after 0, 8, 16 and 31 answers (a simulated candidate, seeded), prints p50/p99 of
selecting the next question (the capacity re-estimated from every answer, the rules, the ranking) and of
scoring a finished test, in microseconds (wall clock), with the CPU time per call (mean and p99: the
call's own cost, without waiting for a core) and the machine's load and reference loop.
Target: p99 < 5 ms for the next question.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.launch_bench import machine_reference_ms  # noqa: E402
from content_bank.loader import DEFAULT_BANK, load_bank  # noqa: E402
from engine.answers import AnswerStatus  # noqa: E402
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG  # noqa: E402
from engine.certification.records import CertificationRecord, CertificationVersion, EndReason  # noqa: E402
from engine.certification.simulation import CERTIFICATION_DAY  # noqa: E402
from engine.certification.v3 import ChallengePool, next_challenge_v3, score_v3  # noqa: E402
from engine.simulation import percentile  # noqa: E402


def timed(fn, runs: int) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """Per call: wall-clock µs, and CPU µs of this thread (what the call itself costs, without the time
    the process waited for a core on a loaded machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter_ns(), time.thread_time_ns()
        fn()
        cpu.append((time.thread_time_ns() - cpu_start) / 1000)
        wall.append((time.perf_counter_ns() - start) / 1000)
    return wall, cpu


def row(label: str, wall: list[float], cpu: list[float]) -> None:
    print(f"{label:<36}{statistics.median(wall):>9.0f}{percentile(wall, 99):>9.0f}"
          f"{statistics.fmean(cpu):>10.0f}{percentile(cpu, 99):>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bank", type=Path, default=DEFAULT_BANK)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    ref = load_bank(args.bank)
    started = time.perf_counter()
    pool = ChallengePool.build(ref)
    build_ms = (time.perf_counter() - started) * 1000
    options = DEFAULT_CERTIFICATION_CONFIG.flash
    rng = random.Random(7)
    record = CertificationRecord(CertificationVersion.V3, CERTIFICATION_DAY, "bench")
    snapshots = {}
    while (challenge := next_challenge_v3(pool, record, options)) is not None:
        if len(record.answers) in (0, 8, 16, 31):
            snapshots[len(record.answers)] = record
        p = 1 / (1 + 2.718281828 ** (challenge.discriminant * (challenge.difficulty - 0.5)))
        record = record.with_answer(challenge.id, AnswerStatus.OK if rng.random() < p else AnswerStatus.KO)
    finished = record.ended(EndReason.COMPLETED)
    abandoned = snapshots[31].ended(EndReason.ABORTED_CANDIDATE)
    print(f"bank: {len(pool.challenges)} challenges in the v3 pool, {len(ref.skills)} skills, {len(ref.tubes)} tubes "
          f"(pool built once per bank in {build_ms:.1f} ms); {args.runs} runs each; cpus: {os.cpu_count()}")
    print(f"{'operation':<36}{'p50 µs':>9}{'p99 µs':>9}{'CPU mean':>10}{'CPU p99':>10}")
    for count, snapshot in sorted(snapshots.items()):
        row(f"v3 next question after {count} answers",
            *timed(lambda s=snapshot: next_challenge_v3(pool, s, options), args.runs))
    row("v3 score, 32 answers", *timed(lambda: score_v3(pool, finished), max(1, args.runs // 4)))
    row("v3 score, abandoned at 31 (1 skip)", *timed(lambda: score_v3(pool, abandoned), max(1, args.runs // 4)))
    print(f"machine load average: {os.getloadavg()[0]:.2f}; reference loop {machine_reference_ms():.1f} ms "
          "(sum(range(10**6)), best of 5: compares machines)")


if __name__ == "__main__":
    main()
