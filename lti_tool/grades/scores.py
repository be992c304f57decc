"""What an activity measures and the score it gives, from its custom parameters and the learner's
scorecards. Pure functions: no database, no clock."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.config import PIX_PER_LEVEL
from engine.scoring import Scorecard, ScorecardStatus
from web.i18n import translator

_CRCN = re.compile(r"^[1-5]\.[1-4]$")


class Scale(StrEnum):
    LEVEL = "level"  # level out of the maximum reachable level
    PIX = "pix"  # pix out of the competence (or profile) maximum
    MASTERY = "mastery"  # campaign mastery percentage
    PERCENT = "percent"  # the whole profile: its pix as a percentage of the maximum


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
        return Target(TargetKind.PROFILE, profile, Scale.PERCENT)
    campaign = str(custom.get("campaign", "")).strip()
    if campaign:
        return Target(TargetKind.CAMPAIGN, campaign, Scale.MASTERY)
    return None


PROFILE_SCORE_MAXIMUM = 100  # a percentage: Moodle caps an activity's maximum grade at `gradepointmax` (100)

def _comment(locale: str, key: str, **values: object) -> str:
    """The gradebook comment in the launch's language (French unless it was English)."""
    return translator(locale)(f"lms.comment.{key}", **values)


def competence_score(card: Scorecard, scale: Scale, locale: str = "fr") -> Score | None:
    """A finished competence test gives a score; one still running or never started gives none."""
    if card.status is not ScorecardStatus.COMPLETED:
        return None
    comment = _comment(locale, "level", level=card.level, pix=card.pix)
    if scale is Scale.PIX:
        return Score(float(card.pix), float(card.max_level * PIX_PER_LEVEL), comment)
    return Score(float(card.level), float(card.max_level), comment)


def profile_score(cards: Sequence[Scorecard], locale: str = "fr") -> Score | None:
    """The whole profile as a percentage of its maximum pix (768 by default), two decimals: a maximum grade of
    768 is refused by a default Moodle (`gradepointmax` = 100). The pix stay in the comment."""
    completed = [c for c in cards if c.status is ScorecardStatus.COMPLETED]
    if not completed:
        return None
    total = sum(c.pix for c in cards)
    maximum = sum(c.max_level * PIX_PER_LEVEL for c in cards)
    evaluated = len(completed)
    comment = _comment(locale, "profile", pix=total, max=maximum, n=evaluated, count=len(cards))
    given = round(total * PROFILE_SCORE_MAXIMUM / maximum, 2) if maximum else 0.0
    return Score(given, float(PROFILE_SCORE_MAXIMUM), comment)


def campaign_score(mastery_percent: int, stage: tuple[int, int] | None = None, locale: str = "fr") -> Score:
    """A shared campaign result: the mastery rate of the target skills out of 100, with the stage reached
    ("palier" index out of the campaign's count) in the comment."""
    if not 0 <= mastery_percent <= 100:
        raise ValueError(f"a mastery rate is a percentage, not {mastery_percent}")
    comment = _comment(locale, "mastery", percent=mastery_percent)
    if stage is not None:
        comment += _comment(locale, "stage", stage=stage[0], stages=stage[1])
    return Score(float(mastery_percent), 100.0, comment)


def score_for(target: Target, cards: Sequence[Scorecard], locale: str = "fr") -> Score | None:
    """The score the target gives from these scorecards; None when there is nothing to report yet."""
    if target.kind is TargetKind.COMPETENCE:
        card = next((c for c in cards if c.competence_code == target.code), None)
        return competence_score(card, target.scale, locale) if card is not None else None
    if target.kind is TargetKind.PROFILE:
        return profile_score(cards, locale)
    return None  # campaigns report their mastery when the learner shares it (`hooks.campaign_results_shared`)


def is_better(new: Score, last_ratio: float | None) -> bool:
    """Only a first score or a strictly better one is sent: a worse or equal result never lowers the grade."""
    return last_ratio is None or new.ratio > last_ratio + 1e-9
