"""Certification settings: every number of the v3 and v2 rules, with where it comes from.

Sources: `../shared/spec/engine.md` §9, completed by the public service's open-source code
(1024pix/pix, `api/src/certification/`), whose rules are restated here, not copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from engine.config import DEFAULT_CONFIG, MAX_LEVEL, PIX_PER_LEVEL

COMPETENCE_COUNT = 16


@dataclass(frozen=True, slots=True)
class SuccessRateRange:
    """For questions `first_index`..`last_index` (0-based), the next challenge should be answered rightly
    with an estimated probability of at least the value, going linearly from `start` to `end`.

    The service's default (`FlashAssessmentAlgorithmConfiguration`, "defaultMinimumEstimatedSuccessRateRanges"):
    questions 1–8 at 80 %, then 9–16 from 80 % down to 50 %.
    """

    first_index: int
    last_index: int
    start: float
    end: float

    def __post_init__(self) -> None:
        if self.last_index < self.first_index or not (0 <= self.start <= 1 and 0 <= self.end <= 1):
            raise ValueError("a success-rate range needs first ≤ last and rates within 0..1")

    def applies_to(self, index: int) -> bool:
        return self.first_index <= index <= self.last_index

    def minimal_rate(self, index: int) -> float:
        if self.last_index == self.first_index:
            return self.start
        progress = (index - self.first_index) / (self.last_index - self.first_index)
        return self.start + (self.end - self.start) * progress


SERVICE_SUCCESS_RATE_RANGES = (SuccessRateRange(0, 7, 0.8, 0.8), SuccessRateRange(8, 15, 0.8, 0.5))


@dataclass(frozen=True, slots=True)
class FlashOptions:
    """The v3 flash algorithm's options, named as in the service's `FlashAssessmentAlgorithmConfiguration`.

    Defaults are those of the service's v3 certification: 32 questions (`numberOfChallengesPerCourse`),
    2 challenges before the same competence again (`challengesBetweenSameCompetence`), one question per
    tube and passage through every competence (both `true` in its active configuration), initial
    capacity −3 (`defaultCandidateCapacity`), prior variance 1.5 and the top 5 challenges
    (`algorithm-methods/flash.js`), the best of them picked with probability 51 %
    (`defaultProbabilityToPickChallenge`), otherwise one of the 4 others. The step cap
    (`variationPercent`, 0.3 in the service's seed configuration) is applied to the first 8 answers only
    ("a capped step early on", `variationPercentUntil`); `double_measures_until` (`doubleMeasuresUntil`)
    is off, as in the service's current configuration.
    `max_exposure` is this project's (issue 16): a challenge already seen by this share of candidates is
    left out while others remain.
    """

    maximum_length: int = 32
    challenges_between_same_competence: int = 2
    limit_to_one_question_per_tube: bool = True
    enable_passage_by_all_competences: bool = True
    forced_competences: tuple[str, ...] = ()
    minimum_success_rate_ranges: tuple[SuccessRateRange, ...] = SERVICE_SUCCESS_RATE_RANGES
    variation_percent: float | None = 0.3
    variation_percent_until: int | None = 7
    double_measures_until: int = 0
    initial_capacity: float = -3.0
    prior_variance: float = 1.5
    top_n: int = 5
    probability_to_pick_best: float = 0.51
    max_exposure: float | None = None

    def __post_init__(self) -> None:
        if self.maximum_length < 1 or self.top_n < 1:
            raise ValueError("maximum_length and top_n must be at least 1")
        if not 0 <= self.probability_to_pick_best <= 1:
            raise ValueError("probability_to_pick_best must be within 0..1")
        if self.max_exposure is not None and not 0 < self.max_exposure <= 1:
            raise ValueError("max_exposure must be within (0, 1]")

    def minimal_success_rate(self, index: int) -> float:
        for success_range in self.minimum_success_rate_ranges:
            if success_range.applies_to(index):
                return success_range.minimal_rate(index)
        return 0.0


# The service's score "meshes" (`MeshConfiguration` / `CORE_MESH_CONFIGURATION`): each mesh is worth a
# weight of pix, with a coefficient; score = floor(weight × (coefficient + progress in the mesh)).
MESH_WEIGHTS: tuple[int, ...] = (64, 64, 128, 128, 128, 128, 128, 128, 128)
MESH_COEFFICIENTS: tuple[int, ...] = (0, 1, 1, 2, 3, 4, 5, 6, 7)
MESH_NAMES: tuple[str, ...] = (
    "pre_beginner", "beginner_1", "beginner_2", "independent_3", "independent_4",
    "advanced_5", "advanced_6", "expert_7", "expert_8",
)


def capacity_for_mean_level(mean_level: float) -> float:
    """This bank's capacity scale: a skill of level L has difficulty (L − 3.5) × 1.1 (content bank's
    provisional IRT parameters). A mean level x across the competences is placed halfway between the
    difficulties of levels x and x + 1, i.e. at (x − 3) × 1.1."""
    return (mean_level - 3.0) * 1.1


def _bank_mesh_bounds() -> tuple[float, ...]:
    # mesh boundaries in pix (0, 64, 128, 256, …, 1024) are 128 × a mean level (16 competences × 8 pix)
    scores = [0, 64, *range(128, 1024 + 1, 128)]
    return tuple(capacity_for_mean_level(s / (COMPETENCE_COUNT * PIX_PER_LEVEL)) for s in scores)


def _bank_competence_bounds() -> tuple[float, ...]:
    # competence level L (1..8) from capacity (L − 3) × 1.1, same reading as the global scale
    return tuple(capacity_for_mean_level(level) for level in range(1, MAX_LEVEL + 1))


@dataclass(frozen=True)
class V3Scoring:
    """How a capacity becomes a score and levels.

    `mesh_bounds`: the 10 capacities bounding the 9 meshes (the service's `globalScoringConfiguration`,
    calibrated on its own bank; here derived from this bank's provisional parameters, see
    `capacity_for_mean_level`, so the mapping is linear until the bank is calibrated).
    `competence_bounds`: per competence code, the capacities from which levels 1, 2, … are reached (the
    service's `competencesScoringConfiguration`); competences not listed use `default_competence_bounds`.
    """

    mesh_bounds: tuple[float, ...] = field(default_factory=_bank_mesh_bounds)
    # None: every competence level is read off the overall capacity (the service's rule). A variance: each
    # competence gets its own capacity from its answers, with a normal prior of that variance centred on
    # the overall capacity (this project's option; 0.6 ≈ (0.7 level × 1.1)², the spread of a person's
    # competences around their general level in the simulation's model)
    competence_prior_variance: float | None = None
    default_competence_bounds: tuple[float, ...] = field(default_factory=_bank_competence_bounds)
    competence_bounds: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.competence_prior_variance is not None and self.competence_prior_variance <= 0:
            raise ValueError("competence_prior_variance must be positive")
        if len(self.mesh_bounds) != len(MESH_WEIGHTS) + 1:
            raise ValueError(f"mesh_bounds needs {len(MESH_WEIGHTS) + 1} capacities")
        for bounds in (self.mesh_bounds, self.default_competence_bounds, *self.competence_bounds.values()):
            if any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
                raise ValueError("capacity bounds must increase strictly")

    def bounds_for(self, competence_code: str) -> tuple[float, ...]:
        return self.competence_bounds.get(competence_code, self.default_competence_bounds)


@dataclass(frozen=True)
class CertificationConfig:
    flash: FlashOptions = field(default_factory=FlashOptions)
    v3_scoring: V3Scoring = field(default_factory=V3Scoring)
    # §9: 1 h 45 plus the candidate's extra time
    duration_minutes: int = 105
    # §9: an abandoned v3 test with at least 20 answers is completed by simulated skips; fewer → rejected
    # (the service's `minimumAnswersRequiredToValidateACertification`)
    minimum_answers: int = 20
    # v2 (§9 and the service's `CertifiedLevel` rules)
    v2_challenges_per_competence: int = 3
    v2_minimum_reproducibility: float = 50.0
    v2_trusted_reproducibility: float = 80.0
    v2_middle_reproducibility: float = 70.0
    # the maximum reachable level in force from each date (the service caps a certification by the level
    # reachable on its date); the first entry applies from its date on
    max_reachable_levels: tuple[tuple[date, int], ...] = ((date(2000, 1, 1), DEFAULT_CONFIG.max_reachable_level),)

    def __post_init__(self) -> None:
        days = [d for d, _ in self.max_reachable_levels]
        if not days or days != sorted(days) or any(not 1 <= lvl <= MAX_LEVEL for _, lvl in self.max_reachable_levels):
            raise ValueError("max_reachable_levels: dates in order, levels within 1..8")


DEFAULT_CERTIFICATION_CONFIG = CertificationConfig()
