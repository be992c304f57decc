"""Small referentials and records for the certification tests."""

from __future__ import annotations

from datetime import date

from bank_factory import COMPETENCE_CODES, make_referential, qcu, skill, tube

from engine.answers import AnswerStatus
from engine.certification.records import CertificationRecord, CertificationVersion
from engine.certification.v3 import ChallengePool, next_challenge_v3

DAY = date(2026, 3, 2)


def tube_name(code: str, letter: str) -> str:
    return "t" + code.replace(".", "x") + letter


def full_referential(levels=(1, 2, 3, 4, 5, 6), tubes_per_competence: int = 3):
    """Every competence with `tubes_per_competence` tubes holding a skill at each level (2 QCU variants)."""
    return make_referential({
        code: [tube(tube_name(code, letter), levels) for letter in "abcd"[:tubes_per_competence]]
        for code in COMPETENCE_CODES
    })


def dep_tube(name: str, level: int, cid: str) -> dict:
    challenge = {"id": cid, "type": "QROCM-dep", "instruction": "Citez deux navigateurs",
                 "inputs": [{"name": "a", "label": "1"}, {"name": "b", "label": "2"}],
                 "solution": [["firefox"], ["chrome"]]}
    return tube(name, skills=[skill(level, [challenge, qcu(cid + "-qcu")], tube=name)])


def v3_record(seed: str = "seed", **extra) -> CertificationRecord:
    return CertificationRecord(CertificationVersion.V3, extra.pop("certification_date", DAY), seed, **extra)


def run_v3(pool: ChallengePool, record: CertificationRecord, answer, count: int | None = None, options=None):
    """Answer `count` questions (all by default) with `answer(challenge) -> AnswerStatus`."""
    asked = 0
    while (count is None or asked < count) and (challenge := next_challenge_v3(pool, record, options)) is not None:
        record = record.with_answer(challenge.id, answer(challenge))
        asked += 1
    return record


def by_difficulty(threshold: float):
    """A deterministic candidate: right on every challenge easier than `threshold`."""
    return lambda c: AnswerStatus.OK if c.difficulty < threshold else AnswerStatus.KO
