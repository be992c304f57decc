"""End to end in a real browser (Debian's chromium driven by Playwright): the demo LMS embeds the tool in an
iframe and performs real LTI 1.3 launches; a student completes a competence test and sees the level on the
profile. The servers run for real (uvicorn, SQLite) in a subprocess on free ports."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator

import httpx
import pytest

from content_bank.loader import default_referential
from engine.proposal_order import display_context, proposal_order
from engine.referential import ChallengeType
from tests.e2e.helpers import CHROMIUM, ROOT, answer, chromium, clean_env, free_port, running, sync_api

# the names other test modules import from here
_answer, _free_port = answer, free_port
__all__ = ["CHROMIUM", "ROOT", "sync_api"]


def demo_command(tool_port: int, platform_port: int) -> list[str]:
    """The real `pix-lti demo` on exactly these ports."""
    return [sys.executable, "-m", "pix_lti.cli", "demo", "--exact-ports",
            "--tool-port", str(tool_port), "--platform-port", str(platform_port)]


@contextlib.contextmanager
def running_demo(env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """`pix-lti demo` started with `env` on free ports, once both servers answer: (tool URL, platform URL)."""
    tool_port, platform_port = free_port(), free_port()
    tool, platform = f"http://127.0.0.1:{tool_port}", f"http://127.0.0.1:{platform_port}"
    with running(demo_command(tool_port, platform_port), env, (tool + "/healthz", platform + "/")):
        yield tool, platform


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    env = clean_env()
    env["PIX_LTI_DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('e2e')}/tool.sqlite3"
    with running_demo(env) as urls:
        yield urls


@pytest.fixture(scope="module")
def browser() -> Iterator:  # type: ignore[type-arg]
    with chromium() as instance:
        yield instance


def _launch_as_student(page, platform: str, activity: str):  # type: ignore[no-untyped-def]
    """Launch the demo platform's activity as its student, in the LMS iframe: (the frame, its "Commencer")."""
    page.goto(platform + "/")
    page.locator(f'a[href="/demo/start?user=eleve&activity={activity}&lang=fr"]').click()
    frame = page.frame_locator('iframe[name="outil"]')
    start = frame.get_by_role("button", name=re.compile("Commencer"))
    start.wait_for(timeout=20_000)
    return frame, start


def test_a_student_completes_a_competence_test_in_the_lms_iframe(servers, browser) -> None:  # type: ignore[no-untyped-def]
    tool, platform = servers
    referential = default_referential()
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    frame, start = _launch_as_student(page, platform, "c11")
    start.click()
    answered = 0
    while True:
        submit = frame.get_by_role("button", name="Je valide")
        end = frame.locator("[data-result-level]")
        submit.or_(end).first.wait_for(timeout=20_000)
        if end.count():
            break
        challenge = referential.challenges[frame.locator("form.challenge").get_attribute("data-challenge")]
        if challenge.type in (ChallengeType.QCU, ChallengeType.QCM):  # shown in this test's own order (issue 16)
            test_url = next(f.url for f in page.frames if "/evaluations/" in f.url)
            assessment_id = test_url.split("/evaluations/", 1)[1].split("?", 1)[0].split("/", 1)[0]
            shown = frame.locator('input[name="answer"]').evaluate_all("inputs => inputs.map(i => Number(i.value))")
            assert tuple(shown) == proposal_order(challenge, display_context("assessment", assessment_id))
        if answered % 4 == 3:  # "Je passe" now and then
            frame.get_by_role("button", name="Je passe").click()
            expected = "Question passée"
        else:
            _answer(frame, challenge)
            submit.click()
            expected = "Bonne réponse"
        # the outcome of this answer, above the next challenge (or alone after the test's last answer)
        feedback = frame.locator(f'[data-answered="{challenge.id}"]')
        feedback.wait_for(timeout=20_000)
        assert expected in feedback.inner_text()
        answered += 1
        assert answered < 80
        finish = frame.get_by_role("link", name="Voir mon résultat")
        if finish.count():
            finish.click()
    level = int(end.get_attribute("data-result-level"))
    pix = int(end.get_attribute("data-result-pix"))
    assert answered >= 3 and level >= 1 and pix >= 8
    frame.get_by_role("link", name="Voir mon profil").click()
    card = frame.locator('[data-competence="1.1"]')
    card.wait_for()
    assert f"Niveau {level}" in card.inner_text() and f"{pix} pix" in card.inner_text()
    assert "Terminée" in card.inner_text()
    # the tool's pages are framed by the registered platform and nothing else
    tool_frame = next(f for f in page.frames if f.url.startswith(tool))
    headers = httpx.get(tool_frame.url).headers
    assert f"frame-ancestors 'self' {platform}" in headers["content-security-policy"]
    # the same profile on a 320 px phone screen: no horizontal scrolling
    # (with the browser's cookies: the address carries no session token once the cookie works)
    phone_context = browser.new_context(viewport={"width": 320, "height": 640})
    phone_context.add_cookies(page.context.cookies())
    phone = phone_context.new_page()
    phone.goto(tool_frame.url)
    assert phone.locator('[data-competence="1.1"]').inner_text().count(f"Niveau {level}") == 1
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone_context.close()
    page.close()


def test_keyboard_only_student_can_start_and_answer(servers, browser) -> None:  # type: ignore[no-untyped-def]
    tool, platform = servers
    page = browser.new_page(viewport={"width": 800, "height": 900})
    frame, start = _launch_as_student(page, platform, "c31")
    start.focus()
    page.keyboard.press("Enter")
    skip = frame.get_by_role("button", name="Je passe")
    skip.wait_for(timeout=20_000)
    # the focus is visible: the focused button gets an outline
    skip.focus()
    outline = skip.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline not in ("none", "")
    challenge = frame.locator("form.challenge").get_attribute("data-challenge")
    page.keyboard.press("Enter")
    frame.locator(f'[data-answered="{challenge}"]').get_by_text("Question passée").wait_for(timeout=20_000)
    page.close()


def test_under_the_strict_csp_the_deep_linking_return_form_posts_itself_to_the_platform(servers, browser) -> None:  # type: ignore[no-untyped-def]
    """The teacher's picker and the auto-submitted return run with `script-src 'self'` (no inline script): the
    browser reports no CSP violation and the demo platform receives the signed response."""
    tool, platform = servers
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    policies: dict[str, str] = {}
    page.on("response", lambda r: policies.update({r.url.split("?")[0]: r.headers.get("content-security-policy", "")}))
    page.goto(platform + "/")
    page.locator('a[href="/demo/start?user=enseignant&activity=c11&message=select&lang=fr"]').click()
    frame = page.frame_locator('iframe[name="outil"]')
    frame.locator('input[value="competence:2.1"]').check(timeout=20_000)
    picker = next(policy for url, policy in policies.items() if url.startswith(tool + "/lti/selection/"))
    assert "script-src 'self'" in picker and "default-src 'self'" in picker and "form-action 'self';" in picker + ";"
    frame.get_by_role("button", name="Ajouter au cours").click()
    frame.get_by_text(re.compile("activités? ajoutées? au cours")).wait_for(timeout=20_000)  # the platform's page
    assert "2.1" in frame.locator("ul").inner_text()
    returned = next(policy for url, policy in policies.items() if url.startswith(tool + "/lti/selection/"))
    assert f"form-action 'self' {platform}" in returned  # the return page may post to the platform only
    assert violations == []
    page.close()
