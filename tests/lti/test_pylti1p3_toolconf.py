"""pylti1p3 over the database: a deep-linking response built with pylti1p3's DeepLink is signed with
the tool's current key and verifies, on the platform side, against the tool's published JWKS."""

from __future__ import annotations

from jose import jwt
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource

from lti_tool.launch.tool_conf import DbToolConf
from tests.lti.conftest import Tool


def test_deep_link_response_verifies_against_tool_jwks(tool: Tool) -> None:
    conf = DbToolConf(tool.sessions())
    p = tool.platform
    registration = conf.find_registration_by_params(p.issuer, p.client_id)
    assert conf.find_deployment_by_params(p.issuer, p.deployment_id, p.client_id) is not None
    assert conf.find_deployment_by_params(p.issuer, "unknown", p.client_id) is None
    deep_link = DeepLink(registration, p.deployment_id, {"deep_link_return_url": p.issuer + "/dl", "data": "d1"})
    resource = DeepLinkResource().set_url("http://localhost/lti/launch").set_title("Compétence 1.1")
    resource.set_custom_params({"competence": "1.1"})
    token = deep_link.get_response_jwt([resource])

    jwks = tool.client.get("/lti/jwks").json()  # what the platform fetches
    header = jwt.get_unverified_header(token)
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=p.issuer, issuer=p.client_id)
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "d1"
    item = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"][0]
    assert item["title"] == "Compétence 1.1" and item["custom"] == {"competence": "1.1"}
