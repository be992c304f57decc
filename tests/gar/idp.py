"""A real pysaml2 identity provider standing in for the GAR: it reads the SP's AuthnRequest from the redirect
URL and answers with a genuinely signed SAML Response (RSA-SHA256), like the médiacentre does."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAMEID_FORMAT_TRANSIENT
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from ent_gar_connector.sp_keys import generate_key_pair

IDP_ENTITY = "https://idp-auth.gar.test/idp"
SSO_URL = "https://idp-auth.gar.test/idp/profile/SAML2/Redirect/SSO"
SLO_URL = "https://idp-auth.gar.test/idp/profile/SAML2/Redirect/SLO"


class GarIdp:
    def __init__(self, directory: Path, sp_metadata_xml: str, lifetime_minutes: int = 5,
                 entity_id: str = IDP_ENTITY, other_sp_metadata: tuple[str, ...] = ()) -> None:
        self.key, self.cert = directory / "idp-key.pem", directory / "idp-cert.pem"
        generate_key_pair(self.key, self.cert, "idp-gar-test", days=30)
        self.entity_id = entity_id
        config = IdPConfig()
        config.load({
            "entityid": entity_id,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": str(self.key),
            "cert_file": str(self.cert),
            "metadata": {"inline": [sp_metadata_xml, *other_sp_metadata]},
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT)],
                              "single_logout_service": [(SLO_URL, BINDING_HTTP_REDIRECT)]},
                "policy": {"default": {"lifetime": {"minutes": lifetime_minutes}, "attribute_restrictions": None,
                                       "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"}},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            }},
        })
        self.config = config
        self.server = Server(config=config)

    def metadata_xml(self) -> str:
        return create_metadata_string(None, self.config, valid=None, sign=False).decode("utf-8")

    def read_request(self, location: str) -> tuple[str, str, str]:
        """(request id, ACS URL asked for, RelayState) from the SP's redirect to the SSO URL."""
        assert location.startswith(SSO_URL), location
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        assert query["SigAlg"] == SIG_RSA_SHA256
        request = self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        return request.message.id, request.message.assertion_consumer_service_url, query.get("RelayState", "")

    def response_xml(self, request_id: str, acs_url: str, sp_entity: str, attributes: dict[str, Any],
                     destination: str | None = None, audience: str | None = None, sign_response: bool = True,
                     sign_assertion: bool = True, sign_alg: str = SIG_RSA_SHA256,
                     digest_alg: str = DIGEST_SHA256) -> str:
        response = self.server.create_authn_response(
            identity=attributes, in_response_to=request_id, destination=destination or acs_url,
            sp_entity_id=audience or sp_entity, userid=str(attributes.get("IDO", "x")),
            name_id=None, authn={"class_ref": AUTHN_PASSWORD_PROTECTED, "authn_auth": self.entity_id},
            sign_response=sign_response, sign_assertion=sign_assertion,
            sign_alg=sign_alg, digest_alg=digest_alg,
        )
        return str(response)


def encode(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


__all__ = ["GarIdp", "encode", "BINDING_HTTP_POST"]
