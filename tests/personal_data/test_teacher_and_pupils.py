"""Export and erasure follow only what a person owns: a teacher's export or deletion never reaches the pupils
of the teacher's campaigns (the campaigns stay, their `created_by` is cleared)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from campaigns.models import CampaignRow, ParticipationRow
from campaigns.service import CampaignService
from campaigns.use_cases import CampaignDraft
from core.accounts import Account
from core.audit import AuditEntry
from core.rosters import RosterMember
from engine.campaigns.participation import CampaignType
from learning.models import AnswerRow, AssessmentRow, KnowledgeElementRow
from learning.use_cases import LearningService
from privacy.erasure import collect, ownership, schema_links
from privacy.use_cases import erase_people, export_people
from tests.campaign_use_cases.test_scenario import seed_class, take_test

NOW = datetime(2026, 6, 1, tzinfo=UTC)
OWNED = (AssessmentRow, AnswerRow, KnowledgeElementRow, ParticipationRow)


def _class_with_campaign(sessions: sessionmaker[Session], service: CampaignService,
                         learning: LearningService) -> tuple[dict[str, int], CampaignRow]:
    """A teacher (prof), two pupils who took and sent the teacher's campaign (ana, bob)."""
    ids = seed_class(sessions)
    draft = CampaignDraft("Recherche", CampaignType.ASSESSMENT, ("rechercheUrl",))
    campaign = service.create(ids["prof"], f"course:{ids['course']}", draft)
    for pupil, right in (("ana", True), ("bob", False)):
        participation = service.join(ids[pupil], campaign.code)
        take_test(learning, service, ids[pupil], participation, right=right)
        service.share(ids[pupil], participation)
    return ids, campaign


def _pupils_rows(sessions: sessionmaker[Session], ids: dict[str, int]) -> dict[str, int]:
    with sessions() as session:
        return {f"{model.__tablename__}:{who}": session.scalar(
            select(func.count()).select_from(model).where(model.account_id == ids[who]))
            for model in OWNED for who in ("ana", "bob")}


def test_the_schema_walk_never_enters_campaigns_or_courses(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as session:
        owning, references = ownership(schema_links(session.connection()))
    tables = {link.table for link in owning}
    assert {"assessments", "assessment_answers", "campaign_participations", "memberships"} <= tables
    assert not tables & {"campaigns", "courses", "activities", "campaign_organisations", "gar_schools"}
    assert ("campaigns", ("created_by",)) in {(link.table, link.columns) for link in references}


def test_exporting_a_teacher_contains_no_pupil_data(sessions, service: CampaignService,  # type: ignore[no-untyped-def]
                                                    learning: LearningService) -> None:
    ids, campaign = _class_with_campaign(sessions, service, learning)
    exported = export_people(sessions, None, [ids["prof"]], "test", NOW, raw=True)
    assert exported is not None
    assert set(exported["tables"]) == {"accounts", "memberships", "grades_roster_members"}
    assert exported["references"]["campaigns.created_by"][0]["code"] == campaign.code
    dumped = json.dumps(exported, ensure_ascii=False)
    for pupil in ("Aubert", "Bernard", "Ana", "Bob"):
        assert pupil not in dumped
    readable = export_people(sessions, None, [ids["prof"]], "test", NOW)
    assert readable is not None
    created = next(s for s in readable["sections"] if s["table"] == "campaigns")["lignes"]
    assert created[0]["code"] == campaign.code and created[0]["course"] == "SNT 2de A"  # a label, not an id
    assert "course_id" not in created[0] and "created_by" not in created[0]
    assert "Aubert" not in json.dumps(readable, ensure_ascii=False)


def test_deleting_a_teacher_leaves_the_pupils_results_and_the_campaign(  # type: ignore[no-untyped-def]
        sessions, service: CampaignService, learning: LearningService) -> None:
    ids, campaign = _class_with_campaign(sessions, service, learning)
    before = _pupils_rows(sessions, ids)
    assert all(before.values())
    erased = erase_people(sessions, None, [ids["prof"]], "test", NOW)
    assert erased is not None and erased.tables["accounts"] == 1
    assert erased.tables["campaigns.created_by (NULL)"] == 1
    assert _pupils_rows(sessions, ids) == before
    with sessions() as session:
        kept = session.get(CampaignRow, campaign.id)
        assert kept is not None and kept.created_by is None
        shared = session.scalars(select(ParticipationRow).where(ParticipationRow.campaign_id == campaign.id)).all()
        assert len(shared) == 2 and all(p.snapshot for p in shared)
        assert session.get(Account, ids["prof"]) is None and session.get(Account, ids["ana"]) is not None
        assert session.scalar(select(func.count()).select_from(RosterMember)
                              .where(RosterMember.user_id == "prof")) == 0
        assert session.scalar(select(func.count()).select_from(RosterMember)
                              .where(RosterMember.user_id == "ana")) == 1


def test_a_pupil_export_has_their_own_results_and_roster_line_only(  # type: ignore[no-untyped-def]
        sessions, service: CampaignService, learning: LearningService) -> None:
    ids, _ = _class_with_campaign(sessions, service, learning)
    exported = export_people(sessions, None, [ids["ana"]], "test", NOW, raw=True)
    assert exported is not None
    tables = exported["tables"]
    assert [r["user_id"] for r in tables["grades_roster_members"]] == ["ana"]
    assert {r["account_id"] for r in tables["campaign_participations"]} == {ids["ana"]}
    assert {r["account_id"] for r in tables["assessment_answers"]} == {ids["ana"]}
    assert "Bernard" not in json.dumps(exported, ensure_ascii=False)


def test_deleting_one_pupil_keeps_the_other_pupil(sessions, service: CampaignService,  # type: ignore[no-untyped-def]
                                                  learning: LearningService) -> None:
    ids, campaign = _class_with_campaign(sessions, service, learning)
    before = _pupils_rows(sessions, ids)
    erase_people(sessions, None, [ids["ana"]], "test", NOW)
    after = _pupils_rows(sessions, ids)
    assert all(after[k] == 0 for k in after if k.endswith(":ana"))
    assert all(after[k] == before[k] for k in after if k.endswith(":bob"))
    board = service.dashboard(ids["prof"], campaign.id)
    assert [p.family_name for p in board.participants] == ["Bernard"]


def test_every_export_and_deletion_is_audited_with_counts_and_no_personal_data(  # type: ignore[no-untyped-def]
        sessions, service: CampaignService, learning: LearningService) -> None:
    ids, _ = _class_with_campaign(sessions, service, learning)
    export_people(sessions, None, [ids["ana"]], "cli", NOW)
    erase_people(sessions, None, [ids["ana"]], "cli", NOW)
    assert export_people(sessions, None, [ids["ana"]], "cli", NOW) is None  # nothing left, nothing audited
    with sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("privacy.%"))
                                  .order_by(AuditEntry.id)).all()
    assert [(e.action, e.target, e.actor) for e in entries] == [
        ("privacy.export", f"account:{ids['ana']}", "cli"), ("privacy.delete", f"account:{ids['ana']}", "cli")]
    assert entries[1].details["tables"]["accounts"] == 1 and entries[1].details["tables"]["campaign_participations"]
    logged = json.dumps([e.details for e in entries], ensure_ascii=False)
    assert "Aubert" not in logged and "Ana" not in logged and '"ana"' not in logged


def test_tables_of_later_feature_areas_are_followed(sessions) -> None:  # type: ignore[no-untyped-def]
    """A table added later with a plain foreign key to accounts (no ON DELETE) belongs to the person."""
    with sessions.begin() as session:
        session.execute(text("CREATE TABLE xt_notes (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL "
                             "REFERENCES accounts(id), body VARCHAR(64))"))
        for sub in ("lea", "other"):
            account = Account(issuer="https://lms.example", sub=sub)
            session.add(account)
            session.flush()
            session.execute(text("INSERT INTO xt_notes (id, account_id, body) VALUES (:i, :a, :b)"),
                            {"i": account.id, "a": account.id, "b": f"{sub}-note"})
    with sessions() as session:
        lea = session.scalar(select(Account.id).where(Account.sub == "lea"))
        assert [r["body"] for r in collect(session, [lea]).rows["xt_notes"]] == ["lea-note"]
    erased = erase_people(sessions, None, [lea], "test", NOW)
    assert erased is not None and erased.tables["xt_notes"] == 1
    with sessions() as session:
        assert list(session.execute(text("SELECT body FROM xt_notes"))) == [("other-note",)]


def test_the_readable_export_names_things_instead_of_giving_ids(  # type: ignore[no-untyped-def]
        sessions, service: CampaignService, learning: LearningService) -> None:
    ids, campaign = _class_with_campaign(sessions, service, learning)
    readable = export_people(sessions, None, [ids["ana"]], "test", NOW)
    assert readable is not None
    sections = {s["table"]: s for s in readable["sections"]}
    assert [s["table"] for s in readable["sections"]][:2] == ["accounts", "memberships"]
    assert sections["memberships"]["lignes"] == [{"course": "SNT 2de A", "role": "student"}]
    participation = sections["campaign_participations"]["lignes"][0]
    assert participation["campaign"] == f"Recherche (code {campaign.code})" and "campaign_id" not in participation
    assert participation["assessment"].startswith("test campaign du ")
    element = sections["knowledge_elements"]["lignes"][0]
    assert element["competence"].startswith("1.1 Mener une recherche") and "assessment_id" not in element
    for section in readable["sections"]:
        for row in section["lignes"]:
            assert "id" not in row and "account_id" not in row and "seed" not in row
