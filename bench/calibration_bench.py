"""How well `pix-lti content calibrate` recovers known 2PL values from simulated answers, and its cost.

python3 bench/calibration_bench.py [--competences 4.2 1.1] [--respondents 300 500 1000] [--seed 7]

For each competence and number of respondents, simulated learners answer every validated challenge
of the competence ("all") or a random half of them ("half"); prints the correlation of the recovered
difficulties and discriminations with the true ones, and the CPU time of the fit.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content_bank.calibration import calibrate  # noqa: E402
from content_bank.calibration_simulation import recovery, simulate_answers  # noqa: E402
from content_bank.loader import default_referential  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--competences", nargs="+", default=["4.2", "1.1"])
    parser.add_argument("--respondents", nargs="+", type=int, default=[300, 500, 1000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    bank = default_referential()
    print("competence  respondents  design  challenges  r(difficulty)  r(discrimination)  fit CPU s")
    for code in args.competences:
        for n in args.respondents:
            for design, share in (("all", 1.0), ("half", 0.5)):
                simulation = simulate_answers(bank, code, n, seed=args.seed, share_answered=share)
                start = time.process_time()
                result = calibrate(bank, simulation.responses)
                cpu = time.process_time() - start
                r_b, r_a, compared = recovery(simulation, result.values)
                print(f"{code:>10}  {n:>11}  {design:>6}  {compared:>10}  {r_b:>13.3f}  {r_a:>17.3f}  {cpu:>9.1f}")


if __name__ == "__main__":
    main()
