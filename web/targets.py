"""What an activity targets, read from its custom parameters, in the session's language (French first); the words
are the catalogues' `target.*` and `role.*` entries (web/locales)."""

from __future__ import annotations

import re

from web.i18n import translator

_CRCN = re.compile(r"^[1-5]\.[1-4]$")


def describe_target(custom: dict[str, str], locale: str = "fr") -> str:
    t = translator(locale)
    competence = custom.get("competence", "").strip()
    if competence:
        key = "competence" if _CRCN.match(competence) else "bad_competence"
        return t(f"target.{key}", code=competence)
    for key in ("profile", "campaign", "quicktest"):
        if value := custom.get(key, "").strip():
            return t(f"target.{key}", code=value)
    return t("target.none")


def role_label(role: str, locale: str = "fr") -> str:
    label = translator(locale)(f"role.{role}")
    return role if label == f"role.{role}" else label
