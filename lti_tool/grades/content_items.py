"""Deep linking: the activities a teacher picked, as LTI `ltiResourceLink` content items with their grade
column (`lineItem`), and the claims of the signed LtiDeepLinkingResponse. Pure functions.

Every grade maximum stays at or under 100: Moodle caps an activity's maximum grade at the site's
`gradepointmax` (100 by default) and silently saves a larger one as 0, so the whole profile is graded as
a percentage of its pix. Titles and texts follow the teacher's language (French unless English)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.config import DEFAULT_CONFIG, PIX_PER_LEVEL
from lti_tool.grades.scores import PROFILE_SCORE_MAXIMUM, Scale, TargetKind
from web.i18n import translator

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
COMPETENCE_COUNT = 16
PROFILE_CODE = "complet"
PROFILE_PIX = COMPETENCE_COUNT * DEFAULT_CONFIG.max_reachable_level * PIX_PER_LEVEL

def _text(locale: str, key: str, **values: object) -> str:
    """The words of a content item in the teacher's language: the catalogues' `lms.item.*` (web/locales)."""
    return translator(locale)(f"lms.item.{key}", **values)


@dataclass(frozen=True)
class Choice:
    kind: TargetKind
    code: str  # competence code, PROFILE_CODE, or campaign code
    scale: Scale
    name: str  # competence or campaign name, for the title
    graded: bool = True  # False: a profiles-collection campaign (no mastery rate, no grade column)


def score_maximum(choice: Choice) -> int:
    top = DEFAULT_CONFIG.max_reachable_level
    if choice.kind is TargetKind.CAMPAIGN:
        return 100  # mastery %
    if choice.kind is TargetKind.PROFILE:
        return PROFILE_SCORE_MAXIMUM  # a percentage of PROFILE_PIX
    return top * PIX_PER_LEVEL if choice.scale is Scale.PIX else top


def campaign_item(choice: Choice, launch_url: str, locale: str = "fr") -> dict[str, Any]:
    """A campaign ("parcours"): students land on its join page; an assessment campaign is graded by the
    mastery rate the student shares, out of 100; a profiles collection gets no grade column."""
    title = _text(locale, "campaign.title", name=choice.name)
    item: dict[str, Any] = {"type": "ltiResourceLink", "title": title, "url": launch_url,
                            "custom": {"campaign": choice.code}}
    if not choice.graded:
        item["text"] = _text(locale, "campaign.profiles", code=choice.code)
        return item
    item["custom"]["scale"] = Scale.MASTERY.value
    item["text"] = _text(locale, "campaign.assessment", code=choice.code)
    item["lineItem"] = {"scoreMaximum": score_maximum(choice), "label": _text(locale, "campaign.label", title=title),
                        "resourceId": f"pix-campaign-{choice.code}", "tag": f"pix-{Scale.MASTERY.value}"}
    return item


QUICK_TEST_CUSTOM = {"quicktest": "8"}


def quick_test_item(launch_url: str, locale: str = "fr") -> dict[str, Any]:
    """"Essayez sans inscription": the 8-question test without results kept, so no grade column."""
    return {"type": "ltiResourceLink", "title": _text(locale, "quicktest.title"), "url": launch_url,
            "text": _text(locale, "quicktest.text"), "custom": dict(QUICK_TEST_CUSTOM)}


def content_item(choice: Choice, launch_url: str, locale: str = "fr") -> dict[str, Any]:
    if choice.kind is TargetKind.CAMPAIGN:
        return campaign_item(choice, launch_url, locale)
    maximum = score_maximum(choice)
    if choice.kind is TargetKind.PROFILE:
        title = _text(locale, "profile.title")
        text = _text(locale, "profile.text", count=COMPETENCE_COUNT, pix=PROFILE_PIX, maximum=maximum)
        custom = {"profile": PROFILE_CODE, "scale": Scale.PERCENT.value}
        unit = _text(locale, "profile.unit")
        scale = Scale.PERCENT
    else:
        title = f"Pix — {choice.code} {choice.name}"
        unit = _text(locale, "unit.pix" if choice.scale is Scale.PIX else "unit.level")
        text = _text(locale, "competence.text", code=choice.code, unit=unit, maximum=maximum)
        custom = {"competence": choice.code, "scale": choice.scale.value}
        scale = choice.scale
    resource = f"pix-{choice.kind.value}-{choice.code}"
    return {
        "type": "ltiResourceLink", "title": title, "text": text, "url": launch_url, "custom": custom,
        "lineItem": {"scoreMaximum": maximum, "label": f"{title} ({unit})", "resourceId": resource,
                     "tag": f"pix-{scale.value}"},
    }


def response_claims(*, client_id: str, platform_issuer: str, deployment_id: str, items: Sequence[dict[str, Any]],
                    settings: Mapping[str, Any], now: float | None = None, locale: str = "fr") -> dict[str, Any]:
    now = time.time() if now is None else now
    count = len(items)
    claims: dict[str, Any] = {
        "iss": client_id, "aud": platform_issuer, "iat": int(now), "exp": int(now) + 300,
        "nonce": secrets.token_urlsafe(16),
        LTI + "deployment_id": deployment_id, LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0", DL + "content_items": list(items),
        DL + "msg": _text(locale, "msg", n=count),
    }
    if "data" in settings:
        claims[DL + "data"] = settings["data"]
    return claims
