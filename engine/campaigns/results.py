"""Campaign results (§7): mastery rate of the target skills, per competence and per domain, stage and badges.

Everything comes from the learner's current knowledge (`engine.knowledge.current_knowledge`): a target skill
counts as mastered when its latest knowledge element is validated. Results are also turned into a frozen JSON
snapshot when a participant shares them, and read back from it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.campaigns.target_profile import Badge, Stage, TargetProfile
from engine.knowledge import KnowledgeElement
from engine.profile import Profile
from engine.referential import Referential


def percent(validated: int, total: int) -> int:
    """A whole percentage, rounded down: 100 % only when everything is mastered."""
    return 0 if total == 0 else math.floor(100 * validated / total + 1e-9)


@dataclass(frozen=True, slots=True)
class Mastery:
    code: str  # competence "1.1" or domain "1"
    name: str
    validated: int
    total: int

    @property
    def rate(self) -> float:
        return 0.0 if self.total == 0 else self.validated / self.total

    @property
    def percent(self) -> int:
        return percent(self.validated, self.total)


@dataclass(frozen=True, slots=True)
class ReachedStage:
    index: int  # 1-based, in the order of the stages' thresholds
    count: int
    stage: Stage


@dataclass(frozen=True)
class CampaignResult:
    validated: int
    total: int
    competences: tuple[Mastery, ...]
    domains: tuple[Mastery, ...]
    stage: ReachedStage | None
    badges: tuple[Badge, ...]  # earned

    @property
    def mastery_rate(self) -> float:
        return 0.0 if self.total == 0 else self.validated / self.total

    @property
    def mastery_percent(self) -> int:
        return percent(self.validated, self.total)


def stage_requirement(profile: TargetProfile, stage: Stage, referential: Referential) -> tuple[int, int]:
    """(skills to validate, total) for a stage: its threshold, or the target skills of difficulty ≤ level."""
    total = len(profile.skills)
    if stage.level is not None:
        return sum(1 for n in profile.skills if referential.skills[n].level <= stage.level), total
    return math.ceil((stage.threshold or 0) * total / 100 - 1e-9), total


def ordered_stages(profile: TargetProfile, referential: Referential) -> list[tuple[int, Stage]]:
    """The stages with the number of validated skills each needs, easiest first (stable)."""
    return sorted(((stage_requirement(profile, s, referential)[0], s) for s in profile.stages), key=lambda x: x[0])


def reached_stage(profile: TargetProfile, referential: Referential, validated: int) -> ReachedStage | None:
    stages = ordered_stages(profile, referential)
    reached = [i for i, (needed, _) in enumerate(stages) if validated >= needed]
    if not reached:
        return None
    index = reached[-1]
    return ReachedStage(index + 1, len(stages), stages[index][1])


def earned_badges(profile: TargetProfile, validated: frozenset[str]) -> tuple[Badge, ...]:
    def met(skills: frozenset[str], min_rate: int) -> bool:
        scope = skills or profile.skill_set
        return 100 * len(scope & validated) >= min_rate * len(scope)

    return tuple(b for b in profile.badges if all(met(c.skills, c.min_rate) for c in b.criteria))


def campaign_result(referential: Referential, profile: TargetProfile,
                    state: Mapping[str, KnowledgeElement]) -> CampaignResult:
    validated = frozenset(n for n in profile.skills if (ke := state.get(n)) is not None and ke.is_validated)
    by_competence = profile.skills_by_competence(referential)
    competences = tuple(
        Mastery(code, referential.competences[code].name, len(validated & set(names)), len(names))
        for code, names in by_competence.items()
    )
    domains = []
    for domain in referential.domains:
        parts = [m for m in competences if referential.competences[m.code].domain_code == domain.code]
        if parts:
            domains.append(Mastery(domain.code, domain.name, sum(m.validated for m in parts),
                                   sum(m.total for m in parts)))
    return CampaignResult(
        validated=len(validated), total=len(profile.skills), competences=competences, domains=tuple(domains),
        stage=reached_stage(profile, referential, len(validated)), badges=earned_badges(profile, validated),
    )


# --- the frozen snapshot of shared results ------------------------------------------------------------------

def snapshot(result: CampaignResult | None, profile: Profile) -> dict[str, Any]:
    """What a participant sends: the campaign results (assessment campaigns) and the profile summary."""
    data: dict[str, Any] = {
        "profile": {
            "total_pix": profile.total_pix,
            "certifiable": profile.certifiability.is_certifiable,
            "certifiable_competences": profile.certifiability.competences_at_level,
            "missing_competences": profile.certifiability.missing_competences,
            "competences": {c.competence_code: [c.level, c.pix] for c in profile.scorecards},  # [level, pix]
        },
    }
    if result is not None:
        data["campaign"] = {
            "validated": result.validated,
            "total": result.total,
            "mastery_percent": result.mastery_percent,
            "stage": None if result.stage is None else {
                "index": result.stage.index, "count": result.stage.count, "title": result.stage.stage.title},
            "badges": [b.key for b in result.badges],
            "competences": {m.code: [m.validated, m.total] for m in result.competences},
            "domains": {m.code: [m.validated, m.total] for m in result.domains},
        }
    return data


@dataclass(frozen=True)
class SharedResults:
    """A snapshot read back (what the organisation sees)."""

    total_pix: int
    certifiable: bool
    certifiable_competences: int
    missing_competences: int
    levels: Mapping[str, tuple[int, int]]  # competence -> (level, pix)
    mastery_percent: int | None = None
    validated: int | None = None
    total: int | None = None
    stage_index: int | None = None
    stage_count: int | None = None
    stage_title: str | None = None
    badges: tuple[str, ...] = ()
    competence_rates: Mapping[str, tuple[int, int]] | None = None  # competence -> (validated, total)
    domain_rates: Mapping[str, tuple[int, int]] | None = None

    def competence_percent(self, code: str) -> int | None:
        if self.competence_rates is None or code not in self.competence_rates:
            return None
        return percent(*self.competence_rates[code])

    def domain_percent(self, code: str) -> int | None:
        if self.domain_rates is None or code not in self.domain_rates:
            return None
        return percent(*self.domain_rates[code])


def read_snapshot(data: Mapping[str, Any]) -> SharedResults:
    prof = data["profile"]
    levels = {str(k): (int(v[0]), int(v[1])) for k, v in prof["competences"].items()}
    base = dict(total_pix=int(prof["total_pix"]), certifiable=bool(prof["certifiable"]),
                certifiable_competences=int(prof["certifiable_competences"]),
                missing_competences=int(prof["missing_competences"]), levels=levels)
    camp = data.get("campaign")
    if camp is None:
        return SharedResults(**base)  # type: ignore[arg-type]
    stage = camp.get("stage")
    return SharedResults(
        **base,  # type: ignore[arg-type]
        mastery_percent=int(camp["mastery_percent"]), validated=int(camp["validated"]), total=int(camp["total"]),
        stage_index=None if stage is None else int(stage["index"]),
        stage_count=None if stage is None else int(stage["count"]),
        stage_title=None if stage is None else str(stage["title"]),
        badges=tuple(str(b) for b in camp["badges"]),
        competence_rates={str(k): (int(v[0]), int(v[1])) for k, v in camp["competences"].items()},
        domain_rates={str(k): (int(v[0]), int(v[1])) for k, v in camp["domains"].items()},
    )
