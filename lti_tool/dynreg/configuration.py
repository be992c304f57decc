"""The platform's OpenID configuration: fetched, then checked before anything is sent to the platform."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from lti_tool.dynreg.errors import RETRY_FROM_PLATFORM, RegistrationFailed

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class PlatformConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    scopes_supported: tuple[str, ...] | None
    messages_supported: tuple[str, ...] | None
    product_family_code: str | None
    version: str | None

    @property
    def is_moodle(self) -> bool:
        return (self.product_family_code or "").lower() == "moodle"


def is_local(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def check_url(url: Any, what: str) -> str:
    """An absolute HTTPS URL (plain HTTP accepted on localhost only)."""
    if not isinstance(url, str) or not url.strip():
        raise RegistrationFailed(400, "bad_configuration", f"La configuration de la plateforme n'indique pas {what}.",
                                 "Vérifiez la version de la plateforme, ou configurez l'outil à la main.")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (a malformed port raises ValueError)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RegistrationFailed(400, "bad_configuration", f"{what} n'est pas une adresse absolue : {url!r}.",
                                 "Vérifiez l'adresse du site (wwwroot) de la plateforme.")
    if parts.scheme == "http" and not is_local(url):
        raise RegistrationFailed(400, "insecure_endpoint", f"{what} n'est pas en HTTPS : {url}.",
                                 "La plateforme doit être servie en HTTPS (HTTP n'est accepté que sur localhost).")
    return url.strip()


def _origin(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port


def parse_configuration(config_url: str, raw: Any) -> PlatformConfiguration:
    if not isinstance(raw, dict):
        raise RegistrationFailed(400, "bad_configuration", "La configuration de la plateforme n'est pas un objet JSON.",
                                 "Vérifiez l'adresse de configuration fournie par la plateforme.")
    issuer = check_url(raw.get("issuer"), "l'émetteur (issuer)")
    if _origin(issuer) != _origin(config_url):
        raise RegistrationFailed(
            400, "issuer_mismatch",
            f"L'émetteur annoncé ({issuer}) n'est pas sur le même hôte que l'adresse de configuration ({config_url}).",
            "Par sécurité l'enregistrement est refusé. " + RETRY_FROM_PLATFORM)
    lti = raw.get(PLATFORM_CONFIGURATION) if isinstance(raw.get(PLATFORM_CONFIGURATION), dict) else {}
    family = lti.get("product_family_code") if isinstance(lti.get("product_family_code"), str) else None
    token_endpoint = check_url(raw.get("token_endpoint"), "le point d'accès des jetons (token_endpoint)")
    auth = raw.get("authorization_endpoint")
    if not auth and ((family or "").lower() == "moodle" or token_endpoint.endswith("/mod/lti/token.php")):
        auth = issuer.rstrip("/") + "/mod/lti/auth.php"  # older Moodles omit it
    scopes = raw.get("scopes_supported")
    messages = lti.get("messages_supported")
    message_types: tuple[str, ...] | None = None
    if isinstance(messages, list):
        message_types = tuple(m.get("type") if isinstance(m, dict) else m for m in messages
                              if isinstance(m, str) or (isinstance(m, dict) and isinstance(m.get("type"), str)))
    return PlatformConfiguration(
        issuer=issuer,  # kept exactly: launches compare their `iss` to it
        authorization_endpoint=check_url(auth, "le point d'accès d'authentification (authorization_endpoint)"),
        token_endpoint=token_endpoint,
        jwks_uri=check_url(raw.get("jwks_uri"), "les clés publiques (jwks_uri)"),
        registration_endpoint=check_url(raw.get("registration_endpoint"),
                                        "le point d'enregistrement (registration_endpoint)"),
        scopes_supported=tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else None,
        messages_supported=message_types,
        product_family_code=family,
        version=str(lti["version"]) if lti.get("version") is not None else None,
    )


UNREADABLE = ("La configuration de la plateforme n'a pas pu être lue à cette adresse.",
              "Vérifiez l'adresse d'enregistrement, que la plateforme est en ligne, puis recommencez depuis la "
              "plateforme.")


def unreadable(exc_code: str = "configuration_unreadable") -> RegistrationFailed:
    """One message for every way a configuration cannot be read (no answer, refused connection, timeout, error
    status, too large, not JSON): the page never tells an open port from a closed one."""
    return RegistrationFailed(400, exc_code, *UNREADABLE)


async def fetch_configuration(http: httpx.AsyncClient, config_url: str) -> PlatformConfiguration:
    config_url = check_url(config_url, "l'adresse de configuration (openid_configuration)")
    try:
        async with http.stream("GET", config_url, headers={"Accept": "application/json"}) as response:
            if response.status_code != 200:
                raise unreadable()
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BODY:
                    raise unreadable()
    except httpx.HTTPError as exc:
        raise unreadable() from exc
    try:
        raw = json.loads(bytes(body))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise unreadable() from exc
    return parse_configuration(config_url, raw)
