"""What an activity measures and the score it gives, from its custom parameters and the learner's
scorecards. Pure functions: no database, no clock."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.config import PIX_PER_LEVEL
from engine.scoring import Scorecard, ScorecardStatus

_CRCN = re.compile(r"^[1-5]\.[1-4]$")


class Scale(StrEnum):
    LEVEL = "level"  # level out of the maximum reachable level
    PIX = "pix"  # pix out of the competence (or profile) maximum
    MASTERY = "mastery"  # campaign mastery percentage


class TargetKind(StrEnum):
    COMPETENCE = "competence"
    PROFILE = "profile"
    CAMPAIGN = "campaign"


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    code: str  # competence code, profile name, campaign code
    scale: Scale


@dataclass(frozen=True)
class Score:
    given: float
    maximum: float
    comment: str

    @property
    def ratio(self) -> float:
        return self.given / self.maximum if self.maximum else 0.0


def target_of(custom: Mapping[str, str]) -> Target | None:
    """The activity's target as its custom parameters describe it; None when it measures nothing gradable."""
    raw_scale = str(custom.get("scale", "")).strip().lower()
    competence = str(custom.get("competence", "")).strip()
    if competence:
        if not _CRCN.match(competence):
            return None
        scale = Scale.PIX if raw_scale == Scale.PIX else Scale.LEVEL
        return Target(TargetKind.COMPETENCE, competence, scale)
    profile = str(custom.get("profile", "")).strip()
    if profile:
        return Target(TargetKind.PROFILE, profile, Scale.PIX)
    campaign = str(custom.get("campaign", "")).strip()
    if campaign:
        return Target(TargetKind.CAMPAIGN, campaign, Scale.MASTERY)
    return None


def _pix_label(pix: int) -> str:
    return f"{pix} pix"


def competence_score(card: Scorecard, scale: Scale) -> Score | None:
    """A finished competence test gives a score; one still running or never started gives none."""
    if card.status is not ScorecardStatus.COMPLETED:
        return None
    comment = f"Niveau {card.level} — {_pix_label(card.pix)}"
    if scale is Scale.PIX:
        return Score(float(card.pix), float(card.max_level * PIX_PER_LEVEL), comment)
    return Score(float(card.level), float(card.max_level), comment)


def profile_score(cards: Sequence[Scorecard]) -> Score | None:
    completed = [c for c in cards if c.status is ScorecardStatus.COMPLETED]
    if not completed:
        return None
    total = sum(c.pix for c in cards)
    maximum = sum(c.max_level * PIX_PER_LEVEL for c in cards)
    evaluated = len(completed)
    plural = "s" if evaluated > 1 else ""
    comment = f"Profil — {_pix_label(total)} ({evaluated} compétence{plural} évaluée{plural} sur {len(cards)})"
    return Score(float(total), float(maximum), comment)


def campaign_score(mastery_percent: int, stage: tuple[int, int] | None = None) -> Score:
    """A shared campaign result: the mastery rate of the target skills out of 100, with the stage reached
    ("palier" index out of the campaign's count) in the comment."""
    if not 0 <= mastery_percent <= 100:
        raise ValueError(f"a mastery rate is a percentage, not {mastery_percent}")
    comment = f"Maîtrise {mastery_percent} %"
    if stage is not None:
        comment += f" — palier {stage[0]} sur {stage[1]}"
    return Score(float(mastery_percent), 100.0, comment)


def score_for(target: Target, cards: Sequence[Scorecard]) -> Score | None:
    """The score the target gives from these scorecards; None when there is nothing to report yet."""
    if target.kind is TargetKind.COMPETENCE:
        card = next((c for c in cards if c.competence_code == target.code), None)
        return competence_score(card, target.scale) if card is not None else None
    if target.kind is TargetKind.PROFILE:
        return profile_score(cards)
    return None  # campaigns report their mastery when the learner shares it (`hooks.campaign_results_shared`)


def is_better(new: Score, last_ratio: float | None) -> bool:
    """Only a first score or a strictly better one is sent: a worse or equal result never lowers the grade."""
    return last_ratio is None or new.ratio > last_ratio + 1e-9
