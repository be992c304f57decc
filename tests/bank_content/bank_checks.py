"""The one set of checks the bank content tests share (issue 16): the shipped bank, the engine's own answer
checking, the depth and variant counts of a competence, the length of right proposals, and the shape of the
answer tables of pupil_answers.py."""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from content_bank.loader import default_referential
from engine.answers import is_correct
from engine.referential import Challenge, ChallengeStatus, ChallengeType, Referential

Answer = str | dict[str, str] | int | list[int]


@lru_cache(maxsize=1)
def shipped_bank() -> Referential:
    return default_referential()


def accepts(challenge_id: str, value: Answer) -> bool:
    """Whether the shipped bank accepts this answer (a bare string is the single input `reponse`; a dict fills
    several inputs; an int is a QCU proposal, a list the QCM proposals)."""
    answer = {"reponse": value} if isinstance(value, str) else value
    return is_correct(shipped_bank().challenges[challenge_id], answer)


def validated_variants(bank: Referential, skill_name: str) -> list[Challenge]:
    return [c for c in bank.challenges_of(skill_name) if c.status is ChallengeStatus.VALIDATED]


def skills_with_fewer_variants(bank: Referential, least: int, code: str | None = None) -> list[str]:
    """Active skills (of competence `code`, or of the whole bank) with fewer than `least` validated challenges."""
    skills = [s for s in bank.skills.values() if s.is_active and (code is None or s.competence_code == code)]
    assert skills, f"no active skill in {code or 'the bank'}"
    return [f"{s.name}: {n} validated variants" for s in skills
            if (n := len(validated_variants(bank, s.name))) < least]


def depth_problems(bank: Referential, code: str) -> list[str]:
    """What keeps competence `code` from full depth: at least 5 tubes and 24 active skills, 4 at each level 1–6,
    each skill with a tutorial and 2 validated variants (empty when it has it)."""
    tubes = [t for t in bank.tubes.values() if t.competence_code == code]
    skills = [s for s in bank.skills.values() if s.competence_code == code and s.is_active]
    in_tubes = {n for t in tubes for n in t.skill_names}
    problems = [f"{s.name}: in no tube of {code}" for s in skills if s.name not in in_tubes]
    if len(tubes) < 5:
        problems.append(f"{code}: {len(tubes)} tubes")
    if len(skills) < 24:
        problems.append(f"{code}: {len(skills)} skills")
    per_level = Counter(s.level for s in skills)
    problems += [f"{code}: level {lvl} has {per_level[lvl]} skills" for lvl in range(1, 7) if per_level[lvl] < 4]
    problems += skills_with_fewer_variants(bank, 2, code)
    problems += [f"{s.name}: no tutorial" for s in skills if s.tutorial is None]
    return problems


def right_is_longest(challenge: Challenge, ratio: float = 1.0) -> bool:
    """Whether the right proposal of a QCU is longer than `ratio` times every other one."""
    lengths = [len(p) for p in challenge.proposals]
    right = lengths[challenge.solution - 1]  # type: ignore[operator]
    return right > ratio * max(n for i, n in enumerate(lengths, 1) if i != challenge.solution)


def clearly_longest_right_proposals(bank: Referential, code: str, ratio: float = 1.3) -> tuple[list[str], int]:
    """The third (and later) variants' QCU of competence `code` whose right proposal is longer than `ratio` times
    every other one (pupils learn to pick the longest), and how many QCU were looked at."""
    qcu = [c for c in bank.challenges.values()
           if c.type is ChallengeType.QCU and c.id[-1] not in "ab" and c.status is ChallengeStatus.VALIDATED
           and bank.skills[c.skill_name].competence_code == code]
    return sorted(c.id for c in qcu if right_is_longest(c, ratio)), len(qcu)


def printed_by(challenge_id: str) -> list[str]:
    """Run the first code block of a challenge (a program that only prints) and return its printed lines."""
    code = re.search(r"```(?:python)?\n(.*?)```", shipped_bank().challenges[challenge_id].instruction, re.S)
    assert code is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code.group(1), {})  # noqa: S102 — the bank's own example programs
    return out.getvalue().splitlines()


@dataclass(frozen=True)
class Answers:
    """What pupils answer to one challenge: the answers it must accept and those it must refuse, and why."""

    challenge_id: str
    why: str
    accepted: tuple[Answer, ...] = ()
    refused: tuple[Answer, ...] = ()

    def cases(self) -> list[tuple[str, Answer, bool]]:
        return [(self.challenge_id, a, True) for a in self.accepted] + \
               [(self.challenge_id, a, False) for a in self.refused]


def case_id(challenge_id: str, answer: Answer, right: bool) -> str:
    """A readable test id: the challenge, the answer, and whether it is accepted."""
    shown = answer if isinstance(answer, str) else \
        "|".join(answer.values()) if isinstance(answer, dict) else str(answer)
    return f"{challenge_id}:{shown!r}:{'ok' if right else 'refused'}"
