"""Where a deep-linking response may be posted: the `deep_link_return_url` of an LtiDeepLinkingRequest becomes the
action of an auto-submitted form, so it is checked like any untrusted URL before the launch is accepted.

Accepted: an absolute `https:` URL (plain `http:` only to a loopback host while the tool itself runs in development,
on `http:`), without credentials, whose host is one of the registration's own hosts (issuer, login, token and key
set URLs) or matches the allow-list `PIX_LTI_DEEP_LINK_RETURN_HOSTS` (`host` or `*.domain`, space-separated)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from lti_tool.registrations import RegistrationView
from web.errors import ASK_ADMIN, LaunchRefused

MAX_RETURN_URL_LENGTH = 2048


@dataclass(frozen=True)
class ReturnUrlPolicy:
    allowed_hosts: tuple[str, ...] = ()
    allow_loopback_http: bool = False

    @classmethod
    def from_settings(cls, allowed_hosts: str, tool_base_url: str) -> ReturnUrlPolicy:
        return cls(tuple(allowed_hosts.lower().replace(",", " ").split()),
                   allow_loopback_http=tool_base_url.lower().startswith("http://"))


def is_loopback(host: str) -> bool:
    host = host.lower().strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    host = host.lower()
    return any(host == p or (p.startswith("*.") and host.endswith(p[1:])) for p in patterns)


def registration_hosts(registration: RegistrationView) -> set[str]:
    urls = (registration.issuer, registration.auth_login_url, registration.auth_token_url, registration.keyset_url)
    return {h for h in ((urlsplit(u).hostname or "").lower() for u in urls) if h}


def refused(reason: str) -> LaunchRefused:
    return LaunchRefused(400, f"L'adresse de retour de la sélection de contenu est refusée : {reason}.", ASK_ADMIN,
                         "bad_return_url")


def check_return_url(url: str, registration: RegistrationView, policy: ReturnUrlPolicy) -> str:
    """The return URL, or a refusal (a French reason, never the URL itself: it is untrusted)."""
    if len(url) > MAX_RETURN_URL_LENGTH or any(ord(c) <= 0x20 or c == "\x7f" for c in url):
        raise refused("elle est trop longue ou contient des caractères interdits")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (a malformed port raises ValueError)
    except ValueError as exc:
        raise refused("elle est mal formée") from exc
    if parts.scheme not in ("https", "http") or not host:
        raise refused("seules les adresses https:// sont acceptées")
    if parts.username is not None or parts.password is not None:
        raise refused("elle contient un identifiant ou un mot de passe")
    if parts.scheme == "http" and not (policy.allow_loopback_http and is_loopback(host)):
        raise refused("elle n'est pas en https://")
    if host not in registration_hosts(registration) and not host_matches(host, policy.allowed_hosts):
        raise refused("elle n'est pas sur le serveur de la plateforme enregistrée")
    return url
