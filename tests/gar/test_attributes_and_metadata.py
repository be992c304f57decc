"""GAR attribute names whatever the IdP's spelling, and SP metadata that promises only what the tool accepts."""

from __future__ import annotations

import re

from ent_gar_connector.attributes import gar_attributes
from ent_gar_connector.identity import identity_from_attributes
from tests.gar.conftest import BASE, Gar

URI = "urn:oid:1.3.6.1.4.1.99999.1.1"


def test_shibboleth_urn_names_are_read_by_friendly_name() -> None:
    received = [(URI, "IDO", ["a1" * 64]), ("urn:oid:1.3.6.1.4.1.99999.1.2", "UAI", ["0561641E"]),
                ("urn:oid:1.3.6.1.4.1.99999.1.3", "PRO", ["National_elv"]),
                ("urn:oid:1.3.6.1.4.1.99999.1.4", "DIV", ["3A##3e A", "3B##3e B"])]
    attributes = gar_attributes(received)
    assert attributes == {"IDO": ["a1" * 64], "UAI": ["0561641E"], "PRO": ["National_elv"],
                          "DIV": ["3A##3e A", "3B##3e B"]}
    identity = identity_from_attributes(attributes)
    assert identity.ido == "a1" * 64 and [c.code for c in identity.classes] == ["3A", "3B"]


def test_plain_gar_names_are_read_whatever_the_friendly_name() -> None:
    assert gar_attributes([("IDO", None, ["x"]), ("UAI", "etablissement", [" 0561641E "])]) == {
        "IDO": ["x"], "UAI": ["0561641E"]}


def test_repeated_attributes_are_merged_and_unknown_ones_dropped() -> None:
    received = [("DIV", None, ["3A##3e A"]), (URI, "DIV", ["3B##3e B", " "]), ("urn:oid:2.5.4.3", "cn", ["Léa"]),
                ("mail", None, ["lea@example.org"])]
    assert gar_attributes(received) == {"DIV": ["3A##3e A", "3B##3e B"]}


def test_metadata_advertises_only_accepted_algorithms_and_the_logout_service(gar: Gar) -> None:
    body = gar.client.get("/gar/metadata").text
    algorithms = set(re.findall(r'Algorithm="([^"]+)"', body))
    assert algorithms == {
        "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmldsig-more#sha384",
        "http://www.w3.org/2001/04/xmlenc#sha512", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        "http://www.w3.org/2009/xmlenc11#aes128-gcm", "http://www.w3.org/2009/xmlenc11#aes256-gcm",
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc", "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"}
    for accepted in ("xmldsig-more#rsa-sha256", "xmlenc#sha256", "xmlenc11#aes128-gcm", "xmlenc#aes256-cbc",
                     "xmlenc#rsa-oaep-mgf1p"):
        assert accepted in body, accepted
    assert (f'SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f'Location="{BASE}/gar/slo"') in body


def test_readme_names_exactly_the_gar_settings_of_the_code() -> None:
    from pathlib import Path

    from ent_gar_connector.settings import GarSettings

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"PIX_LTI_GAR_([A-Z_]+[A-Z])\b", readme))
    named |= {"RECONCILIATION_WINDOW_SECONDS"} if "RECONCILIATION_ATTEMPTS`, `…_WINDOW_SECONDS" in readme else set()
    fields = {name.upper() for name in GarSettings.model_fields}
    assert named - fields == set(), "README names settings the code does not read"
    assert fields - named == set(), "settings missing from the README"
