"""Fits each challenge's 2-parameter IRT values from stored answers (`pix-lti content calibrate`).

The fit is girth's marginal maximum likelihood for the 2PL model (`girth.twopl_mml`: numpy + scipy
only, handles the answers a learner was never asked as missing data), one competence at a time, since
the engine estimates a learner's θ per competence. Its scale (θ ~ N(0, 1) in the sample) is then
anchored on the provisional values by mean–sigma linking over the fitted challenges of the
competence: difficulty' = A·difficulty + B and discrimination' = discrimination / A, with A and B
such that the fitted difficulties get the mean and spread of the provisional ones. Calibrated values
thus stay comparable with the uncalibrated challenges of the same bank.

A challenge is left at its provisional values and reported when it has too few answers, when
everybody or nobody answered it right (no information), when its answers go against the learners'
results on the other challenges (negative item-rest correlation: review it), or when the fit puts it
outside the θ range. Very easy or very hard challenges are reported too.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from content_bank.calibration_file import THETA_LIMIT, Calibration
from engine.referential import Referential

DEFAULT_MIN_ANSWERS = 30
MIN_CHALLENGES_PER_FIT = 3  # a competence's θ scale needs several challenges answered by the same people
TOO_EASY = 0.95  # share of right answers above which a challenge is reported as too easy
TOO_HARD = 0.05
GIRTH_MIN_DISCRIMINATION = 0.2  # girth bounds the discrimination to [0.2, 5]: at the bound = no fit
METHOD = "2PL, girth.twopl_mml (marginal maximum likelihood), per competence, mean-sigma anchored " \
         "on the provisional values"


@dataclass(frozen=True, slots=True)
class Response:
    respondent: str  # who answered (one learner)
    challenge_id: str
    correct: bool


@dataclass(frozen=True, slots=True)
class Finding:
    challenge_id: str
    kind: str  # too_few_answers | too_easy | too_hard | negative_discrimination | no_fit
    detail: str


@dataclass
class CalibrationResult:
    values: dict[str, tuple[float, float]] = field(default_factory=dict)  # id → (difficulty, discriminant)
    findings: list[Finding] = field(default_factory=list)
    respondents: int = 0
    answers: int = 0

    def to_calibration(self, calibrated_at: str) -> Calibration:
        return Calibration(calibrated_at=calibrated_at, respondents=self.respondents, answers=self.answers,
                           method=METHOD, values=dict(self.values))


def _first_answers(responses: Iterable[Response]) -> dict[tuple[str, str], bool]:
    """One answer per (respondent, challenge): the first (a retry after a tutorial measures less)."""
    kept: dict[tuple[str, str], bool] = {}
    for r in responses:
        kept.setdefault((r.respondent, r.challenge_id), r.correct)
    return kept


def _item_rest_correlation(matrix: np.ndarray, observed: np.ndarray, row: int) -> float:
    """Correlation between one challenge's answers and its respondents' success on the others."""
    others = np.delete(matrix, row, axis=0)
    seen_others = np.delete(observed, row, axis=0)
    counts = seen_others.sum(axis=0)
    who = observed[row] & (counts > 0)
    if who.sum() < 3:
        return math.nan
    rest = (others * seen_others).sum(axis=0)[who] / counts[who]
    item = matrix[row][who]
    if item.std() == 0 or rest.std() == 0:
        return math.nan
    return float(np.corrcoef(item, rest)[0, 1])


def _anchor(fitted: dict[str, tuple[float, float]], provisional: dict[str, float]
            ) -> dict[str, tuple[float, float]]:
    ids = sorted(fitted)
    est = np.array([fitted[i][0] for i in ids])
    prov = np.array([provisional[i] for i in ids])
    slope = float(prov.std() / est.std()) if len(ids) > 1 and est.std() > 1e-9 and prov.std() > 1e-9 else 1.0
    shift = float(prov.mean() - slope * est.mean())
    return {i: (slope * fitted[i][0] + shift, fitted[i][1] / slope) for i in ids}


def calibrate(referential: Referential, responses: Iterable[Response], *,
              min_answers: int = DEFAULT_MIN_ANSWERS) -> CalibrationResult:
    """Fit the 2PL values of every challenge with enough answers; report those that fit poorly."""
    from girth import INVALID_RESPONSE, twopl_mml

    answers = _first_answers(r for r in responses if r.challenge_id in referential.challenges)
    result = CalibrationResult(respondents=len({who for who, _ in answers}), answers=len(answers))
    by_competence: dict[str, dict[tuple[str, str], bool]] = defaultdict(dict)
    for (who, cid), correct in answers.items():
        by_competence[referential.competence_of(referential.challenges[cid].skill_name)][(who, cid)] = correct
    for code in sorted(by_competence):
        cells = by_competence[code]
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (_, cid), correct in cells.items():
            counts[cid][0] += 1
            counts[cid][1] += correct
        items: list[str] = []
        for cid in sorted(counts):
            n, right = counts[cid]
            share = right / n
            if n < min_answers:
                result.findings.append(Finding(cid, "too_few_answers", f"{n} answers (< {min_answers})"))
                continue
            if share >= TOO_EASY:
                result.findings.append(Finding(cid, "too_easy", f"{share:.0%} right over {n} answers"))
            elif share <= TOO_HARD:
                result.findings.append(Finding(cid, "too_hard", f"{share:.0%} right over {n} answers"))
            if right in (0, n):
                continue  # no information on its difficulty or discrimination: provisional values kept
            items.append(cid)
        if not items:
            continue
        people = sorted({who for who, cid in cells if cid in items})
        col = {who: j for j, who in enumerate(people)}
        matrix = np.zeros((len(items), len(people)), dtype=int)
        observed = np.zeros_like(matrix, dtype=bool)
        for i, cid in enumerate(items):
            for who in people:
                value = cells.get((who, cid))
                if value is not None:
                    matrix[i, col[who]] = int(value)
                    observed[i, col[who]] = True
        kept: list[int] = []
        for i, cid in enumerate(items):
            r = _item_rest_correlation(matrix, observed, i)
            if not math.isnan(r) and r < 0:
                result.findings.append(Finding(cid, "negative_discrimination",
                                               f"item-rest correlation {r:.2f}: right answers come from the "
                                               "learners who fail the other challenges"))
            else:
                kept.append(i)
        if len(kept) < MIN_CHALLENGES_PER_FIT:
            result.findings.extend(Finding(items[i], "no_fit", f"fewer than {MIN_CHALLENGES_PER_FIT} challenges "
                                           f"of competence {code} can be fitted together") for i in kept)
            continue
        data = np.where(observed[kept], matrix[kept], INVALID_RESPONSE)
        fit = twopl_mml(data)
        difficulties = np.atleast_1d(fit["Difficulty"]).ravel()
        discriminations = np.atleast_1d(fit["Discrimination"]).ravel()
        fitted: dict[str, tuple[float, float]] = {}
        for k, i in enumerate(kept):
            difficulty, discrimination = float(difficulties[k]), float(discriminations[k])
            if not (math.isfinite(difficulty) and math.isfinite(discrimination)):
                result.findings.append(Finding(items[i], "no_fit", "the estimation did not converge"))
            elif discrimination <= GIRTH_MIN_DISCRIMINATION + 1e-3:
                result.findings.append(Finding(items[i], "negative_discrimination",
                                               f"discrimination at its lower bound ({discrimination:.2f})"))
            else:
                fitted[items[i]] = (difficulty, discrimination)
        provisional = {cid: referential.challenges[cid].difficulty for cid in fitted}
        for cid, (difficulty, discrimination) in _anchor(fitted, provisional).items():
            if abs(difficulty) > THETA_LIMIT:
                kind = "too_hard" if difficulty > 0 else "too_easy"
                result.findings.append(Finding(cid, kind, f"fitted difficulty {difficulty:.1f} outside the θ range"))
                continue
            result.values[cid] = (difficulty, discrimination)
    return result
