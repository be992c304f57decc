"""What a SAML Response must look like before its signatures are checked (pure: XML in, facts or a refusal out).

pysaml2 verifies the signatures; this module makes sure the signatures it verifies cover what the tool then
reads. XML signature wrapping moves a signed element elsewhere in the document and puts an unsigned one where
the reader looks: so exactly one assertion (clear or encrypted), a direct child of the Response; no assertion
anywhere else; a signature only where SAML puts one (directly in the Response or in that assertion),
referencing its parent's ID; no duplicate IDs. Algorithms: RSA with SHA-256 or stronger; encryption with AES
(CBC or GCM) and RSA-OAEP key transport, nothing else (no RSA PKCS#1 v1.5 key transport).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from saml2.xmldsig import DIGEST_SHA256, DIGEST_SHA384, DIGEST_SHA512, SIG_RSA_SHA256, SIG_RSA_SHA384, SIG_RSA_SHA512

SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
XENC = "{http://www.w3.org/2001/04/xmlenc#}"

ACCEPTED_SIGNATURES = (SIG_RSA_SHA256, SIG_RSA_SHA384, SIG_RSA_SHA512)
ACCEPTED_DIGESTS = (DIGEST_SHA256, DIGEST_SHA384, DIGEST_SHA512)
AES_CBC = ("http://www.w3.org/2001/04/xmlenc#aes128-cbc", "http://www.w3.org/2001/04/xmlenc#aes256-cbc")
AES_GCM = ("http://www.w3.org/2009/xmlenc11#aes128-gcm", "http://www.w3.org/2009/xmlenc11#aes256-gcm")
ACCEPTED_DATA_ENCRYPTION = AES_GCM + AES_CBC
ACCEPTED_KEY_TRANSPORT = ("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",)


class ShapeRefused(Exception):
    def __init__(self, reason: str, code: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.reason, self.code = reason, code


WRAPPED = ShapeRefused("La signature de la réponse du GAR est absente ou invalide (élément signé déplacé).",
                       "gar_bad_signature")
WEAK = ShapeRefused("La signature du GAR utilise un algorithme refusé (SHA-256 attendu).", "gar_weak_signature")


@dataclass(frozen=True)
class ResponseShape:
    response_id: str
    response_signed: bool
    assertion_signed: bool  # False for an encrypted assertion: its signature is checked once decrypted
    encrypted: bool


def check_signature_element(signature: Element, parent_id: str | None) -> None:
    """One Reference, to the enclosing element's ID; RSA-SHA2 signature, SHA-2 digest."""
    signed_info = signature.find(DS + "SignedInfo")
    if signed_info is None or not parent_id:
        raise WRAPPED
    references = signed_info.findall(DS + "Reference")
    if len(references) != 1 or references[0].get("URI") != "#" + parent_id:
        raise WRAPPED
    method = signed_info.find(DS + "SignatureMethod")
    digest = references[0].find(DS + "DigestMethod")
    if method is None or method.get("Algorithm") not in ACCEPTED_SIGNATURES:
        raise WEAK
    if digest is None or digest.get("Algorithm") not in ACCEPTED_DIGESTS:
        raise WEAK


def _check_encryption(encrypted_assertion: Element) -> None:
    weak = ShapeRefused("L'assertion du GAR est chiffrée avec un algorithme refusé (AES avec RSA-OAEP attendu).",
                        "gar_weak_encryption")
    data = encrypted_assertion.findall(XENC + "EncryptedData")
    if len(data) != 1:
        raise ShapeRefused("L'assertion chiffrée du GAR est mal formée.", "gar_invalid_response")
    method = data[0].find(XENC + "EncryptionMethod")
    if method is None or method.get("Algorithm") not in ACCEPTED_DATA_ENCRYPTION:
        raise weak
    keys = list(encrypted_assertion.iter(XENC + "EncryptedKey"))
    if not keys:
        raise ShapeRefused("L'assertion chiffrée du GAR ne contient pas de clé.", "gar_invalid_response")
    for key in keys:
        key_method = key.find(XENC + "EncryptionMethod")
        if key_method is None or key_method.get("Algorithm") not in ACCEPTED_KEY_TRANSPORT:
            raise weak


def _direct_signature(element: Element) -> Element | None:
    signatures = element.findall(DS + "Signature")
    if len(signatures) > 1:
        raise WRAPPED
    return signatures[0] if signatures else None


def inspect_response(xml: bytes) -> ResponseShape:
    try:
        root = SafeET.fromstring(xml)
    except Exception as exc:  # defusedxml refuses DTDs and entities; ParseError for the rest
        raise ShapeRefused("La réponse du GAR est illisible.", "gar_bad_response") from exc
    if root.tag != SAMLP + "Response":
        raise ShapeRefused("La réponse du GAR est illisible.", "gar_bad_response")
    ids = [e.get("ID") for e in root.iter() if e.get("ID") is not None]
    if len(ids) != len(set(ids)):
        raise WRAPPED
    children = [c for c in root if c.tag in (SAML + "Assertion", SAML + "EncryptedAssertion")]
    if len(children) > 1:
        raise ShapeRefused("La réponse du GAR contient plusieurs assertions.", "gar_invalid_response")
    if not children:
        raise ShapeRefused("La réponse du GAR ne contient pas d'assertion.", "gar_invalid_response")
    assertion = children[0]
    everywhere = list(root.iter(SAML + "Assertion")) + list(root.iter(SAML + "EncryptedAssertion"))
    if everywhere != [assertion]:
        raise WRAPPED  # an assertion hidden elsewhere (Extensions, Advice, inside another one, a signature...)
    response_signature = _direct_signature(root)
    encrypted = assertion.tag == SAML + "EncryptedAssertion"
    assertion_signature = None if encrypted else _direct_signature(assertion)
    allowed = {id(s) for s in (response_signature, assertion_signature) if s is not None}
    if any(id(s) not in allowed for s in root.iter(DS + "Signature")):
        raise WRAPPED
    if response_signature is not None:
        check_signature_element(response_signature, root.get("ID"))
    if assertion_signature is not None:
        check_signature_element(assertion_signature, assertion.get("ID"))
    if encrypted:
        _check_encryption(assertion)
    elif response_signature is None and assertion_signature is None:
        raise ShapeRefused("La réponse du GAR n'est pas signée (ni la réponse, ni l'assertion).", "gar_bad_signature")
    return ResponseShape(root.get("ID") or "", response_signature is not None, assertion_signature is not None,
                         encrypted)
