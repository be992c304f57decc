"""The class dashboard of a campaign with N participants: server time of the dashboard use case (queries and
read model) plus the rendering of its page (table, heatmap), p50/p99 over repetitions.

    python3 bench/campaign_dashboard_bench.py [--participants 1000] [--repeat 50] [--database-url URL]

Without --database-url a fresh SQLite file is used; with a PostgreSQL URL the schema is dropped and re-created
(use a scratch database). The campaign assesses 4 competences (12 tubes); 70 % of the participants have shared
their results (snapshot computed by the engine from their knowledge elements), 10 % finished without sending,
20 % are still taking the test (with knowledge elements counted for the progress column).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from starlette.requests import Request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from campaigns.heatmap import class_heatmap, shade, svg  # noqa: E402
from campaigns.models import CampaignRow, ParticipationRow  # noqa: E402
from campaigns.repository import target_profile_of  # noqa: E402
from campaigns.service import CampaignService  # noqa: E402
from campaigns.use_cases import CampaignDraft  # noqa: E402
from content_bank.loader import default_referential  # noqa: E402
from core.accounts import Account
from core.courses import Course, Membership  # noqa: E402
from core.db import make_engine, make_session_factory, run_migrations  # noqa: E402
from engine.campaigns.participation import CampaignType, ParticipationStatus  # noqa: E402
from engine.campaigns.results import campaign_result, snapshot  # noqa: E402
from engine.competence_test import LearnerRecord  # noqa: E402
from engine.knowledge import KnowledgeElement, KnowledgeSource, KnowledgeStatus, current_knowledge  # noqa: E402
from engine.profile import build_profile  # noqa: E402
from learning.models import AssessmentRow, KnowledgeElementRow  # noqa: E402
from web.i18n import translator  # noqa: E402
from web.pages import TEMPLATES  # noqa: E402

# the secrets stored encrypted (core.secrets) need a key on PostgreSQL: a fixed key for bench databases only
os.environ.setdefault("PIX_LTI_SECRET_KEYS", "YmVuY2gtb25seS1rZXktZm9yLXBpeC1sdGktYmVuY2g=")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COMPETENCES = ("1.1", "2.1", "3.1", "4.1")


def seed(url: str, participants: int) -> tuple[CampaignService, int, int]:
    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    run_migrations(engine)
    sessions = make_session_factory(engine)
    referential = default_referential()
    service = CampaignService(sessions, referential, clock=lambda: NOW, rng=random.Random(1))
    rng = random.Random(7)
    with sessions.begin() as session:
        course = Course(issuer="https://lms.example", deployment_id="d", context_id="c", title="Seconde A")
        teacher = Account(issuer="https://lms.example", sub="prof", given_name="Marie", family_name="Curie")
        session.add_all([course, teacher])
        session.flush()
        session.add(Membership(account_id=teacher.id, course_id=course.id, role="teacher"))
        course_id, teacher_id = course.id, teacher.id
        session.execute(insert(Account), [
            {"issuer": "https://lms.example", "sub": f"s{i}", "given_name": f"Prénom{i}", "family_name": f"Nom{i:04d}",
             "created_at": NOW, "last_launch_at": NOW} for i in range(participants)])
    tubes = tuple(t.name for t in referential.tubes.values() if t.competence_code in COMPETENCES)
    campaign = service.create(teacher_id, f"course:{course_id}",
                              CampaignDraft("Bench", CampaignType.ASSESSMENT, tubes, badge_rate=60))
    with sessions.begin() as session:
        accounts = [a for (a,) in session.execute(text("SELECT id FROM accounts WHERE sub LIKE 's%' ORDER BY id"))]
        profile = target_profile_of(session, session.get(CampaignRow, campaign.id))
        assert profile is not None
        participations, assessments, elements = [], [], []
        for n, account_id in enumerate(accounts):
            kes = [KnowledgeElement(s, referential.skills[s].competence_code,
                                    KnowledgeStatus.VALIDATED if rng.random() < 0.55 else KnowledgeStatus.INVALIDATED,
                                    KnowledgeSource.DIRECT, 0.0, NOW - timedelta(hours=1), f"a{n}")
                   for s in profile.skills if rng.random() < 0.8]
            kes = [KnowledgeElement(k.skill_name, k.competence_code, k.status, k.source,
                                    referential.pix_value(k.skill_name) if k.is_validated else 0.0, k.created_at,
                                    k.assessment_id) for k in kes]
            state = "completed"
            status = ParticipationStatus.SHARED
            snap = None
            if n % 10 < 7:
                result = campaign_result(referential, profile, current_knowledge(kes))
                snap = snapshot(result, build_profile(referential, LearnerRecord(kes, ()), NOW))
            elif n % 10 == 7:
                status = ParticipationStatus.COMPLETED
            else:
                status, state = ParticipationStatus.STARTED, "started"
                kes = kes[: len(kes) // 2]
            pid, aid = str(uuid.uuid4()), str(uuid.uuid4())
            participations.append({"id": pid, "campaign_id": campaign.id, "account_id": account_id, "attempt": 1,
                                   "is_improved": False, "status": str(status), "created_at": NOW,
                                   "completed_at": NOW if state == "completed" else None,
                                   "shared_at": NOW if snap else None, "assessment_id": aid, "snapshot": snap})
            assessments.append({"id": aid, "account_id": account_id, "type": "campaign",
                                "campaign_participation_id": pid, "target_skills": list(profile.skills),
                                "strategy": "smart-random", "seed": "s", "improving": False, "state": state,
                                "created_at": NOW, "updated_at": NOW})
            elements += [{"account_id": account_id, "skill_name": k.skill_name, "competence_code": k.competence_code,
                          "status": str(k.status), "source": str(k.source), "earned_pix": k.earned_pix,
                          "created_at": k.created_at, "assessment_id": aid} for k in kes]
        session.execute(insert(AssessmentRow), assessments)
        session.execute(insert(ParticipationRow), participations)
        session.execute(insert(KnowledgeElementRow), elements)
    return service, teacher_id, campaign.id


def render(service: CampaignService, board) -> str:  # type: ignore[no-untyped-def]
    request = Request({"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": [],
                       "app": None})
    picture = svg(class_heatmap(board, service.config.max_reachable_level))
    return TEMPLATES.get_template("campagnes/tableau.html").render(
        request=request, t=translator("fr"), url=lambda path, **params: path, locale="fr", csrf_field="csrf",
        csrf="x", board=board, heatmap=picture, shade=shade, statuses=ParticipationStatus, export_url="/x",
        join_url="/y", max_level=service.config.max_reachable_level, levels=False, filters={})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        started = time.perf_counter()
        service, teacher_id, campaign_id = seed(url, args.participants)
        print(f"seeded {args.participants} participants in {time.perf_counter() - started:.1f} s "
              f"({url.split(':', 1)[0]})")
        board = service.dashboard(teacher_id, campaign_id)  # warm-up (referential, templates)
        html = render(service, board)
        export = service.export(teacher_id, campaign_id)[1]
        query_ms, render_ms, total_ms, export_ms = [], [], [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            board = service.dashboard(teacher_id, campaign_id)
            t1 = time.perf_counter()
            html = render(service, board)
            t2 = time.perf_counter()
            service.export(teacher_id, campaign_id)
            t3 = time.perf_counter()
            query_ms.append(1000 * (t1 - t0))
            render_ms.append(1000 * (t2 - t1))
            total_ms.append(1000 * (t2 - t0))
            export_ms.append(1000 * (t3 - t2))
        assert len(board.participants) == args.participants
        print(f"page: {len(html) // 1024} KiB, {len(board.participants)} rows; export: {len(export) // 1024} KiB")
        for name, values in (("dashboard use case", query_ms), ("page render", render_ms),
                             ("dashboard total (use case + render)", total_ms), ("CSV export", export_ms)):
            ordered = sorted(values)
            p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
            print(f"{name:38s} p50 {statistics.median(values):7.1f} ms   p99 {p99:7.1f} ms")


if __name__ == "__main__":
    main()
