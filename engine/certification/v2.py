"""§9 profile-based certification (v2): up to 3 challenges per competence at level ≥ 1 of the
candidate's profile, then the reproducibility rate and, per competence, the certified level by the
service's rule table (`CertifiedLevel`: number of challenges, right answers, neutralised ones, and the
reproducibility rate's band ≥ 80 %, 70–80 %, < 70 %).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG, CertificationConfig
from engine.certification.records import (
    CertificationError,
    CertificationRecord,
    CertificationStatus,
    EndReason,
    max_reachable_level_on,
)
from engine.config import PIX_PER_LEVEL
from engine.knowledge import KnowledgeElement
from engine.referential import ChallengeType, Referential


@dataclass(frozen=True, slots=True)
class ProfileCompetence:
    """A competence of the candidate's profile at the time of the certification."""

    code: str
    level: int
    pix: int


@dataclass(frozen=True, slots=True)
class PlannedChallenge:
    competence_code: str
    challenge_id: str


def select_v2_challenges(referential: Referential, profile: Sequence[ProfileCompetence],
                         state: Mapping[str, KnowledgeElement], *, seen_challenge_ids: frozenset[str],
                         seed: str, locale: str = "fr-fr",
                         config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> tuple[PlannedChallenge, ...]:
    """For each competence at level ≥ 1: up to 3 challenges on directly validated skills, hardest first,
    distinct tubes first, each a variant the candidate has not seen (a skill without one is passed)."""
    planned: list[PlannedChallenge] = []
    for competence in sorted(profile, key=lambda c: c.code):
        if competence.level < 1:
            continue
        validated = sorted(
            (referential.skills[ke.skill_name] for ke in state.values()
             if ke.competence_code == competence.code and ke.is_direct and ke.is_validated
             and ke.skill_name in referential.skills),
            key=lambda s: (-s.level, s.name),
        )
        rng = random.Random(f"{seed}:{competence.code}:v2")
        chosen: list[str] = []
        used_tubes: set[str] = set()
        for distinct_tubes_only in (True, False):
            for skill in validated:
                if len(chosen) >= config.v2_challenges_per_competence:
                    break
                if skill.name in chosen or (distinct_tubes_only and skill.tube_name in used_tubes):
                    continue
                unseen = sorted((c for c in referential.playable_challenges(skill.name, locale)
                                 if c.id not in seen_challenge_ids), key=lambda c: c.id)
                if not unseen:
                    continue
                chosen.append(skill.name)
                used_tubes.add(skill.tube_name)
                planned.append(PlannedChallenge(competence.code, unseen[rng.randrange(len(unseen))].id))
    return tuple(planned)


class CertifiedLevelStatus(StrEnum):
    VALIDATED = "validated"
    DOWNGRADED = "downgraded"
    UNCERTIFIED = "uncertified"


_V, _D, _U = CertifiedLevelStatus.VALIDATED, CertifiedLevelStatus.DOWNGRADED, CertifiedLevelStatus.UNCERTIFIED

# (challenges, right answers, neutralised) → outcome when the rate is ≥ 80 %, 70–80 %, < 70 %
# (the service's `CertifiedLevel` rules 1–19).
CERTIFIED_LEVEL_RULES: Mapping[tuple[int, int, int], tuple[CertifiedLevelStatus, ...]] = {
    (3, 3, 0): (_V, _V, _V), (3, 2, 0): (_V, _D, _D), (3, 2, 1): (_V, _V, _V), (3, 1, 0): (_U, _U, _U),
    (3, 1, 1): (_V, _D, _U), (3, 1, 2): (_V, _V, _D), (3, 0, 0): (_U, _U, _U), (3, 0, 1): (_U, _U, _U),
    (3, 0, 2): (_U, _U, _U), (3, 0, 3): (_U, _U, _U),
    (2, 2, 0): (_V, _V, _V), (2, 1, 0): (_V, _D, _U), (2, 1, 1): (_V, _V, _D), (2, 0, 0): (_U, _U, _U),
    (2, 0, 1): (_U, _U, _U), (2, 0, 2): (_U, _U, _U),
    (1, 1, 0): (_V, _V, _D), (1, 0, 1): (_U, _U, _U), (1, 0, 0): (_U, _U, _U),
}


def certified_level_status(challenges: int, correct: int, neutralised: int, rate: float,
                           config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> CertifiedLevelStatus:
    rule = CERTIFIED_LEVEL_RULES.get((challenges, correct, neutralised))
    if rule is None:
        raise CertificationError("no_v2_rule", f"no certified-level rule for {challenges} challenges, "
                                               f"{correct} right, {neutralised} neutralised")
    if rate >= config.v2_trusted_reproducibility:
        return rule[0]
    return rule[1] if rate >= config.v2_middle_reproducibility else rule[2]


@dataclass(frozen=True, slots=True)
class V2CompetenceMark:
    competence_code: str
    status: CertifiedLevelStatus
    level: int  # certified level; −1 when not certified
    pix: int


@dataclass(frozen=True, slots=True)
class V2Result:
    status: CertificationStatus
    score: int | None
    reproducibility_rate: float | None
    marks: tuple[V2CompetenceMark, ...]
    answered: int


def _competence_counts(planned: Sequence[PlannedChallenge], record: CertificationRecord, referential: Referential,
                       code: str) -> tuple[int, int, int]:
    """The service's counts (`AnswerCollectionForScoring`): with fewer than 3 challenges a QROCM-dep counts
    double (right, neutralised or asked); right answers are capped at 3. Unanswered challenges count as
    asked and wrong. Counts above 3 (two QROCM-dep alone) are capped at 3 as well."""
    mine = [p for p in planned if p.competence_code == code]
    answers = {a.challenge_id: a for a in record.answers}
    weight_base = len(mine) < 3
    challenges = correct = neutralised = 0
    for p in mine:
        is_dep = referential.challenges[p.challenge_id].type is ChallengeType.QROCM_DEP
        weight = 2 if weight_base and is_dep else 1
        challenges += weight
        if p.challenge_id in record.neutralised:
            neutralised += weight
        elif (answer := answers.get(p.challenge_id)) is not None and record.is_correct(answer):
            correct += weight
    return min(challenges, 3), min(correct, 3), min(neutralised, 3)


def score_v2(referential: Referential, planned: Sequence[PlannedChallenge], profile: Sequence[ProfileCompetence],
             record: CertificationRecord, config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG) -> V2Result:
    """Score a v2 test (again after a (de-)neutralisation to rescore).

    Reproducibility rate = right / asked, neutralised challenges excluded (a challenge left unanswered when
    the test stopped counts as asked and wrong). Below 50 % → rejected with 0 pix, or cancelled when a
    technical problem ended the test. Otherwise each competence is validated (the profile's pix), lowered by
    one level (8 pix less) or not certified (0), levels and pix capped by the maximum reachable level on
    the certification date.
    """
    if record.end is None and len(record.answers) < len(planned):
        raise CertificationError("not_ended", "this certification test is still in progress")
    max_level = max_reachable_level_on(record.certification_date, config.max_reachable_levels)
    answers = {a.challenge_id: a for a in record.answers}
    counted = [p for p in planned if p.challenge_id not in record.neutralised]
    right = sum(1 for p in counted if (a := answers.get(p.challenge_id)) is not None and record.is_correct(a))
    rate = 100.0 * right / len(counted) if counted else 0.0
    tested = [c for c in sorted(profile, key=lambda c: c.code) if any(p.competence_code == c.code for p in planned)]
    if rate < config.v2_minimum_reproducibility:
        status = (CertificationStatus.CANCELLED if record.end is EndReason.ABORTED_TECHNICAL
                  else CertificationStatus.REJECTED)
        marks = tuple(V2CompetenceMark(c.code, CertifiedLevelStatus.UNCERTIFIED, -1, 0) for c in tested)
        return V2Result(status, None if status is CertificationStatus.CANCELLED else 0, rate, marks,
                        len(record.answers))
    marks_list = []
    for competence in tested:
        challenges, correct, neutralised = _competence_counts(planned, record, referential, competence.code)
        outcome = certified_level_status(challenges, correct, neutralised, rate, config)
        if outcome is CertifiedLevelStatus.VALIDATED:
            level, pix = competence.level, competence.pix
        elif outcome is CertifiedLevelStatus.DOWNGRADED:
            level, pix = competence.level - 1, max(0, competence.pix - PIX_PER_LEVEL)
        else:
            level, pix = -1, 0
        level = min(level, max_level)
        pix = min(pix, max_level * PIX_PER_LEVEL)
        marks_list.append(V2CompetenceMark(competence.code, outcome, level, pix))
    marks = tuple(marks_list)
    return V2Result(CertificationStatus.VALIDATED, sum(m.pix for m in marks), rate, marks, len(record.answers))
