"""The tool runs on a private bank given by PIX_LTI_CONTENT_PATH and shows its tables as tables, in a real
browser (Debian's chromium driven by Playwright), down to a 320 px screen; a broken private bank stops
the start with a clear message and a non-zero exit, before anything is written (issue 16)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from content_bank.active import load_bank_with_info
from content_bank.loader import DEFAULT_BANK
from tests.e2e.test_student_in_iframe import (
    CHROMIUM,
    ROOT,
    _free_port,
    _launch_as_student,
    demo_command,
    running_demo,
    sync_api,
)

WIDE_ROW = " | ".join(f"Colonne {i}" for i in range(1, 9))
SHEET = (
    "Tableau\u00a0: notes du premier trimestre\n\n"
    "| | A | B | C |\n|---|---|---|---|\n| **1** | Élève | Maths | Français |\n"
    "| **2** | Alice | 12 | 15 |\n| **3** | Chloé | 17 | 13 |\n\n"
    f"| {WIDE_ROW} |\n|{'---|' * 8}\n| {' | '.join('x' * 30 for _ in range(8))} |\n\n"
    "Dans quelle cellule se trouve la note de **Maths** de **Chloé**\u202f?"
)


PRIVATE_MEDIA = "seulement-dans-la-banque-privee.svg"


def _challenge(cid: str) -> dict:  # type: ignore[type-arg]
    return {"id": cid, "type": "QCU", "instruction": SHEET, "proposals": ["B3", "C3", "B2"], "solution": 1}


def _private_bank(root: Path) -> Path:
    """A copy of the shipped bank, versioned, whose competence 1.1 asks only table challenges."""
    bank = root / "banque-privee"
    shutil.copytree(DEFAULT_BANK, bank)
    framework = yaml.safe_load((bank / "framework.yaml").read_text(encoding="utf-8"))
    framework["version"] = "privee-2026-12"
    (bank / "framework.yaml").write_text(yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8")
    tutorial = {"title": "Lire un tableau", "text": "Une cellule se repère par sa colonne puis sa ligne."}
    doc = {"competence": "1.1", "tubes": [{"name": "tableauLecture", "title": "Lire un tableau", "skills": [
        {"level": level, "tutorial": tutorial,
         "challenges": [_challenge(f"priv-{level}a"), _challenge(f"priv-{level}b")]}
        for level in range(1, 7)]}]}
    (bank / "competences" / "1.1.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (bank / "media" / PRIVATE_MEDIA).write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><title>privé</title></svg>', encoding="utf-8")
    return bank


def _start(env: dict[str, str], tool_port: int, platform_port: int) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen(demo_command(tool_port, platform_port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _env(tmp: Path, bank: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_")}
    env["PIX_LTI_DATABASE_URL"] = f"sqlite:///{tmp}/tool.sqlite3"
    env["PIX_LTI_CONTENT_PATH"] = str(bank)
    return env


@pytest.fixture(scope="module")
def browser() -> Iterator:  # type: ignore[type-arg]
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def private_servers(tmp_path_factory) -> Iterator[tuple[str, str, Path]]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("private")
    bank = _private_bank(tmp)
    with running_demo(_env(tmp, bank)) as (tool, platform):
        yield tool, platform, bank


def test_the_tool_serves_the_private_bank_named_by_the_environment(private_servers) -> None:  # type: ignore[no-untyped-def]
    tool, _, bank = private_servers
    health = httpx.get(tool + "/healthz").json()["content_bank"]
    assert health == {"version": "privee-2026-12", "fingerprint": load_bank_with_info(bank).info.fingerprint,
                      "private": True}
    # the private bank's own media are served, not the shipped bank's folder
    media = httpx.get(f"{tool}/medias/{PRIVATE_MEDIA}")
    assert media.status_code == 200 and "privé" in media.text


def test_a_table_challenge_is_rendered_as_an_accessible_table(private_servers, browser) -> None:  # type: ignore[no-untyped-def]
    _, platform, _ = private_servers
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    frame, start = _launch_as_student(page, platform, "c11")
    start.click()
    frame.locator("form.challenge").wait_for(timeout=20_000)
    table = frame.locator(".instruction table").first
    assert table.locator("caption").inner_text() == "notes du premier trimestre"
    headers = table.locator("thead th")
    assert headers.count() == 4 and headers.nth(1).inner_text() == "A"
    assert headers.nth(1).get_attribute("scope") == "col"
    assert table.locator("tbody tr").nth(2).locator("td").nth(1).inner_text() == "Chloé"
    assert "| A |" not in frame.locator(".instruction").inner_text()
    # on a 320 px screen the wide table scrolls inside its region; the page itself does not scroll sideways
    tool_frame = next(f for f in page.frames if "/evaluations/" in f.url)
    # (with the browser's cookies: the address carries no session token once the cookie works)
    phone_context = browser.new_context(viewport={"width": 320, "height": 640})
    phone_context.add_cookies(page.context.cookies())
    phone = phone_context.new_page()
    phone.goto(tool_frame.url)
    region = phone.locator(".tableau-defilant").nth(1)
    region.wait_for()
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    region.focus()  # keyboard users reach the region to scroll it
    assert region.evaluate("r => document.activeElement === r")
    phone_context.close()
    page.close()


def test_a_broken_private_bank_stops_the_start_with_a_clear_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bank = _private_bank(tmp_path)
    path = bank / "competences" / "1.1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("solution: 1", "solution: 7", 1), encoding="utf-8")
    env = _env(tmp_path, bank)
    result = subprocess.run([sys.executable, "-m", "pix_lti.cli", "serve", "--port", str(_free_port())], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"La banque de contenus {bank} n'est pas chargée : 1 problème." in result.stderr
    assert "competences/1.1.yaml: priv-1a: solution 7 is not among the proposals (1..3)" in result.stderr
    assert not (tmp_path / "tool.sqlite3").exists()  # nothing written
    demo = _start(env, _free_port(), _free_port())
    assert demo.wait(timeout=120) == 1
    assert "n'est pas chargée" in demo.stderr.read().decode()
