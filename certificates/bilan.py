"""The centre's bilan (issue 20): what académies build by hand in spreadsheets — distribution of scores and of
global levels, average level per competence and per class, and the same figures for the previous school year.
Pure: computed from the centre's certificates; only validated results enter the averages and distributions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from certificates.views import GLOBAL_LEVELS, Certificate

SCORE_STEP = 100
GLOBAL_LEVEL_ORDER = ("pre_beginner", "beginner", "independent", "advanced", "expert")


def school_year(day: date) -> int:
    """The school year by its first calendar year: September 2025 to August 2026 → 2025."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"


@dataclass(frozen=True)
class Count:
    label: str
    value: int
    code: str = ""  # a global level's code: a page shows it in its language (`certificate.level_name.<code>`)


@dataclass(frozen=True)
class CompetenceMean:
    code: str
    name: str
    domain_code: str
    mean: float


@dataclass(frozen=True)
class ClassSummary:
    division: str
    candidates: int
    validated: int
    mean_score: float | None
    competence_means: dict[str, float]
    mean_level: float | None  # mean of the competence levels


@dataclass(frozen=True)
class YearSummary:
    year: int
    candidates: int
    validated: int
    rejected: int
    cancelled: int
    mean_score: float | None
    score_buckets: tuple[Count, ...]
    global_levels: tuple[Count, ...]
    competence_means: tuple[CompetenceMean, ...]
    classes: tuple[ClassSummary, ...]

    @property
    def label(self) -> str:
        return school_year_label(self.year)


@dataclass(frozen=True)
class Bilan:
    centre_name: str
    current: YearSummary
    previous: YearSummary | None
    years: tuple[int, ...]  # every school year with results, the latest first


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _buckets(scores: Sequence[int], max_score: int) -> tuple[Count, ...]:
    counts = Counter(min(score, max_score) // SCORE_STEP for score in scores)
    last = max_score // SCORE_STEP
    return tuple(Count(f"{i * SCORE_STEP}–{min((i + 1) * SCORE_STEP - 1, max_score)}", counts.get(i, 0))
                 for i in range(last + 1))


def _competence_means(validated: Sequence[Certificate]) -> dict[str, float]:
    levels: dict[str, list[int]] = defaultdict(list)
    for c in validated:
        for x in c.competences:
            levels[x.code].append(x.level)
    return {code: _mean(values) or 0.0 for code, values in levels.items()}


def year_summary(year: int, certificates: Sequence[Certificate]) -> YearSummary:
    validated = [c for c in certificates if c.is_validated]
    statuses = Counter(c.status for c in certificates)
    max_score = max((c.max_score for c in certificates), default=895)
    scores = [c.score or 0 for c in validated]
    globals_ = Counter(c.global_level for c in validated if c.global_level)
    means = _competence_means(validated)
    reference = certificates[0].competences if certificates else ()
    by_class: dict[str, list[Certificate]] = defaultdict(list)
    for c in certificates:
        by_class[c.division or "—"].append(c)
    classes = []
    for division in sorted(by_class):
        members = by_class[division]
        ok = [c for c in members if c.is_validated]
        class_means = _competence_means(ok)
        classes.append(ClassSummary(
            division=division, candidates=len(members), validated=len(ok),
            mean_score=_mean([c.score or 0 for c in ok]), competence_means=class_means,
            mean_level=_mean([x.level for c in ok for x in c.competences]),
        ))
    return YearSummary(
        year=year, candidates=len(certificates), validated=len(validated), rejected=statuses.get("rejected", 0),
        cancelled=statuses.get("cancelled", 0), mean_score=_mean(scores), score_buckets=_buckets(scores, max_score),
        global_levels=tuple(Count(GLOBAL_LEVELS[level], globals_.get(level, 0), level) for level in GLOBAL_LEVEL_ORDER),
        competence_means=tuple(CompetenceMean(x.code, x.name, x.domain_code, means.get(x.code, 0.0))
                               for x in reference),
        classes=tuple(classes),
    )


def centre_bilan(centre_name: str, certificates: Sequence[Certificate], year: int | None = None) -> Bilan | None:
    """The bilan of `year` (default: the latest school year with results) and of the year before; None when the
    centre has no result at all."""
    by_year: dict[int, list[Certificate]] = defaultdict(list)
    for c in certificates:
        by_year[school_year(c.session_date)].append(c)
    if not by_year:
        return None
    years = tuple(sorted(by_year, reverse=True))
    chosen = year if year in by_year else years[0]
    previous = by_year.get(chosen - 1)
    return Bilan(centre_name=centre_name, current=year_summary(chosen, by_year[chosen]),
                 previous=year_summary(chosen - 1, previous) if previous else None, years=years)
