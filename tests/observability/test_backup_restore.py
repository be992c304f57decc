"""Backup and restore (issue 23, docs/operations.md): a PostgreSQL database seeded through the use cases — pupils'
profiles, a campaign with participations (one shared, one started), a certification session finalised and
published (results, certificates) — is dumped with the machine's `pg_dump -Fc`, restored with `pg_restore` into a
fresh database, migrated there (`upgrade heads`, what the app runs at start), and read back through the app's own
repositories and use cases: the same profiles, campaign results, certification results and certificates.
Databases pix_h23a_src / pix_h23a_dst (or PIX_LTI_TEST_BACKUP_DATABASES="src dst"), created and dropped here."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from campaigns.service import CampaignService
from campaigns.use_cases import CampaignDraft
from certificates import repository as certificates
from certification import enrolment, repository
from certification.finalisation import FinalisationReport, finalise_session
from content_bank.loader import default_referential
from core.db import applied_heads, make_engine, make_session_factory, run_migrations, schema_state
from engine.campaigns.participation import CampaignType
from learning.use_cases import LearningService
from lti_tool import keys
from tests.campaign_use_cases.test_scenario import STAGES, seed_class, take_test
from tests.certification.school import SESSION_DAY, make_school
from tests.certification.sitting import sit_v3
from tests.certification.test_finalisation import AT_NINE, NOON
from tests.learning_use_cases.conftest import Clock

REF = default_referential()


def _names() -> tuple[str, str]:
    given = os.environ.get("PIX_LTI_TEST_BACKUP_DATABASES", "pix_h23a_src pix_h23a_dst").split()
    return given[0], given[1]


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two empty databases on the test server: (source URL, destination URL); dropped afterwards."""
    base = os.environ.get("PIX_LTI_TEST_DATABASE_URL")
    if not base:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail("PIX_LTI_TEST_DATABASE_URL is required")
        pytest.skip("PIX_LTI_TEST_DATABASE_URL not set")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump and pg_restore (postgresql-client) are needed")
    url = make_url(base)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    names = _names()

    def recreate(drop_only: bool = False) -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                if not drop_only:
                    connection.execute(f'CREATE DATABASE "{name}"')

    recreate()
    try:
        yield tuple(url.set(database=n).render_as_string(hide_password=False) for n in names)  # type: ignore[misc]
    finally:
        recreate(drop_only=True)


def _libpq(url: str) -> list[str]:
    """Connection options of pg_dump/pg_restore for a SQLAlchemy URL (password through PGPASSWORD)."""
    parsed = make_url(url)
    options = ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432), "-d", parsed.database or ""]
    return options + (["-U", parsed.username] if parsed.username else [])


def _env(url: str) -> dict[str, str]:
    password = make_url(url).password
    return {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}


def seed(sessions: sessionmaker[Session]) -> dict[str, Any]:
    """Profiles and a campaign through the learning and campaign services, a certification session sat,
    finalised and published through the certification context (its certificates issued by the subscriber)."""
    clock = Clock()
    counter = iter(range(1, 10_000))
    learning = LearningService(sessions, REF, clock=clock, new_seed=lambda: f"seed-{next(counter)}")
    service = CampaignService(sessions, REF, clock=clock, rng=random.Random(42))
    ids = seed_class(sessions)
    draft = CampaignDraft("Recherche et netiquette", CampaignType.ASSESSMENT, ("rechercheUrl", "netiquetteEchange"),
                          multiple_sendings=True, stages=STAGES, badge_rate=50)
    campaign = service.create(ids["prof"], f"course:{ids['course']}", draft)
    ana = service.join(ids["ana"], campaign.code)
    take_test(learning, service, ids["ana"], ana, right=True)
    clock.advance(minutes=30)
    service.share(ids["ana"], ana)
    bob = service.join(ids["bob"], campaign.code)
    take_test(learning, service, ids["bob"], bob, right=False, limit=2)
    with sessions.begin() as db:
        school = make_school(db)
        enrolment.enrol_pupils(db, school.session_id, school.pupils, school.head)
        lea, hugo, _ines = (repository.candidate_by_account(db, school.session_id, p) for p in school.pupils)
        sit_v3(db, REF, lea, SESSION_DAY, AT_NINE, right=0.8)
        sit_v3(db, REF, hugo, SESSION_DAY, AT_NINE, right=0.4)
        finalise_session(db, REF, school.session_id, FinalisationReport(absent_candidate_ids=frozenset({_ines.id})),
                         school.head, NOON)
    return {"ids": ids, "campaign_id": campaign.id, "session_id": school.session_id, "clock": clock,
            "pupils": (ids["ana"], ids["bob"], lea.account_id, hugo.account_id)}


def read_back(sessions: sessionmaker[Session], seeded: dict[str, Any]) -> dict[str, Any]:
    """What the app shows, through its repositories and use cases."""
    clock = seeded["clock"]
    learning = LearningService(sessions, REF, clock=clock)
    service = CampaignService(sessions, REF, clock=clock, rng=random.Random(1))
    profiles = {}
    for account_id in seeded["pupils"]:
        profile = learning.profile(account_id)
        profiles[account_id] = [(c.competence_code, c.status.value, c.pix, c.level) for c in profile.scorecards]
    board = service.dashboard(seeded["ids"]["prof"], seeded["campaign_id"])
    campaign = [(p.family_name, p.status.value, p.progress, None if p.results is None else p.results.mastery_percent)
                for p in board.participants]
    with sessions() as db:
        results = sorted((r.candidate_id, r.status, r.score, r.global_level, dict(r.competence_levels))
                         for r in repository.results_of_session(db, seeded["session_id"]))
        issued = sorted((c.last_name, c.status, c.verification_code, c.score)
                        for c in certificates.of_session(db, seeded["session_id"]))
        state = repository.session_by_id(db, seeded["session_id"]).state
        signing_key = keys.ensure_key(db).private_pem  # stored encrypted: readable with PIX_LTI_SECRET_KEYS only
    return {"profiles": profiles, "campaign": campaign, "results": results, "certificates": issued,
            "session_state": state, "signing_key": signing_key}


def test_a_pg_dump_restored_into_a_fresh_database_and_migrated_reads_back_the_same(
        databases: tuple[str, str], tmp_path: Path) -> None:
    source_url, target_url = databases
    source = make_engine(source_url)
    run_migrations(source)
    sessions = make_session_factory(source)
    seeded = seed(sessions)
    before = read_back(sessions, seeded)
    assert any(card[2] > 0 for card in before["profiles"][seeded["ids"]["ana"]])  # a profile with pix
    assert [row[1] for row in before["campaign"]] == ["shared", "started"] and before["campaign"][0][3] == 100
    assert len(before["results"]) == 2 and before["session_state"] == "published"
    assert len(before["certificates"]) == 2
    heads = applied_heads(source)
    source.dispose()

    dump = tmp_path / "pix-lti.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), *_libpq(source_url)], env=_env(source_url),
                   check=True, capture_output=True)
    assert dump.stat().st_size > 10_000
    listed = subprocess.run(["pg_restore", "--list", str(dump)], check=True, capture_output=True, text=True).stdout
    assert "TABLE DATA public certification_results" in listed and "TABLE DATA public alembic_version" in listed
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *_libpq(target_url), str(dump)],
                   env=_env(target_url), check=True, capture_output=True)

    target = make_engine(target_url)
    try:
        assert applied_heads(target) == heads  # the restored schema knows where it stands
        run_migrations(target)  # what `pix-lti serve` does at start: `upgrade heads` (nothing left, or a newer code's)
        assert schema_state(target) == "at_head"
        with target.connect() as connection:
            assert connection.execute(text("SELECT current_database()")).scalar() == _names()[1]
        restored = read_back(make_session_factory(target), seeded)
        assert restored == before
        with make_session_factory(target)() as db:  # and the restored copy takes new writes (sequences restored)
            from core.accounts import Account
            db.add(Account(issuer="https://moodle.example", sub="apres-restauration"))
            db.commit()
            assert db.scalar(select(Account.id).where(Account.sub == "apres-restauration")) > max(seeded["pupils"])
    finally:
        target.dispose()
