"""Every (challenge, answer, verdict) of pupil_answers.py, tried with the engine's own answer checking: the answers
pupils type are accepted or refused as the bank's authors and its reviewer intended (issue 16)."""

from __future__ import annotations

import pytest

from tests.bank_content.bank_checks import Answer, accepts, case_id, shipped_bank
from tests.bank_content.pupil_answers import ANSWERS

CASES = [case for table in ANSWERS.values() for answers in table for case in answers.cases()]


@pytest.mark.parametrize(("challenge_id", "answer", "right"), CASES, ids=[case_id(*case) for case in CASES])
def test_pupils_answers_are_accepted_or_refused_as_intended(challenge_id: str, answer: Answer, right: bool):
    assert accepts(challenge_id, answer) is right


def test_each_table_holds_challenges_of_its_own_competence_once():
    bank = shipped_bank()
    for code, table in ANSWERS.items():
        ids = [answers.challenge_id for answers in table]
        assert len(ids) == len(set(ids)), code
        assert all(bank.competence_of(bank.challenges[i].skill_name) == code for i in ids), code
        assert all(answers.accepted or answers.refused for answers in table), code
