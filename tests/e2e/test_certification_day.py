"""A certification session in a real browser (Debian's chromium driven by Playwright), on `pix-lti serve` (SQLite):
the head creates the session on the centre's page and enrols the class's three pupils (two certifiable); the
invigilator opens the space on a tablet-sized page and confirms two pupils' presence; Léa takes the test,
leaves the page (the alert is validated: the question is replaced); Tom leaves the test and comes back through a
new launch (the invigilator lets him back in: same question); the invigilator ends both tests; the head finalises
the session through the staff pages and sees the results. The third pupil, not certifiable, is pointed to the SOS
campaign the head created in one click, joins it and sends his profile; its dashboard shows what he misses.
Sessions are opened by signed session cookies (the launch itself is tested elsewhere)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from certification import repository
from certification.centres import open_school_centre
from content_bank.loader import default_referential
from core.db import make_engine, make_session_factory
from tests.certification.day import make_certifiable
from tests.certification.people import gar_person
from tests.e2e.helpers import answer, chromium, clean_env, free_port, running, sync_api
from web.tokens import SessionCodec, SessionData

SECRET = "e2e-certification-day-secret-0123456789"
UAI = "0750001A"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """`pix-lti serve` on a SQLite file and a free port: (tool URL, database URL)."""
    database = f"sqlite:///{tmp_path_factory.mktemp('certif')}/tool.sqlite3"
    port = free_port()
    tool = f"http://127.0.0.1:{port}"
    env = clean_env() | {"PIX_LTI_DATABASE_URL": database, "PIX_LTI_SESSION_SECRET": SECRET,
                         "PIX_LTI_BASE_URL": tool}
    with running([sys.executable, "-m", "pix_lti.cli", "serve", "--port", str(port)], env, (tool + "/healthz",)):
        yield tool, database


@pytest.fixture(scope="module")
def browser() -> Iterator:  # type: ignore[type-arg]
    with chromium() as instance:
        yield instance


def _seed(database: str) -> dict[str, int]:
    """A school centre and its head (GAR direction: manager of the centre); Léa, Tom (certifiable) and Noé (not) in
    class 3A. The session is created and the pupils enrolled through the staff pages, in the browser."""
    engine = make_engine(database)
    referential = default_referential()
    now = datetime.now(UTC)
    with make_session_factory(engine).begin() as db:
        people = {"head": gar_person(db, UAI, "National_dir", "e2e-head", "Claire", "Directrice")}
        for key, given, family in (("lea", "Léa", "Martin"), ("tom", "Tom", "Bernard"), ("noe", "Noé", "Petit")):
            people[key] = gar_person(db, UAI, "National_elv", f"e2e-{key}", given, family, division="3A")
        people["centre"] = open_school_centre(db, UAI, "Collège Exemple", None).id
        for key in ("lea", "tom"):
            make_certifiable(db, referential, people[key], now)
    engine.dispose()
    return people


def _create_and_enrol(board, tool: str, ids: dict[str, int], database: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The head creates the session on the centre's page and enrols the class's three pupils: the session's number,
    access code and invigilator password as its page shows them."""
    board.goto(f"{tool}/certif/centres/{ids['centre']}")
    board.get_by_label("Date", exact=True).fill(date.today().isoformat())
    board.get_by_label("Salle", exact=True).fill("CDI")
    board.get_by_label("Surveillance", exact=True).fill("Mme Surveillante")
    board.get_by_role("button", name="Créer la session").click()
    sync_api.expect(board.locator("#numero")).to_have_text(re.compile(r"^\d+$"))
    for name in ("Martin Léa", "Bernard Tom", "Petit Noé"):
        board.get_by_label(name).check()
    board.get_by_role("button", name="Inscrire les élèves cochés").click()
    sync_api.expect(board.get_by_text("Certifiables aujourd'hui : 2 sur 3.")).to_be_visible()
    sync_api.expect(board.locator("tr", has_text="Petit Noé")).to_contain_text("compétences manquantes : 5")
    session = {"number": int(board.locator("#numero").inner_text()),
               "code": board.locator("#code-acces").inner_text().strip(),
               "password": board.locator("#mot-de-passe").inner_text().strip(),
               "id": int(board.url.split("/certif/sessions/")[1].split("?")[0].split("#")[0])}
    engine = make_engine(database)
    with make_session_factory(engine)() as db:
        enrolled = {c.account_id: c.id for c in repository.candidates_of_session(db, session["id"])}
        assert repository.session_by_id(db, session["id"]).version == "v3"
    engine.dispose()
    assert set(enrolled) == {ids["lea"], ids["tom"], ids["noe"]}
    return session


def _context(browser, tool: str, account_id: int, launch: str, role: str = "student", **options):  # type: ignore[no-untyped-def]
    """A browser context signed in as this account (a session cookie as a launch leaves it)."""
    context = browser.new_context(**options)
    cookie = SessionCodec(SECRET).dumps(SessionData(account_id, launch, role, None, None))
    context.add_cookies([{"name": "pix_lti_session", "value": cookie, "url": tool}])
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _join(page, tool: str, session: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    page.goto(tool + "/profil")
    page.get_by_role("link", name="Certification", exact=True).click()
    page.get_by_label("Numéro de session").fill(str(session["number"]))
    page.get_by_label("Code d'accès").fill(str(session["code"]).lower())
    page.get_by_role("button", name="Rejoindre la session").click()


def _challenge(page):  # type: ignore[no-untyped-def]
    return default_referential().challenges[page.locator("form.challenge").get_attribute("data-challenge")]


def _answer_current(page) -> None:  # type: ignore[no-untyped-def]
    answer(page, _challenge(page))
    page.get_by_role("button", name="Je valide").click()


def _candidate(board, name: str):  # type: ignore[no-untyped-def]
    return board.locator("li.candidate", has_text=name)


def test_a_certification_session_in_the_browser(server, browser) -> None:  # type: ignore[no-untyped-def]
    tool, database = server
    ids = _seed(database)
    board = _context(browser, tool, ids["head"], "e2e:head", "teacher", viewport={"width": 820, "height": 1180})
    session = _create_and_enrol(board, tool, ids, database)
    lea = _context(browser, tool, ids["lea"], "e2e:lea")
    tom = _context(browser, tool, ids["tom"], "e2e:tom")

    # the pupils join and confirm their identity; they wait for the invigilator
    for pupil in (lea, tom):
        _join(pupil, tool, session)
        pupil.get_by_role("button", name="C'est bien moi").click()
        sync_api.expect(pupil.get_by_text("Le surveillant doit confirmer votre présence")).to_be_visible()

    # the invigilator opens the space (tablet-sized) and confirms both presences
    board.goto(tool + "/certification/surveillance")
    board.get_by_label("Numéro de session").fill(str(session["number"]))
    board.get_by_label("Mot de passe surveillant").fill(str(session["password"]))
    board.get_by_role("button", name="Ouvrir l'espace surveillant").click()
    sync_api.expect(board.locator("[data-access-code]")).to_have_text(str(session["code"]))
    for name in ("Martin", "Bernard"):
        sync_api.expect(_candidate(board, name)).to_contain_text("Arrivé, présence à confirmer")
        _candidate(board, name).get_by_role("button", name="Confirmer la présence").click()
        sync_api.expect(_candidate(board, name)).to_contain_text("Présent")
    sync_api.expect(_candidate(board, "Petit")).to_contain_text("Pas arrivé")

    # the waiting pages notice by themselves (polling) and offer the start
    for pupil in (lea, tom):
        pupil.get_by_role("button", name="Commencer le test").click(timeout=20_000)
        sync_api.expect(pupil.get_by_role("heading", name="Question 1 sur 32")).to_be_visible()
        sync_api.expect(pupil.locator(".certif-timer-value")).to_have_text(re.compile(r"1:4[0-9]:[0-9]{2}"))

    # Léa answers, then leaves the page on question 2: the alert reaches the board and is validated
    _answer_current(lea)
    sync_api.expect(lea.get_by_role("heading", name="Question 2 sur 32")).to_be_visible()
    left_on = _challenge(lea).id
    lea.evaluate("window.dispatchEvent(new Event('blur'))")
    sync_api.expect(lea.get_by_text("Vous avez quitté la page du test")).to_be_visible()
    alert = board.get_by_text("Le candidat a quitté la page à la question 2.")
    alert.wait_for(timeout=20_000)  # the board refreshes itself
    board.get_by_role("button", name=re.compile("^Valider")).click()
    sync_api.expect(board.get_by_text("Alerte validée")).to_be_visible()
    lea.reload()
    sync_api.expect(lea.get_by_role("heading", name="Question 2 sur 32")).to_be_visible()
    assert _challenge(lea).id != left_on
    _answer_current(lea)
    sync_api.expect(lea.get_by_role("heading", name="Question 3 sur 32")).to_be_visible()

    # Tom answers once, then his laptop is closed: he comes back through a new launch and needs the invigilator
    _answer_current(tom)
    question = _challenge(tom).id
    tom.context.close()
    tom = _context(browser, tool, ids["tom"], "e2e:tom-again")
    _join(tom, tool, session)
    sync_api.expect(tom.get_by_text("Demandez au surveillant d'autoriser votre reprise")).to_be_visible()
    sync_api.expect(_candidate(board, "Bernard")).to_contain_text("A quitté le test", timeout=20_000)
    _candidate(board, "Bernard").get_by_role("button", name="Autoriser la reprise").click()
    sync_api.expect(tom.get_by_role("heading", name="Question 2 sur 32")).to_be_visible(timeout=20_000)
    assert _challenge(tom).id == question

    # the invigilator ends both tests; the pupils see the end page
    for name in ("Martin", "Bernard"):
        _candidate(board, name).get_by_role("button", name="Terminer le test").click()
        sync_api.expect(_candidate(board, name)).to_contain_text("Terminé")
    for pupil in (lea, tom):
        pupil.reload()
        sync_api.expect(pupil.get_by_text("Vos résultats seront disponibles")).to_be_visible()

    # Noé is not certifiable: the head creates the SOS campaign in one click (a profile collection); Noé is pointed
    # to it, joins and sends his profile; the campaign's dashboard shows that 5 competences are missing
    board.goto(f"{tool}/certif/centres/{ids['centre']}")
    board.get_by_role("button", name="Créer la campagne « SOS élève non certifiable »").click()
    sync_api.expect(board.get_by_text("collecte de profils").first).to_be_visible()
    dashboard = board.url
    noe = _context(browser, tool, ids["noe"], "e2e:noe")
    _join(noe, tool, session)
    noe.get_by_role("link", name="Rejoindre la campagne « SOS élève non certifiable »").click()
    sync_api.expect(noe.get_by_text("collecte de profils")).to_be_visible()
    noe.get_by_role("button", name="Rejoindre ce parcours").click()
    noe.get_by_label("Je confirme l'envoi de mes résultats à mon établissement.").check()
    noe.get_by_role("button", name="Envoyer mes résultats").click()
    board.goto(dashboard)
    sync_api.expect(board.locator("tr", has_text="Petit")).to_contain_text("non (5 manquantes)")

    # the head finalises the session through the staff pages (Noé absent): results computed and shown
    board.goto(f"{tool}/certif/sessions/{session['id']}/finaliser")
    board.get_by_role("button", name=re.compile("inalis")).click()
    sync_api.expect(board.locator("#resultats")).to_be_visible()
    assert "rejetée" in board.locator("body").inner_text()  # fewer than 20 answers: rejected, by the engine
