"""The bank this process serves: the shipped one, or a private bank named by `PIX_LTI_CONTENT_PATH`.

A private bank (outside the repository, so that certification answers are not public) has the same
format and passes the same checks; it is loaded whole or not at all, once per process. Its optional
`calibration.yaml` (written by `pix-lti content calibrate`) replaces the provisional IRT values.
`BankInfo` says which bank is loaded, for the admin area and `/healthz`.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from content_bank.calibration_file import CALIBRATION_FILE, Calibration, apply_calibration, read_calibration
from content_bank.loader import DEFAULT_BANK, FRAMEWORK_FILE, load_bank
from engine.content_schema import ContentBankError, ContentProblem
from engine.referential import Referential

CONTENT_PATH_ENV = "PIX_LTI_CONTENT_PATH"


@dataclass(frozen=True, slots=True)
class BankInfo:
    path: str
    private: bool
    version: str  # framework.yaml's `version`, or "non déclarée"
    fingerprint: str  # sha256 of every file of the bank (12 hex digits): two copies compare at a glance
    competences: int
    tubes: int
    skills: int
    challenges_by_status: dict[str, int]
    calibration: Calibration | None


@dataclass(frozen=True, slots=True)
class LoadedBank:
    referential: Referential
    info: BankInfo


def configured_bank_path() -> Path:
    """`PIX_LTI_CONTENT_PATH` when set (a private bank), else the shipped bank."""
    value = os.environ.get(CONTENT_PATH_ENV, "").strip()
    return Path(value).expanduser() if value else DEFAULT_BANK


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def _declared_version(root: Path) -> str:
    import yaml

    try:
        doc = yaml.safe_load((root / FRAMEWORK_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "non déclarée"
    version = doc.get("version") if isinstance(doc, dict) else None
    return str(version) if version not in (None, "") else "non déclarée"


def load_bank_with_info(folder: Path | str) -> LoadedBank:
    """Load a bank and its calibration, all or nothing; raise `ContentBankError` listing every problem."""
    root = Path(folder).resolve()
    referential = load_bank(root)
    calibration = None
    if (root / CALIBRATION_FILE).is_file():
        calibration = read_calibration(root / CALIBRATION_FILE, referential)
        referential = apply_calibration(referential, calibration)
    statuses = Counter(c.status.value for c in referential.challenges.values())
    info = BankInfo(
        path=str(root), private=root != DEFAULT_BANK.resolve(), version=_declared_version(root),
        fingerprint=_fingerprint(root), competences=len(referential.competences), tubes=len(referential.tubes),
        skills=len(referential.skills), challenges_by_status=dict(sorted(statuses.items())),
        calibration=calibration,
    )
    return LoadedBank(referential, info)


@lru_cache(maxsize=1)
def active_bank() -> LoadedBank:
    """The bank of this process, loaded once (`PIX_LTI_CONTENT_PATH` or the shipped bank)."""
    path = configured_bank_path()
    if not path.is_dir():
        raise ContentBankError([ContentProblem(str(path), "-", f"{CONTENT_PATH_ENV} is not a folder")])
    return load_bank_with_info(path)


def refusal_message(exc: ContentBankError, path: Path | None = None) -> str:
    """What a person reads when the tool refuses to start on a broken bank."""
    where = path or configured_bank_path()
    lines = [str(p) for p in exc.problems[:50]]
    more = len(exc.problems) - len(lines)
    if more > 0:
        lines.append(f"… et {more} {'autres problèmes' if more > 1 else 'autre problème'}")
    return (f"La banque de contenus {where} n'est pas chargée : {len(exc.problems)} "
            f"{'problèmes' if len(exc.problems) > 1 else 'problème'}. "
            f"L'outil ne démarre pas sur une banque incomplète.\n" + "\n".join(lines) +
            f"\nVérifiez-la avec : pix-lti content check {where}")
