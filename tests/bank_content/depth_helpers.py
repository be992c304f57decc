"""Shared checks for the depth of one competence of the shipped bank (issue 16): at least 5 tubes and
24 active skills at levels 1–6, each with a tutorial and at least 2 validated variants."""

from __future__ import annotations

from collections import Counter

from engine.answers import is_correct
from engine.referential import ChallengeStatus, Referential


def depth_problems(bank: Referential, code: str) -> list[str]:
    tubes = [t for t in bank.tubes.values() if t.competence_code == code]
    skills = [s for s in bank.skills.values() if s.competence_code == code and s.is_active]
    problems = []
    if len(tubes) < 5:
        problems.append(f"{code}: {len(tubes)} tubes")
    if len(skills) < 24:
        problems.append(f"{code}: {len(skills)} skills")
    per_level = Counter(s.level for s in skills)
    problems += [f"{code}: level {lvl} has {per_level[lvl]} skills" for lvl in range(1, 7) if per_level[lvl] < 4]
    for skill in skills:
        variants = [c for c in bank.challenges.values()
                    if c.skill_name == skill.name and c.status is ChallengeStatus.VALIDATED]
        if len(variants) < 2:
            problems.append(f"{skill.name}: {len(variants)} validated variants")
        if skill.tutorial is None:
            problems.append(f"{skill.name}: no tutorial")
    return problems


def accepted(bank: Referential, challenge_id: str, value: object) -> bool:
    return is_correct(bank.challenges[challenge_id], value)
