"""Automated accessibility check: axe-core (through axe-playwright-python, which ships axe's script) finds no
violation on the tool's main pages, in the LMS iframe at 1200 px and alone at 320 px (a phone). The pages are
reached as people reach them: real launches from the demo platform, the public quick test, the admin login.

`PIX_LTI_SCREENSHOTS=/some/folder` also saves a screenshot of each page at both widths (for a human look)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_student_in_iframe import (  # noqa: F401 - the module's servers and browser fixtures
    _answer,
    browser,
    servers,
)

if os.environ.get("CI") or os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
    from axe_playwright_python.sync_playwright import Axe
else:
    Axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe

SHOTS = os.environ.get("PIX_LTI_SCREENSHOTS")


def _violations(target: Any) -> list[str]:
    """axe's violations on a page or frame, one line each (rule, impact, first offending element)."""
    results = Axe().run(target)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['html'][:160]}"
            for v in results.response["violations"]]


def _check(browser: Any, name: str, page: Any, frame: Any | None = None) -> None:  # noqa: F811
    """No violation in the page (or its tool frame) as shown, then none in the same address alone at 320 px,
    where nothing may overflow sideways."""
    target = frame or page
    found = _violations(target)
    assert not found, (name, found)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-1200.png"), full_page=True)
    phone_context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        phone_context.add_cookies(page.context.cookies())
        phone = phone_context.new_page()
        phone.goto(target.url)
        found = _violations(phone)
        assert not found, (name + " at 320 px", found)
        wide = phone.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth)"
            ".slice(0, 5).map(e => e.outerHTML.slice(0, 160))")
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name + " overflows", wide)
        if SHOTS:
            phone.screenshot(path=str(Path(SHOTS) / f"{name}-320.png"), full_page=True)
    finally:
        phone_context.close()


def _tool_frame(page: Any) -> Any:
    frame = page.frame(name="outil")
    assert frame is not None
    return frame


def test_the_pupils_pages_have_no_axe_violation(servers, browser) -> None:  # noqa: F811
    from content_bank.loader import default_referential

    tool, platform = servers
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(platform + "/")
    page.locator('a[href="/demo/start?user=eleve&activity=profil&lang=fr"]').click()
    lms = page.frame_locator('iframe[name="outil"]')
    start = lms.get_by_role("button", name=re.compile("Commencer")).first
    start.wait_for(timeout=20_000)
    _check(browser, "profil", page, _tool_frame(page))
    start.click()
    submit = lms.get_by_role("button", name="Je valide")
    submit.wait_for(timeout=20_000)
    _check(browser, "question", page, _tool_frame(page))
    challenge = default_referential().challenges[lms.locator("form.challenge").get_attribute("data-challenge")]
    _answer(lms, challenge)
    submit.click()
    lms.locator(f'[data-answered="{challenge.id}"]').wait_for(timeout=20_000)
    _check(browser, "question-apres-reponse", page, _tool_frame(page))
    page.close()


def test_the_teachers_pages_have_no_axe_violation(servers, browser) -> None:  # noqa: F811
    tool, platform = servers
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(platform + "/")
    page.locator('a[href="/demo/start?user=enseignant&activity=c11&message=select&lang=fr"]').click()
    lms = page.frame_locator('iframe[name="outil"]')
    lms.locator('input[value="competence:2.1"]').wait_for(timeout=20_000)
    _check(browser, "selection", page, _tool_frame(page))
    lms.locator("a[href*='/campagnes/nouveau']").click()
    lms.locator("#nom").wait_for(timeout=20_000)
    _check(browser, "parcours-nouveau", page, _tool_frame(page))
    page.goto(platform + "/")
    page.locator('a[href="/demo/start?user=enseignant&activity=c11&lang=fr"]').click()
    lms = page.frame_locator('iframe[name="outil"]')
    lms.locator("h2", has_text="Ce que l'activité évalue").wait_for(timeout=20_000)
    _check(browser, "activite-enseignant", page, _tool_frame(page))
    page.close()


def test_the_public_pages_have_no_axe_violation(servers, browser) -> None:  # noqa: F811
    tool, _ = servers
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(tool + "/essai")
    _check(browser, "essai-accueil", page)
    page.locator("form button[type=submit]").first.click()
    page.locator("form").first.wait_for(timeout=20_000)
    _check(browser, "essai-question", page)
    page.goto(tool + "/admin/login")
    _check(browser, "admin-connexion", page)
    page.goto(tool + "/admin/login?lang=en")  # the language switch (issue 22): the English administration
    assert page.locator("html").get_attribute("lang") == "en"
    _check(browser, "admin-login-en", page)
    page.goto(tool + "/no-such-page")  # an error page, in the language just chosen
    assert page.locator("html").get_attribute("lang") == "en"
    _check(browser, "erreur-404-en", page)
    page.goto(tool + "/confidentialite")
    _check(browser, "confidentialite", page)
    page.close()
