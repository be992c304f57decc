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

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
COMPETENCE_COUNT = 16
PROFILE_CODE = "complet"
PROFILE_PIX = COMPETENCE_COUNT * DEFAULT_CONFIG.max_reachable_level * PIX_PER_LEVEL

_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "campaign.title": "Pix — parcours « {name} »",
        "campaign.profiles": "Collecte de profils (code {code}) : chaque élève envoie son profil. "
                             "Pas de note dans le carnet.",
        "campaign.assessment": "Parcours d'évaluation (code {code}). Note : taux de maîtrise des acquis visés, en %, "
                               "reçu quand l'élève envoie ses résultats.",
        "campaign.label": "{title} — Maîtrise (%)",
        "profile.title": "Pix — profil complet",
        "profile.text": "Positionnement sur les {count} compétences du CRCN. Note : pourcentage des {pix} pix "
                        "du profil, sur {maximum}.",
        "profile.unit": "% des pix",
        "competence.text": "Test de positionnement adaptatif sur la compétence {code} du CRCN. "
                           "Note : {unit} sur {maximum}.",
        "unit.pix": "pix", "unit.level": "niveau",
        "quicktest.title": "Pix — Essayez sans inscription (8 questions)",
        "quicktest.text": "Un aperçu en 8 questions dans les 5 domaines du CRCN, avec un niveau estimé par domaine. "
                          "Rien n'est enregistré : pas de note dans le carnet.",
        "msg": "{count} activité{s} Pix ajoutée{s}.",
    },
    "en": {
        "campaign.title": "Pix — campaign “{name}”",
        "campaign.profiles": "Profiles collection (code {code}): each student sends their profile. "
                             "No grade in the gradebook.",
        "campaign.assessment": "Assessment campaign (code {code}). Grade: mastery of the target skills, in %, "
                               "received when the student sends their results.",
        "campaign.label": "{title} — Mastery (%)",
        "profile.title": "Pix — whole profile",
        "profile.text": "Positioning on the {count} competences of the CRCN. Grade: percentage of the profile's "
                        "{pix} pix, out of {maximum}.",
        "profile.unit": "% of pix",
        "competence.text": "Adaptive positioning test on CRCN competence {code}. Grade: {unit} out of {maximum}.",
        "unit.pix": "pix", "unit.level": "level",
        "quicktest.title": "Pix — Try it without signing up (8 questions)",
        "quicktest.text": "A glimpse in 8 questions across the 5 areas of the CRCN, with an estimated level per "
                          "area. Nothing is kept: no grade in the gradebook.",
        "msg": "{count} Pix activit{s} added.",
    },
}


def _text(locale: str, key: str, **values: object) -> str:
    return _TEXTS.get(locale, _TEXTS["fr"])[key].format(**values)


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
    plural = ("s" if count > 1 else "") if locale != "en" else ("ies" if count > 1 else "y")
    claims: dict[str, Any] = {
        "iss": client_id, "aud": platform_issuer, "iat": int(now), "exp": int(now) + 300,
        "nonce": secrets.token_urlsafe(16),
        LTI + "deployment_id": deployment_id, LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0", DL + "content_items": list(items),
        DL + "msg": _text(locale, "msg", count=count, s=plural),
    }
    if "data" in settings:
        claims[DL + "data"] = settings["data"]
    return claims
