"""The teacher's picker answers an LtiDeepLinkingRequest with a signed LtiDeepLinkingResponse that the
platform can verify; the activities it creates send their levels to the gradebook."""

from __future__ import annotations

import html
import re
from typing import Any

from jose import jwt

from tests.grades.conftest import World
from tests.lti.platform import DL, INSTRUCTOR, LTI

DEEP = "LtiDeepLinkingRequest"


def _open_picker(world: World, *, roles: list[str] | None = None, mutate: Any = None) -> tuple[str, str, str]:
    def settings(claims: dict[str, Any]) -> None:
        claims[DL + "deep_linking_settings"]["data"] = "moodle-opaque-42"
        if mutate:
            mutate(claims)

    response = world.tool.launch(mutate=settings, sub="prof-1", roles=roles or [INSTRUCTOR], message_type=DEEP,
                                 offer_ags=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    launch_id = re.search(r"/lti/selection/([^?]+)\?", location).group(1)
    token = re.search(r"lt=([^&]+)", location).group(1)
    return location, launch_id, token


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _verify(world: World, page: str) -> dict[str, Any]:
    """What the platform does with the response: check the signature against the tool's JWKS."""
    action = html.unescape(re.search(r'<form id="retour" method="post" action="([^"]+)"', page).group(1))
    assert action == world.platform.issuer + "/deeplink/return"
    token = re.search(r'name="JWT" value="([^"]+)"', page).group(1)
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in world.tool.client.get("/lti/jwks").json()["keys"] if k["kid"] == kid)
    return jwt.decode(token, key, algorithms=["RS256"], audience=world.platform.issuer,
                      issuer=world.platform.client_id)


def test_a_teacher_picks_several_items_and_gets_a_signed_response(world: World) -> None:
    location, launch_id, token = _open_picker(world)
    page = world.tool.client.get(location)
    assert page.status_code == 200
    assert "1.1" in page.text and "Mener une recherche" in page.text and "profil complet" in page.text.lower()
    assert "Ce cours n'a pas encore de parcours" in html.unescape(page.text)
    assert "/campagnes/nouveau?retour=" in page.text
    form = {"lt": token, "csrf": _csrf(page.text), "item": ["competence:1.1", "competence:2.3", "profile"],
            "scale-1.1": "level", "scale-2.3": "pix"}
    response = world.tool.client.post(f"/lti/selection/{launch_id}", data=form)
    assert response.status_code == 200, response.text
    assert "Revenir au cours" in response.text  # a visible button when scripts do not run
    claims = _verify(world, response.text)
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == world.platform.deployment_id
    assert claims[DL + "data"] == "moodle-opaque-42"
    assert claims["nonce"] and claims["exp"] > claims["iat"]
    items = claims[DL + "content_items"]
    assert [i["type"] for i in items] == ["ltiResourceLink"] * 3
    assert [i["custom"] for i in items] == [{"competence": "1.1", "scale": "level"},
                                            {"competence": "2.3", "scale": "pix"},
                                            {"profile": "complet", "scale": "percent"}]
    assert [i["lineItem"]["scoreMaximum"] for i in items] == [6, 48, 100]  # gradepointmax
    assert items[0]["title"] == "Pix — 1.1 Mener une recherche et une veille d'information"
    assert all(i["url"] == "http://localhost/lti/launch" and i["text"] for i in items)
    again = world.tool.client.post(f"/lti/selection/{launch_id}", data=form)
    assert again.status_code in (403, 410)  # single use: the launch (and its form token) are gone


def test_a_student_cannot_open_the_picker(world: World) -> None:
    location, _, _ = _open_picker(world, roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"])
    page = world.tool.client.get(location)
    assert page.status_code == 403
    assert "Seuls les enseignants" in page.text


def test_a_request_without_deep_linking_settings_is_refused_clearly(world: World) -> None:
    def drop(claims: dict[str, Any]) -> None:
        del claims[DL + "deep_linking_settings"]

    response = world.tool.launch(mutate=drop, sub="prof-1", roles=[INSTRUCTOR], message_type=DEEP)
    assert response.status_code == 400
    assert "Réglages de sélection de contenu absents" in response.text


def test_the_form_needs_its_security_token(world: World) -> None:
    location, launch_id, token = _open_picker(world)
    world.tool.client.get(location)
    response = world.tool.client.post(f"/lti/selection/{launch_id}",
                                      data={"lt": token, "csrf": "forged", "item": "profile"})
    assert response.status_code == 403 and "jeton de sécurité" in response.text


def test_an_empty_or_unknown_choice_is_explained_and_the_launch_kept(world: World) -> None:
    location, launch_id, token = _open_picker(world)
    csrf = _csrf(world.tool.client.get(location).text)
    empty = world.tool.client.post(f"/lti/selection/{launch_id}", data={"lt": token, "csrf": csrf})
    assert empty.status_code == 400 and "Choisissez au moins une activité" in empty.text
    unknown = world.tool.client.post(f"/lti/selection/{launch_id}",
                                     data={"lt": token, "csrf": csrf, "item": "competence:9.9"})
    assert unknown.status_code == 400 and "Choix inconnu" in unknown.text
    ok = world.tool.client.post(f"/lti/selection/{launch_id}", data={"lt": token, "csrf": csrf, "item": "profile"})
    assert ok.status_code == 200


def test_a_platform_accepting_one_item_gets_one(world: World) -> None:
    def single(claims: dict[str, Any]) -> None:
        claims[DL + "deep_linking_settings"]["accept_multiple"] = False

    location, launch_id, token = _open_picker(world, mutate=single)
    csrf = _csrf(world.tool.client.get(location).text)
    two = world.tool.client.post(f"/lti/selection/{launch_id}",
                                 data={"lt": token, "csrf": csrf, "item": ["profile", "competence:1.2"]})
    assert two.status_code == 400 and "qu'une activité à la fois" in html.unescape(two.text)


def test_an_activity_created_by_deep_linking_sends_its_level_to_its_column(world: World) -> None:
    location, launch_id, token = _open_picker(world)
    csrf = _csrf(world.tool.client.get(location).text)
    page = world.tool.client.post(f"/lti/selection/{launch_id}",
                                  data={"lt": token, "csrf": csrf, "item": "competence:3.2", "scale-3.2": "pix"})
    item, = _verify(world, page.text)[DL + "content_items"]
    # The platform creates the activity and its grade column from the content item, as Moodle does.
    lineitem = world.platform.add_line_item(item["lineItem"]["label"], item["lineItem"]["scoreMaximum"])
    world.platform.enrol("eleve-7")

    def as_created(claims: dict[str, Any]) -> None:
        claims[LTI + "custom"] = item["custom"]

    assert world.tool.launch(mutate=as_created, sub="eleve-7", lineitem=lineitem).status_code == 303
    world.finish(world.outbox_account("eleve-7"), {"3.2": 35})
    world.drain()
    grade = world.platform.grade(lineitem, "eleve-7")
    assert (grade.score_given, grade.score_maximum, grade.comment) == (35.0, 48.0, "Niveau 4 — 35 pix")


def test_the_picker_offers_the_test_without_an_account_as_an_ungraded_activity(world: World) -> None:
    location, launch_id, token = _open_picker(world)
    page = world.tool.client.get(location)
    assert 'value="quick-test"' in page.text and "Essayez sans inscription" in page.text
    form = {"lt": token, "csrf": _csrf(page.text), "item": ["quick-test", "competence:1.1"], "scale-1.1": "level"}
    response = world.tool.client.post(f"/lti/selection/{launch_id}", data=form)
    assert response.status_code == 200, response.text
    items = _verify(world, response.text)[DL + "content_items"]
    assert [i["custom"] for i in items] == [{"competence": "1.1", "scale": "level"}, {"quicktest": "8"}]
    assert "lineItem" in items[0] and "lineItem" not in items[1]
    assert items[1]["title"] == "Pix — Essayez sans inscription (8 questions)"
