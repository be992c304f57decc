"""`calibration.yaml`: IRT values fitted on real answers, loaded over a bank's provisional values.

```yaml
calibrated_at: "2026-12-05T10:00:00+00:00"
respondents: 812          # learners whose answers were used
answers: 9450
method: "2PL, girth.twopl_mml, anchored on the provisional values"
challenges:
  11-req-1a: {difficulty: -2.41, discriminant: 1.32}
```

Only the challenges listed change; every value is checked (known id, finite difficulty within the
engine's θ range, discriminant > 0) and a bad file refuses the whole bank, like any other problem.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.content_schema import ContentBankError, ContentProblem
from engine.referential import Referential

CALIBRATION_FILE = "calibration.yaml"
THETA_LIMIT = 9.0  # the flash algorithm's grid is −9..9


@dataclass(frozen=True, slots=True)
class Calibration:
    calibrated_at: str
    respondents: int
    answers: int
    method: str
    values: dict[str, tuple[float, float]]  # challenge id → (difficulty, discriminant)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def parse_calibration(doc: Any, referential: Referential) -> Calibration:
    problems: list[ContentProblem] = []

    def bad(ident: str, reason: str) -> None:
        problems.append(ContentProblem(CALIBRATION_FILE, ident, reason))

    if not isinstance(doc, dict) or not isinstance(doc.get("challenges"), dict):
        raise ContentBankError([ContentProblem(CALIBRATION_FILE, "-", "expected a mapping with 'challenges'")])
    values: dict[str, tuple[float, float]] = {}
    for cid, item in doc["challenges"].items():
        if cid not in referential.challenges:
            bad(str(cid), "unknown challenge id")
            continue
        difficulty = _number(item.get("difficulty")) if isinstance(item, dict) else None
        discriminant = _number(item.get("discriminant")) if isinstance(item, dict) else None
        if difficulty is None or discriminant is None:
            bad(cid, "needs a numeric difficulty and discriminant")
        elif abs(difficulty) > THETA_LIMIT:
            bad(cid, f"difficulty {difficulty} outside −{THETA_LIMIT:g}..{THETA_LIMIT:g}")
        elif discriminant <= 0:
            bad(cid, f"discriminant {discriminant} must be positive")
        else:
            values[cid] = (difficulty, discriminant)
    for key in ("respondents", "answers"):
        if doc.get(key) is not None and (isinstance(doc[key], bool) or not isinstance(doc[key], int)):
            bad("-", f"'{key}' must be a whole number")
    if problems:
        raise ContentBankError(problems)
    return Calibration(calibrated_at=str(doc.get("calibrated_at", "inconnue")),
                       respondents=int(doc.get("respondents") or 0), answers=int(doc.get("answers") or 0),
                       method=str(doc.get("method", "")), values=values)


def read_calibration(path: Path, referential: Referential) -> Calibration:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ContentBankError([ContentProblem(CALIBRATION_FILE, "-", f"cannot be read: {exc}")]) from None
    return parse_calibration(doc, referential)


def apply_calibration(referential: Referential, calibration: Calibration) -> Referential:
    """A new referential whose listed challenges carry the calibrated values."""
    challenges = dict(referential.challenges)
    for cid, (difficulty, discriminant) in calibration.values.items():
        challenges[cid] = dataclasses.replace(challenges[cid], difficulty=difficulty, discriminant=discriminant)
    return Referential(domains=referential.domains, tubes=referential.tubes, skills=referential.skills,
                       challenges=challenges)


def write_calibration(path: Path, calibration: Calibration) -> None:
    doc = {"calibrated_at": calibration.calibrated_at, "respondents": calibration.respondents,
           "answers": calibration.answers, "method": calibration.method,
           "challenges": {cid: {"difficulty": round(d, 3), "discriminant": round(a, 3)}
                          for cid, (d, a) in sorted(calibration.values.items())}}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tmp.replace(path)  # never a half-written calibration file
