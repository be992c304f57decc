"""Where the worker may send a platform's bearer token: AGS line items and scores, NRPS memberships (and their
`next` pages) only on the host of the registration's issuer or token endpoint, or on a host of
`PIX_LTI_GRADES_SERVICE_HOSTS` (`host` or `*.domain`, space-separated). The launch claims name these URLs, so a
URL elsewhere is refused before any token is asked for or sent: the delivery becomes a dead letter that says why."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from lti_tool.grades.errors import DeliveryError
from lti_tool.launch.return_url import host_matches


@dataclass(frozen=True)
class ServicePlatform:
    issuer: str
    token_url: str


def _parts(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a malformed port raises ValueError)
    except ValueError:
        return "", ""
    return parts.scheme.lower(), (parts.hostname or "").lower()


def check_service_url(url: object, platform: ServicePlatform, allowed_hosts: tuple[str, ...] = ()) -> str:
    """The URL when the platform's token may be sent to it; a final DeliveryError (dead letter) otherwise."""
    if not isinstance(url, str) or len(url) > 2048 or any(ord(c) <= 0x20 for c in url):
        raise DeliveryError("adresse de service refusée : adresse invalide", retryable=False)
    scheme, host = _parts(url)
    own = {h for h in (_parts(platform.issuer)[1], _parts(platform.token_url)[1]) if h}
    if scheme not in ("https", "http") or not host:
        raise DeliveryError("adresse de service refusée : ce n'est pas une adresse http(s) absolue", retryable=False)
    if scheme == "http" and _parts(platform.token_url)[0] != "http":
        raise DeliveryError(f"adresse de service refusée : {host} n'est pas en https", retryable=False)
    if host not in own and not host_matches(host, allowed_hosts):
        raise DeliveryError(f"adresse de service refusée : l'hôte {host} n'est pas celui de la plateforme "
                            f"({', '.join(sorted(own))}) ; aucun jeton n'a été envoyé (PIX_LTI_GRADES_SERVICE_HOSTS "
                            "pour l'autoriser)", retryable=False)
    return url
