"""Scores reach the platform's gradebook through the outbox and the worker, whatever the platform does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lti_tool.grades.models import LaunchServices, LineItem
from lti_tool.grades.outbox import dead_letters, retry_dead
from tests.grades.ags_platform import Fault
from tests.grades.conftest import World


def _graded_launch(world: World, sub: str = "eleve-1", *, max_score: float = 6.0, **claims) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    lineitem = world.platform.add_line_item("1.1 Mener une recherche", max_score)
    world.platform.enrol(sub, name="Camille Durand")
    return world.launch(sub, lineitem=lineitem, **claims), lineitem


def test_launch_records_the_ags_and_nrps_endpoints_of_the_activity(any_world: World) -> None:
    account_id, lineitem = _graded_launch(any_world)
    with any_world.sessions()() as session:
        services = session.scalars(select(LaunchServices).where(LaunchServices.account_id == account_id)).one()
    assert services.lineitem == lineitem
    assert services.lineitems == any_world.platform.lineitems_url
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in services.ags_scopes
    assert services.memberships_url == any_world.platform.memberships_url


def test_a_finished_competence_test_reaches_the_gradebook_with_level_and_comment(any_world: World) -> None:
    account_id, lineitem = _graded_launch(any_world)
    any_world.finish(account_id, {"1.1": 27})
    assert any_world.drain() == 1
    grade = any_world.platform.grade(lineitem, "eleve-1")
    assert grade is not None
    assert grade.score_given == 3.0 and grade.score_maximum == 6.0
    assert grade.comment == "Niveau 3 — 27 pix"
    assert (grade.activity_progress, grade.grading_progress) == ("Completed", "FullyGraded")
    assert [i.status for i in any_world.outbox()] == ["delivered"]


def test_pix_scale_sends_pix_out_of_the_competence_maximum(world: World) -> None:
    lineitem = world.platform.add_line_item("1.1", 48)
    world.platform.enrol("eleve-1")

    def pix_scale(claims):  # type: ignore[no-untyped-def]
        claims["https://purl.imsglobal.org/spec/lti/claim/custom"] = {"competence": "1.1", "scale": "pix"}

    assert world.tool.launch(mutate=pix_scale, sub="eleve-1", lineitem=lineitem).status_code == 303
    account_id = world.outbox_account("eleve-1")
    world.finish(account_id, {"1.1": 27})
    world.drain()
    item = world.outbox()[0]
    assert (item.payload["score"]["scoreGiven"], item.payload["score"]["scoreMaximum"]) == (27.0, 48.0)
    grade = world.platform.grade(lineitem, "eleve-1")
    assert (grade.score_given, grade.comment) == (27.0, "Niveau 3 — 27 pix")


def test_only_a_new_or_better_result_is_enqueued_with_strictly_increasing_timestamps(world: World) -> None:
    account_id, lineitem = _graded_launch(world)
    at = world.clock()
    world.finish(account_id, {"1.1": 20}, at=at)
    world.finish(account_id, {"1.1": 20}, at=at)  # same result again: nothing new
    world.finish(account_id, {"1.1": 12}, at=at)  # worse (a reset): the grade is not lowered
    world.finish(account_id, {"1.1": 27}, at=at)  # better, same clock reading
    items = world.outbox()
    assert [i.status for i in items] == ["superseded", "pending"]
    first, second = (datetime.fromisoformat(i.payload["score"]["timestamp"]) for i in items)
    assert second > first
    world.drain()
    assert world.platform.grade(lineitem, "eleve-1").score_given == 3.0
    assert world.platform.score_posts == 1


def test_an_unstarted_or_unrelated_competence_enqueues_nothing(world: World) -> None:
    account_id, _ = _graded_launch(world)
    world.finish(account_id, {"2.1": 40})
    assert world.outbox() == []


def test_without_a_lineitem_claim_the_line_item_is_found_or_created_once(any_world: World) -> None:
    any_world.platform.enrol("eleve-1")
    any_world.platform.enrol("eleve-2")
    first = any_world.launch("eleve-1")
    second = any_world.launch("eleve-2")
    any_world.finish(first, {"1.1": 16})
    any_world.finish(second, {"1.1": 40})
    any_world.drain()
    assert len(any_world.platform.line_items) == 1
    (url, item), = any_world.platform.line_items.items()
    assert item.resource_link_id == "rl-1" and item.score_maximum == 6.0
    assert any_world.platform.grade(url, "eleve-1").score_given == 2.0
    assert any_world.platform.grade(url, "eleve-2").score_given == 5.0
    with any_world.sessions()() as session:
        assert session.scalars(select(LineItem.url)).all() == [url]


def test_platform_down_then_back_is_retried_with_backoff_and_delivered(world: World) -> None:
    account_id, lineitem = _graded_launch(world)
    world.finish(account_id, {"1.1": 27})
    world.platform.faults.append(Fault("down", times=1))
    world.drain()
    item, = world.outbox()
    assert item.status == "pending" and item.attempts == 1 and "injoignable" in item.last_error
    delay = (item.next_attempt_at.replace(tzinfo=None) - world.clock().replace(tzinfo=None)).total_seconds()
    assert 5 <= delay <= 10  # base 10 s, jitter in [½, 1]
    assert world.drain() == 0  # not due yet
    world.clock.advance(11)
    world.drain()
    assert world.outbox()[0].status == "delivered"
    assert world.platform.grade(lineitem, "eleve-1").score_given == 3.0


def test_server_errors_back_off_exponentially_then_deliver(world: World) -> None:
    account_id, lineitem = _graded_launch(world)
    world.finish(account_id, {"1.1": 27})
    world.platform.faults.append(Fault("500", path="/scores", times=2))
    delays = []
    for _ in range(2):
        world.drain()
        item = world.outbox()[0]
        assert item.status == "pending" and "HTTP 500" in item.last_error
        delay = (item.next_attempt_at.replace(tzinfo=None) - world.clock().replace(tzinfo=None)).total_seconds()
        delays.append(delay)
        world.clock.advance(delay + 0.01)
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20
    world.drain()
    assert world.outbox()[0].status == "delivered"
    assert world.platform.grade(lineitem, "eleve-1").score_given == 3.0


def test_429_retry_after_is_honoured(world: World) -> None:
    account_id, lineitem = _graded_launch(world)
    world.finish(account_id, {"1.1": 27})
    world.platform.faults.append(Fault("429", path="/scores", retry_after="120"))
    world.drain()
    item = world.outbox()[0]
    assert (item.next_attempt_at.replace(tzinfo=None) - world.clock().replace(tzinfo=None)).total_seconds() == 120
    world.clock.advance(119)
    assert world.drain() == 0
    world.clock.advance(2)
    world.drain()
    assert world.platform.grade(lineitem, "eleve-1").score_given == 3.0


def test_a_slow_platform_times_out_and_is_retried(world: World) -> None:
    account_id, lineitem = _graded_launch(world)
    world.finish(account_id, {"1.1": 27})
    world.platform.faults.append(Fault("slow", path="/scores", delay=2.0))
    world.drain()
    item = world.outbox()[0]
    assert item.status == "pending" and "pas de réponse" in item.last_error
    world.clock.advance(11)
    world.drain()
    assert world.platform.grade(lineitem, "eleve-1").score_given == 3.0


def test_a_student_not_enrolled_is_a_visible_dead_letter_an_admin_can_retry(world: World) -> None:
    lineitem = world.platform.add_line_item("1.1", 6)
    account_id = world.launch("intrus", lineitem=lineitem)
    world.finish(account_id, {"1.1": 27})
    world.drain()
    item = world.outbox()[0]
    assert item.status == "dead" and item.attempts == 1 and "HTTP 400" in item.last_error
    with world.sessions()() as session:
        assert [d.id for d in dead_letters(session)] == [item.id]
    assert world.platform.grade(lineitem, "intrus") is None
    world.platform.enrol("intrus")  # the teacher enrols the student; the admin retries
    with world.sessions()() as session:
        assert retry_dead(session, ids=[item.id]) == 1
    world.drain()
    assert world.platform.grade(lineitem, "intrus").score_given == 3.0


def test_failures_become_a_dead_letter_after_the_maximum_attempts(world: World) -> None:
    account_id, lineitem = _graded_launch(world)
    world.finish(account_id, {"1.1": 27})
    world.platform.faults.append(Fault("500", path="/scores", times=99))
    for _ in range(world.grades.max_attempts):
        world.drain()
        world.clock.advance(world.grades.backoff_cap_seconds)
    item = world.outbox()[0]
    assert item.status == "dead" and item.attempts == world.grades.max_attempts
    assert "abandon après 4 essais" in item.last_error
    assert world.platform.grade(lineitem, "eleve-1") is None


def test_an_expired_token_is_dropped_and_refetched_once_on_401(world: World) -> None:
    account_id, lineitem = _graded_launch(world)
    world.finish(account_id, {"1.1": 20})
    world.drain()
    assert world.platform.token_requests == 1
    world.platform.revoke_tokens()  # the platform forgot the token before its announced expiry
    world.finish(account_id, {"1.1": 27})
    world.drain()
    assert world.outbox()[-1].status == "delivered" and world.outbox()[-1].attempts == 1
    assert world.platform.token_requests == 2
    assert world.platform.grade(lineitem, "eleve-1").score_given == 3.0


def test_one_token_per_platform_and_scopes_for_many_scores_and_workers(any_world: World) -> None:
    lineitem = any_world.platform.add_line_item("1.1", 6)
    accounts = []
    for n in range(12):
        any_world.platform.enrol(f"eleve-{n}")
        accounts.append(any_world.launch(f"eleve-{n}", lineitem=lineitem))
    for account_id in accounts[:6]:
        any_world.finish(account_id, {"1.1": 27})
    any_world.drain()
    any_world.new_worker()  # another process: the token comes from the shared store
    for account_id in accounts[6:]:
        any_world.finish(account_id, {"1.1": 27})
    any_world.drain()
    assert [(i.status, i.last_error) for i in any_world.outbox()] == [("delivered", None)] * 12
    assert len(any_world.platform.line_items[lineitem].grades) == 12
    assert any_world.platform.token_requests == 1


def test_a_launch_without_grade_service_or_for_a_campaign_enqueues_nothing(world: World) -> None:
    account_id = world.launch("eleve-1", offer_ags=False)
    world.finish(account_id, {"1.1": 27})

    def campaign(claims):  # type: ignore[no-untyped-def]
        claims["https://purl.imsglobal.org/spec/lti/claim/custom"] = {"campaign": "RENTREE24"}
        claims["https://purl.imsglobal.org/spec/lti/claim/resource_link"]["id"] = "rl-campagne"

    assert world.tool.launch(mutate=campaign, sub="eleve-1").status_code == 303
    world.finish(account_id, {"1.1": 35})
    assert world.outbox() == []


def test_a_profile_activity_reports_its_pix_as_a_percentage_with_the_total_in_the_comment(world: World) -> None:
    lineitem = world.platform.add_line_item("Profil", 100)  # Moodle's default gradepointmax refuses 768
    world.platform.enrol("eleve-1")

    def profile(claims):  # type: ignore[no-untyped-def]
        claims["https://purl.imsglobal.org/spec/lti/claim/custom"] = {"profile": "complet"}

    assert world.tool.launch(mutate=profile, sub="eleve-1", lineitem=lineitem).status_code == 303
    account_id = world.outbox_account("eleve-1")
    world.finish(account_id, {"1.1": 27, "3.2": 16})
    world.drain()
    grade = world.platform.grade(lineitem, "eleve-1")
    assert (grade.score_given, grade.comment) == (5.6, "Profil — 43 pix sur 768 (2 compétences évaluées sur 16)")


def test_a_token_is_cached_until_shortly_before_it_expires(world: World) -> None:
    import time

    world.platform.token_lifetime = 300
    account_id, lineitem = _graded_launch(world)
    world.finish(account_id, {"1.1": 20})
    world.drain()
    store = world._store
    (key, (expires, _)), = [(k, v) for k, v in store._data.items() if k.startswith("ags-token:") and ":lock" not in k]
    assert 235 <= expires - time.monotonic() <= 240  # 300 s lifetime, dropped 60 s before
    del store._data[key]  # the cached token has expired
    world.worker().tokens._local.clear()
    world.finish(account_id, {"1.1": 27})
    world.drain()
    assert world.platform.token_requests == 2
    assert world.platform.grade(lineitem, "eleve-1").score_given == 3.0


def test_a_line_item_another_worker_is_creating_is_not_created_twice(any_world: World) -> None:
    """Across worker processes, one creates a missing column at a time (a guard in the shared store): a
    worker that finds the guard taken leaves the score pending and comes back, then uses the stored column."""
    any_world.platform.enrol("eleve-1")
    any_world.finish(any_world.launch("eleve-1"), {"1.1": 16})
    worker = any_world.worker()
    store = any_world._store  # the store shared by every worker process
    activity_id = any_world.outbox()[0].activity_id
    guard = f"grades:lineitem-create:{activity_id}"
    assert any_world.run(store.set_nx(guard, "1", 60))  # another worker is creating the column
    any_world.drain()
    (item,) = any_world.outbox()
    assert item.status == "pending" and "autre worker" in (item.last_error or "")
    assert any_world.platform.line_items == {}
    any_world.run(store.delete(guard))  # that worker is done
    any_world.clock.advance(5)
    any_world.drain()
    assert [i.status for i in any_world.outbox()] == ["delivered"]
    (url, _), = any_world.platform.line_items.items()
    assert any_world.platform.grade(url, "eleve-1").score_given == 2.0
    assert worker is any_world.worker()
