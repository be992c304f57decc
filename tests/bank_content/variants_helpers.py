"""Issue 16: every skill used in certification needs 3 variants; certification v3 draws from every validated
challenge and v2 asks variants of skills a pupil already validated, so every active skill needs 3."""

from __future__ import annotations

from engine.referential import ChallengeStatus, ChallengeType, Referential


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


def clearly_longest_right_proposals(bank: Referential, code: str, ratio: float = 1.3) -> tuple[list[str], int]:
    """Issue 16 review: the third (and later) variants' QCU of competence `code` whose right proposal is longer than
    `ratio` times every other one (pupils learn to pick the longest), and how many QCU were looked at."""
    qcu = [c for c in bank.challenges.values()
           if c.type is ChallengeType.QCU and c.id[-1] not in "ab" and c.status is ChallengeStatus.VALIDATED
           and bank.skills[c.skill_name].competence_code == code]
    longest = []
    for challenge in qcu:
        right = len(challenge.proposals[challenge.solution - 1])  # type: ignore[operator]
        others = [len(p) for i, p in enumerate(challenge.proposals, 1) if i != challenge.solution]
        if right > ratio * max(others):
            longest.append(challenge.id)
    return sorted(longest), len(qcu)
