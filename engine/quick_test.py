"""The test without an account ("Essayez sans inscription"): 8 questions across the 5 domains and an
estimated level per domain. Pure: the caller gives the seed and the answers so far.

Every domain gets one question, three domains (drawn) a second one. A domain's first question is at
level 3 on one of its competences; its second is two levels higher after a right answer, two lower
after a wrong one, on another competence. A right answer at level L says "at least L", a wrong one
"below L": the estimate is the highest level shown right (0 when none), with the range the answers
leave open. Timed, focused and illustrated challenges are left out (the page shows text only).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from engine.referential import Challenge, Referential

QUESTIONS = 8
FIRST_LEVEL = 3
STEP = 2
LOWEST_LEVEL, HIGHEST_LEVEL = 1, 6


@dataclass(frozen=True, slots=True)
class Asked:
    challenge_id: str
    correct: bool


@dataclass(frozen=True, slots=True)
class DomainEstimate:
    domain_code: str
    level: int  # the highest level shown right, 0 when none
    highest_possible: int  # the answers leave the level between `level` and this
    answered: int


def plan(referential: Referential, seed: int) -> tuple[str, ...]:
    """The domain of each question: every domain once, in a drawn order, then drawn domains again."""
    rng = random.Random(seed)
    domains = [d.code for d in referential.domains]
    rng.shuffle(domains)
    extra = rng.sample(domains, min(len(domains), QUESTIONS - len(domains)))
    return tuple((domains + extra)[:QUESTIONS])


def _is_suitable(challenge: Challenge, locale: str) -> bool:
    return (challenge.is_playable_in(locale) and not challenge.is_timed and not challenge.focused
            and challenge.illustration is None and not challenge.attachments)


def _level_of(referential: Referential, challenge_id: str) -> int:
    return referential.skills[referential.challenges[challenge_id].skill_name].level


def _domain_of(referential: Referential, challenge_id: str) -> str:
    competence = referential.competence_of(referential.challenges[challenge_id].skill_name)
    return referential.competences[competence].domain_code


def next_challenge(referential: Referential, domains: Sequence[str], asked: Sequence[Asked], seed: int,
                   locale: str = "fr-fr") -> Challenge | None:
    """The next question, or None when the test is over (or nothing suitable is left)."""
    step = len(asked)
    if step >= len(domains):
        return None
    domain = domains[step]
    before = [a for a in asked if _domain_of(referential, a.challenge_id) == domain]
    level = FIRST_LEVEL
    if before:
        last = before[-1]
        shift = STEP if last.correct else -STEP
        level = max(LOWEST_LEVEL, min(HIGHEST_LEVEL, _level_of(referential, last.challenge_id) + shift))
    used = {referential.competence_of(referential.challenges[a.challenge_id].skill_name) for a in before}
    rng = random.Random(f"{seed}:{step}")
    competences = [c.code for d in referential.domains if d.code == domain for c in d.competences]
    rng.shuffle(competences)
    competences.sort(key=lambda code: code in used)  # another competence first, when there is one
    seen = {a.challenge_id for a in asked}
    for wanted in _levels_nearest(level):
        for code in competences:
            candidates = [c for skill in referential.active_skills_by_competence.get(code, ())
                          if skill.level == wanted
                          for c in referential.playable_challenges(skill.name, locale)
                          if _is_suitable(c, locale) and c.id not in seen]
            if candidates:
                return rng.choice(sorted(candidates, key=lambda c: c.id))
    return None


def _levels_nearest(level: int) -> list[int]:
    return sorted(range(LOWEST_LEVEL, HIGHEST_LEVEL + 1), key=lambda lv: (abs(lv - level), lv))


def estimate(referential: Referential, asked: Sequence[Asked]) -> list[DomainEstimate]:
    """One estimate per domain of the framework, in its order."""
    found = []
    for domain in referential.domains:
        answers = [(_level_of(referential, a.challenge_id), a.correct) for a in asked
                   if _domain_of(referential, a.challenge_id) == domain.code]
        low = max((lv for lv, ok in answers if ok), default=0)
        high = min((lv - 1 for lv, ok in answers if not ok), default=HIGHEST_LEVEL)
        found.append(DomainEstimate(domain.code, low, max(low, high), len(answers)))
    return found
