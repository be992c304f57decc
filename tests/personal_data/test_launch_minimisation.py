"""What a launch keeps: only the claims the tool uses (a platform that also sends email, picture, middle_name,
lis.person_sourcedid and ext.user_username gets none of them stored), and the names of this launch (a launch
without names clears the old ones)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.accounts import Account
from lti_tool.launch.claim_allowlist import KEPT_CLAIMS, kept_claims
from tests.lti.conftest import Tool
from tests.lti.platform import LTI
from tests.personal_data.dump import database_dump, occurrences, redis_dump

EXTRA = {
    "email": "camille.d@college.example",
    "picture": "https://lms.example/pix/cd-photo.png",
    "middle_name": "Albertine",
    LTI + "lis": {"person_sourcedid": "SRC-CD-9931", "course_section_sourcedid": "SEC-1"},
    "https://purl.imsglobal.org/spec/lti/claim/ext": {"user_username": "cdurand42", "lms": "moodle-2"},
    "https://purl.imsglobal.org/spec/lti/claim/tool_platform": {"guid": "lms.example", "name": "Moodle"},
    "locale": "fr-FR",
}
NEEDLES = ["camille.d@college.example", "cd-photo.png", "Albertine", "SRC-CD-9931", "cdurand42"]


def test_only_the_allowlisted_claims_are_kept() -> None:
    claims = {"sub": "u1", "name": "X", LTI + "custom": {"a": "1"}, LTI + "context": {"id": "c"}, **EXTRA}
    assert kept_claims(claims) == {LTI + "custom": {"a": "1"}, LTI + "context": {"id": "c"}}
    assert not {"email", "picture", "middle_name", "name", "given_name", "family_name", "sub"} & KEPT_CLAIMS


def test_a_platform_sending_extra_personal_claims_has_none_of_them_stored(any_tool: Tool) -> None:
    response = any_tool.launch(lambda claims: claims.update(EXTRA), sub="eleve-extra")
    assert response.status_code == 303, response.text
    database = database_dump(any_tool.sessions())
    store = any_tool.client.app.state.tool.store
    redis_lines = redis_dump(store, any_tool.settings.redis_url)
    assert any("eleve-extra" in line for line in redis_lines)  # the launch record is there...
    assert occurrences(NEEDLES, database, redis_lines) == []  # ...without the claims the tool does not use
    named = occurrences(["Durand"], database, redis_lines)  # names: on the account only, not in the launch record
    assert named and all(line.startswith("accounts:") for line in named)


def _names(tool: Tool, sub: str) -> tuple[str | None, str | None, str | None]:
    with tool.sessions()() as session:
        account = session.scalars(select(Account).where(Account.sub == sub)).one()
        return account.name, account.given_name, account.family_name


def test_a_launch_without_names_clears_the_names_kept_from_an_earlier_one(any_tool: Tool) -> None:
    assert any_tool.launch(sub="eleve-n").status_code == 303
    assert _names(any_tool, "eleve-n") == ("Camille Durand", "Camille", "Durand")

    def no_names(claims: dict[str, Any]) -> None:  # Moodle's "share launcher's name: never"
        for claim in ("name", "given_name", "family_name"):
            claims.pop(claim)

    assert any_tool.launch(no_names, sub="eleve-n").status_code == 303
    assert _names(any_tool, "eleve-n") == (None, None, None)

    def renamed(claims: dict[str, Any]) -> None:
        claims.update(given_name="Camille", family_name="Martin", name="Camille Martin")

    assert any_tool.launch(renamed, sub="eleve-n").status_code == 303
    assert _names(any_tool, "eleve-n") == ("Camille Martin", "Camille", "Martin")
