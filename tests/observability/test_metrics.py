"""`/metrics` after real traffic (issue 23): a graded LTI launch, an answer over HTTP, a grade delivered by the
worker to the AGS platform, a refused launch, an unknown path — on PostgreSQL + Redis. The names are a contract
(docs/operations.md, the scale-out test). /metrics is not public: 404 without the token or an allowed address."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from content_bank.loader import default_referential
from core import metrics
from core.metrics import serve_metrics
from lti_tool.grades.metrics import outbox_gauges
from tests.grades.conftest import World
from tests.learning_use_cases.answers import right_answer
from tests.observability.conftest import TOKEN, samples, value
from tests.student_web.helpers import answer_fields, current_challenge, forms, get, post
from web.observability import MetricsAccess, address_in, networks

REF = default_referential()
AUTH = {"authorization": f"Bearer {TOKEN}"}
ANSWER_ROUTE = "/evaluations/{assessment_id}/reponses"


def scrape(world: World) -> str:
    response = world.tool.client.get("/metrics", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def launch_and_answer(world: World, sub: str) -> int:
    """A graded launch, the test started from the landing page, one right answer posted: the account id."""
    lineitem = world.platform.add_line_item("1.1 Mener une recherche", 6.0)
    world.platform.enrol(sub, name="Camille Durand")
    launched = world.tool.launch(sub=sub, lineitem=lineitem)
    assert launched.status_code == 303, launched.text
    landing = get(world.tool, launched.headers["location"])
    started = post(world.tool, landing, next(a for a in forms(landing) if "/commencer" in a))
    page = get(world.tool, started.headers["location"])
    challenge = REF.challenges[current_challenge(page)]
    action = next(a for a in forms(page) if a.split("?")[0].endswith("/reponses"))
    answered = post(world.tool, page, action, {"challenge_id": challenge.id, "action": "submit",
                                               **answer_fields(challenge, right_answer(challenge))})
    assert answered.status_code == 303, answered.text
    return world.outbox_account(sub)


def test_metrics_show_the_launch_the_answer_the_grade_and_the_requests(pg_world: World) -> None:
    world = pg_world
    before = scrape(world)
    account_id = launch_and_answer(world, "eleve-metriques")
    world.finish(account_id, {"1.1": 27})  # what the use case does when the competence test ends
    pending = scrape(world)
    assert value(pending, "pix_lti_grade_outbox_pending") >= 1
    assert world.drain() >= 1
    assert world.platform.grade(world.outbox()[-1].payload["lineitem"], "eleve-metriques") is not None
    refused = world.tool.post_launch("pas.un.jeton", "etat-inconnu")
    assert refused.status_code in (400, 401, 403)
    assert world.tool.client.get("/pas/de/page/98765").status_code == 404
    after = scrape(world)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("pix_lti_lti_launches_total", kind="LtiResourceLinkRequest") == 1
    assert delta("pix_lti_answers_total", context="positioning", outcome="ok") == 1
    assert delta("pix_lti_grades_sent_total", outcome="delivered") >= 1
    assert sum(v for (name, _), v in samples(after).items() if name == "pix_lti_lti_launch_refusals_total") \
        > sum(v for (name, _), v in samples(before).items() if name == "pix_lti_lti_launch_refusals_total")
    assert delta("pix_lti_http_requests_total", route=ANSWER_ROUTE, method="POST", status="303") == 1
    assert delta("pix_lti_http_requests_total", route="/lti/launch", method="POST", status="303") == 1
    assert delta("pix_lti_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert delta("pix_lti_http_request_duration_seconds_count", route=ANSWER_ROUTE, method="POST") == 1
    assert value(after, "pix_lti_http_request_duration_seconds_bucket", route=ANSWER_ROUTE, method="POST",
                 le="+Inf") >= 1
    # gauges computed from the database when scraped: the delivered grade left the outbox
    assert value(after, "pix_lti_grade_outbox_pending") == 0
    assert value(after, "pix_lti_grade_outbox_oldest_age_seconds") == 0
    assert ("pix_lti_grade_dead_letters", frozenset()) in samples(after)
    info = [labels for (name, labels) in samples(after) if name == "pix_lti_instance_info"]
    assert len(info) == 1 and dict(info[0])["instance"] == metrics.instance_name()
    # route templates only: no raw path, no id, no token in any label
    routes = {dict(labels).get("route") for (name, labels) in samples(after) if name.startswith("pix_lti_http")}
    assert all(r == "unmatched" or "{" in r or "/" in r for r in routes)
    assert not any("98765" in r or "lt=" in r or str(account_id) in r.split("/") for r in routes)
    for name in ("pix_lti_database_errors_total", "pix_lti_redis_errors_total"):
        assert f"# TYPE {name} counter" in after  # described even before the first error


def test_metrics_are_not_public(pg_world: World) -> None:
    client = world_client = pg_world.tool.client
    assert client.get("/metrics").status_code == 404  # the test client's address is not an allowed network
    assert client.get("/metrics", headers={"authorization": "Bearer faux"}).status_code == 404
    assert world_client.get("/metrics", headers=AUTH).status_code == 200
    loopback = TestClient(client.app, base_url="http://localhost", client=("127.0.0.1", 40000))
    assert loopback.get("/metrics").status_code == 200  # PIX_LTI_METRICS_ALLOW defaults to loopback
    outside = TestClient(client.app, base_url="http://localhost", client=("203.0.113.9", 40000))
    assert outside.get("/metrics").status_code == 404


def test_metrics_access_rules() -> None:
    allowed = networks("10.0.0.0/8, 192.168.1.7 ::1")
    assert address_in("10.2.3.4", allowed) and address_in("192.168.1.7", allowed) and address_in("::1", allowed)
    assert address_in("::ffff:10.0.0.1", allowed)  # IPv4-mapped
    assert not address_in("192.168.1.8", allowed) and not address_in("testclient", allowed)
    assert not address_in(None, allowed)


def test_metrics_token_from_a_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from core.settings import Settings

    (tmp_path / "token").write_text("secret-du-fichier\n")
    access = MetricsAccess(Settings(metrics_token_file=str(tmp_path / "token"), metrics_allow=""))
    assert access.token == "secret-du-fichier"


def test_the_worker_serves_its_own_metrics_port(pg_world: World) -> None:
    """`pix-lti worker --metrics-port`: grades sent and the outbox gauges on the worker's own port."""
    port = 8231
    serve_metrics(port, "127.0.0.1", [outbox_gauges(pg_world.sessions())])
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert "pix_lti_grade_outbox_pending" in text and "pix_lti_instance_info" in text
    assert "# TYPE pix_lti_grades_sent_total counter" in text
