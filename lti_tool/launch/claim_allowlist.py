"""The claims of a launch that the tool keeps (in the short-lived launch record): an allowlist of what it uses,
so that whatever else a platform sends (email, picture, middle_name, lis.person_sourcedid, ext.user_username,
new claims...) is dropped at the door. Names and sub are read into the `LaunchMessage` fields, not kept here."""

from __future__ import annotations

from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

KEPT_CLAIMS = frozenset({
    LTI + "message_type", LTI + "version", LTI + "deployment_id", LTI + "target_link_uri",
    LTI + "resource_link", LTI + "context", LTI + "custom", LTI + "launch_presentation",
    DL + "deep_linking_settings", AGS_ENDPOINT, NRPS,
})


def kept_claims(claims: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in claims.items() if name in KEPT_CLAIMS}
