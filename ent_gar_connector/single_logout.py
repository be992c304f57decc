"""SAML single logout messages on the HTTP-Redirect binding (front-channel): read, check, and nothing else.

A LogoutRequest (the ENT logs the person out everywhere) or a LogoutResponse (the answer to the tool's own
LogoutRequest) arrives as `?SAMLRequest|SAMLResponse=…&RelayState=…&SigAlg=…&Signature=…`. Both must be
signed by the IdP (SAML bindings §3.4.4.1: the signature covers the query parameters exactly as sent, so they
are read from the raw query string), with RSA-SHA256 or stronger, by a key of the IdP's metadata; issuer,
destination and validity window are checked. Building and signing the tool's own messages is pysaml2's job
(`GarServiceProvider.signed_redirect`).
"""

from __future__ import annotations

import base64
import binascii
import calendar
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote_plus
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from saml2.time_util import str_to_time
from saml2.xmldsig import SIG_RSA_SHA256, SIG_RSA_SHA384, SIG_RSA_SHA512

SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
HASHES = {SIG_RSA_SHA256: hashes.SHA256, SIG_RSA_SHA384: hashes.SHA384, SIG_RSA_SHA512: hashes.SHA512}
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
MAX_MESSAGE_BYTES = 64 * 1024


class LogoutRefused(Exception):
    def __init__(self, reason: str, code: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.reason, self.code = reason, code


@dataclass(frozen=True)
class RedirectMessage:
    kind: str  # "SAMLRequest" or "SAMLResponse"
    root: Element
    relay_state: str | None


@dataclass(frozen=True)
class LogoutRequestMessage:
    id: str
    name_id: str
    session_indexes: tuple[str, ...]


@dataclass(frozen=True)
class LogoutResponseMessage:
    in_response_to: str
    success: bool


def _raw_params(raw_query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in raw_query.split("&"):
        name, sep, value = part.partition("=")
        if not sep:
            continue
        if name in params:
            raise LogoutRefused("Le message de déconnexion du GAR est mal formé (paramètre répété).", "gar_bad_logout")
        params[name] = value
    return params


def verify_signature(signed: bytes, sigalg: str, signature: bytes, certificates: list[str]) -> bool:
    """RSA PKCS#1 v1.5 with SHA-256/384/512 by one of the IdP's certificates (base64 DER, from its metadata)."""
    algorithm = HASHES.get(sigalg)
    if algorithm is None:
        return False
    for text in certificates:
        try:
            key = x509.load_der_x509_certificate(base64.b64decode("".join(text.split()))).public_key()
        except (ValueError, binascii.Error):
            continue
        if not isinstance(key, rsa.RSAPublicKey):
            continue
        try:
            key.verify(signature, signed, padding.PKCS1v15(), algorithm())
            return True
        except InvalidSignature:
            continue
    return False


def read_redirect(raw_query: str, certificates: list[str]) -> RedirectMessage:
    """The signed SAML message of an HTTP-Redirect query string, or a refusal."""
    params = _raw_params(raw_query)
    kinds = [k for k in ("SAMLRequest", "SAMLResponse") if k in params]
    if len(kinds) != 1:
        raise LogoutRefused("Aucun message de déconnexion du GAR n'a été reçu.", "gar_bad_logout")
    kind = kinds[0]
    if "Signature" not in params or "SigAlg" not in params:
        raise LogoutRefused("Le message de déconnexion du GAR n'est pas signé.", "gar_logout_unsigned")
    sigalg = unquote_plus(params["SigAlg"])
    if sigalg not in HASHES:
        raise LogoutRefused("Le message de déconnexion du GAR est signé avec un algorithme refusé (SHA-256 attendu).",
                            "gar_weak_signature")
    signed = "&".join(f"{name}={params[name]}" for name in (kind, "RelayState", "SigAlg") if name in params)
    try:
        signature = base64.b64decode(unquote_plus(params["Signature"]), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise LogoutRefused("La signature du message de déconnexion du GAR est illisible.",
                            "gar_bad_signature") from exc
    if not verify_signature(signed.encode("ascii", "replace"), sigalg, signature, certificates):
        raise LogoutRefused("La signature du message de déconnexion du GAR est invalide.", "gar_bad_signature")
    try:
        deflated = base64.b64decode(unquote_plus(params[kind]), validate=True)
        inflater = zlib.decompressobj(-15)
        xml = inflater.decompress(deflated, MAX_MESSAGE_BYTES)
        if inflater.unconsumed_tail:
            raise ValueError("too large")
        root = SafeET.fromstring(xml)
    except Exception as exc:  # base64, zlib, XML, defusedxml's refusals of DTDs and entities
        raise LogoutRefused("Le message de déconnexion du GAR est illisible.", "gar_bad_logout") from exc
    relay = unquote_plus(params["RelayState"]) if "RelayState" in params else None
    return RedirectMessage(kind, root, relay)


def _epoch(text: str) -> float:
    return float(calendar.timegm(str_to_time(text)))


def _common_checks(root: Element, tag: str, idp_entity_id: str, destination: str, now: datetime,
                   leeway_seconds: int) -> None:
    if root.tag != SAMLP + tag or root.get("Version") != "2.0" or not root.get("ID"):
        raise LogoutRefused("Le message de déconnexion du GAR est mal formé.", "gar_bad_logout")
    issuer = root.find(SAML + "Issuer")
    if issuer is None or (issuer.text or "").strip() != idp_entity_id:
        raise LogoutRefused("Le message de déconnexion ne vient pas du GAR.", "gar_wrong_issuer")
    if root.get("Destination") != destination:  # required on a signed message (SAML bindings §3.4.5.2)
        raise LogoutRefused("Le message de déconnexion du GAR n'est pas adressé à ce service.",
                            "gar_wrong_destination")
    try:
        issued = _epoch(root.get("IssueInstant") or "")
        expires = _epoch(root.get("NotOnOrAfter")) if root.get("NotOnOrAfter") else None
    except (ValueError, TypeError) as exc:
        raise LogoutRefused("Le message de déconnexion du GAR est mal daté.", "gar_bad_logout") from exc
    moment = now.timestamp()
    if issued > moment + leeway_seconds or (expires is not None and expires <= moment - leeway_seconds):
        raise LogoutRefused("Le message de déconnexion du GAR n'est pas (ou plus) valide à cette heure.",
                            "gar_expired")


def logout_request(message: RedirectMessage, idp_entity_id: str, destination: str, leeway_seconds: int,
                   now: datetime | None = None) -> LogoutRequestMessage:
    root = message.root
    _common_checks(root, "LogoutRequest", idp_entity_id, destination, now or datetime.now(UTC), leeway_seconds)
    name_id = root.find(SAML + "NameID")
    if name_id is None or not (name_id.text or "").strip():
        raise LogoutRefused("La demande de déconnexion du GAR ne dit pas qui déconnecter.", "gar_bad_logout")
    indexes = tuple((e.text or "").strip() for e in root.findall(SAMLP + "SessionIndex") if (e.text or "").strip())
    return LogoutRequestMessage(root.get("ID") or "", name_id.text.strip(), indexes)


def logout_response(message: RedirectMessage, idp_entity_id: str, destination: str, leeway_seconds: int,
                    now: datetime | None = None) -> LogoutResponseMessage:
    root = message.root
    _common_checks(root, "LogoutResponse", idp_entity_id, destination, now or datetime.now(UTC), leeway_seconds)
    in_response_to = root.get("InResponseTo")
    if not in_response_to:
        raise LogoutRefused("Cette réponse de déconnexion n'a pas été demandée par ce service.",
                            "gar_logout_unsolicited")
    code = root.find(f"{SAMLP}Status/{SAMLP}StatusCode")
    return LogoutResponseMessage(in_response_to, code is not None and code.get("Value") == SUCCESS)
