"""A pupil's deletion leaves no trace: after real launches (with a platform that also sends email, picture,
middle name, sourcedid and username), a test, a campaign, grades sent, the course roster fetched by NRPS, and a
médiacentre login matched through the school's class list, the whole database and Redis are dumped and searched
for the pupil's identifiers and names. The LMS roster then does not bring the pupil back."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from campaigns.service import CampaignService
from campaigns.use_cases import CampaignDraft
from content_bank.loader import default_referential
from core.accounts import Account
from core.courses import Course
from core.rosters import roster_for_course
from engine.campaigns.participation import CampaignType
from learning.use_cases import LearningService
from privacy.use_cases import erase_people
from tests.gar.conftest import SCHOOL, Gar, student, teacher
from tests.grades.conftest import World
from tests.learning_use_cases.answers import right_answer
from tests.lti.platform import INSTRUCTOR
from tests.personal_data.dump import database_dump, occurrences, redis_dump

PUPIL_SUB = "sub-zq-7f3a9c"
GIVEN, MIDDLE, FAMILY = "Zéphyrine", "Honorine", "Quintardeau"
EXTRA_CLAIMS = {
    "email": "zephyrine.q@college.example",
    "picture": "https://lms.example/pix/zq-photo.png",
    "middle_name": MIDDLE,
    "https://purl.imsglobal.org/spec/lti/claim/lis": {"person_sourcedid": "SRC-ZQ-4471"},
    "https://purl.imsglobal.org/spec/lti/claim/ext": {"user_username": "zquintardeau"},
}
SECRETS = [PUPIL_SUB, GIVEN, MIDDLE, FAMILY, *(v for k, v in EXTRA_CLAIMS.items() if isinstance(v, str)),
           "SRC-ZQ-4471", "zquintardeau"]
NOW = datetime.now(UTC)


def _launch_pupil(world: World, sub: str, given: str, family: str) -> int:
    def mutate(claims: dict[str, Any]) -> None:
        claims.update({"given_name": given, "family_name": family, "name": f"{given} {family}", **EXTRA_CLAIMS})

    response = world.tool.launch(mutate, sub=sub)
    assert response.status_code == 303, response.text
    return world.outbox_account(sub)


def _class(world: World) -> tuple[int, int, int]:
    world.platform.enrol("prof-1", name="Claire Martin", roles=[INSTRUCTOR], graded=False)
    world.platform.enrol(PUPIL_SUB, name=f"{GIVEN} {FAMILY}")
    world.platform.enrol("sub-other-2b", name="Yanis Brocard")
    prof = world.launch("prof-1", roles=[INSTRUCTOR])
    pupil = _launch_pupil(world, PUPIL_SUB, GIVEN, FAMILY)
    other = _launch_pupil(world, "sub-other-2b", "Yanis", "Brocard")
    return prof, pupil, other


def _course_id(world: World) -> int:
    with world.sessions()() as session:
        return session.scalar(select(Course.id).where(Course.issuer == world.platform.issuer))


def _work(world: World, prof: int, pupils: list[int]) -> None:
    """Each pupil takes a test and a campaign of the teacher and sends it; grades and the roster go out."""
    referential = default_referential()
    learning = LearningService(world.sessions(), referential)
    campaigns = CampaignService(world.sessions(), referential, rng=random.Random(3))
    campaign = campaigns.create(prof, f"course:{_course_id(world)}",
                                CampaignDraft("Recherche", CampaignType.ASSESSMENT, ("rechercheUrl",)))
    for account_id in pupils:
        step = learning.start(account_id, "1.1")
        view = learning.current(account_id, step.assessment.id)
        assert view.challenge is not None
        learning.answer(account_id, step.assessment.id, view.challenge.id, right_answer(view.challenge))
        participation = campaigns.join(account_id, campaign.code)
        step = campaigns.start(account_id, participation)
        while (view := learning.current(account_id, step.assessment.id)).challenge is not None:
            learning.answer(account_id, step.assessment.id, view.challenge.id, right_answer(view.challenge))
        campaigns.share(account_id, participation)
        world.finish(account_id, {"1.1": 16})
    world.drain()


def _dump(world: World) -> tuple[dict[str, list[str]], list[str]]:
    store = world.tool.client.app.state.tool.store
    return database_dump(world.sessions()), redis_dump(store, world.settings.redis_url)


def test_an_lti_pupil_deleted_leaves_no_trace_in_any_table_json_column_or_redis_key(any_world: World) -> None:
    world = any_world
    prof, pupil, other = _class(world)
    _work(world, prof, [pupil, other])
    database, redis_lines = _dump(world)
    assert occurrences([PUPIL_SUB, FAMILY], database, redis_lines), "the set-up must store the pupil somewhere"
    assert any(PUPIL_SUB in line for line in redis_lines), "the launch record is in Redis before the deletion"

    store = world.tool.client.app.state.tool.store
    erased = erase_people(world.sessions(), store, [pupil], "test", NOW)
    assert erased is not None and erased.redis_keys >= 1
    assert erased.tables["grades_roster_members"] == 1 and erased.tables["grades_outbox"] >= 1

    database, redis_lines = _dump(world)
    assert occurrences(SECRETS, database, redis_lines) == []
    assert occurrences(["Brocard", "sub-other-2b"], database, redis_lines)  # the other pupil is untouched

    # the teacher opens the course again: the platform still lists the pupil, the tool does not store them
    with world.sessions()() as session:
        fetched = roster_for_course(session, _course_id(world)).fetched_at
    world.launch("prof-1", roles=[INSTRUCTOR])
    world.clock.catch_up()
    world.drain()
    database, redis_lines = _dump(world)
    assert occurrences(SECRETS, database, redis_lines) == []
    with world.sessions()() as session:
        roster = roster_for_course(session, _course_id(world))
    assert roster.fetched_at != fetched  # fetched again after the deletion
    listed = [m.user_id for m in roster.members]
    assert "sub-other-2b" in listed and PUPIL_SUB not in listed

    # the pupil comes back by themselves: a new account, and the roster lists them again
    _launch_pupil(world, PUPIL_SUB, GIVEN, FAMILY)
    world.launch("prof-1", roles=[INSTRUCTOR])
    world.clock.catch_up()
    world.drain()
    with world.sessions()() as session:
        listed = [m.user_id for m in roster_for_course(session, _course_id(world)).members]
        assert session.scalar(select(Account.id).where(Account.sub == PUPIL_SUB)) != pupil
    assert PUPIL_SUB in listed


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


IDO = "e5" * 64
LIST = ("nom;prénom;date de naissance;classe\nQuintardeau;Zéphyrine;14/03/2011;3e A\n"
        "Brocard;Yanis;02/09/2011;3e A\n")


def test_a_gar_pupil_deleted_leaves_no_trace_of_ido_names_or_birth_date(any_gar: Gar) -> None:
    gar = any_gar
    gar.subscribe(SCHOOL)
    gar.sign_in(teacher(IDO=["d4" * 64], PRO=["National_dir"]))
    page = gar.client.get("/gar/roster")
    gar.client.post("/gar/roster", data={"csrf": _csrf(page.text), "uai": SCHOOL},
                    files={"fichier": ("eleves.csv", LIST.encode(), "text/csv")})
    gar.client.cookies.clear()
    assert gar.sign_in(student(IDO=[IDO])).headers["location"].startswith("/gar/rapprochement")
    form = gar.client.get("/gar/rapprochement")
    matched = gar.client.post("/gar/rapprochement", data={"csrf": _csrf(form.text), "naissance": "14/03/2011"})
    assert matched.status_code == 200 and f"{GIVEN} {FAMILY}" in matched.text
    store = gar.client.app.state.tool.store
    redis_url = gar.client.app.state.tool.settings.redis_url
    with gar.sessions() as session:
        account_id = session.scalar(select(Account.id).where(Account.sub == IDO))
    database = database_dump(gar.sessions)
    assert occurrences([IDO, FAMILY], database, redis_dump(store, redis_url))
    assert not occurrences([str(date(2011, 3, 14))], database, [])  # matched: the birth date is already gone

    erased = erase_people(gar.sessions, store, [account_id], "test", NOW)
    assert erased is not None and erased.tables["gar_profiles"] == 1
    database = database_dump(gar.sessions)
    assert occurrences([IDO, GIVEN, FAMILY, "2011-03-14"], database, redis_dump(store, redis_url)) == []
    assert occurrences(["Brocard"], database, [])  # the other line of the class list waits for its pupil
