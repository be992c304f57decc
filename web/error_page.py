"""The page of a request that cannot be served at all (body too large, a dependency down): rendered without the
application's state (no database, no session), in French, or in English when the browser asks for it first."""

from __future__ import annotations

from starlette.datastructures import Headers

from web.i18n import translator
from web.locale import accept_language
from web.pages import TEMPLATES


def locale_from(headers: Headers) -> str:
    """The language the browser prefers (`Accept-Language`) when it is one of ours; French otherwise."""
    return accept_language(headers.get("accept-language"))


def error_html(locale: str, kind: str, code: str, **values: object) -> str:
    t = translator(locale)
    return TEMPLATES.env.get_template("erreur.html").render(
        lang=t("lang"), title=t(f"edge.{kind}.title"), reason=t(f"edge.{kind}.reason", **values),
        advice=t(f"edge.{kind}.advice"), why_label=t("edge.why"), what_label=t("edge.what"), code=code,
        code_label=t("error.code", code=code),
    )
