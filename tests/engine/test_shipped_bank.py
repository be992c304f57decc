"""The content bank that ships with the product meets the issue's requirements."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from content_bank.loader import default_referential
from engine.referential import ChallengeType

LEVELS = range(1, 7)


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_all_16_competences_in_5_domains(bank):
    assert len(bank.domains) == 5
    assert len(bank.competences) == 16


def test_at_least_3_tubes_per_competence(bank):
    tubes = Counter(t.competence_code for t in bank.tubes.values()
                    if any(bank.skills[n].is_active for n in t.skill_names))
    assert {code: n for code, n in tubes.items() if n < 3} == {}
    assert set(tubes) == set(bank.competences)


def test_skills_at_levels_1_to_6_in_every_competence(bank):
    missing = {code: sorted(set(LEVELS) - {s.level for s in bank.active_skills_by_competence.get(code, ())})
               for code in bank.competences}
    assert {code: levels for code, levels in missing.items() if levels} == {}


def test_at_least_2_operative_variants_per_active_skill(bank):
    short = {s.name: len([c for c in bank.challenges_of(s.name) if c.is_operative])
             for s in bank.skills.values() if s.is_active}
    assert {name: n for name, n in short.items() if n < 2} == {}


def test_at_least_350_challenges(bank):
    assert len(bank.challenges) >= 350


def test_every_type_is_used_including_qroc_number(bank):
    types = {c.type for c in bank.challenges.values()}
    assert types == set(ChallengeType)
    assert any(c.type is ChallengeType.QROC and c.numeric for c in bank.challenges.values())
    assert any(c.type is ChallengeType.QROC and not c.numeric for c in bank.challenges.values())


def test_every_active_skill_has_a_tutorial(bank):
    assert [s.name for s in bank.skills.values() if s.is_active and s.tutorial is None] == []


def test_every_level_1_to_6_of_each_competence_is_worth_8_pix(bank):
    worth: dict[tuple[str, int], float] = defaultdict(float)
    for skill in bank.skills.values():
        if skill.is_active:
            worth[(skill.competence_code, skill.level)] += bank.pix_value(skill.name)
    wrong = {f"{code} level {lvl}": round(worth[(code, lvl)], 3) for code in bank.competences for lvl in LEVELS
             if abs(worth[(code, lvl)] - 8) > 1e-9}
    assert wrong == {}


def test_every_challenge_has_irt_parameters(bank):
    assert all(c.discriminant > 0 for c in bank.challenges.values())


def test_every_challenge_is_in_french(bank):
    assert all(c.is_playable_in("fr-fr") or not c.is_operative for c in bank.challenges.values())
