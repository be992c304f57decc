"""RGPD: export and deletion of everything about one person, tables discovered from the live schema."""

from __future__ import annotations

import json
from datetime import date

from ent_gar_connector.personal_data import delete_person, export_person
from sqlalchemy import select, text
from typer.testing import CliRunner

from ent_gar_connector.models import GAR_ISSUER, GarGroup, GarRosterEntry, GarSchool
from lti_tool.persistence.models import Account, Course, Membership
from pix_lti.cli import app as cli
from tests.gar.conftest import IDO_STUDENT, SCHOOL, Gar, student

runner = CliRunner()


def _add_feature_tables(gar: Gar) -> None:
    """Tables of another feature area, unknown to the connector: an assessment per account, answers per assessment."""
    with gar.sessions.begin() as session:
        session.execute(text("CREATE TABLE xt_assessments (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL "
                             "REFERENCES accounts(id), competence VARCHAR(8))"))
        session.execute(text("CREATE TABLE xt_answers (id INTEGER PRIMARY KEY, assessment_id INTEGER NOT NULL "
                             "REFERENCES xt_assessments(id), value VARCHAR(64))"))


def _people(gar: Gar) -> tuple[int, int]:
    gar.subscribe(SCHOOL)
    gar.sign_in(student(NOM=["Martin"], PRE=["Léa"]))
    gar.sign_in(student(IDO=["c3" * 64]))
    with gar.sessions.begin() as session:
        lea = session.scalar(select(Account).where(Account.issuer == GAR_ISSUER, Account.sub == IDO_STUDENT))
        other = session.scalar(select(Account).where(Account.sub == "c3" * 64))
        course = Course(issuer="https://moodle.test", deployment_id="1", context_id="c1", title="Techno")
        session.add(course)
        session.flush()
        session.add(Membership(account_id=lea.id, course_id=course.id, role="student"))
        school = session.scalar(select(GarSchool))
        session.add(GarRosterEntry(school_id=school.id, family_name="Martin", given_name="Léa",
                                   birth_date=date(2011, 3, 14), class_label="3A",
                                   account_id=lea.id))
        for account_id, answer in ((lea.id, "lea-answer"), (other.id, "other-answer")):
            session.execute(text("INSERT INTO xt_assessments (id, account_id, competence) VALUES (:i, :a, '1.1')"),
                            {"i": account_id, "a": account_id})
            session.execute(text("INSERT INTO xt_answers (id, assessment_id, value) VALUES (:i, :a, :v)"),
                            {"i": account_id * 10, "a": account_id, "v": answer})
        return lea.id, other.id


def test_export_contains_everything_about_the_person_and_nothing_else(any_gar: Gar) -> None:
    gar = any_gar
    _add_feature_tables(gar)
    lea, _ = _people(gar)
    with gar.sessions() as session:
        data = export_person(session, lea)
    tables = data["tables"]
    assert tables["accounts"][0]["sub"] == IDO_STUDENT and tables["accounts"][0]["family_name"] == "Martin"
    assert len(tables["gar_group_members"]) == 2 and len(tables["gar_school_members"]) == 1
    assert tables["gar_profiles"][0]["role"] == "student"
    assert tables["gar_roster_entries"][0]["birth_date"] == "2011-03-14"
    assert tables["memberships"][0]["role"] == "student"
    assert [a["value"] for a in tables["xt_answers"]] == ["lea-answer"]
    assert "other-answer" not in json.dumps(data)


def test_delete_removes_the_person_and_their_data_but_not_others(any_gar: Gar) -> None:
    gar = any_gar
    _add_feature_tables(gar)
    lea, other = _people(gar)
    with gar.sessions.begin() as session:
        deleted = delete_person(session, lea)
    assert deleted["accounts"] == 1 and deleted["xt_answers"] == 1 and deleted["gar_roster_entries"] == 1
    with gar.sessions() as session:
        assert session.get(Account, lea) is None
        assert export_person(session, lea) is None
        remaining = export_person(session, other)
        assert [a["value"] for a in remaining["tables"]["xt_answers"]] == ["other-answer"]
        assert session.scalar(select(GarGroup.id).limit(1)) is not None  # the school's classes stay
        assert list(session.execute(text("SELECT value FROM xt_answers"))) == [("other-answer",)]
    assert gar.sign_in(student(NOM=["Martin"], PRE=["Léa"])).status_code == 303  # a fresh account on next login


def test_user_export_and_delete_commands(gar: Gar, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    lea, _ = _people_without_extra_tables(gar)
    url = str(gar.client.app.state.tool.settings.database_url)
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", url)
    exported = runner.invoke(cli, ["user", "export", str(lea)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["tables"]["accounts"][0]["given_name"] == "Léa"
    assert runner.invoke(cli, ["user", "delete", str(lea)], input="n\n").exit_code == 1
    deleted = runner.invoke(cli, ["user", "delete", str(lea), "--yes"])
    assert deleted.exit_code == 0 and "accounts=1" in deleted.output
    assert runner.invoke(cli, ["user", "export", str(lea)]).exit_code == 1
    assert runner.invoke(cli, ["user", "delete", "999", "--yes"]).exit_code == 1


def _people_without_extra_tables(gar: Gar) -> tuple[int, int]:
    gar.subscribe(SCHOOL)
    gar.sign_in(student(NOM=["Martin"], PRE=["Léa"]))
    gar.sign_in(student(IDO=["c3" * 64]))
    with gar.sessions() as session:
        ids = list(session.scalars(select(Account.id).order_by(Account.id)))
    return ids[0], ids[1]


