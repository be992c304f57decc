"""Issue 16: every skill used in certification needs 3 variants; certification v3 draws from every validated
challenge and v2 asks variants of skills a pupil already validated, so every active skill needs 3."""

from __future__ import annotations

from engine.referential import ChallengeStatus, Referential


def skills_without_three_variants(bank: Referential, code: str) -> list[str]:
    """Active skills of competence `code` with fewer than 3 validated challenges, with their count."""
    skills = [s for s in bank.skills.values() if s.competence_code == code and s.is_active]
    assert skills, f"no active skill in competence {code}"
    problems = []
    for skill in skills:
        variants = [c for c in bank.challenges.values()
                    if c.skill_name == skill.name and c.status is ChallengeStatus.VALIDATED]
        if len(variants) < 3:
            problems.append(f"{skill.name}: {len(variants)} validated variants")
    return problems
