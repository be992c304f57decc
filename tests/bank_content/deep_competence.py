"""Shared checks for a competence brought to full depth (issue 16): 5 tubes, 24 skills at levels 1–6,
two validated variants and a tutorial per skill; and a helper to try the answers pupils give."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from content_bank.loader import default_referential
from engine.answers import is_correct
from engine.referential import Referential


@lru_cache(maxsize=1)
def shipped_bank() -> Referential:
    return default_referential()


def accepts(challenge_id: str, value: dict[str, str] | str) -> bool:
    """Whether the shipped bank accepts this answer (a bare string is the single input `reponse`)."""
    answer = {"reponse": value} if isinstance(value, str) else value
    return is_correct(shipped_bank().challenges[challenge_id], answer)


def depth_problems(code: str) -> list[str]:
    """What keeps a competence from the depth of 1.1, 4.1 and 5.2 (empty when it has it)."""
    bank = shipped_bank()
    tubes = [t for t in bank.tubes.values() if t.competence_code == code]
    skills = [bank.skills[n] for t in tubes for n in t.skill_names if bank.skills[n].is_active]
    problems = []
    if len(tubes) < 5:
        problems.append(f"{len(tubes)} tubes")
    if len(skills) < 24:
        problems.append(f"{len(skills)} skills")
    per_level = Counter(s.level for s in skills)
    problems += [f"level {lvl}: {per_level[lvl]} skills" for lvl in range(1, 7) if per_level[lvl] < 4]
    for skill in skills:
        variants = [c for c in bank.challenges_of(skill.name) if c.is_operative]
        if len(variants) < 2:
            problems.append(f"{skill.name}: {len(variants)} variants")
        if skill.tutorial is None:
            problems.append(f"{skill.name}: no tutorial")
    return problems
