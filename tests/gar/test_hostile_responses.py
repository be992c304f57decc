"""Hostile SAML responses, built from real signed ones: each is refused with a French 4xx page and nothing is
created (no account, school, class, membership or profile)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import saml2.assertion
from saml2.xmldsig import DIGEST_SHA1, SIG_RSA_SHA1

from ent_gar_connector.saml_sp import GarServiceProvider
from tests.gar.conftest import BASE, SCHOOL, Gar, gar_settings, student
from tests.gar.idp import GarIdp

NOTHING = {"accounts": 0, "gar_schools": 0, "gar_groups": 0, "gar_group_members": 0, "gar_school_members": 0,
           "gar_profiles": 0, "gar_roster_entries": 0}
SIGNATURE = re.compile(r"<ns2:Signature\b.*?</ns2:Signature>", re.S)
ASSERTION = re.compile(r"<ns1:Assertion\b.*?</ns1:Assertion>", re.S)


def assert_refused(gar: Gar, response, status: int, code: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert "text/html" in response.headers["content-type"]
    assert "Pourquoi" in response.text and "Que faire" in response.text
    if code:
        assert f"Code : {code}" in response.text
    assert "set-cookie" not in response.headers or "pix_lti_session" not in response.headers["set-cookie"]
    assert gar.counts() == NOTHING


@pytest.fixture
def subscribed(gar: Gar) -> Gar:
    gar.subscribe(SCHOOL)
    return gar


def test_a_genuine_response_is_accepted_so_the_hostile_cases_below_are_meaningful(subscribed: Gar) -> None:
    assert subscribed.sign_in(student()).status_code == 303


def test_unsigned_response_is_refused(subscribed: Gar) -> None:
    xml, relay = subscribed.response_for(student())
    stripped = SIGNATURE.sub("", xml)
    assert "Signature" not in stripped
    assert_refused(subscribed, subscribed.post(stripped, relay), 400, "gar_bad_signature")


def test_response_signed_and_assertion_unsigned_is_accepted(subscribed: Gar) -> None:
    """Shibboleth's default (issue 15, item 2): the Response's signature covers the assertion inside it."""
    xml, relay = subscribed.response_for(student(), sign_assertion=False, sign_response=True)
    assert xml.count("SignatureValue>") == 2  # one Signature element: opening and closing tags
    assert subscribed.post(xml, relay).status_code == 303


def test_sha1_signature_is_refused(subscribed: Gar) -> None:
    xml, relay = subscribed.response_for(student(), sign_alg=SIG_RSA_SHA1, digest_alg=DIGEST_SHA1)
    assert "rsa-sha1" in xml
    assert_refused(subscribed, subscribed.post(xml, relay), 400, "gar_weak_signature")


def test_tampered_attribute_is_refused(subscribed: Gar) -> None:
    xml, relay = subscribed.response_for(student())
    tampered = xml.replace("3A##3e A", "3B##3e B")
    assert tampered != xml
    assert_refused(subscribed, subscribed.post(tampered, relay), 400, "gar_bad_signature")


def test_response_from_another_idp_key_is_refused(subscribed: Gar, tmp_path) -> None:  # type: ignore[no-untyped-def]
    impostor = GarIdp(tmp_path, _sp_metadata(subscribed))  # same entity id, another key
    xml, relay = subscribed.response_for(student(), idp=impostor)
    assert_refused(subscribed, subscribed.post(xml, relay), 400, "gar_bad_signature")


def _sp_metadata(gar: Gar) -> str:
    return gar.client.get("/gar/metadata").text


def test_wrong_audience_is_refused(subscribed: Gar) -> None:
    """A genuine assertion the GAR issued for another resource, posted to this one."""
    other = GarServiceProvider(gar_settings(subscribed.keys), "https://another-resource.example").sp_metadata()
    idp = GarIdp(subscribed.keys, _sp_metadata(subscribed), other_sp_metadata=(other,))
    xml, relay = subscribed.response_for(student(), idp=idp, audience="https://another-resource.example/gar/metadata")
    assert "another-resource.example" in xml
    assert_refused(subscribed, subscribed.post(xml, relay), 400, "gar_wrong_audience")


def test_wrong_destination_is_refused(subscribed: Gar) -> None:
    xml, relay = subscribed.response_for(student(), destination="https://another-resource.example/acs")
    assert_refused(subscribed, subscribed.post(xml, relay), 400, "gar_wrong_destination")


def test_destination_rewritten_to_this_service_breaks_the_signature(subscribed: Gar) -> None:
    xml, relay = subscribed.response_for(student(), destination="https://another-resource.example/acs")
    rewritten = xml.replace("https://another-resource.example/acs", BASE + "/gar/acs")
    assert_refused(subscribed, subscribed.post(rewritten, relay), 400, "gar_bad_signature")


def test_expired_assertion_is_refused(subscribed: Gar, tmp_path) -> None:  # type: ignore[no-untyped-def]
    expired_idp = GarIdp(subscribed.keys, _sp_metadata(subscribed), lifetime_minutes=-10)
    xml, relay = subscribed.response_for(student(), idp=expired_idp)
    assert_refused(subscribed, subscribed.post(xml, relay), 400, "gar_expired")


@contextmanager
def _idp_clock_ahead(minutes: int) -> Iterator[None]:
    original = saml2.assertion.instant

    def ahead(*args, **kwargs):  # type: ignore[no-untyped-def]
        from saml2.time_util import in_a_while

        return in_a_while(minutes=minutes)

    saml2.assertion.instant = ahead
    try:
        yield
    finally:
        saml2.assertion.instant = original


def test_not_yet_valid_assertion_is_refused(subscribed: Gar) -> None:
    with _idp_clock_ahead(30):
        xml, relay = subscribed.response_for(student())
    assert_refused(subscribed, subscribed.post(xml, relay), 400, "gar_expired")


def test_replayed_assertion_is_refused(any_gar: Gar) -> None:
    gar = any_gar
    gar.subscribe(SCHOOL)
    xml, relay = gar.response_for(student())
    assert gar.post(xml, relay).status_code == 303
    before = gar.counts()
    gar.client.cookies.clear()
    replay = gar.post(xml, relay)
    assert replay.status_code == 400 and "Code : gar_unsolicited" in replay.text
    assert gar.counts() == before


def test_same_assertion_under_a_new_request_is_refused_as_a_replay(subscribed: Gar) -> None:
    """Even if the outstanding request id were accepted again, the assertion id is single-use."""
    request_id, acs, relay = subscribed.start()
    xml = subscribed.idp.response_xml(request_id, acs, BASE + "/gar/metadata", student())
    assert subscribed.post(xml, relay).status_code == 303
    before = subscribed.counts()
    store = subscribed.client.app.state.tool.store
    subscribed.client.portal.call(store.set, f"gar:authn:{request_id}", "-", 60)  # the request re-armed
    replay = subscribed.post(xml, relay)
    assert replay.status_code == 400 and "Code : gar_replayed" in replay.text
    assert subscribed.counts() == before


def test_response_to_a_request_never_made_is_refused(subscribed: Gar) -> None:
    _, acs, relay = subscribed.start()
    xml = subscribed.idp.response_xml("id-forged-request", acs, BASE + "/gar/metadata", student())
    assert_refused(subscribed, subscribed.post(xml, relay), 400, "gar_unsolicited")


def test_in_response_to_of_another_request_is_refused(subscribed: Gar) -> None:
    """Response InResponseTo names request A (outstanding) but the signed assertion answers request B."""
    request_a, acs, relay = subscribed.start()
    request_b, _, _ = subscribed.start()
    xml = subscribed.idp.response_xml(request_b, acs, BASE + "/gar/metadata", student(), sign_response=False)
    swapped = xml.replace(f'InResponseTo="{request_b}" Version', f'InResponseTo="{request_a}" Version', 1)
    assert swapped != xml
    assert_refused(subscribed, subscribed.post(swapped, relay), 400, "gar_unsolicited")


def test_unsolicited_response_without_in_response_to_is_refused(subscribed: Gar) -> None:
    request_id, acs, relay = subscribed.start()
    xml = subscribed.idp.response_xml(request_id, acs, BASE + "/gar/metadata", student(), sign_response=False)
    unsolicited = xml.replace(f' InResponseTo="{request_id}"', "", 1)
    assert_refused(subscribed, subscribed.post(unsolicited, relay), 400, "gar_unsolicited")


def _evil(assertion: str) -> str:
    evil = SIGNATURE.sub("", assertion)
    evil = re.sub(r'ID="[^"]+"', 'ID="id-evil"', evil, count=1)
    return evil.replace("a1" * 64, "ff" * 64)


def test_signature_wrapping_with_an_evil_assertion_first_is_refused(subscribed: Gar) -> None:
    xml, relay = subscribed.response_for(student(), sign_response=False)
    signed = ASSERTION.search(xml).group(0)
    wrapped = xml.replace(signed, _evil(signed) + signed)
    assert_refused(subscribed, subscribed.post(wrapped, relay), 400, "gar_invalid_response")


def test_signature_wrapping_with_the_signed_assertion_hidden_inside_is_refused(subscribed: Gar) -> None:
    xml, relay = subscribed.response_for(student(), sign_response=False)
    signed = ASSERTION.search(xml).group(0)
    evil = _evil(signed)
    hidden = evil.replace("</ns1:Issuer>", "</ns1:Issuer>" + signed.replace("<ns1:Assertion", "<ns1:Assertion", 1),
                          1)
    assert_refused(subscribed, subscribed.post(xml.replace(signed, hidden), relay), 400, "gar_bad_signature")


def test_signature_wrapping_inside_response_extensions_is_refused(subscribed: Gar) -> None:
    xml, relay = subscribed.response_for(student(), sign_response=False)
    signed = ASSERTION.search(xml).group(0)
    moved = xml.replace(signed, _evil(signed)).replace(
        "</ns1:Issuer>", "</ns1:Issuer><ns0:Extensions>" + signed + "</ns0:Extensions>", 1)
    assert_refused(subscribed, subscribed.post(moved, relay), 400, "gar_bad_signature")


def test_missing_ido_is_refused(subscribed: Gar) -> None:
    attributes = student()
    del attributes["IDO"]
    assert_refused(subscribed, subscribed.sign_in(attributes), 400, "gar_missing_ido")


def test_malformed_uai_is_refused(subscribed: Gar) -> None:
    assert_refused(subscribed, subscribed.sign_in(student(UAI=["056164E"])), 400, "gar_bad_uai")
    assert_refused(subscribed, subscribed.sign_in(student(UAI=[SCHOOL, "0561641e"])), 400, "gar_bad_uai")


def test_unknown_school_gets_a_clear_page(subscribed: Gar) -> None:
    response = subscribed.sign_in(student(UAI=["0330000B"]))
    assert_refused(subscribed, response, 403, "gar_not_subscribed")
    assert "pas abonné à cette ressource" in response.text and "0330000B" in response.text


def test_parent_profile_is_refused(subscribed: Gar) -> None:
    assert_refused(subscribed, subscribed.sign_in(student(PRO=["National_tut"])), 403, "gar_unknown_profile")


def test_garbage_posted_to_the_acs_is_refused(subscribed: Gar) -> None:
    for body in ({"SAMLResponse": "%%%not-base64"}, {"SAMLResponse": "PHg+PC94Pg=="}, {}):
        response = subscribed.client.post("/gar/acs", data=body)
        assert response.status_code == 400, response.text
    xxe = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" InResponseTo="a">&x;</samlp:Response>')
    assert_refused(subscribed, subscribed.post(xxe), 400, "gar_bad_response")
