"""Who sees which classes on the GAR class page: teachers their own (DIV/GRO) unless the school's head opens
every class to them; direction and documentation the whole school; a person of several schools, or of an
unsubscribed one, is told where their classes went. And the migration that adds the setting keeps existing
databases working."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from core.db import MIGRATIONS_DIR, make_engine, run_migrations
from ent_gar_connector.visibility import Scope, class_scope
from tests.gar.conftest import SCHOOL, Gar, _fresh_services, student, teacher

OTHER_SCHOOL = "0330001C"
TEACHER_B = "f6" * 64


def _seed(gar: Gar) -> None:
    """Students in 3A, 3B and 4C; the default teacher has 3A and 3B."""
    gar.subscribe(SCHOOL)
    gar.sign_in(student(DIV=["3A##3e A"], GRO=[], NOM=["Martin"], PRE=["Léa"]))
    gar.sign_in(student(IDO=["c3" * 64], DIV=["4C##4e C"], GRO=["LAT##Latin"], NOM=["Durand"], PRE=["Hugo"]))


def _classes_on_page(text_: str) -> list[str]:
    return re.findall(r"<h3>Classe ([^<]+?) <span", text_)


def _csrf(text_: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', text_).group(1)


def test_scope_by_profile_and_school_setting() -> None:
    assert class_scope("National_ens", False) is Scope.OWN
    assert class_scope("National_ens", True) is Scope.SCHOOL
    assert class_scope("National_dir", False) is Scope.SCHOOL
    assert class_scope("National_doc", False) is Scope.SCHOOL


def test_teacher_sees_only_their_classes_and_groups(gar: Gar) -> None:
    _seed(gar)
    gar.sign_in(teacher())
    page = gar.client.get("/gar/classes").text
    assert _classes_on_page(page) == ["3e A", "3e B"]
    assert "Hugo Durand" not in page and "Latin" not in page and "Léa Martin" in page
    assert "tels que le GAR les transmet pour vous" in page


def test_direction_and_documentation_see_the_whole_school(gar: Gar) -> None:
    _seed(gar)
    for profile, ido in (("National_dir", "d4" * 64), ("National_doc", "e5" * 64)):
        gar.sign_in(teacher(PRO=[profile], IDO=[ido], DIV=[]))
        page = gar.client.get("/gar/classes").text
        assert _classes_on_page(page) == ["3e A", "4e C"], profile
        assert "Hugo Durand" in page and "Latin" in page
        assert "Direction et documentation voient toutes les classes" in page


def test_school_head_opens_every_class_to_teachers(gar: Gar) -> None:
    _seed(gar)
    gar.sign_in(teacher(PRO=["National_dir"], IDO=["d4" * 64], DIV=[]))
    page = gar.client.get("/gar/classes").text
    assert "enseignants_toutes_classes" in page
    saved = gar.client.post("/gar/classes/reglage", data={"csrf": _csrf(page), "uai": SCHOOL,
                                                           "enseignants_toutes_classes": "1"}, follow_redirects=False)
    assert saved.status_code == 303
    gar.sign_in(teacher())
    page = gar.client.get("/gar/classes").text
    assert _classes_on_page(page) == ["3e A", "3e B", "4e C"]  # their own first
    assert page.count("— ma classe") == 2 and "Hugo Durand" in page
    assert "enseignants_toutes_classes" not in page  # a teacher cannot change it


def test_teacher_cannot_change_the_school_setting(gar: Gar) -> None:
    _seed(gar)
    gar.sign_in(teacher())
    page = gar.client.get("/gar/classes").text
    refused = gar.client.post("/gar/classes/reglage", data={"csrf": _csrf(page), "uai": SCHOOL,
                                                             "enseignants_toutes_classes": "1"})
    assert refused.status_code == 403 and "Code : school_head_only" in refused.text
    assert _classes_on_page(gar.client.get("/gar/classes").text) == ["3e A", "3e B"]


def test_head_of_another_school_cannot_change_this_one(gar: Gar) -> None:
    _seed(gar)
    gar.subscribe(OTHER_SCHOOL)
    gar.sign_in(teacher(PRO=["National_dir"], IDO=["d4" * 64], UAI=[OTHER_SCHOOL], DIV=[]))
    page = gar.client.get("/gar/classes").text
    refused = gar.client.post("/gar/classes/reglage", data={"csrf": _csrf(page), "uai": SCHOOL,
                                                             "enseignants_toutes_classes": "1"})
    assert refused.status_code == 403


def test_person_of_two_schools_is_told_where_their_classes_are(gar: Gar) -> None:
    _seed(gar)
    gar.subscribe(OTHER_SCHOOL)
    gar.sign_in(teacher(UAI=[SCHOOL, OTHER_SCHOOL]))
    page = html.unescape(gar.client.get("/gar/classes").text)
    assert f"Établissement {SCHOOL}" in page and f"Établissement {OTHER_SCHOOL}" in page
    assert f"premier établissement abonné qu'il transmet, <strong>{SCHOOL}</strong>" in page
    assert "Aucune de vos classes n'est rattachée à cet établissement" in page


def test_unsubscribed_second_school_is_said_not_dropped_silently(gar: Gar) -> None:
    _seed(gar)
    gar.sign_in(teacher(UAI=[SCHOOL, OTHER_SCHOOL]))
    page = html.unescape(gar.client.get("/gar/classes").text)
    assert f"<strong>{OTHER_SCHOOL}</strong>, qui n'est pas abonné" in page
    assert f"Établissement {OTHER_SCHOOL}" not in page


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_migration_0007d_keeps_an_existing_database(tmp_path: Path, database: str) -> None:
    url = f"sqlite:///{tmp_path}/old.sqlite3" if database == "sqlite" else _fresh_services()[0]
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005_gar")
        command.upgrade(config, "0006_campaigns")
        connection.commit()
        connection.execute(text("INSERT INTO gar_schools (id, uai, created_at) VALUES (1, :u, CURRENT_TIMESTAMP)"),
                           {"u": SCHOOL})
        connection.execute(text("INSERT INTO accounts (id, issuer, sub, created_at, last_launch_at) "
                                "VALUES (1, 'urn:gar', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO gar_profiles (account_id, role, profile_code, school_id, last_login_at) "
                                "VALUES (1, 'teacher', 'National_ens', 1, CURRENT_TIMESTAMP)"))
        connection.commit()
    run_migrations(engine)
    with engine.connect() as connection:
        uai, teachers_see_all = connection.execute(text("SELECT uai, teachers_see_all_classes FROM gar_schools")).one()
        assert (uai, bool(teachers_see_all)) == (SCHOOL, False)
        assert connection.execute(text("SELECT unsubscribed_uais FROM gar_profiles")).one() == (None,)
    assert "teachers_see_all_classes" in {c["name"] for c in inspect(engine).get_columns("gar_schools")}
    engine.dispose()
