"""`pix-lti user find|export|delete` and `pix-lti purge` from the command line; the privacy notice page, reachable
from every pupil page, French first, English available, its texts configurable per deployment."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from core.accounts import Account
from core.audit import AuditEntry
from core.courses import Course
from core.rosters import RosterMember
from ent_gar_connector.roster import RosterLine, import_roster
from lti_tool.grades.ags_client import Member
from lti_tool.grades.roster import replace_roster
from pix_lti.cli import app as cli
from privacy.erased import erased_subs
from tests.gar.conftest import IDO_STUDENT, SCHOOL, Gar, student
from tests.lti.conftest import Tool
from tests.student_web.helpers import get, launch

runner = CliRunner()


def _cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", database_url)
    monkeypatch.delenv("PIX_LTI_REDIS_URL", raising=False)


def test_user_find_by_ido_sub_and_name_then_export_and_delete(gar: Gar, monkeypatch: pytest.MonkeyPatch) -> None:
    gar.subscribe(SCHOOL)
    gar.sign_in(student(NOM=["Martin"], PRE=["Léa"]))
    _cli_env(monkeypatch, str(gar.client.app.state.tool.settings.database_url))
    with gar.sessions() as session:
        lea = session.scalar(select(Account.id).where(Account.sub == IDO_STUDENT))

    for args in (["--ido", IDO_STUDENT], ["--sub", IDO_STUDENT], ["--name", "léa mart"], ["--name", "MARTIN"]):
        found = runner.invoke(cli, ["user", "find", *args])
        assert found.exit_code == 0, found.output
        assert found.output.startswith(f"{lea}\turn:gar\t")
        assert "Léa Martin" in found.output and "student" in found.output
    assert runner.invoke(cli, ["user", "find", "--name", "Dupont"]).exit_code == 1
    assert runner.invoke(cli, ["user", "find"]).exit_code == 2

    exported = runner.invoke(cli, ["user", "export", str(lea)])
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.output)
    sections = {s["table"]: s for s in data["sections"]}
    assert sections["accounts"]["titre"] == "Compte" and sections["accounts"]["lignes"][0]["given_name"] == "Léa"
    classes = [row["group"] for row in sections["gar_group_members"]["lignes"]]
    assert sorted(classes) == ["classe 3e A", "groupe Anglais groupe 1"]  # labels, not ids
    assert sections["gar_school_members"]["lignes"] == [{"school": f"établissement {SCHOOL}"}]
    raw = json.loads(runner.invoke(cli, ["user", "export", str(lea), "--raw"]).output)
    assert raw["tables"]["accounts"][0]["id"] == lea

    assert runner.invoke(cli, ["user", "delete", str(lea)], input="n\n").exit_code == 1
    deleted = runner.invoke(cli, ["user", "delete", str(lea), "--yes"])
    assert deleted.exit_code == 0 and "accounts=1" in deleted.output and "carnet de notes" in deleted.output
    assert runner.invoke(cli, ["user", "export", str(lea)]).exit_code == 1
    assert runner.invoke(cli, ["user", "delete", "999", "--yes"]).exit_code == 1


def test_purge_command_reports_what_it_deleted(gar: Gar, monkeypatch: pytest.MonkeyPatch) -> None:
    gar.subscribe(SCHOOL)
    gar.sign_in(student())
    _cli_env(monkeypatch, str(gar.client.app.state.tool.settings.database_url))
    kept = runner.invoke(cli, ["purge"])
    assert kept.exit_code == 0 and kept.output.startswith("0 compte supprimé"), kept.output
    monkeypatch.setenv("PIX_LTI_RETENTION_ACCOUNT_DAYS", "1")
    with gar.sessions.begin() as session:
        for account in session.scalars(select(Account)):
            account.last_launch_at = account.last_launch_at.replace(year=2020)
    purged = runner.invoke(cli, ["purge"])
    assert purged.exit_code == 0 and purged.output.startswith("1 compte supprimé") and "accounts=1" in \
        purged.output, purged.output
    monkeypatch.setenv("PIX_LTI_RETENTION_ACCOUNT_DAYS", "0")
    refused = runner.invoke(cli, ["purge"])
    assert refused.exit_code == 2 and "PIX_LTI_RETENTION_ACCOUNT_DAYS" in refused.output  # 0 days: refused


LINK = re.compile(r'<footer class="privacy"><a href="([^"]+)">([^<]+)</a>')


def test_the_notice_is_linked_from_a_pupil_page_in_french_then_english(tool: Tool) -> None:
    page = get(tool, launch(tool, custom={"profile": ""}).headers["location"])
    assert page.status_code == 200
    href, label = LINK.search(page.text).groups()  # type: ignore[union-attr]
    assert label == "Tes données personnelles" and href.startswith("/confidentialite")
    notice = tool.client.get(href.replace("&amp;", "&"))
    assert notice.status_code == 200 and '<html lang="fr">' in notice.text
    for words in ("Qui est responsable", "Délégué à la protection des données", "Pourquoi", "article 6-1-e",
                  "carnet de notes", "supprimés 12 mois après", "effacés 12 mois après la session",
                  "supprimé 4 ans après la session", "Tes droits", "CNIL"):
        assert words in notice.text, words
    english = tool.client.get("/confidentialite?lang=en")
    assert english.status_code == 200 and "Your personal data" in english.text and "Who is responsible" in english.text
    page_en = get(tool, launch(tool, sub="pupil-en", custom={"profile": ""}, locale="en-GB").headers["location"])
    href, label = LINK.search(page_en.text).groups()  # type: ignore[union-attr]
    assert label == "Your personal data"
    assert "Who is responsible" in tool.client.get(href.replace("&amp;", "&")).text


def test_the_notice_texts_come_from_the_deployment_file(tool: Tool, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    notice = tmp_path / "notice.yaml"
    notice.write_text("fr:\n  controller: Le collège Jean Moulin, représenté par sa principale.\n"
                      "  dpo: dpd@ac-exemple.fr\nen:\n  dpo: dpo@ac-example.fr\n", encoding="utf-8")
    monkeypatch.setenv("PIX_LTI_PRIVACY_NOTICE_FILE", str(notice))
    monkeypatch.setenv("PIX_LTI_RETENTION_ACCOUNT_DAYS", "730")
    french = tool.client.get("/confidentialite").text
    assert "Le collège Jean Moulin" in french and "dpd@ac-exemple.fr" in french and "supprimés 24 mois" in french
    english = tool.client.get("/confidentialite?lang=en").text
    assert "dpo@ac-example.fr" in english and "Your school: the head of school" in english
    notice.write_text("fr:\n  controleur: faute de frappe\n", encoding="utf-8")
    broken = tool.client.get("/confidentialite")
    assert broken.status_code == 500 and "pas disponible" in broken.text


def test_people_stored_without_an_account_can_be_found_and_erased(gar: Gar, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pupil who never opened the tool: a line of an LMS roster and of the school's class list."""
    gar.subscribe(SCHOOL)
    _cli_env(monkeypatch, str(gar.client.app.state.tool.settings.database_url))
    with gar.sessions.begin() as session:
        course = Course(issuer="https://lms.example", deployment_id="d", context_id="c", title="SNT 2de A")
        session.add(course)
        session.flush()
        session.add(RosterMember(course_id=course.id, user_id="never-7", name="Inès Absente", roles=["Learner"]))
        import_roster(session, SCHOOL, [RosterLine(2, "Absente", "Inès", date(2011, 5, 6), "3e A")], "test")
        course_id = course.id
    found = runner.invoke(cli, ["user", "find", "--name", "inès abs"])
    assert found.exit_code == 0, found.output
    assert "liste du cours (LMS)\thttps://lms.example SNT 2de A\tnever-7\tInès Absente" in found.output
    assert f"liste de l'établissement\t{SCHOOL}\t-\tInès Absente\t3e A, né(e) le 06/05/2011" in found.output
    assert "never-7" in runner.invoke(cli, ["user", "find", "--sub", "never-7"]).output

    forgot = runner.invoke(cli, ["user", "forget-roster", "--issuer", "https://lms.example", "--sub", "never-7"])
    assert forgot.exit_code == 0 and forgot.output.startswith("1 ligne supprimée"), forgot.output
    cleared = runner.invoke(cli, ["gar", "roster", "clear", "--uai", SCHOOL])
    assert cleared.exit_code == 0 and "1 ligne en attente supprimée" in cleared.output
    assert runner.invoke(cli, ["user", "find", "--name", "inès abs"]).exit_code == 1
    with gar.sessions() as session:  # the next NRPS refresh will not store them again
        assert erased_subs(session, "https://lms.example", ["never-7"]) == {"never-7"}
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["privacy.forget_roster", "gar.roster.clear"]
    with gar.sessions() as session:
        replace_roster(session, course_id, [Member("never-7", ("Learner",), "Active", "Inès Absente", None, None)])
    with gar.sessions() as session:
        assert session.scalar(select(RosterMember.id)) is None
