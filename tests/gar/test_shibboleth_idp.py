"""Logins from a Shibboleth-shaped IdP written without pysaml2 (tests/gar/shibboleth_idp.py: xmlsec1 signs
and encrypts): what a production IdP sends by default is accepted, and the hostile variants of each shape
are refused with a French page, nothing created."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from core.accounts import Account
from core.schools import GAR_ISSUER, GarGroup, GarGroupMember
from tests.gar.conftest import BASE, IDO_STUDENT, SCHOOL, Gar, gar_settings, student, teacher
from tests.gar.shibboleth_idp import (
    AES128_CBC,
    AES128_GCM,
    AES256_CBC,
    AES256_GCM,
    RSA_1_5,
    RSA_SHA1,
    SHA1,
    Issued,
    Shape,
    ShibbolethIdp,
)
from tests.gar.test_hostile_responses import assert_refused

SP_ENTITY = BASE + "/gar/metadata"


@pytest.fixture
def subscribed(gar: Gar) -> Gar:
    gar.subscribe(SCHOOL)
    return gar


def sign_in(gar: Gar, shib: ShibbolethIdp, attributes: dict, shape: Shape | None = None) -> tuple[httpx.Response,
                                                                                                   Issued]:
    request_id, acs, relay = gar.start()
    issued = shib.response(request_id, acs, SP_ENTITY, attributes, shape)
    return gar.post(issued.xml, relay), issued


def _classes(gar: Gar, ido: str) -> set[str]:
    with gar.sessions() as session:
        account = session.scalar(select(Account).where(Account.issuer == GAR_ISSUER, Account.sub == ido))
        assert account is not None
        return set(session.scalars(select(GarGroup.code).join(GarGroupMember, GarGroupMember.group_id == GarGroup.id)
                                   .where(GarGroupMember.account_id == account.id)))


# -- what a production IdP sends -------------------------------------------------------------------------------------
def test_shibboleth_defaults_log_the_student_in(subscribed: Gar, shib: ShibbolethIdp) -> None:
    """Response signed, assertion unsigned and encrypted (AES-128-GCM, RSA-OAEP), urn:oid names + FriendlyName,
    transient NameID."""
    response, issued = sign_in(subscribed, shib, student())
    assert "EncryptedAssertion" in issued.xml and "urn:oid:" in issued.assertion_xml
    assert 'FriendlyName="IDO"' in issued.assertion_xml and "nameid-format:transient" in issued.assertion_xml
    assert "Signature" not in issued.assertion_xml
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/profil"
    assert _classes(subscribed, IDO_STUDENT) == {"3A", "G-ANG1"}


@pytest.mark.parametrize("encryption", [AES128_CBC, AES256_CBC, AES128_GCM, AES256_GCM])
@pytest.mark.parametrize("placement", ["response", "assertion", "both"])
def test_each_encryption_and_signature_placement_is_accepted(subscribed: Gar, shib: ShibbolethIdp, encryption: str,
                                                             placement: str) -> None:
    shape = Shape(encrypt=encryption, sign_response=placement != "assertion", sign_assertion=placement != "response")
    response, issued = sign_in(subscribed, shib, student(), shape)
    assert encryption in issued.xml
    assert response.status_code == 303, response.text


def test_clear_assertion_signed_alone_with_plain_gar_names_is_accepted(subscribed: Gar, shib: ShibbolethIdp) -> None:
    shape = Shape(encrypt=None, sign_response=False, sign_assertion=True, friendly_names=False)
    response, issued = sign_in(subscribed, shib, teacher(), shape)
    assert 'Name="IDO" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"' in issued.xml
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/gar/classes"


def test_idp_clock_two_minutes_fast_is_tolerated(subscribed: Gar, shib: ShibbolethIdp) -> None:
    response, _ = sign_in(subscribed, shib, student(), Shape(clock_offset=timedelta(minutes=2)))
    assert response.status_code == 303, response.text


def test_idp_clock_five_minutes_fast_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    response, _ = sign_in(subscribed, shib, student(), Shape(clock_offset=timedelta(minutes=5)))
    assert_refused(subscribed, response, 400, "gar_expired")


def test_clock_leeway_is_the_gar_setting(subscribed: Gar, shib: ShibbolethIdp) -> None:
    subscribed.client.app.state.gar_sp = None
    subscribed.client.app.state.gar_settings = gar_settings(subscribed.keys, clock_leeway_seconds=30)
    response, _ = sign_in(subscribed, shib, student(), Shape(clock_offset=timedelta(minutes=2)))
    assert_refused(subscribed, response, 400, "gar_expired")


# -- neither signature, weak algorithms, encryption for someone else --------------------------------------------------
@pytest.mark.parametrize("encryption", [None, AES128_GCM])
def test_neither_response_nor_assertion_signed_is_refused(subscribed: Gar, shib: ShibbolethIdp,
                                                          encryption: str | None) -> None:
    response, issued = sign_in(subscribed, shib, student(), Shape(encrypt=encryption, sign_response=False))
    assert "Signature" not in issued.xml
    assert_refused(subscribed, response, 400, "gar_bad_signature")


def test_sha1_response_signature_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    response, issued = sign_in(subscribed, shib, student(), Shape(sign_alg=RSA_SHA1, digest_alg=SHA1))
    assert RSA_SHA1 in issued.xml
    assert_refused(subscribed, response, 400, "gar_weak_signature")


def test_sha1_assertion_signature_inside_the_encryption_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    shape = Shape(sign_response=False, sign_assertion=True, sign_alg=RSA_SHA1, digest_alg=SHA1)
    response, issued = sign_in(subscribed, shib, student(), shape)
    assert RSA_SHA1 in issued.assertion_xml and RSA_SHA1 not in issued.xml
    assert_refused(subscribed, response, 400, "gar_weak_signature")


def test_rsa_pkcs1_v15_key_transport_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    response, _ = sign_in(subscribed, shib, student(), Shape(key_transport=RSA_1_5))
    assert_refused(subscribed, response, 400, "gar_weak_encryption")


def test_encrypted_assertion_for_another_audience_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    """Encrypted for this SP's key (the same certificate on two resources) but addressed to another one."""
    shape = Shape(audience="https://another-resource.example/gar/metadata")
    response, _ = sign_in(subscribed, shib, student(), shape)
    assert_refused(subscribed, response, 400, "gar_wrong_audience")


def test_assertion_encrypted_for_another_key_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    response, _ = sign_in(subscribed, shib, student(), Shape(encryption_cert=shib.cert_file))
    assert_refused(subscribed, response, 400)


# -- replays ---------------------------------------------------------------------------------------------------------
def test_decrypted_assertion_replayed_in_clear_without_its_response_signature_is_refused(
        subscribed: Gar, shib: ShibbolethIdp) -> None:
    """The Response signature covered the ciphertext: the assertion, once decrypted and taken out, is unsigned."""
    first, issued = sign_in(subscribed, shib, student())
    assert first.status_code == 303
    before = subscribed.counts()
    subscribed.client.cookies.clear()
    request_id, acs, relay = subscribed.start()
    replay = shib.response(request_id, acs, SP_ENTITY, {}, Shape(encrypt=None, sign_response=False),
                           assertion_xml=issued.assertion_xml)
    response = subscribed.post(replay.xml, relay)
    assert response.status_code == 400 and "Code : gar_bad_signature" in response.text
    assert subscribed.counts() == before


def test_decrypted_signed_assertion_replayed_in_a_new_response_is_refused(subscribed: Gar,
                                                                          shib: ShibbolethIdp) -> None:
    """An assertion signed inside the encryption stays signed once decrypted: its ID is single-use and it answers
    another request."""
    first, issued = sign_in(subscribed, shib, student(), Shape(sign_response=False, sign_assertion=True))
    assert first.status_code == 303
    assert "Signature" in issued.assertion_xml
    before = subscribed.counts()
    subscribed.client.cookies.clear()
    request_id, acs, relay = subscribed.start()
    replay = shib.response(request_id, acs, SP_ENTITY, {}, Shape(encrypt=None, sign_response=True),
                           assertion_xml=issued.assertion_xml)
    response = subscribed.post(replay.xml, relay)
    assert response.status_code == 400, response.text
    assert re.search(r"Code : gar_(replayed|unsolicited)", response.text)
    assert subscribed.counts() == before


# -- XML signature wrapping against each signature placement ---------------------------------------------------------
EVIL_IDO = "ff" * 64
ASSERTION = re.compile(r"<saml2:Assertion\b.*?</saml2:Assertion>", re.S)
RESPONSE_SIGNATURE = re.compile(r"(<ds:Signature\b.*?</ds:Signature>)(<saml2p:Status>)", re.S)


def _evil_assertion(shib: ShibbolethIdp, request_id: str, acs: str) -> str:
    xml, *_ = shib.assertion(request_id, acs, SP_ENTITY, student(IDO=[EVIL_IDO]), Shape())
    return xml


def _response_signed_clear(gar: Gar, shib: ShibbolethIdp) -> tuple[Issued, str, str, str]:
    request_id, acs, relay = gar.start()
    issued = shib.response(request_id, acs, SP_ENTITY, student(), Shape(encrypt=None))
    return issued, request_id, acs, relay


def test_wrapping_response_signature_assertion_swapped_is_refused(subscribed: Gar, shib: ShibbolethIdp) -> None:
    issued, request_id, acs, relay = _response_signed_clear(subscribed, shib)
    swapped = issued.xml.replace(issued.assertion_xml, _evil_assertion(shib, request_id, acs))
    assert_refused(subscribed, subscribed.post(swapped, relay), 400, "gar_bad_signature")


def test_wrapping_response_signature_original_hidden_in_extensions_is_refused(subscribed: Gar,
                                                                             shib: ShibbolethIdp) -> None:
    """XSW: a new Response (new ID, evil assertion) carries the signature and the signed original in Extensions."""
    issued, request_id, acs, relay = _response_signed_clear(subscribed, shib)
    signature = RESPONSE_SIGNATURE.search(issued.xml).group(1)
    original = issued.xml
    evil = (original.replace(issued.assertion_xml, _evil_assertion(shib, request_id, acs))
            .replace(signature, "", 1).replace('ID="_', 'ID="_evil', 1))
    evil = evil.replace("<saml2p:Status>", f"{signature}<saml2p:Extensions>{original}</saml2p:Extensions>"
                        "<saml2p:Status>", 1)
    assert_refused(subscribed, subscribed.post(evil, relay), 400, "gar_bad_signature")


def test_wrapping_response_signature_original_inside_the_signature_object_is_refused(subscribed: Gar,
                                                                                     shib: ShibbolethIdp) -> None:
    issued, request_id, acs, relay = _response_signed_clear(subscribed, shib)
    signature = RESPONSE_SIGNATURE.search(issued.xml).group(1)
    holder = signature.replace("</ds:Signature>", f"<ds:Object>{issued.xml}</ds:Object></ds:Signature>")
    evil = (issued.xml.replace(issued.assertion_xml, _evil_assertion(shib, request_id, acs))
            .replace(signature, holder, 1).replace('ID="_', 'ID="_evil', 1))
    assert_refused(subscribed, subscribed.post(evil, relay), 400, "gar_bad_signature")


def _assertion_signed_clear(gar: Gar, shib: ShibbolethIdp) -> tuple[Issued, str, str, str]:
    request_id, acs, relay = gar.start()
    issued = shib.response(request_id, acs, SP_ENTITY, student(),
                           Shape(encrypt=None, sign_response=False, sign_assertion=True))
    return issued, request_id, acs, relay


def test_wrapping_assertion_signature_evil_assertion_before_it_is_refused(subscribed: Gar,
                                                                        shib: ShibbolethIdp) -> None:
    issued, request_id, acs, relay = _assertion_signed_clear(subscribed, shib)
    doubled = issued.xml.replace(issued.assertion_xml, _evil_assertion(shib, request_id, acs) + issued.assertion_xml)
    assert_refused(subscribed, subscribed.post(doubled, relay), 400, "gar_invalid_response")


def test_wrapping_assertion_signature_signed_one_inside_the_evil_one_is_refused(subscribed: Gar,
                                                                               shib: ShibbolethIdp) -> None:
    issued, request_id, acs, relay = _assertion_signed_clear(subscribed, shib)
    evil = _evil_assertion(shib, request_id, acs)
    holder = evil.replace("</saml2:Issuer>", "</saml2:Issuer>" + issued.assertion_xml, 1)
    assert_refused(subscribed, subscribed.post(issued.xml.replace(issued.assertion_xml, holder), relay), 400,
                   "gar_bad_signature")


def test_wrapping_assertion_signature_signature_moved_onto_the_evil_one_is_refused(subscribed: Gar,
                                                                                  shib: ShibbolethIdp) -> None:
    """The signed assertion's Signature (its Reference still naming the original ID) on an evil assertion that
    took the original's ID; the original inside that signature's Object."""
    issued, request_id, acs, relay = _assertion_signed_clear(subscribed, shib)
    signature = re.search(r"<ds:Signature\b.*?</ds:Signature>", issued.assertion_xml, re.S).group(0)
    evil = _evil_assertion(shib, request_id, acs)
    evil = re.sub(r'ID="[^"]+"', f'ID="{issued.assertion_id}"', evil, count=1)
    holder = signature.replace("</ds:Signature>", f"<ds:Object>{issued.assertion_xml}</ds:Object></ds:Signature>")
    evil = evil.replace("</saml2:Issuer>", "</saml2:Issuer>" + holder, 1)
    assert_refused(subscribed, subscribed.post(issued.xml.replace(issued.assertion_xml, evil), relay), 400,
                   "gar_bad_signature")


def test_wrapping_assertion_signature_signed_one_in_extensions_is_refused(subscribed: Gar,
                                                                         shib: ShibbolethIdp) -> None:
    issued, request_id, acs, relay = _assertion_signed_clear(subscribed, shib)
    moved = issued.xml.replace(issued.assertion_xml, _evil_assertion(shib, request_id, acs)).replace(
        "<saml2p:Status>", f"<saml2p:Extensions>{issued.assertion_xml}</saml2p:Extensions><saml2p:Status>", 1)
    assert_refused(subscribed, subscribed.post(moved, relay), 400, "gar_bad_signature")
