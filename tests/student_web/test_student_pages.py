"""The student's pages over HTTP after real LTI launches: every state and every refusal."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from content_bank.loader import default_referential
from core.accounts import Account
from learning.models import AnswerRow, AssessmentRow
from tests.learning_use_cases.answers import right_answer
from tests.lti.conftest import Tool
from tests.lti.platform import INSTRUCTOR
from tests.student_web.helpers import (
    answer_fields,
    current_challenge,
    forms,
    get,
    launch,
    lt_of,
    post,
)

REF = default_referential()


def _count(tool: Tool, model: type) -> int:
    """Rows of this test's platform only (the PostgreSQL schema is shared by a module's tests)."""
    with tool.sessions()() as session:
        return session.scalar(
            select(func.count()).select_from(model).join(Account, Account.id == model.account_id)
            .where(Account.issuer == tool.platform.issuer)
        ) or 0


def _start(tool: Tool, **launch_args):  # type: ignore[no-untyped-def]
    landing = get(tool, launch(tool, **launch_args).headers["location"])
    assert landing.status_code == 200
    action = next(a for a in forms(landing) if "/commencer" in a)
    started = post(tool, landing, action)
    assert started.status_code == 303
    page = get(tool, started.headers["location"])
    assert page.status_code == 200
    return page, started.headers["location"].split("?")[0]


def _answer_action(page) -> str:  # type: ignore[no-untyped-def]
    return next(a for a in forms(page) if a.split("?")[0].endswith("/reponses"))


def _finish(tool: Tool, page, right: bool = True):  # type: ignore[no-untyped-def]
    for _ in range(80):
        if "data-challenge" not in page.text:
            return page
        challenge = REF.challenges[current_challenge(page)]
        fields = {"challenge_id": challenge.id}
        if right:
            fields.update(answer_fields(challenge, right_answer(challenge)), action="submit")
        else:
            fields["action"] = "skip"
        answered = post(tool, page, _answer_action(page), fields)
        assert answered.status_code == 303, answered.text
        page = get(tool, answered.headers["location"])  # the next challenge, or the end page
        assert page.status_code == 200
        assert f'data-answered="{challenge.id}"' in page.text  # the outcome of this answer comes first
        assert 'data-outcome="ok"' in page.text if right else 'data-outcome="skipped"' in page.text
        if "data-challenge" not in page.text:  # the test is over: straight to the end page
            assert "/fin?" in answered.headers["location"] and "data-result-level" in page.text
    raise AssertionError("the test did not end")


def test_a_competence_launch_lands_on_its_test_page_then_starts_it(any_tool: Tool) -> None:
    landing = get(any_tool, launch(any_tool).headers["location"])
    assert "Camille Durand" in landing.text and "1.1" in landing.text and "Commencer" in landing.text
    assert _count(any_tool, AssessmentRow) == 0  # nothing starts (no timer runs) before the student chooses
    page, url = _start(any_tool)
    assert "Je passe" in page.text and "Je valide" in page.text and "Question 1" in page.text
    assert _count(any_tool, AssessmentRow) == 1


def test_reload_shows_the_same_challenge_and_relaunch_resumes_the_test(any_tool: Tool) -> None:
    page, url = _start(any_tool)
    first = current_challenge(page)
    assert current_challenge(get(any_tool, url)) == first
    landing = get(any_tool, launch(any_tool).headers["location"])  # close the frame, launch again
    assert "Reprendre" in landing.text
    resumed = post(any_tool, landing, next(a for a in forms(landing) if "/commencer" in a))
    assert resumed.headers["location"].split("?")[0] == url
    assert current_challenge(get(any_tool, resumed.headers["location"])) == first
    assert _count(any_tool, AssessmentRow) == 1


def test_a_right_answer_is_stored_once_even_when_the_form_is_replayed(any_tool: Tool) -> None:
    page, _ = _start(any_tool)
    challenge = REF.challenges[current_challenge(page)]
    fields = {"challenge_id": challenge.id, "action": "submit", **answer_fields(challenge, right_answer(challenge))}
    first = post(any_tool, page, _answer_action(page), fields)
    second = post(any_tool, page, _answer_action(page), fields)  # double click / replayed form
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert _count(any_tool, AnswerRow) == 1
    outcome = get(any_tool, first.headers["location"])
    assert "Bonne réponse" in outcome.text and "Pour réussir" not in outcome.text


def test_answering_leads_to_the_next_challenge_with_the_outcome_above_it(any_tool: Tool) -> None:
    page, url = _start(any_tool)
    challenge = REF.challenges[current_challenge(page)]
    fields = {"challenge_id": challenge.id, "action": "submit", **answer_fields(challenge, right_answer(challenge))}
    answered = post(any_tool, page, _answer_action(page), fields)
    assert answered.headers["location"].split("?")[0] == url  # straight to the test page: one GET, not two
    following = get(any_tool, answered.headers["location"])
    assert 'data-outcome="ok"' in following.text and "Bonne réponse" in following.text
    assert current_challenge(following) != challenge.id and "Question 2" in following.text
    reloaded = get(any_tool, answered.headers["location"])  # reload: the same outcome, the same challenge
    assert current_challenge(reloaded) == current_challenge(following) and 'data-outcome="ok"' in reloaded.text
    plain = get(any_tool, url)  # without `apres`, or with a challenge this test never answered: no outcome
    assert "data-outcome" not in plain.text and current_challenge(plain) == current_challenge(following)
    other = next(c for c in REF.challenges if c not in (challenge.id, current_challenge(following)))
    for apres in (other, "nope<script>"):
        unanswered = any_tool.client.get(url, params={"apres": apres})
        assert unanswered.status_code == 200 and "data-outcome" not in unanswered.text


def test_a_wrong_answer_shows_the_tutorial(tool: Tool) -> None:
    page, _ = _start(tool)
    challenge = REF.challenges[current_challenge(page)]
    wrong = {"answer": "1" if challenge.solution != 1 else "2"} if challenge.type in ("QCU",) else {
        f"r_{i.name}": "zzzz-faux" for i in challenge.inputs} if challenge.inputs else {"answer": ["1", "2"]}
    answered = post(tool, page, _answer_action(page), {"challenge_id": challenge.id, "action": "submit", **wrong})
    outcome = get(tool, answered.headers["location"])
    assert 'data-outcome="ko"' in outcome.text
    assert "Mauvaise réponse" in outcome.text and "Pour réussir la prochaine fois" in outcome.text
    assert REF.skills[challenge.skill_name].tutorial.title in outcome.text.replace("&#39;", "'")


def test_an_answer_for_another_challenge_is_refused_clearly(any_tool: Tool) -> None:
    page, _ = _start(any_tool)
    current = current_challenge(page)
    other = next(c for c in REF.challenges if c != current)
    refused = post(any_tool, page, _answer_action(page), {"challenge_id": other, "action": "skip"})
    assert refused.status_code == 409 and "question en cours" in refused.text
    unknown = post(any_tool, page, _answer_action(page), {"challenge_id": "nope", "action": "skip"})
    assert unknown.status_code == 409
    assert _count(any_tool, AnswerRow) == 0


def test_an_empty_or_forged_answer_is_asked_again(tool: Tool) -> None:
    page, _ = _start(tool)
    challenge = REF.challenges[current_challenge(page)]
    empty = post(tool, page, _answer_action(page), {"challenge_id": challenge.id, "action": "submit"})
    assert empty.status_code == 422 and "Je passe" in empty.text and current_challenge(empty) == challenge.id
    forged = {"answer": "99"} if not challenge.inputs else {f"r_{challenge.inputs[0].name}": "x" * 501}
    bad = post(tool, page, _answer_action(page), {"challenge_id": challenge.id, "action": "submit", **forged})
    assert bad.status_code == 400
    assert _count(tool, AnswerRow) == 0


def test_completing_a_test_shows_the_end_page_and_the_level_on_the_profile(any_tool: Tool) -> None:
    page, url = _start(any_tool)
    end = _finish(any_tool, page)
    assert "Test terminé" in end.text
    level = int(re.search(r'data-result-level="(\d+)"', end.text).group(1))
    pix = int(re.search(r'data-result-pix="(\d+)"', end.text).group(1))
    assert level >= 3 and pix >= 24
    profile = get(any_tool, re.search(r'href="([^"]*/profil[^"]*)"', end.text).group(1).replace("&amp;", "&"))
    card = profile.text.split('id="competence-1.1"')[1].split("</li>")[0]
    assert f"Niveau {level}" in card and f"{pix} pix" in card and "Terminée" in card
    assert ("disponible dans 4 jour" in card) or (level == 6 and "Niveau maximum atteint" in card)
    # the finished test refuses answers, and a new launch lands on the end page
    refused = post(any_tool, end, url + "/reponses", {"challenge_id": "rech-mot-1a", "action": "skip"})
    assert refused.status_code == 409
    landing = get(any_tool, launch(any_tool).headers["location"])
    assert "Test terminé" in landing.text


def test_retry_and_reset_are_refused_too_early(tool: Tool) -> None:
    page, _ = _start(tool)
    end = _finish(tool, page, right=False)
    assert "Niveau 0" in end.text
    profile = get(tool, re.search(r'href="([^"]*/profil[^"]*)"', end.text).group(1).replace("&amp;", "&"))
    card = profile.text.split('id="competence-1.1"')[1].split("</li>")[0]
    assert "Retenter : disponible dans 4 jours" in card and "Remettre à zéro" not in card
    for action in ("/competences/1.1/retenter", "/competences/1.1/remettre-a-zero"):
        refused = post(tool, end, action)
        assert refused.status_code == 409 and "jours" in refused.text
    refused = post(tool, end, "/competences/1.1/commencer")
    assert refused.status_code == 409 and "déjà terminé" in refused.text
    assert post(tool, end, "/competences/9.9/commencer").status_code == 404


def test_forms_without_the_session_token_or_from_another_site_are_refused(tool: Tool) -> None:
    landing = get(tool, launch(tool).headers["location"])
    action = next(a for a in forms(landing) if "/commencer" in a)
    assert tool.client.post(action, data={}, follow_redirects=False).status_code == 403
    assert tool.client.post(action, data={"csrf": "forged"}, follow_redirects=False).status_code == 403
    assert post(tool, landing, action, **{"sec-fetch-site": "cross-site"}).status_code == 403
    assert post(tool, landing, action, origin="https://evil.example").status_code == 403
    assert _count(tool, AssessmentRow) == 0
    same_site = {"origin": "http://localhost", "sec-fetch-site": "same-origin"}
    assert post(tool, landing, action, **same_site).status_code == 303


def test_another_students_test_is_not_reachable(tool: Tool) -> None:
    page, url = _start(tool)
    challenge = current_challenge(page)
    intruder = get(tool, launch(tool, sub="eleve-2").headers["location"])
    assert get(tool, url).status_code == 404
    answered = post(tool, intruder, url + "/reponses", {"challenge_id": challenge, "action": "skip"})
    assert answered.status_code == 404
    assert _count(tool, AnswerRow) == 0


def test_the_flow_works_without_cookies_with_the_launch_token_on_every_link(tool: Tool) -> None:
    location = launch(tool).headers["location"]
    token = lt_of(location)
    tool.client.cookies.clear()
    landing = get(tool, location)
    action = next(a for a in forms(landing) if "/commencer" in a)
    assert lt_of(action) == token
    started = post(tool, landing, action)
    tool.client.cookies.clear()
    assert lt_of(started.headers["location"]) == token
    page = get(tool, started.headers["location"])
    assert all(lt_of(a) == token for a in forms(page))
    end = _finish(tool, page, right=False)
    assert "Test terminé" in end.text
    assert "lt=" in re.search(r'href="([^"]*/profil[^"]*)"', end.text).group(1)
    assert not tool.client.cookies


def test_english_locale_from_the_launch(tool: Tool) -> None:
    landing = get(tool, launch(tool, locale="en-GB", custom={"profile": "1"}).headers["location"])
    assert '<html lang="en">' in landing.text and "My competence profile" in landing.text and "Start" in landing.text
    assert "Your whole profile: the 16 competences of the CRCN." in landing.text  # the launch's context too
    assert "Area 1 — Information and data" in landing.text and "Searching and monitoring information" in landing.text
    assert ">student<" not in landing.text  # no role badge in a pupil's greeting
    assert "Le profil cible" not in landing.text and "élève" not in landing.text and "“1”" not in landing.text
    french = get(tool, launch(tool, sub="eleve-3", locale="de-DE", custom={}).headers["location"])
    assert '<html lang="fr">' in french.text and "Mon profil de compétences" in french.text


def test_profile_shows_sixteen_competences_the_total_and_the_certifiability_banner(tool: Tool) -> None:
    profile = get(tool, launch(tool, custom={"profile": "seconde"}).headers["location"])
    assert profile.status_code == 200
    assert profile.text.count('class="card"') == 16 and profile.text.count("<h2 id=\"domain-") == 5
    assert "0 pix sur 768" in profile.text
    assert "Encore 5 compétences à faire passer au niveau 1" in profile.text
    assert profile.text.count(">Commencer</button>") == 16 and "<svg" in profile.text


def test_a_campaign_activity_leads_to_the_campaign_join_page(tool: Tool) -> None:
    response = launch(tool, custom={"campaign": "ABCDEF234"})
    activity = tool.client.get(response.headers["location"], follow_redirects=False)  # the cookie works: no lt
    assert activity.status_code == 303 and "lt=" not in activity.headers["location"]
    landing = tool.client.get(activity.headers["location"], follow_redirects=False)
    assert landing.status_code == 303 and landing.headers["location"].startswith("/campagnes/rejoindre?code=ABCDEF234")
    page = get(tool, response.headers["location"])
    assert page.status_code == 404 and "Aucun parcours ne porte ce code" in page.text


def test_a_badly_configured_competence_is_explained(tool: Tool) -> None:
    page = get(tool, launch(tool, custom={"competence": "9.9"}).headers["location"])
    assert page.status_code == 422 and "non reconnue" in page.text


def test_a_teacher_gets_a_teacher_view_and_no_test(tool: Tool) -> None:
    page = get(tool, launch(tool, roles=[INSTRUCTOR], sub="prof").headers["location"])
    assert page.status_code == 200 and "Vue enseignant" in page.text and "tableau de bord" in page.text
    assert _count(tool, AssessmentRow) == 0


def test_a_session_without_activity_reaches_the_profile(tool: Tool) -> None:
    from web.tokens import SessionData

    launch(tool)  # creates the account
    tool.client.cookies.clear()
    codec = tool.client.app.state.tool.codec
    with tool.sessions()() as session:
        account_id = session.scalar(select(Account.id).where(Account.issuer == tool.platform.issuer))
    token = codec.dumps(SessionData(account_id, "gar:abc", "student", None, None))
    page = tool.client.get(f"/profil?lt={token}")
    assert page.status_code == 200 and "Mon profil de compétences" in page.text
    assert tool.client.get("/profil").status_code == 401


def test_security_headers_allow_framing_only_by_registered_platforms(tool: Tool) -> None:
    page = get(tool, launch(tool).headers["location"])
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'self' " + tool.platform.issuer.rstrip("/") in csp
    assert page.headers["x-content-type-options"] == "nosniff" and "referrer-policy" in page.headers


def test_bank_media_are_served_safely(tool: Tool) -> None:
    ok = tool.client.get("/medias/1.3-emprunts-cdi.svg")
    assert ok.status_code == 200 and "sandbox" in ok.headers["content-security-policy"]
    for bad in ("/medias/..%2F..%2Fpyproject.toml", "/medias/nothing.svg", "/eleve/static/..%2Fnothing"):
        assert tool.client.get(bad).status_code == 404


def test_markdown_is_rendered_without_raw_html() -> None:
    from web.markdown import render_markdown

    source = "**gras** <script>alert(1)</script> [lien](https://example.org) [x](javascript:alert(1))"
    rendered = str(render_markdown(source))
    assert "<strong>gras</strong>" in rendered and "<script>" not in rendered
    assert 'rel="noopener noreferrer"' in rendered and 'href="javascript' not in rendered


def test_a_timed_challenge_is_announced_then_shows_a_timer_announced_to_screen_readers(tool: Tool) -> None:
    from learning.use_cases import LearningService
    from tests.learning_use_cases.test_use_cases import timed_referential

    tool.client.app.state.learning = LearningService(tool.sessions(), timed_referential(45))
    announced, url = _start(tool)
    assert "Vous aurez 45 secondes pour répondre." in announced.text
    assert "data-challenge" not in announced.text and 'class="timer"' not in announced.text  # no question yet
    start = next(a for a in forms(announced) if "/chrono" in a)
    started = post(tool, announced, start)
    assert started.status_code == 303
    page = get(tool, started.headers["location"])
    assert 'class="timer" data-remaining="45"' in page.text and 'aria-live="polite"' in page.text
    assert "45 secondes" in page.text and "data-challenge" in page.text
    assert "⏱" not in page.text and "<svg" in page.text  # a drawn clock: Debian's fonts lack the glyph
    assert 'class="timer-over banner error" hidden' in page.text  # shown to everyone when the time is up


def test_retry_after_four_days_and_reset_after_seven(tool: Tool) -> None:
    from datetime import UTC, datetime, timedelta

    from learning.use_cases import LearningService

    moments = [datetime.now(UTC)]
    tool.client.app.state.learning = LearningService(tool.sessions(), REF, clock=lambda: moments[0])
    page, first_url = _start(tool)
    end = _finish(tool, page, right=False)
    profile_url = re.search(r'href="([^"]*/profil[^"]*)"', end.text).group(1).replace("&amp;", "&")
    moments[0] += timedelta(days=4, hours=1)
    profile = get(tool, profile_url)
    card = profile.text.split('id="competence-1.1"')[1].split("</li>")[0]
    assert ">Retenter</button>" in card and "Remettre à zéro" not in card
    retried = post(tool, profile, "/competences/1.1/retenter")
    assert retried.status_code == 303 and retried.headers["location"].split("?")[0] != first_url
    moments[0] += timedelta(days=8)
    profile = get(tool, profile_url)
    card = profile.text.split('id="competence-1.1"')[1].split("</li>")[0]
    assert ">Reprendre</button>" in card and ">Remettre à zéro</button>" in card
    reset = post(tool, profile, "/competences/1.1/remettre-a-zero")
    assert reset.status_code == 303
    card = get(tool, reset.headers["location"]).text.split('id="competence-1.1"')[1].split("</li>")[0]
    assert ">Commencer</button>" in card and "Niveau 0" in card and "Non commencée" in card


def test_an_english_session_gets_english_test_pages_and_refusals(tool: Tool) -> None:
    page, _ = _start(tool, locale="en")
    assert ">Skip</button>" in page.text and ">Submit</button>" in page.text and "<h1" in page.text
    current = current_challenge(page)
    other = next(c for c in REF.challenges if c != current)
    refused = post(tool, page, _answer_action(page), {"challenge_id": other, "action": "skip"})
    assert refused.status_code == 409 and "not for the current question" in refused.text


def test_both_catalogues_have_the_same_messages() -> None:
    from web.i18n import catalogue_keys, normalise_locale

    assert set(catalogue_keys("fr")) == set(catalogue_keys("en"))
    assert [normalise_locale(x) for x in ("en-GB", "en_US", "EN", "fr-FR", "de", None, 3)] == [
        "en", "en", "en", "fr", "fr", "fr", "fr"]


def test_an_oversized_or_unreadable_form_is_refused_without_a_server_error(tool: Tool) -> None:
    page, _ = _start(tool)
    challenge = current_challenge(page)
    big = post(tool, page, _answer_action(page), {"challenge_id": challenge, "action": "submit", "r_x": "a" * 70_000})
    assert big.status_code == 413
    upload = tool.client.post(_answer_action(page), data={"csrf": "x"}, files={"f": ("a.txt", b"hello")},
                              follow_redirects=False)
    assert upload.status_code in (400, 403)
    assert _count(tool, AnswerRow) == 0
