"""Real launches whose claims do not fit the columns, carry NUL bytes or lone surrogates: never a 500, never
a claim value in the logs; display fields are cleaned and cut, identifiers that cannot be stored are refused."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from core.accounts import Account
from core.courses import Activity, Course
from tests.lti.conftest import Tool

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
SECRET_NAME = "Zoé-Secret-Élève"


def _long_names(claims: dict[str, Any]) -> None:
    claims["name"] = SECRET_NAME + "x" * 5000
    claims["given_name"] = "\u202eZoé\x00" + "y" * 400
    claims["family_name"] = "Du\ud800rand"
    claims[LTI + "resource_link"]["title"] = "Activité " + "t" * 3000
    claims[LTI + "resource_link"]["description"] = "ligne 1\x00\nligne 2\ud83d"
    claims[LTI + "context"]["title"] = "C" * 900
    claims[LTI + "context"]["label"] = "L\x00" * 300
    claims[LTI + "custom"] = {"competence": "1.1", "note": "a\x00b\udfff"}


def test_overlong_and_dirty_display_fields_are_cleaned_and_cut(any_tool: Tool,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = any_tool.launch(_long_names)
    assert response.status_code == 303, response.text
    with any_tool.sessions()() as session:
        account = session.scalars(select(Account)).one()
        activity = session.scalars(select(Activity)).one()
        course = session.scalars(select(Course)).one()
    assert account.name is not None and len(account.name) == 255 and account.name.startswith(SECRET_NAME)
    assert account.given_name is not None and account.given_name.startswith("Zoé")
    assert "\u202e" not in account.given_name
    assert account.family_name == "Durand"
    assert activity.title is not None and len(activity.title) == 512 and activity.title.startswith("Activité ")
    assert activity.description == "ligne 1\nligne 2"
    assert activity.custom == {"competence": "1.1", "note": "ab"}
    assert course.title == "C" * 512 and course.label == "L" * 255
    assert SECRET_NAME not in caplog.text


@pytest.mark.parametrize("field,value", [
    ("sub", "s" * 256),
    ("sub", "user\x00-1"),
    ("sub", "user\ud800"),
    ("resource_link", "r" * 300),
    ("context", "c\x00"),
])
def test_identifiers_that_cannot_be_stored_are_refused_with_a_french_page(
        any_tool: Tool, caplog: pytest.LogCaptureFixture, field: str, value: str) -> None:
    caplog.set_level(logging.DEBUG)

    def mutate(claims: dict[str, Any]) -> None:
        claims["name"] = SECRET_NAME
        if field == "sub":
            claims["sub"] = value
        else:
            claims[LTI + field]["id"] = value

    response = any_tool.launch(mutate)
    assert response.status_code == 400, response.text
    assert "ne peut pas être enregistré" in response.text
    assert any_tool.count(any_tool.platform.issuer) == {"accounts": 0, "courses": 0, "activities": 0}
    assert SECRET_NAME not in caplog.text


def test_a_failed_statement_never_carries_its_values_into_the_error_or_the_log(postgres_redis: tuple[str, str]) -> None:
    """An unexpected database error (here a name longer than its column, written around the launch's checks)
    ends in a traceback; neither the error's text nor therefore the log may carry the values."""
    from sqlalchemy.exc import DBAPIError

    from core.db import make_engine, make_session_factory, run_migrations

    engine = make_engine(postgres_redis[0])
    try:
        run_migrations(engine)
        with make_session_factory(engine)() as session:
            session.add(Account(issuer="https://lms.test", sub="u-1", name=SECRET_NAME + "x" * 300))
            with pytest.raises(DBAPIError) as caught:
                session.commit()
    finally:
        engine.dispose()
    assert SECRET_NAME not in str(caught.value)
