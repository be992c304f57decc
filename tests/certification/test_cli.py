"""`pix-lti certif ...` against a database: open a centre, change its settings, list, show and publish a session."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from certification import enrolment, repository
from certification.finalisation import FinalisationReport, finalise_session
from content_bank.loader import default_referential
from pix_lti.cli import app
from tests.certification.school import SESSION_DAY, make_school
from tests.certification.sitting import sit_v3

runner = CliRunner()


@pytest.fixture
def database(sessions_: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> sessionmaker[Session]:
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", sessions_.kw["bind"].url.render_as_string(hide_password=False))
    return sessions_


def test_centres_and_sessions_from_the_command_line(database: sessionmaker[Session]) -> None:
    opened = runner.invoke(app, ["certif", "centre-open", "0690002B", "Lycée Ampère"])
    assert opened.exit_code == 0, opened.output
    again = runner.invoke(app, ["certif", "centre-open", "0690002B"])
    assert again.exit_code == 1 and "centre_exists" in again.output
    with database() as db:
        centre_id = repository.centre_by_uai(db, "0690002B").id
    changed = runner.invoke(app, ["certif", "centre-settings", str(centre_id), "--version", "v2",
                                  "--publication", "review"])
    assert changed.exit_code == 0, changed.output
    assert runner.invoke(app, ["certif", "centre-settings", str(centre_id), "--version", "v9"]).exit_code == 1
    listed = runner.invoke(app, ["certif", "centres"])
    assert "0690002B\tLycée Ampère\tv2\treview" in listed.output

    referential = default_referential()
    with database.begin() as db:
        school = make_school(db)
        enrolment.enrol_pupils(db, school.session_id, school.pupils[:1], school.head)
        lea = repository.candidate_by_account(db, school.session_id, school.pupils[0])
        sit_v3(db, referential, lea, SESSION_DAY, datetime(2026, 5, 4, 9, tzinfo=UTC), right=0.7)
        repository.centre(db, school.centre_id).publication = "review"
        db.flush()
        finalise_session(db, referential, school.session_id, FinalisationReport(), school.head,
                         datetime(2026, 5, 4, 12, tzinfo=UTC))
    shown = runner.invoke(app, ["certif", "session", str(school.session_number)])
    assert shown.exit_code == 0 and "finalised" in shown.output and "Martin Léa\t3A\tvalidated" in shown.output
    assert str(school.session_number) in runner.invoke(app, ["certif", "sessions", str(school.centre_id)]).output
    published = runner.invoke(app, ["certif", "publish", str(school.session_number)])
    assert published.exit_code == 0, published.output
    assert runner.invoke(app, ["certif", "publish", str(school.session_number)]).exit_code == 1
    assert runner.invoke(app, ["certif", "session", "1"]).exit_code == 1
