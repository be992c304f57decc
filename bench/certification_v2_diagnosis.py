"""Why v2 scores what it scores: where its checks land relative to the candidates' true levels.

Run: python bench/certification_v2_diagnosis.py [--bank PATH] [--candidates N] [--seed S]
     [--tubes-from OTHER_BANK] [--no-guess]
Same candidates, positioning and v2 as `pix-lti engine certify-simulate` (engine.certification.simulation).
Prints, over certifiable candidates: positioning questions; the level of each v2 check minus the candidate's
true level on that competence; the share of checks drawn from "easy" tubes (top skill ≤ 3); per competence
at level ≥ 1, how many tubes hold a direct validation above the true level; the mean and spread of
(v2 score − true score) and (profile pix − true score); rejected share, score RMSE.
`--tubes-from OTHER_BANK`: v2 may only check skills of tubes that OTHER_BANK also has (positioning and the
profile's pix unchanged): isolates the effect of the tubes v2 picks from. `--no-guess`: no chance of
guessing a QCU (its guess is `guess_other` like any other type): isolates the effect of lucky answers.
Figures only (no timing): it is a diagnosis, not a speed bench.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content_bank.loader import DEFAULT_BANK, load_bank, read_bank_documents  # noqa: E402
from engine.certification import simulation as sim  # noqa: E402
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG  # noqa: E402
from engine.certification.records import CertificationStatus  # noqa: E402
from engine.certification.v2 import select_v2_challenges  # noqa: E402
from engine.config import DEFAULT_CONFIG  # noqa: E402
from engine.referential import Challenge, Referential  # noqa: E402


def tubes_of(folder: Path) -> set[tuple[str, str]]:
    """(competence, tube) pairs of another bank, read without its content checks (an older bank may fail
    today's typography rules)."""
    return {(str(doc["competence"]), str(tube["name"]))
            for doc in read_bank_documents(folder).values() if isinstance(doc, dict)
            for tube in doc.get("tubes") or ()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bank", type=Path, default=DEFAULT_BANK)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tubes-from", type=Path, default=None)
    parser.add_argument("--no-guess", action="store_true")
    args = parser.parse_args()
    referential = load_bank(args.bank)
    model = sim.CandidateModel()
    p_correct = sim.p_correct
    if args.no_guess:
        def no_guess(candidate: sim.Candidate, ref: Referential, challenge: Challenge,
                     model: sim.CandidateModel) -> float:
            skill = ref.skills[challenge.skill_name]
            g = model.guess_other
            ability = candidate.abilities[skill.competence_code]
            return g + (1 - g - model.slip) / (1 + math.exp(-model.sharpness * (ability + 0.5 - skill.level)))
        sim.p_correct = p_correct = no_guess  # the simulation's answers read this module attribute
    allowed = tubes_of(args.tubes_from) if args.tubes_from else None
    tube_top: dict[tuple[str, str], int] = {}
    for s in referential.skills.values():
        key = (s.competence_code, s.tube_name)
        tube_top[key] = max(tube_top.get(key, 0), s.level)
    codes = sorted(referential.competences)
    population = random.Random(args.seed)
    drawn = done = rejected = from_easy = planned_total = 0
    gaps: Counter[int] = Counter()
    edge_tubes: list[int] = []
    questions: list[int] = []
    p_checks: list[float] = []
    score_gap: list[float] = []
    profile_gap: list[float] = []
    while done < args.candidates:
        name = f"cand-{args.seed}-{drawn}"
        drawn += 1
        candidate = sim.draw_candidate(population, codes, model, DEFAULT_CONFIG.max_reachable_level)
        profile = sim.position(referential, candidate, random.Random(f"{name}:positioning"), model, name)
        if not profile.certifiable:
            continue
        done += 1
        questions.append(profile.questions)
        if allowed is not None:
            profile = dataclasses.replace(profile, knowledge={
                k: ke for k, ke in profile.knowledge.items()
                if (ke.competence_code, referential.skills[ke.skill_name].tube_name) in allowed})
        run_seed = f"{name}:v2:1"
        planned = select_v2_challenges(referential, profile.competences, profile.knowledge,
                                       seen_challenge_ids=profile.seen, seed=run_seed)
        for p in planned:
            challenge = referential.challenges[p.challenge_id]
            skill = referential.skills[challenge.skill_name]
            planned_total += 1
            from_easy += tube_top[(skill.competence_code, skill.tube_name)] <= 3
            gaps[skill.level - candidate.true_level(skill.competence_code)] += 1
            p_checks.append(p_correct(candidate, referential, challenge, model))
        for competence in profile.competences:
            if competence.level < 1:
                continue
            true_level = candidate.true_level(competence.code)
            edge_tubes.append(len({referential.skills[ke.skill_name].tube_name for ke in profile.knowledge.values()
                                   if ke.competence_code == competence.code and ke.is_direct and ke.is_validated
                                   and referential.skills[ke.skill_name].level > true_level}))
        result = sim.certify_v2(referential, candidate, profile, random.Random(run_seed), model, run_seed,
                                DEFAULT_CERTIFICATION_CONFIG, frozenset())
        if result.status is not CertificationStatus.VALIDATED or result.score is None:
            rejected += 1
            continue
        score_gap.append(result.score - candidate.true_score)
        profile_gap.append(sum(c.pix for c in profile.competences) - candidate.true_score)
    print(f"bank {args.bank} ({len(referential.challenges)} challenges, "
          f"{len(tube_top) / len(codes):.1f} tubes per competence, "
          f"{sum(1 for t in tube_top.values() if t > 3) / len(codes):.1f} of them reaching level 4+)"
          + (f"; v2 restricted to the tubes of {args.tubes_from}" if allowed is not None else "")
          + ("; no QCU guessing" if args.no_guess else ""))
    print(f"candidates {args.candidates} (seed {args.seed}); positioning questions, mean "
          f"{statistics.fmean(questions):.1f}")
    print(f"v2 checks per candidate {planned_total / args.candidates:.1f}; chance of a right answer, mean "
          f"{statistics.fmean(p_checks):.3f}; from easy tubes (top ≤ 3) {from_easy / planned_total:.1%}")
    mean_gap = sum(g * n for g, n in gaps.items()) / planned_total
    print("check's skill level − true level: " + ", ".join(
        f"{g:+d}: {n / planned_total:.1%}" for g, n in sorted(gaps.items()) if n / planned_total >= 0.005)
        + f" (mean {mean_gap:+.2f})")
    print(f"tubes with a direct validation above the true level, per competence at level ≥ 1: mean "
          f"{statistics.fmean(edge_tubes):.2f}, 3 or more {sum(e >= 3 for e in edge_tubes) / len(edge_tubes):.1%}")
    print(f"rejected {rejected / args.candidates:.1%}; over validated: v2 score − true score mean "
          f"{statistics.fmean(score_gap):+.1f} (sd {statistics.pstdev(score_gap):.1f}, RMSE "
          f"{math.sqrt(statistics.fmean(g * g for g in score_gap)):.1f}); profile pix − true score mean "
          f"{statistics.fmean(profile_gap):+.1f} (sd {statistics.pstdev(profile_gap):.1f})")


if __name__ == "__main__":
    main()
