"""The demo platform's side of deep linking: check the tool's signed LtiDeepLinkingResponse (against the
tool's published keys, as Moodle does) and turn each ltiResourceLink into a new activity of the course."""

from __future__ import annotations

from typing import Any

import httpx
from jose import JWTError, jwt

from demo_platform.people import ACTIVITIES, DemoActivity

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class DeepLinkRefused(Exception):
    pass


async def verify_response(token: str, tool_base_url: str, issuer: str, client_id: str, deployment_id: str,
                          transport: httpx.AsyncBaseTransport | None = None) -> list[dict[str, Any]]:
    """The content items of a valid response (signed by the tool, addressed to this platform)."""
    try:
        async with httpx.AsyncClient(timeout=5, transport=transport) as http:
            keys = (await http.get(tool_base_url.rstrip("/") + "/lti/jwks")).json()
    except (httpx.HTTPError, ValueError) as exc:
        raise DeepLinkRefused("les clés publiques de l'outil sont injoignables") from exc
    try:
        claims = jwt.decode(token, keys, algorithms=["RS256"], audience=issuer, issuer=client_id)
    except JWTError as exc:
        raise DeepLinkRefused(f"jeton invalide ({exc})") from exc
    if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse" or claims.get(LTI + "version") != "1.3.0":
        raise DeepLinkRefused("ce n'est pas une réponse de sélection de contenu LTI 1.3")
    if claims.get(LTI + "deployment_id") != deployment_id:
        raise DeepLinkRefused("déploiement inconnu")
    items = claims.get(DL + "content_items")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def add_activities(items: list[dict[str, Any]]) -> list[DemoActivity]:
    added = []
    for item in items:
        if item.get("type") != "ltiResourceLink":
            continue
        key = f"dl{len(ACTIVITIES) + 1}"
        line = item.get("lineItem") if isinstance(item.get("lineItem"), dict) else {}
        maximum = line.get("scoreMaximum")
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
        activity = DemoActivity(key, f"demo-rl-{key}", str(item.get("title") or "Activité Pix")[:200],
                                {str(k): str(v) for k, v in custom.items()},
                                float(maximum) if isinstance(maximum, int | float) and maximum > 0 else None,
                                graded=bool(line))  # as Moodle: no lineItem, no grade column
        ACTIVITIES[key] = activity
        added.append(activity)
    return added
