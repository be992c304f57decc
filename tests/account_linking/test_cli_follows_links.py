"""`pix-lti user export|delete` follow links: asked for either account of a linked learner, they export (the link
and what it moved included) or erase both accounts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from content_bank.loader import default_referential
from core.accounts import Account
from learning.use_cases import LearningService
from linking.use_cases import link_accounts
from pix_lti.cli import app as cli
from tests.gar.conftest import IDO_STUDENT, SCHOOL, Gar, gar, student  # noqa: F401 (fixture)
from tests.learning_use_cases.test_use_cases import _finish

runner = CliRunner()
REF = default_referential()


def test_export_and_delete_of_one_linked_account_cover_both(gar: Gar, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    gar.subscribe(SCHOOL)
    gar.sign_in(student(NOM=["Lemaire"], PRE=["Camille"]))
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", str(gar.client.app.state.tool.settings.database_url))
    monkeypatch.delenv("PIX_LTI_REDIS_URL", raising=False)
    with gar.sessions.begin() as session:
        ent = session.scalar(select(Account.id).where(Account.sub == IDO_STUDENT))
        lms = Account(issuer="https://moodle.example", sub="camille", given_name="Camille", family_name="Lemaire")
        session.add(lms)
        session.flush()
        lti = lms.id
    learning = LearningService(gar.sessions, REF)
    for account_id, code in ((lti, "1.1"), (ent, "2.1")):
        _finish(learning, account_id, learning.start(account_id, code).assessment.id)
    with gar.sessions.begin() as session:
        link_accounts(session, REF, ent, lti, method="code", actor="test", now=learning.clock())

    exported = runner.invoke(cli, ["user", "export", str(ent)])
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.output)
    assert data["comptes"] == sorted([lti, ent])
    sections = {s["table"]: s for s in data["sections"]}
    assert len(sections["accounts"]["lignes"]) == 2
    assert sections["account_links"]["titre"].startswith("Comptes reliés")
    assert {row["competence"][:3] for row in sections["assessments"]["lignes"]} == {"1.1", "2.1"}

    deleted = runner.invoke(cli, ["user", "delete", str(lti), "--yes"])
    assert deleted.exit_code == 0, deleted.output
    assert deleted.output.startswith(f"Compte {min(lti, ent)}, {max(lti, ent)} supprimé")
    assert "accounts=2" in deleted.output and "account_links=1" in deleted.output
    with gar.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Account).where(Account.id.in_([lti, ent]))) == 0
    assert runner.invoke(cli, ["user", "export", str(ent)]).exit_code == 1
