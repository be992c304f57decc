"""Account-linking benchmark (issue 17): what a link costs, and what resolving a session's account to its profile
account adds to every learner request.

Two accounts of one learner, each with a long history (by default 16 competences × 40 knowledge elements, 60
tests × 10 answers, 10 campaign participations of which 5 in campaigns both took), are linked (merge) then
unlinked; each is timed, wall clock and process CPU (the database's own CPU is not in the process figure on
PostgreSQL). Then `core.links.profile_account_id` is called N times for a linked and an unlinked account.

    python3 bench/linking_bench.py [--database-url URL] [--elements 40] [--tests 60] [--lookups 2000]

Without `--database-url`, a SQLite file in a temporary folder. A PostgreSQL database given here is EMPTIED
(its public schema dropped) first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from campaigns.models import CampaignRow, Organisation, ParticipationRow  # noqa: E402
from content_bank.loader import default_referential  # noqa: E402
from core.accounts import Account  # noqa: E402
from core.courses import Course  # noqa: E402, F401 (the table campaign_organisations refers to)
from core.db import make_engine, make_session_factory, run_migrations  # noqa: E402
from core.links import profile_account_id  # noqa: E402
from learning.models import AnswerRow, AssessmentRow, KnowledgeElementRow  # noqa: E402
from linking.use_cases import link_accounts, unlink_account  # noqa: E402

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _history(session, account_id: int, offset_minutes: int, elements: int, tests: int,  # type: ignore[no-untyped-def]
             campaigns: list[int], referential) -> None:  # type: ignore[no-untyped-def]
    skills = sorted(referential.skills.values(), key=lambda s: s.name)
    moment = START + timedelta(minutes=offset_minutes)
    rows = []
    for i in range(elements * 16):
        skill = skills[i % len(skills)]
        rows.append(dict(account_id=account_id, skill_name=skill.name, competence_code=skill.competence_code,
                         status="validated" if i % 3 else "invalidated", source="direct", earned_pix=2.0,
                         created_at=moment + timedelta(minutes=7 * i), assessment_id=None, challenge_id=None))
    session.execute(KnowledgeElementRow.__table__.insert(), rows)
    for t in range(tests):
        assessment_id = str(uuid.uuid4())
        session.add(AssessmentRow(id=assessment_id, account_id=account_id, type="COMPETENCE_EVALUATION",
                                  competence_code="1.1", target_skills=[], strategy="smart-random", seed="s",
                                  state="completed", created_at=moment + timedelta(hours=t)))
        session.flush()
        session.execute(AnswerRow.__table__.insert(), [
            dict(assessment_id=assessment_id, account_id=account_id, challenge_id=f"c{t}-{a}", value="x",
                 status="ok", elapsed_seconds=3.0, created_at=moment + timedelta(hours=t, minutes=a))
            for a in range(10)])
    for n, campaign_id in enumerate(campaigns):
        session.add(ParticipationRow(id=str(uuid.uuid4()), campaign_id=campaign_id, account_id=account_id, attempt=1,
                                     status="shared", created_at=moment + timedelta(days=n), shared_at=moment,
                                     snapshot=None))


def _timed(work):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--elements", type=int, default=40, help="knowledge elements per competence and account")
    parser.add_argument("--tests", type=int, default=60, help="tests per account (10 answers each)")
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/linking.sqlite3"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    run_migrations(engine)
    sessions = make_session_factory(engine)
    referential = default_referential()
    with sessions.begin() as session:
        lti = Account(issuer="https://moodle.example", sub="bench", created_at=START)
        gar = Account(issuer="urn:gar", sub="bench-ido", created_at=START + timedelta(days=1))
        organisation = Organisation(kind="school", uai="0000001A", name="Bench")
        session.add_all([lti, gar, organisation])
        session.flush()
        campaigns = []
        for n in range(15):
            campaign = CampaignRow(code=f"BENCH{n:04d}", name=f"c{n}", type="ASSESSMENT",
                                   organisation_id=organisation.id)
            session.add(campaign)
            session.flush()
            campaigns.append(campaign.id)
        _history(session, lti.id, 0, args.elements, args.tests, campaigns[:10], referential)
        _history(session, gar.id, 3, args.elements, args.tests, campaigns[5:], referential)
        ids = lti.id, gar.id
    print(f"database: {engine.dialect.name}; per account: {args.elements * 16} knowledge elements, "
          f"{args.tests} tests, {args.tests * 10} answers, 10 participations (5 in campaigns both took)")

    def link():  # type: ignore[no-untyped-def]
        with sessions.begin() as session:
            return link_accounts(session, referential, ids[1], ids[0], method="code", actor="bench",
                                 now=datetime.now(UTC))

    def unlink():  # type: ignore[no-untyped-def]
        with sessions.begin() as session:
            return unlink_account(session, referential, ids[1], actor="bench", now=datetime.now(UTC))

    linked, wall, cpu = _timed(link)
    print(f"link (merge): {wall:.0f} ms wall, {cpu:.0f} ms CPU; moved {linked.moved.as_dict()}")

    def lookups(account_id: int):  # type: ignore[no-untyped-def]
        with sessions() as session:
            for _ in range(args.lookups):
                profile_account_id(session, account_id)

    for label, account_id in (("linked account", ids[1]), ("profile account", ids[0])):
        _, wall, cpu = _timed(lambda a=account_id: lookups(a))
        print(f"profile_account_id, {label}: {wall * 1000 / args.lookups:.0f} µs wall, "
              f"{cpu * 1000 / args.lookups:.0f} µs CPU per call")
    moved, wall, cpu = _timed(unlink)
    print(f"unlink: {wall:.0f} ms wall, {cpu:.0f} ms CPU; moved back {moved.as_dict()}")
    engine.dispose()


if __name__ == "__main__":
    main()
