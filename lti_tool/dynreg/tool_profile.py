"""What the tool declares to a platform: URLs derived from its public base URL, scopes, claims, messages.
The single source for dynamic registration, `pix-lti moodle-config` and the Moodle admin documentation."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

CLIENT_NAME = "Pix LTI"
DESCRIPTION = "Tests de positionnement CRCN (compétences numériques) adaptatifs, niveaux et profils."

SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_LINEITEM_RO = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCOPES = (SCOPE_LINEITEM, SCOPE_LINEITEM_RO, SCOPE_RESULT, SCOPE_SCORE, SCOPE_NRPS)

# Names are shown to teachers; the email is never asked for (identity is issuer + sub).
CLAIMS = ("iss", "sub", "name", "given_name", "family_name")
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
# Substituted by the platform at launch: keeps activities attached to their course across course copies.
CUSTOM_PARAMETERS = {"context_history": "$Context.id.history"}


def domain_of(url: str) -> str:
    """Host as written, with its port when one is written, without a leading ``www.``: what Moodle extracts from
    the target link URI (LTI_URL_DOMAIN_REGEX) and compares, as a string, with the declared domain."""
    netloc = urlsplit(url).netloc.rsplit("@", 1)[-1]
    return netloc[4:] if netloc[:4].lower() == "www." else netloc


def tool_name(base_url: str, configured: str = "") -> str:
    """The name a platform shows for the tool: the configured one, else "Pix LTI (host)" so that several
    instances registered on one platform can be told apart."""
    configured = " ".join(configured.split())[:100]
    return configured or f"{CLIENT_NAME} ({domain_of(base_url.rstrip('/'))})"


@dataclass(frozen=True)
class ToolUrls:
    base_url: str
    name: str = ""  # PIX_LTI_DYNREG_TOOL_NAME; empty: "Pix LTI (host)"

    @property
    def client_name(self) -> str:
        return tool_name(self.base_url, self.name)

    @property
    def base(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def target_link_uri(self) -> str:
        return self.base + "/lti/launch"

    @property
    def login_uri(self) -> str:
        return self.base + "/lti/login"

    @property
    def redirect_uris(self) -> list[str]:
        return [self.target_link_uri]

    @property
    def jwks_uri(self) -> str:
        return self.base + "/lti/jwks"

    @property
    def registration_url(self) -> str:
        return self.base + "/lti/register"

    @property
    def deep_linking_uri(self) -> str:
        return self.target_link_uri

    @property
    def domain(self) -> str:
        return domain_of(self.base)
