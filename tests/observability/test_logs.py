"""Structured logs (issue 23): one JSON line per request with its request id, route template, status, duration and
instance; the request id echoed in `X-Request-ID` (a trusted proxy's one kept, anyone else's replaced); and no
personal data: a named pupil's real LTI launch and answer, then a named pupil's GAR login, leave none of their
names, e-mail, sub, answer or session tokens in the captured lines."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from content_bank.loader import default_referential
from core.logs import ACCESS_LOGGER, make_handler, quiet_libraries
from engine.referential import ChallengeType
from tests.gar.conftest import SCHOOL, Gar, student
from tests.grades.conftest import World
from tests.learning_use_cases.answers import right_answer
from tests.lti.platform import LTI
from tests.observability.conftest import TOKEN, value
from tests.student_web.helpers import answer_fields, current_challenge, forms, get, post

REF = default_referential()
GIVEN, FAMILY = "Zéphyrine", "Quillardet-Vasseur"
EMAIL = "zephyrine.quillardet@college-exemple.fr"
SUB = "sub-pupille-7f3a9c2e"
GAR_GIVEN, GAR_FAMILY, GAR_EMAIL = "Anatole", "Brisemarteau", "anatole.brisemarteau@ent-exemple.fr"
SECRET_ANSWER = "reponse-secrete-xyzzy-42"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every log record of the process, at INFO and above, through the production JSON handler."""
    stream = io.StringIO()
    handler = make_handler(stream, "json")
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    quiet_libraries()  # as configure_logging() does in production (the test client's own httpx calls too)
    access = logging.getLogger(ACCESS_LOGGER)
    disabled, access.disabled = access.disabled, False
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        access.disabled = disabled


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def named_launch_and_answer(world: World) -> tuple[str, list[str]]:
    """The named pupil launches and answers one question; (the answer given, the session tokens seen)."""
    lineitem = world.platform.add_line_item("1.1", 6.0)
    world.platform.enrol(SUB, name=f"{GIVEN} {FAMILY}")

    def named(claims: dict[str, Any]) -> None:
        claims.update(given_name=GIVEN, family_name=FAMILY, name=f"{GIVEN} {FAMILY}", email=EMAIL)
        claims[LTI + "lis"] = {"person_sourcedid": "SIS-" + SUB}

    launched = world.tool.launch(mutate=named, sub=SUB, lineitem=lineitem)
    assert launched.status_code == 303, launched.text
    tokens = re.findall(r"lt=([^&]+)", launched.headers["location"])
    landing = get(world.tool, launched.headers["location"])
    assert GIVEN in landing.text  # the page shows the name: it is in the data, so its absence from logs means something
    started = post(world.tool, landing, next(a for a in forms(landing) if "/commencer" in a))
    tokens += re.findall(r"lt=([^&]+)", started.headers["location"])
    page = get(world.tool, started.headers["location"])
    challenge = REF.challenges[current_challenge(page)]
    action = next(a for a in forms(page) if a.split("?")[0].endswith("/reponses"))
    if challenge.type in (ChallengeType.QROC, ChallengeType.QROCM_IND, ChallengeType.QROCM_DEP) and challenge.inputs:
        given: Any = SECRET_ANSWER if challenge.type is ChallengeType.QROC else {
            i.name: SECRET_ANSWER for i in challenge.inputs}
    else:
        given = right_answer(challenge)
    fields = {"challenge_id": challenge.id, "action": "submit", **answer_fields(challenge, given)}
    answered = post(world.tool, page, action, fields)
    assert answered.status_code in (303, 400, 422), answered.text
    return (SECRET_ANSWER if given == SECRET_ANSWER or isinstance(given, dict) else str(given)), tokens


def test_a_named_pupils_launch_and_answer_leave_no_personal_data_in_the_logs(pg_world: World,
                                                                             captured: io.StringIO) -> None:
    answer, tokens = named_launch_and_answer(pg_world)
    account_id = pg_world.outbox_account(SUB)
    pg_world.finish(account_id, {"1.1": 27})
    pg_world.drain()  # the grade goes to the platform: the worker's logs are checked too
    text = captured.getvalue()
    records = lines(captured)
    access = [r for r in records if r["logger"] == ACCESS_LOGGER]
    assert len(access) >= 6  # login, launch, landing (and its lt= redirect), start, challenge page, answer
    for record in access:
        assert re.fullmatch(r"[0-9a-f]{32}", record["request_id"])
        assert record["instance"] and isinstance(record["duration_ms"], float)
        assert record["method"] in ("GET", "POST") and isinstance(record["status"], int)
        assert record["route"] == "unmatched" or record["route"].startswith("/")
    assert {"route": "/evaluations/{assessment_id}/reponses", "method": "POST"}.items() <= {
        k: v for r in access for k, v in r.items() if r["route"].endswith("/reponses")}.items()
    for secret in (GIVEN, FAMILY, EMAIL, SUB, "SIS-" + SUB, "lt=", *tokens):
        assert secret not in text, f"{secret!r} found in the logs"
    if len(answer) >= 4:  # a short answer ("2", a choice's index) cannot be told from other numbers
        assert answer not in text
    assert '"answer"' not in text


def test_a_named_pupils_gar_login_leaves_no_personal_data_in_the_logs(pg_gar: Gar, captured: io.StringIO) -> None:
    pg_gar.subscribe(SCHOOL)
    attributes = student(PRE=[GAR_GIVEN], NOM=[GAR_FAMILY], P_MEL=[GAR_EMAIL])
    signed_in = pg_gar.sign_in(attributes)
    assert signed_in.status_code == 303, signed_in.text
    text = captured.getvalue()
    assert any(r["logger"] == ACCESS_LOGGER and r["route"] == "/gar/acs" for r in lines(captured))
    for secret in (GAR_GIVEN, GAR_FAMILY, GAR_EMAIL, attributes["IDO"][0]):
        assert secret not in text, f"{secret!r} found in the logs"
    xml, relay = pg_gar.response_for(attributes)
    assert pg_gar.post(xml, relay).status_code == 303
    refused = pg_gar.post(xml, relay)  # the same response again: its request was consumed
    assert refused.status_code in (400, 403), refused.status_code
    metrics = pg_gar.client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"}).text
    assert value(metrics, "pix_lti_gar_logins_total", outcome="accepted") >= 2
    assert value(metrics, "pix_lti_gar_logins_total", outcome="gar_unsolicited") >= 1


def test_the_request_id_is_echoed_and_only_a_trusted_proxys_one_is_kept(pg_world: World,
                                                                         captured: io.StringIO) -> None:
    app = pg_world.tool.client.app
    outsider = TestClient(app, base_url="http://localhost", client=("203.0.113.9", 40000))
    mine = outsider.get("/livez", headers={"x-request-id": "forge-1234"})
    assert mine.status_code == 200 and mine.headers["x-request-id"] != "forge-1234"
    assert re.fullmatch(r"[0-9a-f]{32}", mine.headers["x-request-id"])
    proxy = TestClient(app, base_url="http://localhost", client=("127.0.0.1", 40000))  # PIX_LTI_TRUSTED_PROXIES
    kept = proxy.get("/livez", headers={"x-request-id": "nginx-5f2c9a", "x-forwarded-for": "198.51.100.4"})
    assert kept.headers["x-request-id"] == "nginx-5f2c9a"
    hostile = proxy.get("/livez", headers={"x-request-id": 'a"\n{"level":"error"}'})
    assert hostile.headers["x-request-id"] != 'a"\n{"level":"error"}'  # not a log-injection vector
    logged = {r["request_id"] for r in lines(captured) if r["logger"] == ACCESS_LOGGER}
    assert "nginx-5f2c9a" in logged and mine.headers["x-request-id"] in logged
