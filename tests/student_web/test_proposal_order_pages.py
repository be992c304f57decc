"""The pupil's test shows a QCU's proposals in the learner's own order (issue 16): two learners see two orders of
the same challenge, a reload shows the same order, and the right answer clicked where it is shown is stored and
scored exactly as before (the form submits the proposal's original index)."""

from __future__ import annotations

import html
import re

from sqlalchemy import select, update

from content_bank.loader import default_referential
from core.accounts import Account
from engine.proposal_order import display_context, proposal_order
from engine.referential import Challenge, ChallengeType
from learning.models import AnswerRow, AssessmentRow
from tests.lti.conftest import Tool
from tests.student_web.helpers import current_challenge, forms, get, launch, post

REF = default_referential()
CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="answer" id="p(\d+)" value="(\d+)"')
LABEL = re.compile(r'<label for="p(\d+)">(.*?)</label>', re.S)


def displayed(page_text: str) -> tuple[int, ...]:
    """The original indices of the proposals, in the order the page shows them (id and value agree)."""
    pairs = CHOICE.findall(page_text)
    assert pairs, page_text[:2000]
    assert all(ident == value for ident, value in pairs)
    return tuple(int(value) for _, value in pairs)


def _start(tool: Tool, sub: str) -> tuple[str, str]:
    """Launch as `sub`, start the competence test; (test URL, assessment id)."""
    landing = get(tool, launch(tool, sub=sub).headers["location"])
    started = post(tool, landing, next(a for a in forms(landing) if "/commencer" in a))
    assert started.status_code == 303
    url = started.headers["location"]
    with tool.sessions()() as session:
        assessment_id = session.scalars(select(AssessmentRow.id).join(Account, Account.id == AssessmentRow.account_id)
                                        .where(Account.issuer == tool.platform.issuer, Account.sub == sub)).one()
    return url, assessment_id


def _make_current(tool: Tool, assessment_id: str, challenge: Challenge) -> None:
    """Put the test on a chosen challenge (the selection is random; the display is what is tested here)."""
    with tool.sessions().begin() as session:
        session.execute(update(AssessmentRow).where(AssessmentRow.id == assessment_id)
                        .values(current_challenge_id=challenge.id))


def _shuffled_qcu(first: str, second: str) -> Challenge:
    """A 1.1 QCU (untimed, validated) that the two assessments show in two different orders, its right answer not
    in the same place for both."""
    for challenge in REF.challenges.values():
        if (challenge.type is ChallengeType.QCU and challenge.shuffle and challenge.timer is None
                and challenge.is_proposable and REF.competence_of(challenge.skill_name) == "1.1"
                and len(challenge.proposals) >= 4):
            a = proposal_order(challenge, display_context("assessment", first))
            b = proposal_order(challenge, display_context("assessment", second))
            if a.index(challenge.solution) != b.index(challenge.solution):  # type: ignore[arg-type]
                return challenge
    raise AssertionError("no shuffled 1.1 QCU in the bank")


def test_two_learners_see_their_own_stable_order_and_the_right_answer_is_scored_as_before(tool: Tool) -> None:
    _, id_b = _start(tool, "eleve-b")
    url_a, id_a = _start(tool, "eleve-a")  # the browser's session is now A's
    challenge = _shuffled_qcu(id_a, id_b)
    _make_current(tool, id_a, challenge)
    _make_current(tool, id_b, challenge)

    page_a = get(tool, url_a)
    order_a = displayed(page_a.text)
    assert current_challenge(page_a) == challenge.id
    assert order_a == proposal_order(challenge, display_context("assessment", id_a))
    assert sorted(order_a) == list(range(1, len(challenge.proposals) + 1))
    labels = LABEL.findall(page_a.text)  # each label shows its own proposal's text
    assert [int(i) for i, _ in labels] == list(order_a)
    for index, text in labels:
        plain = re.sub(r"<[^>]+>", "", html.unescape(text))
        assert plain.split()[:1] == re.sub(r"[*`_]", "", challenge.proposals[int(index) - 1]).split()[:1]
    for _ in range(2):  # a reload shows the same order
        assert displayed(get(tool, url_a).text) == order_a

    landing_b = get(tool, launch(tool, sub="eleve-b").headers["location"])  # learner B, in the same browser
    resumed = post(tool, landing_b, next(a for a in forms(landing_b) if "/commencer" in a))
    page_b = get(tool, resumed.headers["location"])
    order_b = displayed(page_b.text)
    assert order_b == proposal_order(challenge, display_context("assessment", id_b))
    assert order_b.index(challenge.solution) != order_a.index(challenge.solution)  # type: ignore[arg-type]

    # B clicks the right proposal where B sees it: the value sent is its original index
    clicked = order_b[order_b.index(challenge.solution)]  # type: ignore[arg-type]
    action = next(a for a in forms(page_b) if a.split("?")[0].endswith("/reponses"))
    answered = post(tool, page_b, action, {"challenge_id": challenge.id, "action": "submit", "answer": str(clicked)})
    assert answered.status_code == 303
    assert 'data-outcome="ok"' in get(tool, answered.headers["location"]).text
    with tool.sessions()() as session:
        row = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == id_b)).one()
    assert (row.challenge_id, row.value, row.status) == (challenge.id, challenge.solution, "ok")


def test_a_wrong_proposal_in_the_place_the_file_gave_the_right_one_is_wrong(tool: Tool) -> None:
    """The position is not the answer: submitting the index shown where the file had the right answer is wrong
    unless it is the right proposal itself."""
    url, ident = _start(tool, "eleve-c")
    challenge = _shuffled_qcu(ident, ident + "-other")
    _make_current(tool, ident, challenge)
    page = get(tool, url)
    order = displayed(page.text)
    in_that_place = order[challenge.solution - 1]  # type: ignore[operator]
    action = next(a for a in forms(page) if a.split("?")[0].endswith("/reponses"))
    fields = {"challenge_id": challenge.id, "action": "submit", "answer": str(in_that_place)}
    answered = post(tool, page, action, fields)
    outcome = get(tool, answered.headers["location"]).text
    expected = "ok" if in_that_place == challenge.solution else "ko"
    assert f'data-outcome="{expected}"' in outcome
