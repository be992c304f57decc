"""An instructor's launch refreshes the course roster from the platform (NRPS) in the background, so the
teacher sees who has not started."""

from __future__ import annotations

from sqlalchemy import select

from core.courses import Course
from core.rosters import roster_for_course
from tests.grades.ags_platform import Fault
from tests.grades.conftest import World
from tests.lti.platform import INSTRUCTOR


def _course_id(world: World) -> int:
    with world.sessions()() as session:
        return session.scalar(select(Course.id).where(Course.issuer == world.platform.issuer))


def _class(world: World) -> None:
    world.platform.enrol("prof-1", name="Claire Martin", roles=[INSTRUCTOR], graded=False)
    for n, name in enumerate(["Alice Bernard", "Bruno Petit", "Chloé Roux", "David Morel", "Emma Faure"]):
        world.platform.enrol(f"eleve-{n}", name=name)


def test_an_instructor_launch_fetches_every_page_of_the_roster(any_world: World) -> None:
    _class(any_world)
    any_world.launch("eleve-1")  # one student has opened the activity
    assert [i.kind for i in any_world.outbox()] == []  # a student's launch asks for no roster
    any_world.launch("prof-1", roles=[INSTRUCTOR])
    any_world.launch("prof-1", roles=[INSTRUCTOR])  # a second launch meanwhile adds no second refresh
    assert [(i.kind, i.status) for i in any_world.outbox()] == [("roster", "pending")]
    any_world.drain()
    assert [(i.kind, i.status) for i in any_world.outbox()] == [("roster", "delivered")]
    pages = [p for m, p, s in any_world.platform.log if p.startswith("/nrps/")]
    assert len(pages) == 3  # 6 members, 2 per page, followed through Link rel="next"
    with any_world.sessions()() as session:
        roster = roster_for_course(session, _course_id(any_world))
    assert roster.fetched_at is not None
    learners = [m for m in roster.members if m.is_learner]
    assert [m.display_name for m in learners] == ["Alice Bernard", "Emma Faure", "David Morel", "Bruno Petit",
                                                  "Chloé Roux"]  # by family name
    not_started = [m.display_name for m in learners if m.account_id is None]
    assert not_started == ["Alice Bernard", "Emma Faure", "David Morel", "Chloé Roux"]


def test_a_roster_refresh_that_fails_is_retried_and_replaces_the_list_whole(world: World) -> None:
    _class(world)
    world.launch("prof-1", roles=[INSTRUCTOR])
    world.platform.faults.append(Fault("500", path="/nrps/"))
    world.drain()
    assert world.outbox()[0].status == "pending"
    world.clock.advance(11)
    world.drain()
    world.platform.members = [m for m in world.platform.members if m["user_id"] != "eleve-4"]  # Emma leaves
    world.launch("prof-1", roles=[INSTRUCTOR])
    world.drain()
    with world.sessions()() as session:
        names = [m.display_name for m in roster_for_course(session, _course_id(world)).members]
    assert "Emma Faure" not in names and len(names) == 5


def test_a_course_never_fetched_has_an_empty_unknown_roster(world: World) -> None:
    world.launch("eleve-1")
    with world.sessions()() as session:
        roster = roster_for_course(session, _course_id(world))
    assert roster.fetched_at is None and roster.members == []
