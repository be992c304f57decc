"""The SAML 2.0 service provider (pysaml2 + xmlsec1): SP metadata, signed AuthnRequests, verified assertions.

Everything here is synchronous (pysaml2 shells out to xmlsec1): web routes call it through run_in_threadpool.
The IdP metadata comes from a file (re-read when it changes) or a URL (re-fetched after a TTL), so a rotated
GAR certificate is picked up without a restart.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import logging
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, samlp
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.extension.algsupport import DigestMethod, SigningMethod
from saml2.md import EncryptionMethod
from saml2.metadata import entity_descriptor, metadata_tostring_fix
from saml2.s_utils import sid, success_status_factory
from saml2.saml import NAMEID_FORMAT_ENTITY, Issuer, NameID
from saml2.time_util import in_a_while, instant, str_to_time
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from ent_gar_connector.attributes import gar_attributes
from ent_gar_connector.response_shape import (
    ACCEPTED_DATA_ENCRYPTION,
    ACCEPTED_DIGESTS,
    ACCEPTED_KEY_TRANSPORT,
    ACCEPTED_SIGNATURES,
    ShapeRefused,
    inspect_response,
)
from ent_gar_connector.settings import GarSettings, sp_urls
from web.errors import LaunchRefused

log = logging.getLogger("ent_gar_connector")

RETRY = "Revenez dans le médiacentre de votre ENT et cliquez de nouveau sur la ressource."
ASK_ADMIN = "Signalez-le au référent numérique de votre établissement avec l'heure de l'essai."


class GarNotConfigured(LaunchRefused):
    def __init__(self, what: str) -> None:
        super().__init__(503, f"La connexion par le GAR n'est pas configurée ({what}).", ASK_ADMIN,
                         "gar_not_configured")


def refused(reason: str, code: str, status: int = 400) -> LaunchRefused:
    return LaunchRefused(status, reason, RETRY, code)


@dataclass(frozen=True)
class SamlSubject:
    """Who the IdP says logged in (the NameID, transient at the GAR) and the IdP session, for single logout."""

    name_id: str
    name_id_format: str | None
    name_qualifier: str | None
    sp_name_qualifier: str | None
    session_index: str | None


@dataclass(frozen=True)
class VerifiedAssertion:
    assertion_id: str
    not_on_or_after: datetime
    attributes: dict[str, list[str]]
    subject: SamlSubject | None = None


class IdpMetadataSource:
    """The IdP metadata XML and a stamp that changes when it does (file mtime/size, or URL content after a TTL)."""

    def __init__(self, settings: GarSettings, http_timeout: float = 10.0) -> None:
        self._settings = settings
        self._timeout = http_timeout
        self._xml: str | None = None
        self._stamp: str | None = None
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def current(self) -> tuple[str, str]:
        with self._lock:
            if self._settings.idp_metadata_file is not None:
                path = self._settings.idp_metadata_file
                try:
                    info = path.stat()
                except OSError as exc:
                    raise GarNotConfigured("métadonnées du GAR introuvables") from exc
                stamp = f"file:{path}:{info.st_mtime_ns}:{info.st_size}"
                if stamp != self._stamp:
                    self._xml, self._stamp = path.read_text(encoding="utf-8"), stamp
            elif self._settings.idp_metadata_url:
                if self._xml is None or time.monotonic() - self._fetched_at > self._settings.idp_metadata_ttl_seconds:
                    self._fetch(self._settings.idp_metadata_url)
            else:
                raise GarNotConfigured("PIX_LTI_GAR_IDP_METADATA_FILE ou PIX_LTI_GAR_IDP_METADATA_URL")
            assert self._xml is not None and self._stamp is not None
            return self._stamp, self._xml

    def _fetch(self, url: str) -> None:
        try:
            response = httpx.get(url, timeout=self._timeout, follow_redirects=True)
            response.raise_for_status()
            xml = response.text
            if "EntityDescriptor" not in xml:
                raise ValueError("not SAML metadata")
        except (httpx.HTTPError, ValueError) as exc:
            if self._xml is None:
                raise GarNotConfigured(f"métadonnées du GAR injoignables : {url}") from exc
            log.warning("GAR metadata refresh failed (%s); keeping the previous copy", exc)
            self._fetched_at = time.monotonic()
            return
        self._xml, self._fetched_at = xml, time.monotonic()
        self._stamp = "url:" + hashlib.sha256(xml.encode()).hexdigest()


class GarServiceProvider:
    def __init__(self, settings: GarSettings, base_url: str, metadata: IdpMetadataSource | None = None) -> None:
        self.settings = settings
        self.entity_id, self.login_url, self.acs_url, self.slo_url = sp_urls(base_url)
        self.metadata_source = metadata or IdpMetadataSource(settings)
        self._client: Saml2Client | None = None
        self._stamp: str | None = None
        self._lock = threading.Lock()

    # -- configuration -------------------------------------------------------------------------------------------
    def _config_dict(self, idp_xml: str | None) -> dict[str, Any]:
        key, cert = self.settings.sp_key_file, self.settings.sp_cert_file
        if not key.exists() or not cert.exists():
            raise GarNotConfigured("clé du fournisseur de service absente : lancez `pix-lti gar init`")
        xmlsec = self.settings.xmlsec_binary or shutil.which("xmlsec1")
        if not xmlsec:
            raise GarNotConfigured("programme xmlsec1 absent (paquet Debian xmlsec1)")
        conf: dict[str, Any] = {
            "entityid": self.entity_id,
            "xmlsec_binary": xmlsec,
            "key_file": str(key),
            "cert_file": str(cert),
            "encryption_keypairs": [{"key_file": str(key), "cert_file": str(cert)}],
            "allow_unknown_attributes": True,
            "accepted_time_diff": self.settings.clock_leeway_seconds,
            "service": {
                "sp": {
                    "name": "Pix LTI",
                    "endpoints": {"assertion_consumer_service": [(self.acs_url, BINDING_HTTP_POST)],
                                  "single_logout_service": [(self.slo_url, BINDING_HTTP_REDIRECT)]},
                    "allow_unsolicited": False,
                    "authn_requests_signed": True,
                    # The Response or the assertion must be signed (Shibboleth signs the Response by default,
                    # the GAR's pysaml2-like IdPs the assertion); response_shape checks what the signature covers.
                    "want_assertions_signed": False,
                    "want_assertions_or_response_signed": True,
                    "want_response_signed": self.settings.want_response_signed,
                    "logout_requests_signed": True,
                    "logout_responses_signed": True,
                    "signing_algorithm": SIG_RSA_SHA256,
                    "digest_algorithm": DIGEST_SHA256,
                },
            },
        }
        if idp_xml is not None:
            conf["metadata"] = {"inline": [idp_xml]}
        return conf

    def _saml_client(self) -> Saml2Client:
        stamp, xml = self.metadata_source.current()
        with self._lock:
            if self._client is None or stamp != self._stamp:
                config = SPConfig()
                try:
                    config.load(self._config_dict(xml))
                except LaunchRefused:
                    raise
                except Exception as exc:
                    log.error("GAR IdP metadata unusable: %s", exc)
                    raise GarNotConfigured("métadonnées du GAR illisibles") from exc
                self._client, self._stamp = Saml2Client(config), stamp
                log.info("GAR SAML client (re)built from %s", stamp.split(":", 1)[0])
            return self._client

    def idp_entity_id(self, client: Saml2Client) -> str:
        idps = sorted(client.metadata.identity_providers())
        wanted = self.settings.idp_entity_id
        if wanted:
            if wanted not in idps:
                raise GarNotConfigured(f"fournisseur d'identité {wanted} absent des métadonnées")
            return wanted
        if len(idps) != 1:
            raise GarNotConfigured("les métadonnées doivent décrire un seul fournisseur d'identité "
                                   "(sinon PIX_LTI_GAR_IDP_ENTITY_ID)")
        return idps[0]

    # -- the three operations ------------------------------------------------------------------------------------
    def sp_metadata(self) -> str:
        """pysaml2's SP metadata, advertising only the algorithms the tool accepts (pysaml2 lists everything
        xmlsec1 can do, MD5 and SHA-1 included) and the encryption methods it can decrypt."""
        config = SPConfig()
        config.load(self._config_dict(None))
        descriptor = entity_descriptor(config)
        if descriptor.extensions is not None:
            descriptor.extensions.extension_elements = []
            descriptor.extensions.extension_attributes = {}
        else:
            from saml2.md import Extensions

            descriptor.extensions = Extensions()
        for algorithm in ACCEPTED_DIGESTS:
            descriptor.extensions.add_extension_element(DigestMethod(algorithm=algorithm))
        for algorithm in ACCEPTED_SIGNATURES:
            descriptor.extensions.add_extension_element(SigningMethod(algorithm=algorithm))
        # Asked for, though either signature is accepted: a signed assertion stays signed once decrypted.
        descriptor.spsso_descriptor.want_assertions_signed = "true"
        for key in descriptor.spsso_descriptor.key_descriptor:
            if key.use == "encryption":
                key.encryption_method = [EncryptionMethod(algorithm=a)
                                         for a in ACCEPTED_DATA_ENCRYPTION + ACCEPTED_KEY_TRANSPORT]
        xml = metadata_tostring_fix(descriptor, {"xs": "http://www.w3.org/2001/XMLSchema"}, None)
        return xml.decode("utf-8") if isinstance(xml, bytes) else xml

    def authn_request(self, relay_state: str) -> tuple[str, str]:
        """(request id, URL of the IdP with the signed AuthnRequest: HTTP-Redirect binding)."""
        client = self._saml_client()
        request_id, info = client.prepare_for_authenticate(
            entityid=self.idp_entity_id(client), relay_state=relay_state, binding=BINDING_HTTP_REDIRECT,
            sign=True, sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
        )
        location = dict(info["headers"])["Location"]
        return request_id, location

    def verify_response(self, saml_response: str, request_id: str) -> VerifiedAssertion:
        """Shape (one assertion, signatures where SAML puts them), signature on the Response or the assertion
        (SHA-2), decryption, issuer, audience, destination, recipient, validity window and InResponseTo."""
        try:
            shape = inspect_response(base64.b64decode(saml_response, validate=False))
        except (binascii.Error, ValueError) as exc:
            raise refused("La réponse du GAR est illisible.", "gar_bad_response") from exc
        except ShapeRefused as exc:
            raise refused(exc.reason, exc.code) from exc
        client = self._saml_client()
        try:
            response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST,
                                                           outstanding={request_id: "/"})
        except LaunchRefused:
            raise
        except Exception as exc:  # pysaml2 raises many types: each is a refusal, never a 5xx
            log.info("GAR response refused by pysaml2: %s: %s", type(exc).__name__, exc)
            raise _explain(exc) from exc
        if response is None or response.assertion is None:
            raise refused("La réponse du GAR ne contient pas d'assertion valide.", "gar_invalid_response")
        message = response.response
        if message.destination != self.acs_url:
            raise refused("La réponse du GAR n'est pas adressée à ce service.", "gar_wrong_destination")
        if message.in_response_to != request_id:
            raise refused("La réponse du GAR ne correspond pas à votre demande de connexion.", "gar_unsolicited")
        # After decryption pysaml2 keeps the decrypted assertion in `response.assertions` (and `assertion`),
        # not in `response.response.assertion`: count there.
        if len(response.assertions) != 1:
            raise refused("La réponse du GAR contient plusieurs assertions.", "gar_invalid_response")
        assertion = response.assertion
        _check_assertion_signature(assertion, signed_response=shape.response_signed)
        if assertion.issuer is None or assertion.issuer.text != self.idp_entity_id(client):
            raise refused("L'assertion ne vient pas du GAR.", "gar_wrong_issuer")
        conditions = assertion.conditions
        if conditions is None or not conditions.not_on_or_after:
            raise refused("L'assertion du GAR n'a pas de date d'expiration.", "gar_invalid_response")
        expires = datetime.fromtimestamp(time_to_epoch(conditions.not_on_or_after), UTC)
        return VerifiedAssertion(assertion.id, expires, _attributes(assertion), _subject(assertion))

    def idp_single_logout(self) -> tuple[str, str | None] | None:
        """(Location, ResponseLocation) of the IdP's HTTP-Redirect SingleLogoutService, None when it has none."""
        client = self._saml_client()
        services = client.metadata.single_logout_service(self.idp_entity_id(client), BINDING_HTTP_REDIRECT,
                                                         "idpsso")
        for service in services or []:  # pysaml2: a list of dicts for the binding asked
            if service.get("location"):
                return service["location"], service.get("response_location")
        return None

    def idp_signing_certificates(self) -> list[str]:
        """The IdP's signing certificates (base64 DER) from the current metadata."""
        client = self._saml_client()
        return [cert for _, cert in client.metadata.certs(self.idp_entity_id(client), "idpsso", "signing")]

    def signed_redirect(self, location: str, message: str, relay_state: str, response: bool) -> str:
        """The URL carrying `message` with the HTTP-Redirect binding, signed RSA-SHA256 with the SP key."""
        client = self._saml_client()
        info = client.apply_binding(BINDING_HTTP_REDIRECT, message, location, relay_state, response=response,
                                    sign=True, sigalg=SIG_RSA_SHA256)
        return dict(info["headers"])["Location"]

    def client(self) -> Saml2Client:
        return self._saml_client()

    def logout_request_url(self, subject: SamlSubject, relay_state: str = "") -> tuple[str, str] | None:
        """(request id, URL of the IdP's SingleLogoutService with the tool's signed LogoutRequest), None when
        the IdP has no HTTP-Redirect SingleLogoutService."""
        service = self.idp_single_logout()
        if service is None:
            return None
        client = self._saml_client()
        name_id = NameID(text=subject.name_id, format=subject.name_id_format, name_qualifier=subject.name_qualifier,
                         sp_name_qualifier=subject.sp_name_qualifier)
        request_id, request = client.create_logout_request(
            service[0], self.idp_entity_id(client), name_id=name_id,
            session_indexes=[subject.session_index] if subject.session_index else None, sign=False,
            expire=in_a_while(minutes=5))
        return request_id, self.signed_redirect(service[0], str(request), relay_state, response=False)

    def logout_response_url(self, in_response_to: str, relay_state: str | None) -> str | None:
        """URL of the IdP's SingleLogoutService (ResponseLocation first) with a signed, successful LogoutResponse."""
        service = self.idp_single_logout()
        if service is None:
            return None
        destination = service[1] or service[0]
        response = samlp.LogoutResponse(
            id=sid(), version="2.0", issue_instant=instant(), destination=destination, in_response_to=in_response_to,
            issuer=Issuer(text=self.entity_id, format=NAMEID_FORMAT_ENTITY), status=success_status_factory())
        return self.signed_redirect(destination, str(response), relay_state or "", response=True)


def _explain(exc: Exception) -> LaunchRefused:
    """A precise French reason for what pysaml2 refused."""
    name, text = type(exc).__name__, str(exc)
    if name == "SignatureError" or (name == "SigverError" and "signed" in text):
        return refused("La signature de la réponse du GAR est absente ou invalide.", "gar_bad_signature")
    if name == "UnsolicitedResponse":
        return refused("La réponse du GAR ne correspond pas à votre demande de connexion.", "gar_unsolicited")
    if "AudienceRestriction" in text:
        return refused("Cette assertion du GAR est destinée à une autre ressource.", "gar_wrong_audience")
    if name in {"VerificationError", "ToEarly", "TooEarly", "ResponseLifetimeExceed"} or "Condition" in text:
        return refused("L'assertion du GAR n'est pas (ou plus) valide à cette heure : vérifiez l'horloge ou "
                       "reconnectez-vous.", "gar_expired")
    return refused("La réponse du GAR n'a pas pu être vérifiée.", "gar_invalid_response")


def time_to_epoch(text: str) -> float:
    return float(calendar.timegm(str_to_time(text)))


def _check_assertion_signature(assertion: Any, signed_response: bool) -> None:
    """The assertion as the tool reads it (decrypted if it was encrypted): signed itself when the Response is
    not, and any signature it carries with SHA-2 (pysaml2 has verified it)."""
    signature = assertion.signature
    if signature is None:
        if not signed_response:
            raise refused("La réponse du GAR n'est pas signée (ni la réponse, ni l'assertion).", "gar_bad_signature")
        return
    method = signature.signed_info.signature_method.algorithm
    digests = {ref.digest_method.algorithm for ref in signature.signed_info.reference}
    if method not in ACCEPTED_SIGNATURES or not digests or not digests <= set(ACCEPTED_DIGESTS):
        raise refused("La signature du GAR utilise un algorithme refusé (SHA-256 attendu).", "gar_weak_signature")


def _attributes(assertion: Any) -> dict[str, list[str]]:
    return gar_attributes(
        (attribute.name, attribute.friendly_name, [v.text or "" for v in attribute.attribute_value])
        for statement in assertion.attribute_statement for attribute in statement.attribute
    )


def _subject(assertion: Any) -> SamlSubject | None:
    name_id = assertion.subject.name_id if assertion.subject is not None else None
    if name_id is None or not (name_id.text or "").strip():
        return None
    sessions = [s.session_index for s in assertion.authn_statement if s.session_index]
    return SamlSubject(name_id.text.strip(), name_id.format, name_id.name_qualifier, name_id.sp_name_qualifier,
                       sessions[0] if sessions else None)
