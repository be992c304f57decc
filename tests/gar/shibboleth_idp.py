"""A second SAML identity provider, written WITHOUT pysaml2: messages shaped as a Shibboleth IdP (v4/v5) shapes
them, signed and encrypted by calling the `xmlsec1` program directly.

Shibboleth's defaults differ from pysaml2's in the ways that matter to the tool: the Response is signed and
the assertion is not; the assertion is encrypted for the SP's encryption key (AES-128-GCM or AES-CBC, the key
transported with RSA-OAEP, the EncryptedKey inline); attributes carry `Name="urn:oid:…"` with the GAR name in
`FriendlyName`; the NameID is transient. Each knob below lets a test build one of these shapes, or a hostile
variant of it.
"""

from __future__ import annotations

import base64
import secrets
import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
URI_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
AES128_CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
AES256_CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
AES128_GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
RSA_OAEP_MGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
RSA_1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
SESSION_KEY = {AES128_CBC: "aes-128", AES256_CBC: "aes-256", AES128_GCM: "aes-128", AES256_GCM: "aes-256"}
# Invented OIDs in a private arc: the GAR's real ones are not public; what matters is that Name is a URN.
OID = {"IDO": "urn:oid:1.3.6.1.4.1.99999.1.1", "UAI": "urn:oid:1.3.6.1.4.1.99999.1.2",
       "PRO": "urn:oid:1.3.6.1.4.1.99999.1.3", "DIV": "urn:oid:1.3.6.1.4.1.99999.1.4",
       "GRO": "urn:oid:1.3.6.1.4.1.99999.1.5", "P_MS4": "urn:oid:1.3.6.1.4.1.99999.1.6",
       "PRE": "urn:oid:2.5.4.42", "NOM": "urn:oid:2.5.4.4", "P_MEL": "urn:oid:0.9.2342.19200300.100.1.3"}


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _new_id() -> str:
    return "_" + secrets.token_hex(16)


def _cert_body(cert_file: Path) -> str:
    return "".join(line for line in cert_file.read_text().splitlines() if "-----" not in line)


def signature_template(reference_id: str, sign_alg: str = RSA_SHA256, digest_alg: str = SHA256) -> str:
    return (
        f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo>'
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
        f'<ds:SignatureMethod Algorithm="{sign_alg}"/>'
        f'<ds:Reference URI="#{reference_id}"><ds:Transforms>'
        '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
        '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
        f'<ds:DigestMethod Algorithm="{digest_alg}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>'
        '<ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>'
    )


def _xmlsec(*args: str, stdin_files: dict[str, str]) -> str:
    with tempfile.TemporaryDirectory() as directory:
        paths = {}
        for name, content in stdin_files.items():
            path = Path(directory) / name
            path.write_text(content, encoding="utf-8")
            paths[name] = str(path)
        out = Path(directory) / "out.xml"
        command = ["xmlsec1", args[0], "--output", str(out), *[paths.get(a, a) for a in args[1:]]]
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f"xmlsec1 failed: {done.stderr}")
        return out.read_text(encoding="utf-8")


@dataclass
class Shape:
    """How the IdP shapes one Response (Shibboleth's defaults unless a test says otherwise)."""

    sign_response: bool = True
    sign_assertion: bool = False
    encrypt: str | None = AES128_GCM  # data encryption algorithm, None = assertion in clear
    key_transport: str = RSA_OAEP_MGF1P
    sign_alg: str = RSA_SHA256
    digest_alg: str = SHA256
    friendly_names: bool = True  # Name="urn:oid:…" FriendlyName="IDO"; False: Name="IDO"
    audience: str | None = None
    destination: str | None = None
    clock_offset: timedelta = timedelta(0)  # the IdP's clock against the real one
    lifetime: timedelta = timedelta(minutes=5)
    encryption_cert: Path | None = None  # the SP's certificate by default
    extra_attributes: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Issued:
    """What the IdP sent, kept by the test: the XML, the assertion in clear and the session it opened."""

    xml: str
    assertion_xml: str
    assertion_id: str
    name_id: str
    session_index: str


class ShibbolethIdp:
    def __init__(self, entity_id: str, key_file: Path, cert_file: Path, sp_cert_file: Path,
                 slo_url: str) -> None:
        self.entity_id, self.key_file, self.cert_file = entity_id, key_file, cert_file
        self.sp_cert_file, self.slo_url = sp_cert_file, slo_url

    # -- signing and encryption with xmlsec1 ------------------------------------------------------------------
    def sign(self, xml: str, element: str, reference_id: str) -> str:
        """Sign the document's first Signature template (an enveloped signature over `reference_id`)."""
        return _xmlsec("--sign", "--privkey-pem", f"{self.key_file},{self.cert_file}",
                       "--id-attr:ID", f"{SAML}:Assertion", "--id-attr:ID", f"{SAMLP}:Response",
                       "--id-attr:ID", f"{SAMLP}:LogoutRequest", "--id-attr:ID", f"{SAMLP}:LogoutResponse",
                       "--node-xpath", f"//*[@ID='{reference_id}']/*[local-name()='Signature']",
                       "doc.xml", stdin_files={"doc.xml": xml})

    def encrypt(self, assertion_xml: str, data_alg: str, key_alg: str, cert_file: Path) -> str:
        """`<saml2:EncryptedAssertion>` holding the assertion encrypted for the SP (EncryptedKey inline)."""
        wrapper = f'<saml2:EncryptedAssertion xmlns:saml2="{SAML}">{assertion_xml}</saml2:EncryptedAssertion>'
        template = (
            f'<xenc:EncryptedData xmlns:xenc="{XENC}" Type="http://www.w3.org/2001/04/xmlenc#Element">'
            f'<xenc:EncryptionMethod Algorithm="{data_alg}"/>'
            f'<ds:KeyInfo xmlns:ds="{DS}"><xenc:EncryptedKey>'
            f'<xenc:EncryptionMethod Algorithm="{key_alg}">'
            + (f'<ds:DigestMethod Algorithm="{SHA1}"/>' if key_alg == RSA_OAEP_MGF1P else "")
            + '</xenc:EncryptionMethod><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>'
            '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>'
            '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>'
        )
        out = _xmlsec("--encrypt", "--pubkey-cert-pem", str(cert_file), "--session-key", SESSION_KEY[data_alg],
                      "--xml-data", "data.xml", "--node-name", f"{SAML}:Assertion", "tmpl.xml",
                      stdin_files={"data.xml": wrapper, "tmpl.xml": template})
        return _strip_declaration(out)

    # -- messages -----------------------------------------------------------------------------------------------
    def assertion(self, request_id: str, acs_url: str, sp_entity: str, attributes: dict[str, list[str]],
                  shape: Shape) -> tuple[str, str, str, str]:
        now = datetime.now(UTC) + shape.clock_offset
        assertion_id, name_id, session_index = _new_id(), "AAdzZWNyZXQx" + secrets.token_hex(20), _new_id()
        ends = _instant(now + shape.lifetime)
        signature = signature_template(assertion_id, shape.sign_alg, shape.digest_alg) if shape.sign_assertion else ""
        xml = (
            f'<saml2:Assertion xmlns:saml2="{SAML}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{assertion_id}" '
            f'IssueInstant="{_instant(now)}" Version="2.0">'
            f'<saml2:Issuer>{escape(self.entity_id)}</saml2:Issuer>{signature}'
            f'<saml2:Subject><saml2:NameID Format="{TRANSIENT}" NameQualifier={quoteattr(self.entity_id)} '
            f'SPNameQualifier={quoteattr(sp_entity)}>{name_id}</saml2:NameID>'
            '<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml2:SubjectConfirmationData Address="192.0.2.10" InResponseTo="{request_id}" '
            f'NotOnOrAfter="{ends}" Recipient={quoteattr(acs_url)}/></saml2:SubjectConfirmation></saml2:Subject>'
            f'<saml2:Conditions NotBefore="{_instant(now)}" NotOnOrAfter="{ends}"><saml2:AudienceRestriction>'
            f'<saml2:Audience>{escape(shape.audience or sp_entity)}</saml2:Audience>'
            '</saml2:AudienceRestriction></saml2:Conditions>'
            f'<saml2:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="{session_index}">'
            '<saml2:SubjectLocality Address="192.0.2.10"/><saml2:AuthnContext><saml2:AuthnContextClassRef>'
            'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef>'
            '</saml2:AuthnContext></saml2:AuthnStatement>'
            f'<saml2:AttributeStatement>{self._attributes({**attributes, **shape.extra_attributes}, shape)}'
            '</saml2:AttributeStatement></saml2:Assertion>'
        )
        if shape.sign_assertion:
            xml = _strip_declaration(self.sign(xml, "Assertion", assertion_id))
        return xml, assertion_id, name_id, session_index

    @staticmethod
    def _attributes(attributes: dict[str, list[str]], shape: Shape) -> str:
        parts = []
        for name, values in attributes.items():
            if shape.friendly_names and name in OID:
                head = f'<saml2:Attribute FriendlyName="{name}" Name="{OID[name]}" NameFormat="{URI_FORMAT}">'
            else:
                head = f'<saml2:Attribute Name={quoteattr(name)} NameFormat="{URI_FORMAT}">'
            body = "".join(f'<saml2:AttributeValue xsi:type="xsd:string">{escape(v)}</saml2:AttributeValue>'
                           for v in values)
            parts.append(head + body + "</saml2:Attribute>")
        return "".join(parts)

    def response(self, request_id: str, acs_url: str, sp_entity: str, attributes: dict[str, list[str]],
                 shape: Shape | None = None, assertion_xml: str | None = None) -> Issued:
        """A Response to `request_id`; `assertion_xml` puts a given (clear) assertion in it instead of a new one."""
        shape = shape or Shape()
        if assertion_xml is None:
            assertion_xml, assertion_id, name_id, session_index = self.assertion(
                request_id, acs_url, sp_entity, attributes, shape)
        else:
            assertion_id = name_id = session_index = ""
        payload = assertion_xml
        if shape.encrypt:
            payload = self.encrypt(assertion_xml, shape.encrypt, shape.key_transport,
                                   shape.encryption_cert or self.sp_cert_file)
        response_id = _new_id()
        now = datetime.now(UTC) + shape.clock_offset
        signature = signature_template(response_id, shape.sign_alg, shape.digest_alg) if shape.sign_response else ""
        xml = (
            f'<saml2p:Response xmlns:saml2p="{SAMLP}" Destination={quoteattr(shape.destination or acs_url)} '
            f'ID="{response_id}" InResponseTo="{request_id}" IssueInstant="{_instant(now)}" Version="2.0">'
            f'<saml2:Issuer xmlns:saml2="{SAML}">{escape(self.entity_id)}</saml2:Issuer>{signature}'
            f'<saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>'
            f'{payload}</saml2p:Response>'
        )
        if shape.sign_response:
            xml = self.sign(xml, "Response", response_id)
        return Issued(_strip_declaration(xml), assertion_xml, assertion_id, name_id, session_index)

    # -- single logout (HTTP-Redirect binding, signed as SAML bindings §3.4.4.1 says) ----------------------------
    def redirect_url(self, location: str, kind: str, xml: str, relay_state: str | None = None,
                     sign: bool = True, sign_alg: str = RSA_SHA256) -> str:
        deflated = zlib.compress(xml.encode("utf-8"))[2:-4]
        params = [(kind, base64.b64encode(deflated).decode("ascii"))]
        if relay_state is not None:
            params.append(("RelayState", relay_state))
        if sign:
            params.append(("SigAlg", sign_alg))
            signed = urlencode(params).encode("ascii")
            key = serialization.load_pem_private_key(self.key_file.read_bytes(), password=None)
            digest = hashes.SHA1() if sign_alg == RSA_SHA1 else hashes.SHA256()
            value = key.sign(signed, padding.PKCS1v15(), digest)  # type: ignore[union-attr, call-arg]
            params.append(("Signature", base64.b64encode(value).decode("ascii")))
        return f"{location}?{urlencode(params)}"

    def logout_request(self, sp_slo_url: str, name_id: str, session_index: str, sp_entity: str,
                       relay_state: str | None = None, sign: bool = True,
                       sign_alg: str = RSA_SHA256) -> tuple[str, str]:
        """(request id, URL of the SP's SingleLogoutService carrying an IdP-initiated LogoutRequest)."""
        request_id = _new_id()
        now = datetime.now(UTC)
        xml = (
            f'<saml2p:LogoutRequest xmlns:saml2p="{SAMLP}" Destination={quoteattr(sp_slo_url)} ID="{request_id}" '
            f'IssueInstant="{_instant(now)}" NotOnOrAfter="{_instant(now + timedelta(minutes=5))}" Version="2.0">'
            f'<saml2:Issuer xmlns:saml2="{SAML}">{escape(self.entity_id)}</saml2:Issuer>'
            f'<saml2:NameID xmlns:saml2="{SAML}" Format="{TRANSIENT}" NameQualifier={quoteattr(self.entity_id)} '
            f'SPNameQualifier={quoteattr(sp_entity)}>{escape(name_id)}</saml2:NameID>'
            f'<saml2p:SessionIndex>{escape(session_index)}</saml2p:SessionIndex></saml2p:LogoutRequest>'
        )
        return request_id, self.redirect_url(sp_slo_url, "SAMLRequest", xml, relay_state, sign, sign_alg)

    def logout_response(self, sp_slo_url: str, in_response_to: str, relay_state: str | None = None,
                        sign: bool = True, status: str = "Success") -> str:
        xml = (
            f'<saml2p:LogoutResponse xmlns:saml2p="{SAMLP}" Destination={quoteattr(sp_slo_url)} ID="{_new_id()}" '
            f'InResponseTo={quoteattr(in_response_to)} IssueInstant="{_instant(datetime.now(UTC))}" Version="2.0">'
            f'<saml2:Issuer xmlns:saml2="{SAML}">{escape(self.entity_id)}</saml2:Issuer>'
            f'<saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:{status}"/></saml2p:Status>'
            '</saml2p:LogoutResponse>'
        )
        return self.redirect_url(sp_slo_url, "SAMLResponse", xml, relay_state, sign)


def read_redirect(url: str) -> tuple[str, dict[str, str]]:
    """(the inflated XML, the query parameters) of a SAML HTTP-Redirect URL sent by the SP."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    message = query.get("SAMLRequest") or query["SAMLResponse"]
    return zlib.decompress(base64.b64decode(message), -15).decode("utf-8"), query


def verify_redirect_signature(url: str, cert_file: Path) -> bool:
    """The SP's signature over `SAMLRequest|SAMLResponse=…&RelayState=…&SigAlg=…` (as sent, in that order)."""
    raw = urlsplit(url).query
    parts = dict(p.split("=", 1) for p in raw.split("&"))
    kind = "SAMLRequest" if "SAMLRequest" in parts else "SAMLResponse"
    signed = "&".join(f"{k}={parts[k]}" for k in (kind, "RelayState", "SigAlg") if k in parts)
    from urllib.parse import unquote

    signature = base64.b64decode(unquote(parts["Signature"]))
    public_key = x509.load_pem_x509_certificate(cert_file.read_bytes()).public_key()
    try:
        public_key.verify(signature, signed.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr, call-arg]
    except Exception:
        return False
    return True


def _strip_declaration(xml: str) -> str:
    xml = xml.strip()
    if xml.startswith("<?xml"):
        xml = xml[xml.index("?>") + 2:].lstrip()
    return xml


__all__ = ["ShibbolethIdp", "Shape", "Issued", "read_redirect", "verify_redirect_signature", "_cert_body"]
