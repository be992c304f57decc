"""The tool's client registration (OpenID Connect Dynamic Client Registration + LTI tool configuration)."""

from __future__ import annotations

from typing import Any

from lti_tool.dynreg.configuration import PlatformConfiguration
from lti_tool.dynreg.tool_profile import (
    CLAIMS,
    CUSTOM_PARAMETERS,
    DEEP_LINKING,
    DESCRIPTION,
    RESOURCE_LINK,
    SCOPES,
    ToolUrls,
)

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


def requested_scopes(platform: PlatformConfiguration) -> list[str]:
    """AGS and NRPS scopes, limited to those the platform says it supports (when it says)."""
    if platform.scopes_supported is None:
        return list(SCOPES)
    return [s for s in SCOPES if s in platform.scopes_supported]


def build_registration(urls: ToolUrls, platform: PlatformConfiguration) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"type": RESOURCE_LINK, "target_link_uri": urls.target_link_uri,
                                       "label": urls.client_name}]
    if platform.messages_supported is None or DEEP_LINKING in platform.messages_supported:
        messages.append({"type": DEEP_LINKING, "target_link_uri": urls.deep_linking_uri,
                         "label": "Ajouter un test Pix"})
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login_uri,
        "redirect_uris": urls.redirect_uris,
        "client_name": urls.client_name,
        "jwks_uri": urls.jwks_uri,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(requested_scopes(platform)),
        TOOL_CONFIGURATION: {
            "domain": urls.domain,
            "description": DESCRIPTION,
            "target_link_uri": urls.target_link_uri,
            "custom_parameters": dict(CUSTOM_PARAMETERS),
            "claims": list(CLAIMS),
            "messages": messages,
        },
    }
