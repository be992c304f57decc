"""What the browser keeps: no page in its cache, no session token in its history or in a Referer."""

from __future__ import annotations

import re

from tests.lti.conftest import Tool


def test_pages_are_not_stored_and_send_no_referrer_to_other_sites(tool: Tool) -> None:
    response = tool.launch()
    for path in ("/profil", "/campagnes/rejoindre", "/admin/login", "/healthz"):
        page = tool.client.get(path)
        assert page.headers["cache-control"] == "no-store", path
        assert page.headers["referrer-policy"] == "same-origin", path
    activity = tool.client.get(response.headers["location"])
    assert activity.headers["cache-control"] == "no-store"
    media = tool.client.get("/static/pix.css")
    assert media.status_code != 200 or "max-age" in media.headers["cache-control"]


def test_the_launch_token_leaves_the_address_when_the_cookie_works(tool: Tool) -> None:
    response = tool.launch()
    location = response.headers["location"]
    assert "lt=" in location  # the launch cannot know yet whether the cookie will come back
    hop = tool.client.get(location, follow_redirects=False)
    assert hop.status_code == 303 and hop.headers["location"] == location.split("?")[0]
    page = tool.client.get(hop.headers["location"])
    assert page.status_code == 200
    assert "lt=" not in page.text  # no link or form of the page carries the token


def test_without_the_cookie_the_token_stays_in_every_link(tool: Tool) -> None:
    response = tool.launch()
    location = response.headers["location"]
    tool.client.cookies.clear()  # a third-party iframe whose cookies the browser refuses
    page = tool.client.get(location, follow_redirects=False)
    assert page.status_code in (200, 303)
    if page.status_code == 303:
        assert "lt=" in page.headers["location"]
        page = tool.client.get(page.headers["location"])
    token = re.search(r"lt=([^&\"]+)", location).group(1)
    assert f"lt={token}" in page.text
