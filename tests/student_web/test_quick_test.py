""""Essayez sans inscription": the public 8-question test, its bounds, and the LTI activity that opens it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, inspect, select, table

from content_bank.loader import default_referential
from core.db import make_engine
from engine.referential import Challenge, ChallengeType
from tests.lti.conftest import Tool, _tool, sqlite_settings
from tests.lti.platform import Platform
from tests.student_web.helpers import launch

STEP = re.compile(r'name="step" value="(\d+)"')
CHALLENGE_ID = re.compile(r'name="challenge_id" value="([^"]+)"')


def right_answer(challenge: Challenge) -> dict[str, Any]:
    """The form a person who knows the answer sends."""
    solution: Any = challenge.solution
    if challenge.type is ChallengeType.QCU:
        return {"answer": str(solution)}
    if challenge.type is ChallengeType.QCM:
        return {"answer": [str(i) for i in sorted(solution)]}
    names = [item.name for item in challenge.inputs]
    if isinstance(solution, dict):
        return {f"r_{name}": solution[name][0] for name in names}
    if challenge.type is ChallengeType.QROC:
        return {f"r_{names[0]}": solution[0]}
    return {f"r_{name}": group[0] for name, group in zip(names, solution, strict=False)}  # QROCM-dep


def _row_counts(tool: Tool) -> dict[str, int]:
    engine = make_engine(tool.settings.database_url)
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {name: connection.scalar(select(func.count()).select_from(table(name))) for name in names}
    finally:
        engine.dispose()


def _start(tool: Tool, lang: str = "fr") -> httpx.Response:
    return tool.client.post("/essai", data={"lang": lang}, follow_redirects=False)


def _take(tool: Tool, attempt: str, answer: Any, first: int = 1) -> list[tuple[str, int, bool]]:
    """Answers every question (`answer(challenge)` gives the form, None to skip); returns (id, level, right)."""
    referential = default_referential()
    taken = []
    for number in range(first, 20):
        page = tool.client.get(attempt, follow_redirects=False)
        if page.status_code == 303:
            assert page.headers["location"] == attempt + "/resultat"
            break
        assert page.status_code == 200 and f"Question {number} sur 8" in page.text, page.text[:500]
        assert STEP.search(page.text).group(1) == str(number - 1)  # type: ignore[union-attr]
        challenge = referential.challenges[html.unescape(CHALLENGE_ID.search(page.text).group(1))]  # type: ignore
        fields = answer(challenge)
        data = {"step": str(number - 1), "challenge_id": challenge.id,
                **({"action": "skip"} if fields is None else {"action": "submit", **fields})}
        sent = tool.client.post(attempt, data=data, follow_redirects=False)
        assert sent.status_code == 303, sent.text[:500]
        taken.append((challenge.id, referential.skills[challenge.skill_name].level, fields is not None))
    return taken


@pytest.fixture
def bounded_tool(tmp_path: Path, platform: Platform) -> Iterator[Tool]:
    settings = sqlite_settings(tmp_path).model_copy(update={"quick_test_starts_per_hour": 2})
    yield from _tool(settings, platform)


def test_the_intro_page_is_public_french_first_and_says_nothing_is_stored(tool: Tool) -> None:
    page = tool.client.get("/essai")
    assert page.status_code == 200
    assert "Essayez sans inscription" in page.text and "8 questions" in page.text
    assert "Rien de personnel n'est enregistré" in html.unescape(page.text)
    english = tool.client.get("/essai?lang=en")
    assert "Try it without an account" in english.text and "The questions are in French" in english.text


def test_an_anonymous_visitor_takes_8_questions_across_the_5_domains_and_gets_a_level_per_domain(
        any_tool: Tool) -> None:
    before = _row_counts(any_tool)
    started = _start(any_tool)
    assert started.status_code == 303
    attempt = started.headers["location"]

    taken = _take(any_tool, attempt, right_answer)

    assert len(taken) == 8
    referential = default_referential()
    domains = {referential.competences[referential.competence_of(referential.challenges[cid].skill_name)].domain_code
               for cid, _, _ in taken}
    assert domains == {"1", "2", "3", "4", "5"}
    assert [level for _, level, _ in taken][:5] == [3] * 5  # every domain starts at level 3
    assert sorted(level for _, level, _ in taken[5:]) == [5, 5, 5]  # a right answer asks two levels higher
    result = any_tool.client.get(attempt + "/resultat")
    assert result.status_code == 200
    text = html.unescape(result.text)
    assert text.count("Niveau 5") == 3 and text.count("Niveau 3") == 2
    assert "connectez-vous depuis votre ENT" in text and "Moodle" in text
    # Nothing written to the database: no account, no answer, no row anywhere.
    assert _row_counts(any_tool) == before


def test_wrong_answers_lower_the_level_and_skipping_counts_as_wrong(tool: Tool) -> None:
    attempt = _start(tool).headers["location"]
    taken = _take(tool, attempt, lambda challenge: None)
    assert sorted(level for _, level, _ in taken[5:]) == [1, 1, 1]
    text = html.unescape(tool.client.get(attempt + "/resultat").text)
    assert text.count("Pas encore de niveau 1") == 5


def test_a_question_is_answered_once_and_the_test_stops_at_8(tool: Tool) -> None:
    attempt = _start(tool).headers["location"]
    page = tool.client.get(attempt)
    challenge_id = html.unescape(CHALLENGE_ID.search(page.text).group(1))  # type: ignore[union-attr]
    form = {"step": "0", "challenge_id": challenge_id, "action": "skip"}
    assert tool.client.post(attempt, data=form, follow_redirects=False).status_code == 303
    replayed = tool.client.post(attempt, data=form, follow_redirects=False)
    assert replayed.status_code == 409 and "n'a pas été prise en compte" in html.unescape(replayed.text)
    assert "Question 2 sur 8" in tool.client.get(attempt).text

    assert len(_take(tool, attempt, lambda challenge: None, first=2)) == 7
    late = tool.client.post(attempt, data={"step": "8", "challenge_id": challenge_id, "action": "skip"},
                            follow_redirects=False)
    assert late.status_code == 303 and late.headers["location"].endswith("/resultat")
    assert tool.client.get(attempt, follow_redirects=False).headers["location"].endswith("/resultat")


def test_a_forged_answer_or_an_unknown_attempt_gets_a_clear_refusal(tool: Tool) -> None:
    attempt = _start(tool).headers["location"]
    page = tool.client.get(attempt)
    challenge_id = html.unescape(CHALLENGE_ID.search(page.text).group(1))  # type: ignore[union-attr]
    forged = tool.client.post(attempt, data={"step": "0", "challenge_id": challenge_id, "action": "submit",
                                             "answer": "99", "r_x": "y" * 600}, follow_redirects=False)
    referential = default_referential()
    if referential.challenges[challenge_id].type in (ChallengeType.QCU, ChallengeType.QCM):
        assert forged.status_code == 400 and "illisible" in html.unescape(forged.text)
    empty = tool.client.post(attempt, data={"step": "0", "challenge_id": challenge_id, "action": "submit"},
                             follow_redirects=True)
    assert "Question 1 sur 8" in empty.text and "Je passe" in html.unescape(empty.text)
    unknown = tool.client.get("/essai/not-an-attempt")
    assert unknown.status_code == 404 and "a expiré" in html.unescape(unknown.text)


def test_starts_are_bounded_per_address_so_the_bank_cannot_be_read(bounded_tool: Tool) -> None:
    assert _start(bounded_tool).status_code == 303
    assert _start(bounded_tool).status_code == 303

    third = _start(bounded_tool, lang="en")

    assert third.status_code == 429
    assert "Too many tests were started from this address" in third.text
    # The address itself is not kept: only a keyed hash names the counter.
    store = bounded_tool.client.app.state.tool.store
    keys = [*store._data, *store._lists]
    assert any(key.startswith("quick-test:starts:") for key in keys)
    assert not any("testclient" in key for key in keys)


def test_an_lti_activity_opens_the_test_without_an_account_in_the_launch_language(tool: Tool) -> None:
    response = launch(tool, custom={"quicktest": "8"}, locale="en-GB")
    landing = tool.client.get(response.headers["location"], follow_redirects=False)
    if landing.headers.get("location", "").startswith("/activites/"):  # the 303 that drops ?lt= from the URL
        landing = tool.client.get(landing.headers["location"], follow_redirects=False)
    assert landing.status_code == 303 and landing.headers["location"] == "/essai?lang=en"
    assert "Try it without an account" in tool.client.get(landing.headers["location"]).text


def test_the_questions_use_the_shared_challenge_fields_and_mark_the_content_french_in_english(tool: Tool) -> None:
    english = tool.client.get(_start(tool, "en").headers["location"], follow_redirects=False)
    assert english.status_code == 200 and 'class="instruction" id="consigne" lang="fr"' in english.text
    assert ">Skip<" in english.text
    assert 'name="csrf"' not in english.text  # no session, no CSRF field
    french = tool.client.get(_start(tool, "fr").headers["location"], follow_redirects=False)
    assert 'class="instruction" id="consigne">' in french.text and "Je passe" in french.text


CHOICE_VALUE = re.compile(r'<input type="(?:radio|checkbox)" name="answer" id="p(\d+)" value="(\d+)"')


def test_proposals_are_shown_in_the_attempts_own_stable_order_and_right_clicks_count(tool: Tool) -> None:
    """Issue 16: each QCU/QCM shows its proposals in the order seeded by the attempt and the challenge, the same on
    a reload; the inputs carry the original indices, so the right proposal clicked where it is shown is right."""
    from engine.proposal_order import display_context, proposal_order

    attempt = _start(tool).headers["location"]
    attempt_id = attempt.rsplit("/", 1)[-1]
    shown: list[tuple[int, ...]] = []

    def click_the_right_text(challenge: Challenge) -> dict[str, Any]:
        if challenge.type not in (ChallengeType.QCU, ChallengeType.QCM):
            return right_answer(challenge)
        page = tool.client.get(attempt)
        pairs = CHOICE_VALUE.findall(page.text)
        assert all(ident == value for ident, value in pairs)
        order = tuple(int(value) for _, value in pairs)
        assert order == proposal_order(challenge, display_context("quick-test", attempt_id))
        assert tuple(int(v) for _, v in CHOICE_VALUE.findall(tool.client.get(attempt).text)) == order  # reload
        shown.append(order)
        right = {challenge.solution} if challenge.type is ChallengeType.QCU else set(challenge.solution)  # type: ignore
        picked = [str(index) for index in order if index in right]  # where the page shows them
        return {"answer": picked[0] if challenge.type is ChallengeType.QCU else picked}

    taken = _take(tool, attempt, click_the_right_text)
    assert len(taken) == 8
    assert sorted(level for _, level, _ in taken[5:]) == [5, 5, 5]  # every answer was right
    assert all(sorted(order) == list(range(1, len(order) + 1)) for order in shown)
