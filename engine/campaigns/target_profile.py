"""Target profiles: the skills a campaign assesses, grouped by tube and competence, with stages and badges."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.referential import Referential


class TargetProfileError(ValueError):
    """A target profile that cannot be built (unknown tube, no skill, bad stage or badge)."""


@dataclass(frozen=True, slots=True)
class Stage:
    """A "palier": reached at `threshold` % of mastery, or (when `level` is set) at the share of target skills
    of difficulty ≤ level."""

    title: str
    threshold: int | None = None
    level: int | None = None
    message: str = ""

    def __post_init__(self) -> None:
        if (self.threshold is None) == (self.level is None):
            raise TargetProfileError("a stage has either a threshold or a level")
        if self.threshold is not None and not 0 <= self.threshold <= 100:
            raise TargetProfileError("a stage threshold is a percentage (0 to 100)")
        if self.level is not None and not 0 <= self.level <= 8:
            raise TargetProfileError("a stage level is within 0..8")


@dataclass(frozen=True, slots=True)
class BadgeCriterion:
    """At least `min_rate` % mastery over `skills` (empty: the whole target profile)."""

    min_rate: int
    skills: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not 0 <= self.min_rate <= 100:
            raise TargetProfileError("a badge criterion is a percentage (0 to 100)")


@dataclass(frozen=True, slots=True)
class Badge:
    key: str
    title: str
    criteria: tuple[BadgeCriterion, ...]

    def __post_init__(self) -> None:
        if not self.key or not self.criteria:
            raise TargetProfileError("a badge needs a key and at least one criterion")


@dataclass(frozen=True)
class TargetProfile:
    name: str
    skills: tuple[str, ...]  # active skill names, ordered by competence, tube, level
    stages: tuple[Stage, ...] = ()
    badges: tuple[Badge, ...] = ()
    _skill_set: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.skills:
            raise TargetProfileError("a target profile needs at least one skill")
        object.__setattr__(self, "_skill_set", frozenset(self.skills))
        keys = [b.key for b in self.badges]
        if len(set(keys)) != len(keys):
            raise TargetProfileError("badge keys must be unique")
        for badge in self.badges:
            for criterion in badge.criteria:
                if not criterion.skills <= self._skill_set:
                    raise TargetProfileError(f"badge {badge.key!r} uses skills outside the target profile")

    @property
    def skill_set(self) -> frozenset[str]:
        return self._skill_set

    def skills_by_competence(self, referential: Referential) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = {}
        for name in self.skills:
            grouped.setdefault(referential.skills[name].competence_code, []).append(name)
        return {code: tuple(grouped[code]) for code in referential.competences if code in grouped}

    def tubes(self, referential: Referential) -> tuple[str, ...]:
        return tuple(dict.fromkeys(referential.skills[name].tube_name for name in self.skills))


def skills_of_tubes(referential: Referential, tubes: Iterable[str], max_level: int | None = None) -> tuple[str, ...]:
    """The active skills of the chosen tubes (up to `max_level`), in referential order."""
    chosen = set(tubes)
    unknown = chosen - set(referential.tubes)
    if unknown:
        raise TargetProfileError(f"unknown tube(s): {', '.join(sorted(unknown))}")
    names = []
    for code in referential.competences:
        for skill in referential.active_skills_by_competence.get(code, ()):
            if skill.tube_name in chosen and (max_level is None or skill.level <= max_level):
                names.append(skill.name)
    if not names:
        raise TargetProfileError("the chosen tubes hold no active skill")
    return tuple(sorted(names, key=lambda n: _order(referential, n)))


def tubes_of_competences(referential: Referential, codes: Iterable[str]) -> tuple[str, ...]:
    chosen = set(codes)
    unknown = chosen - set(referential.competences)
    if unknown:
        raise TargetProfileError(f"unknown competence(s): {', '.join(sorted(unknown))}")
    return tuple(t.name for t in referential.tubes.values() if t.competence_code in chosen)


def _order(referential: Referential, name: str) -> tuple[list[int], str, int]:
    skill = referential.skills[name]
    return [int(p) for p in skill.competence_code.split(".")], skill.tube_name, skill.level


def default_stages(levels: Sequence[int] = (0, 2, 4, 6)) -> tuple[Stage, ...]:
    """Stages by level, as the public service proposes by default: the first one is reached at once."""
    titles = {0: "Premiers pas", 1: "Découverte", 2: "Novice", 3: "En progrès", 4: "Indépendant", 5: "Confirmé",
              6: "Avancé", 7: "Expert", 8: "Expert confirmé"}
    return tuple(Stage(titles.get(level, f"Niveau {level}"), level=level) for level in levels)


# --- JSON (persistence of stages and badges) ----------------------------------------------------------------

def stages_to_json(stages: Iterable[Stage]) -> list[dict[str, Any]]:
    return [{"title": s.title, "threshold": s.threshold, "level": s.level, "message": s.message} for s in stages]


def stages_from_json(raw: Iterable[Mapping[str, Any]]) -> tuple[Stage, ...]:
    return tuple(Stage(str(s["title"]), s.get("threshold"), s.get("level"), str(s.get("message") or ""))
                 for s in raw)


def badges_to_json(badges: Iterable[Badge]) -> list[dict[str, Any]]:
    return [{"key": b.key, "title": b.title,
             "criteria": [{"min_rate": c.min_rate, "skills": sorted(c.skills)} for c in b.criteria]} for b in badges]


def badges_from_json(raw: Iterable[Mapping[str, Any]]) -> tuple[Badge, ...]:
    return tuple(
        Badge(str(b["key"]), str(b["title"]),
              tuple(BadgeCriterion(int(c["min_rate"]), frozenset(c.get("skills") or ())) for c in b["criteria"]))
        for b in raw
    )
