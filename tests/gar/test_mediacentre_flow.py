"""The whole médiacentre flow, offline: SP-initiated login, a real pysaml2 IdP, signed responses, accounts."""

from __future__ import annotations

from sqlalchemy import select

from core.accounts import Account
from core.schools import GAR_ISSUER, GarGroup, GarGroupMember, GarProfile, GarSchool
from tests.gar.conftest import BASE, IDO_STUDENT, SCHOOL, Gar, student, teacher


def _account(gar: Gar, ido: str) -> Account | None:
    with gar.sessions() as session:
        return session.scalar(select(Account).where(Account.issuer == GAR_ISSUER, Account.sub == ido))


def _classes(gar: Gar, account_id: int) -> set[tuple[str, str, str]]:
    with gar.sessions() as session:
        rows = session.execute(select(GarGroup.kind, GarGroup.code, GarGroup.label)
                               .join(GarGroupMember, GarGroupMember.group_id == GarGroup.id)
                               .where(GarGroupMember.account_id == account_id))
        return {tuple(r) for r in rows}


def test_metadata_is_served_with_entity_id_equal_to_its_url(gar: Gar) -> None:
    response = gar.client.get("/gar/metadata")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/samlmetadata+xml")
    body = response.text
    assert f'entityID="{BASE}/gar/metadata"' in body
    assert f'Location="{BASE}/gar/acs"' in body
    assert 'WantAssertionsSigned="true"' in body and 'AuthnRequestsSigned="true"' in body


def test_login_redirects_to_the_idp_with_a_signed_request_and_the_asked_page(gar: Gar) -> None:
    request_id, acs, relay = gar.start("/profil/competences")
    assert request_id and acs == BASE + "/gar/acs" and relay == "/profil/competences"


def test_login_drops_an_unsafe_relay_state(gar: Gar) -> None:
    for hostile in ("https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        _, _, relay = gar.start(hostile)
        assert relay == ""


def test_first_login_creates_the_account_and_second_login_finds_it(any_gar: Gar) -> None:
    gar = any_gar
    gar.subscribe(SCHOOL)
    first = gar.sign_in(student())
    assert first.status_code == 303, first.text
    assert first.headers["location"] == "/profil"
    assert "pix_lti_session" in first.headers["set-cookie"]
    account = _account(gar, IDO_STUDENT)
    assert account is not None and account.name is None and account.family_name is None
    assert _classes(gar, account.id) == {("class", "3A", "3e A"), ("group", "G-ANG1", "Anglais groupe 1")}

    second = gar.sign_in(student())
    assert second.status_code == 303
    counts = gar.counts()
    assert counts["accounts"] == 1 and counts["gar_schools"] == 1 and counts["gar_groups"] == 2
    assert _account(gar, IDO_STUDENT).id == account.id


def test_student_goes_to_the_page_asked_for(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    response = gar.sign_in(student(), target="/profil/competences/1.1")
    assert response.headers["location"] == "/profil/competences/1.1"


def test_class_change_updates_memberships_and_a_login_without_names_clears_them(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    gar.sign_in(student(NOM=["Martin"], PRE=["Léa"]))
    assert _account(gar, IDO_STUDENT).name == "Léa Martin"
    gar.sign_in(student(DIV=["4B##4e B"], GRO=[]))  # new school year, names no longer sent
    account = _account(gar, IDO_STUDENT)
    assert _classes(gar, account.id) == {("class", "4B", "4e B")}
    assert (account.given_name, account.family_name, account.name) == (None, None, None)
    with gar.sessions() as session:
        assert session.scalar(select(GarSchool.uai)) == SCHOOL
        assert session.get(GarProfile, account.id).role == "student"


def test_teacher_lands_on_the_class_page_and_sees_the_class(any_gar: Gar) -> None:
    gar = any_gar
    gar.subscribe(SCHOOL)
    gar.sign_in(student())
    gar.sign_in(student(IDO=["c3" * 64], NOM=["Durand"], PRE=["Hugo"]))
    response = gar.sign_in(teacher())
    assert response.status_code == 303 and response.headers["location"] == "/gar/classes"
    page = gar.client.get("/gar/classes")
    assert page.status_code == 200, page.text
    assert "Classe 3e A" in page.text and "Classe 3e B" in page.text
    assert "Hugo Durand" in page.text and "Élève (nom non transmis)" in page.text
    assert IDO_STUDENT not in page.text


def test_librarian_and_head_of_school_get_the_teacher_view(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    for profile, ido in (("National_doc", "d4" * 64), ("National_dir", "e5" * 64)):
        response = gar.sign_in(teacher(PRO=[profile], IDO=[ido]))
        assert response.headers["location"] == "/gar/classes"
        assert gar.client.get("/gar/classes").status_code == 200


def test_student_cannot_open_the_class_page(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    gar.sign_in(student())
    page = gar.client.get("/gar/classes")
    assert page.status_code == 403 and "réservée aux personnels" in page.text


def test_no_email_is_stored_even_when_sent(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    gar.sign_in(student(P_MEL=["lea.martin@example.org"]))
    with gar.sessions() as session:
        dump = repr([vars(a) for a in session.scalars(select(Account))])
    assert "example.org" not in dump


def test_school_with_a_wrong_check_letter_is_accepted_with_a_warning(gar: Gar, caplog) -> None:  # type: ignore[no-untyped-def]
    gar.subscribe("0123456A")
    response = gar.sign_in(student(UAI=["0123456A"]))
    assert response.status_code == 303
    assert "check letter" in caplog.text


def test_simultaneous_first_logins_of_one_person_make_one_account(any_gar: Gar) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime

    from ent_gar_connector.identity import identity_from_attributes
    from ent_gar_connector.provisioning import provision

    gar = any_gar
    gar.subscribe(SCHOOL)
    identity = identity_from_attributes(student())
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: provision(gar.sessions, identity, datetime.now(UTC)), range(6)))
    assert len({r.account_id for r in results}) == 1
    counts = gar.counts()
    assert counts["accounts"] == 1 and counts["gar_group_members"] == 2 and counts["gar_school_members"] == 1
