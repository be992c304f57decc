"""The staff side of a certification day at school scale: enrolling a whole school from a CSV, the session page
with its candidates' live certifiability, finalising a session of N candidates who sat the v3 test. Prints wall
and CPU time of each use case (p50/p99 over repetitions for the page).

    python3 bench/certification_staff_bench.py [--pupils 1000] [--candidates 300] [--repeat 20] [--database-url URL]

Without --database-url a fresh SQLite file is used; with a PostgreSQL URL the schema is dropped and re-created (use
a scratch database). The school has `--pupils` GAR pupils in classes of 30, 60 % of them certifiable (knowledge
elements on 5 to 8 competences). `--candidates` of them are enrolled in one session and sit a 32-question v3 test
(chosen by the engine, 65 % right, a few with an incident); the answers are written directly (the test day is the
other half of issue 19), then the session is finalised: absentees, incidents, automatic neutralisation, v3 scoring
of every test, results stored and published (CertificationResultsPublished) in one transaction.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from certification import centres, sessions  # noqa: E402
from certification.finalisation import (  # noqa: E402
    FinalisationReport,
    ReportedIncident,
    challenge_pool,
    finalise_session,
)
from certification.models import CandidateRow, CertificationAnswerRow, CertificationCourseRow  # noqa: E402
from certification.service import CertificationStaff  # noqa: E402
from content_bank.loader import default_referential  # noqa: E402
from core.accounts import Account  # noqa: E402
from core.db import make_engine, make_session_factory, run_migrations  # noqa: E402
from core.schools import GAR_ISSUER, GarGroup, GarGroupMember, GarProfile, GarSchool, GarSchoolMember  # noqa: E402
from engine.answers import AnswerStatus  # noqa: E402
from engine.certification.records import (  # noqa: E402
    CertificationRecord,
    CertificationVersion,
    EndReason,
    IncidentCategory,
)
from engine.certification.v3 import next_challenge_v3  # noqa: E402
from learning.models import KnowledgeElementRow  # noqa: E402

UAI = "0750001A"
DAY = date(2026, 5, 4)
NOW = datetime(2026, 5, 4, 12, tzinfo=UTC)
FIRST = ["Léa", "Hugo", "Inès", "Jules", "Chloé", "Louis", "Manon", "Adam", "Zoé", "Nathan"]
LAST = ["Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel"]


def cpu() -> float:
    return time.process_time()


def seed(url: str, pupils: int) -> tuple:  # type: ignore[type-arg]
    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    run_migrations(engine)
    factory = make_session_factory(engine)
    referential = default_referential()
    codes = list(referential.competences)
    rng = random.Random(7)
    with factory.begin() as db:
        school = GarSchool(uai=UAI)
        head = Account(issuer=GAR_ISSUER, sub="dir", given_name="Claire", family_name="Directrice")
        db.add_all([school, head])
        db.flush()
        db.add(GarProfile(account_id=head.id, role="teacher", profile_code="National_dir", school_id=school.id))
        db.add(GarSchoolMember(school_id=school.id, account_id=head.id))
        accounts = [{"issuer": GAR_ISSUER, "sub": f"elv-{i}", "given_name": f"{FIRST[i % 10]}{i}",
                     "family_name": LAST[(i // 10) % 10], "name": None,
                     "created_at": NOW, "last_launch_at": NOW} for i in range(pupils)]
        db.execute(insert(Account), accounts)
        ids = list(db.scalars(select(Account.id).where(Account.sub.like("elv-%")).order_by(Account.id)))
        db.execute(insert(GarProfile), [{"account_id": a, "role": "student", "profile_code": "National_elv",
                                         "school_id": school.id, "last_login_at": NOW} for a in ids])
        db.execute(insert(GarSchoolMember), [{"school_id": school.id, "account_id": a} for a in ids])
        groups = []
        for k in range(0, pupils, 30):
            group = GarGroup(school_id=school.id, kind="class", code=f"C{k // 30}", label=f"3e{k // 30 + 1}")
            db.add(group)
            groups.append(group)
        db.flush()
        db.execute(insert(GarGroupMember), [{"group_id": groups[n // 30].id, "account_id": a}
                                            for n, a in enumerate(ids)])
        elements = []
        for a in ids:
            if rng.random() < 0.6:
                for code in rng.sample(codes, rng.randint(5, 8)):
                    for skill in (s for s in referential.skills.values()
                                  if s.competence_code == code and s.level <= 2):
                        elements.append({"account_id": a, "skill_name": skill.name, "competence_code": code,
                                         "status": "validated", "source": "direct", "earned_pix": 4.0,
                                         "created_at": NOW - timedelta(days=30), "assessment_id": None,
                                         "challenge_id": None})
        db.execute(insert(KnowledgeElementRow), elements)
        centre = centres.open_school_centre(db, UAI, "Collège du banc d'essai", head.id)
        whole = sessions.create_session(db, centre.id, sessions.SessionDraft(DAY, "09:00", "Gymnase", "M. Roux"),
                                        head.id)
        sitting = sessions.create_session(db, centre.id, sessions.SessionDraft(DAY + timedelta(days=40), "09:00",
                                                                               "CDI", "Mme Leroy"), head.id)
        return factory, referential, head.id, whole.id, sitting.id, ids, len(elements)


def school_csv(pupils: int) -> bytes:
    lines = ["Nom;Prénom;Date de naissance;Classe;Temps majoré (%);Aménagement"]
    for i in range(pupils):
        extra = "33" if i % 25 == 0 else ""
        lines.append(f"{LAST[(i // 10) % 10]};{FIRST[i % 10]}{i};{1 + i % 28:02d}/{1 + i % 12:02d}/2011;"
                     f"3e{i // 30 + 1};{extra};{'oui' if i % 50 == 0 else 'non'}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sit_all(factory, referential, session_id: int, right: float) -> int:  # type: ignore[no-untyped-def]
    pool = challenge_pool(referential)
    rng = random.Random(3)
    answers = 0
    with factory.begin() as db:
        candidates = db.scalars(select(CandidateRow).where(CandidateRow.session_id == session_id)).all()
        for candidate in candidates:
            if rng.random() < 0.03:
                continue  # absent
            course = CertificationCourseRow(candidate_id=candidate.id, session_id=session_id,
                                            account_id=candidate.account_id, version="v3",
                                            seed=f"bench-{candidate.id}", started_at=NOW - timedelta(hours=3))
            db.add(course)
            db.flush()
            record = CertificationRecord(CertificationVersion.V3, DAY, course.seed)
            length = 32 if rng.random() > 0.05 else rng.randint(20, 31)  # a few left early
            rows = []
            for position in range(1, length + 1):
                challenge = next_challenge_v3(pool, record)
                if challenge is None:
                    break
                status = AnswerStatus.OK if rng.random() < right else AnswerStatus.KO
                record = record.with_answer(challenge.id, status)
                rows.append({"course_id": course.id, "position": position, "challenge_id": challenge.id,
                             "value": "x", "status": status.value, "focused_out": False, "time_seconds": 30,
                             "answered_at": NOW - timedelta(hours=2)})
            db.execute(insert(CertificationAnswerRow), rows)
            answers += len(rows)
            if length == 32:
                course.state, course.end_reason, course.ended_at = "ended", EndReason.COMPLETED.value, NOW
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/certif-bench.sqlite3"
    print(f"database: {url.split('@')[-1] if '@' in url else url}")
    t0 = time.perf_counter()
    factory, referential, head, whole_id, sitting_id, ids, elements = seed(url, args.pupils)
    print(f"seeded {args.pupils} pupils ({elements} knowledge elements) in {time.perf_counter() - t0:.1f} s")
    staff = CertificationStaff(factory, referential, clock=lambda: NOW)

    raw = school_csv(args.pupils)
    w, c = time.perf_counter(), cpu()
    enrolled = staff.enrol_csv(head, whole_id, raw)
    w, c = time.perf_counter() - w, cpu() - c
    print(f"CSV enrolment of the whole school: {enrolled} rows ({len(raw) // 1024} KiB), every row checked and "
          f"matched to its account: wall {w * 1000:.0f} ms, CPU {c * 1000:.0f} ms "
          f"({c * 1e6 / enrolled:.0f} µs CPU per row)")

    w, c = time.perf_counter(), cpu()
    staff.enrol(head, sitting_id, ids[:args.candidates])
    print(f"enrolment of {args.candidates} pupils from the class lists: wall "
          f"{(time.perf_counter() - w) * 1000:.0f} ms, CPU {(cpu() - c) * 1000:.0f} ms")

    for label, session_id, size in (("whole school", whole_id, enrolled), ("sitting", sitting_id, args.candidates)):
        walls, cpus = [], []
        for _ in range(args.repeat):
            w, c = time.perf_counter(), cpu()
            view = staff.session(head, session_id)
            walls.append(time.perf_counter() - w)
            cpus.append(cpu() - c)
        walls.sort()
        cpus.sort()
        p99 = walls[min(len(walls) - 1, int(len(walls) * 0.99))]
        print(f"session page data, {size} candidates ({label}; {view.certifiable_count} certifiable now): "
              f"p50 {statistics.median(walls) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms wall, "
              f"CPU p50 {statistics.median(cpus) * 1000:.0f} ms per request")

    t0 = time.perf_counter()
    answers = sit_all(factory, referential, sitting_id, right=0.65)
    print(f"(setup) {args.candidates} candidates sat the v3 test: {answers} answers written in "
          f"{time.perf_counter() - t0:.1f} s")

    with factory() as db:
        candidates = db.scalars(select(CandidateRow.id).where(CandidateRow.session_id == sitting_id)).all()
        sat = set(db.scalars(select(CertificationCourseRow.candidate_id)
                             .where(CertificationCourseRow.session_id == sitting_id)))
        courses = {c.candidate_id: c.id for c in db.scalars(select(CertificationCourseRow)
                                                           .where(CertificationCourseRow.session_id == sitting_id))}
        first_answers = dict(db.execute(select(CertificationAnswerRow.course_id, CertificationAnswerRow.challenge_id)
                                        .where(CertificationAnswerRow.position == 3,
                                               CertificationAnswerRow.course_id.in_(list(courses.values())))).all())
    incidents = [ReportedIncident(cid, IncidentCategory.IMAGE_NOT_DISPLAYING, "image blanche",
                                  first_answers.get(courses[cid])) for cid in list(sat)[::10]]
    report = FinalisationReport(absent_candidate_ids=frozenset(set(candidates) - sat), incidents=incidents,
                                examiner_comment="Banc d'essai")
    w, c = time.perf_counter(), cpu()
    with factory.begin() as db:
        results = finalise_session(db, referential, sitting_id, report, head, NOW)
        statuses = [r.status for r in results]
    w, c = time.perf_counter() - w, cpu() - c
    print(f"finalisation of {len(candidates)} candidates ({len(sat)} sat, {len(incidents)} incidents, "
          f"{len(candidates) - len(sat)} absent): {len(results)} results ({statuses.count('validated')} validated, "
          f"{statuses.count('rejected')} rejected) published; wall {w * 1000:.0f} ms, CPU {c * 1000:.0f} ms "
          f"({c * 1000 / max(1, len(results)):.1f} ms CPU per candidate)")


if __name__ == "__main__":
    main()
