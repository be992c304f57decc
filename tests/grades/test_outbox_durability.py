"""The outbox never loses a score and never delivers one twice at the same time: leases, crashes,
duplicates, concurrent workers."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import update

from lti_tool.grades import outbox
from lti_tool.grades.models import DELIVERING, OutboxItem
from tests.grades.conftest import World


def _students(world: World, n: int) -> tuple[list[int], str]:
    lineitem = world.platform.add_line_item("1.1", 6)
    accounts = []
    for k in range(n):
        world.platform.enrol(f"eleve-{k}")
        accounts.append(world.launch(f"eleve-{k}", lineitem=lineitem))
    return accounts, lineitem


def test_a_worker_killed_mid_delivery_leaves_its_items_to_another_after_the_lease(any_world: World) -> None:
    (account_id,), lineitem = _students(any_world, 1)
    any_world.finish(account_id, {"1.1": 27})
    with any_world.sessions()() as session:  # a worker claims the item, then dies before delivering
        claimed = outbox.claim(session, now=any_world.clock(), limit=10, lease_seconds=any_world.grades.lease_seconds)
    assert [c.id for c in claimed] == [any_world.outbox()[0].id]
    assert any_world.drain() == 0  # still leased: nobody else touches it
    any_world.clock.advance(any_world.grades.lease_seconds + 1)
    assert any_world.drain() == 1
    item = any_world.outbox()[0]
    assert (item.status, item.attempts) == ("delivered", 2)
    assert any_world.platform.grade(lineitem, "eleve-0").score_given == 3.0


def test_the_same_score_delivered_twice_is_harmless(any_world: World) -> None:
    (account_id,), lineitem = _students(any_world, 1)
    any_world.finish(account_id, {"1.1": 27})
    any_world.drain()
    first = any_world.platform.grade(lineitem, "eleve-0")
    item = any_world.outbox()[0]
    with any_world.sessions()() as session, session.begin():  # the worker crashed after the POST, before recording
        session.execute(update(OutboxItem).where(OutboxItem.id == item.id).values(
            status=DELIVERING, lease_until=any_world.clock() - timedelta(seconds=1)))
    assert any_world.drain() == 1
    assert any_world.platform.score_posts == 2  # posted again; the platform answered 409 (not newer)
    assert any_world.outbox()[0].status == "delivered"
    assert any_world.platform.grade(lineitem, "eleve-0") == first
    assert len(any_world.platform.line_items[lineitem].grades) == 1


def test_a_late_duplicate_never_overwrites_a_newer_grade(world: World) -> None:
    (account_id,), lineitem = _students(world, 1)
    world.finish(account_id, {"1.1": 20})
    world.drain()
    world.finish(account_id, {"1.1": 40})
    world.drain()
    old = world.outbox()[0]
    with world.sessions()() as session, session.begin():  # the older score comes back from a crashed worker
        session.execute(update(OutboxItem).where(OutboxItem.id == old.id).values(
            status=DELIVERING, lease_until=world.clock() - timedelta(seconds=1)))
    world.drain()
    assert world.platform.grade(lineitem, "eleve-0").score_given == 5.0
    assert [i.status for i in world.outbox()] == ["delivered", "delivered"]


def test_concurrent_claims_never_share_an_item(any_world: World) -> None:
    accounts, _ = _students(any_world, 16)
    for account_id in accounts:
        any_world.finish(account_id, {"1.1": 27})
    expected = {i.id for i in any_world.outbox()}
    seen: list[int] = []
    lock = threading.Lock()
    factory = any_world.sessions()

    def claimer() -> None:
        while True:
            with factory() as session:
                got = outbox.claim(session, now=any_world.clock(), limit=4, lease_seconds=60)
            if not got:
                return
            with lock:
                seen.extend(c.id for c in got if c.id in expected)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == sorted(expected)  # every item claimed exactly once


def test_an_outcome_is_not_written_by_a_worker_that_lost_its_lease(world: World) -> None:
    (account_id,), _ = _students(world, 1)
    world.finish(account_id, {"1.1": 27})
    with world.sessions()() as session:
        old, = outbox.claim(session, now=world.clock(), limit=1, lease_seconds=1)
    later = world.clock() + timedelta(seconds=5)
    with world.sessions()() as session:
        new, = outbox.claim(session, now=later, limit=1, lease_seconds=60)
    with world.sessions()() as session:
        assert outbox.record(session, [outbox.Outcome(old.id, old.lease_until, "dead", "trop tard")]) == 0
        assert outbox.record(session, [outbox.Outcome(new.id, new.lease_until, "delivered")]) == 1
    assert world.outbox()[0].status == "delivered"
