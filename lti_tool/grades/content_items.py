"""Deep linking: the activities a teacher picked, as LTI `ltiResourceLink` content items with their grade
column (`lineItem`), and the claims of the signed LtiDeepLinkingResponse. Pure functions."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.config import DEFAULT_CONFIG, PIX_PER_LEVEL
from lti_tool.grades.scores import Scale, TargetKind

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
COMPETENCE_COUNT = 16
PROFILE_CODE = "complet"


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
        return COMPETENCE_COUNT * top * PIX_PER_LEVEL
    return top * PIX_PER_LEVEL if choice.scale is Scale.PIX else top


def campaign_item(choice: Choice, launch_url: str) -> dict[str, Any]:
    """A campaign ("parcours"): students land on its join page; an assessment campaign is graded by the
    mastery rate the student shares, out of 100; a profiles collection gets no grade column."""
    title = f"Pix — parcours « {choice.name} »"
    item: dict[str, Any] = {"type": "ltiResourceLink", "title": title, "url": launch_url,
                            "custom": {"campaign": choice.code}}
    if not choice.graded:
        item["text"] = (f"Collecte de profils (code {choice.code}) : chaque élève envoie son profil. "
                        "Pas de note dans le carnet.")
        return item
    item["custom"]["scale"] = Scale.MASTERY.value
    item["text"] = (f"Parcours d'évaluation (code {choice.code}). Note : taux de maîtrise des acquis visés, en %, "
                    "reçu quand l'élève envoie ses résultats.")
    item["lineItem"] = {"scoreMaximum": score_maximum(choice), "label": f"{title} — Maîtrise (%)",
                        "resourceId": f"pix-campaign-{choice.code}", "tag": f"pix-{Scale.MASTERY.value}"}
    return item


QUICK_TEST_CUSTOM = {"quicktest": "8"}


def quick_test_item(launch_url: str) -> dict[str, Any]:
    """"Essayez sans inscription": the 8-question test without results kept, so no grade column."""
    return {"type": "ltiResourceLink", "title": "Pix — Essayez sans inscription (8 questions)", "url": launch_url,
            "text": ("Un aperçu en 8 questions dans les 5 domaines du CRCN, avec un niveau estimé par domaine. "
                     "Rien n'est enregistré : pas de note dans le carnet."),
            "custom": dict(QUICK_TEST_CUSTOM)}


def content_item(choice: Choice, launch_url: str) -> dict[str, Any]:
    if choice.kind is TargetKind.CAMPAIGN:
        return campaign_item(choice, launch_url)
    maximum = score_maximum(choice)
    if choice.kind is TargetKind.PROFILE:
        title = "Pix — profil complet"
        text = (f"Positionnement sur les {COMPETENCE_COUNT} compétences du CRCN. "
                f"Note : total des pix sur {maximum}.")
        custom = {"profile": PROFILE_CODE, "scale": Scale.PIX.value}
        unit = "pix"
    else:
        title = f"Pix — {choice.code} {choice.name}"
        unit = "pix" if choice.scale is Scale.PIX else "niveau"
        text = (f"Test de positionnement adaptatif sur la compétence {choice.code} du CRCN. "
                f"Note : {unit} sur {maximum}.")
        custom = {"competence": choice.code, "scale": choice.scale.value}
    resource = f"pix-{choice.kind.value}-{choice.code}"
    return {
        "type": "ltiResourceLink", "title": title, "text": text, "url": launch_url, "custom": custom,
        "lineItem": {"scoreMaximum": maximum, "label": f"{title} ({unit})", "resourceId": resource,
                     "tag": f"pix-{choice.scale.value}"},
    }


def response_claims(*, client_id: str, platform_issuer: str, deployment_id: str, items: Sequence[dict[str, Any]],
                    settings: Mapping[str, Any], now: float | None = None) -> dict[str, Any]:
    now = time.time() if now is None else now
    count = len(items)
    claims: dict[str, Any] = {
        "iss": client_id, "aud": platform_issuer, "iat": int(now), "exp": int(now) + 300,
        "nonce": secrets.token_urlsafe(16),
        LTI + "deployment_id": deployment_id, LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0", DL + "content_items": list(items),
        DL + "msg": f"{count} activité{'s' if count > 1 else ''} Pix ajoutée{'s' if count > 1 else ''}.",
    }
    if "data" in settings:
        claims[DL + "data"] = settings["data"]
    return claims
