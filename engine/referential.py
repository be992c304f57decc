"""The referential: CRCN domains and competences, and the content bank's tubes, skills, challenges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from engine.config import PIX_PER_LEVEL


class ChallengeType(StrEnum):
    QCU = "QCU"
    QCM = "QCM"
    QROC = "QROC"
    QROCM_IND = "QROCM-ind"
    QROCM_DEP = "QROCM-dep"


class ChallengeStatus(StrEnum):
    """Where a challenge may appear: only `validated` ones are proposed (positioning, campaigns, and
    certification); `archived` ones are never proposed again but their past answers still score;
    `draft` and `obsolete` ones are never proposed."""

    DRAFT = "draft"
    VALIDATED = "validated"
    ARCHIVED = "archived"
    OBSOLETE = "obsolete"


class SkillStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class Tolerance(StrEnum):
    T1 = "t1"
    T1S = "t1s"  # t1 that keeps white space (search syntax: `-mot` is not `- mot`)
    T2 = "t2"
    T3 = "t3"


@dataclass(frozen=True, slots=True)
class Competence:
    code: str  # "1.1"
    name: str
    domain_code: str


@dataclass(frozen=True, slots=True)
class Domain:
    code: str  # "1"
    name: str
    competences: tuple[Competence, ...]


@dataclass(frozen=True, slots=True)
class TutorialLink:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Tutorial:
    title: str
    text: str
    links: tuple[TutorialLink, ...] = ()


@dataclass(frozen=True, slots=True)
class Skill:
    name: str  # "@url3"
    tube_name: str
    competence_code: str
    level: int
    tutorial: Tutorial | None
    status: SkillStatus = SkillStatus.ACTIVE

    @property
    def is_active(self) -> bool:
        return self.status is SkillStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class Tube:
    name: str
    title: str
    competence_code: str
    skill_names: tuple[str, ...]  # ordered by level


@dataclass(frozen=True, slots=True)
class ChallengeInput:
    name: str
    label: str


@dataclass(frozen=True, slots=True)
class Illustration:
    file: str
    alt: str


@dataclass(frozen=True, slots=True)
class Challenge:
    """An "épreuve": validates exactly one skill.

    `solution` by type: QCU → int (1-based); QCM → frozenset[int]; QROC → tuple of accepted answers;
    QROCM-ind → mapping input name → tuple of accepted answers; QROCM-dep → tuple of groups.
    """

    id: str
    skill_name: str
    type: ChallengeType
    instruction: str
    solution: object
    proposals: tuple[str, ...] = ()
    inputs: tuple[ChallengeInput, ...] = ()
    numeric: bool = False
    tolerances: frozenset[Tolerance] = frozenset()
    timer: int | None = None
    illustration: Illustration | None = None
    attachments: tuple[str, ...] = ()
    locales: tuple[str, ...] = ("fr-fr",)
    status: ChallengeStatus = ChallengeStatus.VALIDATED
    focused: bool = False
    typography_check: bool = True  # false for a challenge that shows typography mistakes on purpose
    shuffle: bool = True  # QCU/QCM: proposals shown in a per-learner order (false: the list has a natural order)
    difficulty: float = 0.0  # IRT b
    discriminant: float = 1.5  # IRT a

    @property
    def is_operative(self) -> bool:
        """Its answers count (validated or archived)."""
        return self.status in (ChallengeStatus.VALIDATED, ChallengeStatus.ARCHIVED)

    @property
    def is_proposable(self) -> bool:
        """It may be shown to a learner: validated only."""
        return self.status is ChallengeStatus.VALIDATED

    @property
    def is_timed(self) -> bool:
        return self.timer is not None

    def is_playable_in(self, locale: str) -> bool:
        """Proposable (validated) and offered in the learner's locale (language match when the region differs)."""
        return self.is_proposable and _locale_matches(locale, self.locales)


def _locale_matches(locale: str, locales: Iterable[str]) -> bool:
    wanted = locale.lower()
    language = wanted.split("-")[0]
    return any(loc == wanted or loc.split("-")[0] == language for loc in (x.lower() for x in locales))


@dataclass(frozen=True)
class Referential:
    """An immutable, fully validated content bank with its indexes."""

    domains: tuple[Domain, ...]
    tubes: Mapping[str, Tube]
    skills: Mapping[str, Skill]
    challenges: Mapping[str, Challenge]
    _by_skill: dict[str, tuple[Challenge, ...]] = field(default_factory=dict, repr=False)
    _playable: dict[tuple[str, str], tuple[Challenge, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by_skill: dict[str, list[Challenge]] = defaultdict(list)
        for challenge in self.challenges.values():
            by_skill[challenge.skill_name].append(challenge)
        self._by_skill.update({name: tuple(items) for name, items in by_skill.items()})

    @cached_property
    def competences(self) -> dict[str, Competence]:
        return {c.code: c for d in self.domains for c in d.competences}

    def competence_of(self, skill_name: str) -> str:
        return self.skills[skill_name].competence_code

    def challenges_of(self, skill_name: str) -> tuple[Challenge, ...]:
        return self._by_skill.get(skill_name, ())

    def playable_challenges(self, skill_name: str, locale: str) -> tuple[Challenge, ...]:
        """Validated challenges of a skill offered in `locale` (memoised: the referential is immutable)."""
        key = (skill_name, locale.lower())
        found = self._playable.get(key)
        if found is None:
            found = tuple(c for c in self.challenges_of(skill_name) if c.is_playable_in(locale))
            self._playable[key] = found
        return found

    def tube_skills(self, tube_name: str) -> tuple[Skill, ...]:
        return tuple(self.skills[name] for name in self.tubes[tube_name].skill_names)

    @cached_property
    def active_skills_by_competence(self) -> dict[str, tuple[Skill, ...]]:
        grouped: dict[str, list[Skill]] = defaultdict(list)
        for skill in self.skills.values():
            if skill.is_active:
                grouped[skill.competence_code].append(skill)
        return {code: tuple(sorted(items, key=lambda s: (s.level, s.name))) for code, items in grouped.items()}

    @cached_property
    def pix_values(self) -> dict[str, float]:
        """§2: a skill is worth min(4, 8 / active skills of its competence and level)."""
        counts: dict[tuple[str, int], int] = defaultdict(int)
        for skill in self.skills.values():
            if skill.is_active:
                counts[(skill.competence_code, skill.level)] += 1
        return {
            skill.name: min(4.0, PIX_PER_LEVEL / counts[(skill.competence_code, skill.level)])
            for skill in self.skills.values()
            if skill.is_active
        }

    def pix_value(self, skill_name: str) -> float:
        return self.pix_values.get(skill_name, 0.0)
