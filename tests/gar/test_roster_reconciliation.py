"""Roster import (CSV, all or nothing) and birth-date reconciliation so teachers see real names."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from core.audit import AuditEntry
from core.schools import GarProfile
from ent_gar_connector.models import GarRosterEntry
from ent_gar_connector.reconciliation import Names, choose, name_ratio
from ent_gar_connector.roster import parse_roster
from pix_lti.cli import app as cli
from tests.gar.conftest import SCHOOL, Gar, student, teacher

runner = CliRunner()
ROSTER = "nom;prénom;date de naissance;classe\nMartin;Léa;14/03/2011;3e A\nDurand;Hugo;02/09/2011;3e A\n" \
         "Petit;Inès;14/03/2011;3e B\n"


def test_roster_with_bom_semicolons_and_utf8_is_read() -> None:
    lines, errors = parse_roster(("\ufeff" + ROSTER).encode("utf-8"))
    assert errors == []
    assert [(x.family_name, x.given_name, x.birth_date, x.class_label) for x in lines][0] == \
        ("Martin", "Léa", date(2011, 3, 14), "3e A")


def test_roster_in_windows_1252_with_commas_and_other_column_order_is_read() -> None:
    data = "Classe,Prénom,Nom,Date de naissance\r\n3e A,Inès,Lefèvre,01/01/2011\r\n".encode("cp1252")
    lines, errors = parse_roster(data)
    assert errors == [] and (lines[0].given_name, lines[0].family_name) == ("Inès", "Lefèvre")


def test_every_bad_line_is_reported_with_its_number() -> None:
    data = ("nom;prénom;date de naissance;classe\nMartin;Léa;31/02/2011;3e A\n;Hugo;02/09/2011;3e A\n"
            "Petit;Inès;2011-03-14;3e B\nOk;Bon;01/01/2011;3e B\nOk;Bon;01/01/2011;3e C\nCourt;Ligne\n").encode()
    lines, errors = parse_roster(data)
    assert [e.line for e in errors] == [2, 3, 4, 6, 7]
    assert "JJ/MM/AAAA" in errors[0].message and "nom" in errors[1].message and "double" in errors[3].message


def test_missing_header_is_refused() -> None:
    _, errors = parse_roster(b"Martin;Lea;14/03/2011;3e A\n")
    assert errors and errors[0].line == 1 and "En-tête" in errors[0].message


def test_names_are_compared_without_accents_or_punctuation_within_a_quarter() -> None:
    assert name_ratio("Léa", "LEA") == 0 and name_ratio("Jean-Pierre", "jean pierre") == 0
    assert name_ratio("Martinn", "Martin") <= 0.25 and name_ratio("Marin", "Durand") > 0.25


def test_exactly_one_candidate_is_required() -> None:
    twins = [GarRosterEntry(id=1, family_name="Martin", given_name="Léa", birth_date=date(2011, 3, 14),
                            class_label="3e A"),
             GarRosterEntry(id=2, family_name="Martin", given_name="Zoé", birth_date=date(2011, 3, 14),
                            class_label="3e A")]
    assert choose(twins, date(2011, 3, 14), {"3ea"}, None) is None
    assert choose(twins, date(2011, 3, 14), {"3ea"}, Names("MARTIN", "Lea")).id == 1
    assert choose(twins, date(2011, 3, 14), set(), None) is None  # no class, no names: birth date is not enough


def head() -> dict:  # type: ignore[type-arg]
    return teacher(IDO=["d4" * 64], PRO=["National_dir"])


def _head_session(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    assert gar.sign_in(head()).status_code == 303


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _upload(gar: Gar, content: bytes, csrf: str | None = None):  # type: ignore[no-untyped-def]
    csrf = csrf if csrf is not None else _csrf(gar.client.get("/gar/roster").text)
    return gar.client.post("/gar/roster", data={"csrf": csrf, "uai": SCHOOL},
                           files={"fichier": ("eleves.csv", content, "text/csv")})


def _roster(gar: Gar) -> list[str]:
    with gar.sessions() as session:
        return [e.family_name for e in session.scalars(select(GarRosterEntry).order_by(GarRosterEntry.family_name))]


def test_only_the_head_of_school_may_upload_the_class_list(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    gar.sign_in(teacher())
    assert gar.client.get("/gar/roster").status_code == 403
    refused = gar.client.post("/gar/roster", data={"csrf": "x", "uai": SCHOOL},
                              files={"fichier": ("eleves.csv", ROSTER.encode(), "text/csv")})
    assert refused.status_code == 403 and "direction" in refused.text and _roster(gar) == []
    gar.client.cookies.clear()
    gar.sign_in(head())
    assert gar.client.get("/gar/roster").status_code == 200


def test_a_file_with_more_than_the_four_columns_is_refused() -> None:
    data = "nom;prénom;date de naissance;classe;adresse;responsable\nMartin;Léa;14/03/2011;3e A;1 rue X;M. Martin\n"
    lines, errors = parse_roster(data.encode())
    assert lines == [] and errors[0].line == 1 and "adresse, responsable" in errors[0].message


def test_every_import_is_in_the_audit_log_with_counts_only(gar: Gar) -> None:
    _head_session(gar)
    _upload(gar, ROSTER.encode())
    with gar.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "gar.roster.import")).one()
    assert entry.target == SCHOOL and entry.actor.startswith("gar:account:")
    assert entry.details == {"added": 3, "updated": 0, "removed": 0, "already_matched": 0}
    assert "Martin" not in json.dumps(entry.details) and "2011" not in json.dumps(entry.details)


def test_head_uploads_the_roster_all_or_nothing(gar: Gar) -> None:
    _head_session(gar)
    assert _upload(gar, ROSTER.encode(), csrf="forged").status_code == 403
    bad = _upload(gar, (ROSTER + "Faux;Nom;99/99/2011;3e A\n").encode())
    assert bad.status_code == 400 and "Ligne 5" in bad.text and "été importé" in bad.text, bad.text
    assert _roster(gar) == []
    good = _upload(gar, ROSTER.encode("utf-8"))
    assert good.status_code == 200 and "3 ajoutés" in good.text
    assert _roster(gar) == ["Durand", "Martin", "Petit"]


def test_student_without_names_confirms_birth_date_and_the_teacher_sees_the_real_name(any_gar: Gar) -> None:
    gar = any_gar
    _head_session(gar)
    _upload(gar, ROSTER.encode())
    gar.client.cookies.clear()
    landing = gar.sign_in(student())  # no NOM/PRE sent; class 3e A
    assert landing.headers["location"] == "/gar/rapprochement?suite=/profil"
    page = gar.client.get("/gar/rapprochement?suite=/profil")
    csrf = _csrf(page.text)
    wrong = gar.client.post("/gar/rapprochement", data={"csrf": csrf, "naissance": "15/03/2011", "suite": "/profil"})
    assert wrong.status_code == 404 and "Aucune fiche unique" in wrong.text
    right = gar.client.post("/gar/rapprochement", data={"csrf": csrf, "naissance": "14/03/2011", "suite": "/profil"})
    assert right.status_code == 200 and "Léa Martin" in right.text
    assert _roster(gar) == ["Durand", "Petit"]  # matched: the entry and its birth date are gone
    with gar.sessions() as session:
        profile = session.scalars(select(GarProfile).where(GarProfile.role == "student")).one()
        assert (profile.listed_given_name, profile.listed_family_name) == ("Léa", "Martin")
    assert gar.sign_in(student()).headers["location"] == "/profil"  # matched: not asked again
    gar.client.cookies.clear()
    gar.sign_in(teacher())
    classes = gar.client.get("/gar/classes").text
    assert "Léa Martin" in classes and "Élève (nom non transmis)" not in classes
    gar.client.cookies.clear()
    gar.sign_in(head())
    again = _upload(gar, ROSTER.encode())  # the same list again: the matched pupil is not stored again
    assert again.status_code == 200 and "1 élève déjà reconnu" in again.text
    assert _roster(gar) == ["Durand", "Petit"]


def test_reconciliation_attempts_are_throttled(gar: Gar) -> None:
    _head_session(gar)
    _upload(gar, ROSTER.encode())
    gar.client.cookies.clear()
    gar.sign_in(student())
    csrf = _csrf(gar.client.get("/gar/rapprochement").text)
    statuses = [gar.client.post("/gar/rapprochement", data={"csrf": csrf, "naissance": "01/01/2000"}).status_code
                for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    blocked = gar.client.post("/gar/rapprochement", data={"csrf": csrf, "naissance": "14/03/2011"})
    assert blocked.status_code == 429 and len(_roster(gar)) == 3


def test_students_cannot_upload_a_roster(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    gar.sign_in(student())
    assert gar.client.get("/gar/roster").status_code == 403


def test_roster_import_command(gar: Gar, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PIX_LTI_DATABASE_URL", str(gar.client.app.state.tool.settings.database_url))
    good, bad = tmp_path / "ok.csv", tmp_path / "ko.csv"
    good.write_bytes(ROSTER.encode("cp1252"))
    bad.write_bytes(b"nom;prenom;date de naissance;classe\nA;B;1/1/11;3A\n")
    refused = runner.invoke(cli, ["gar", "roster", "import", str(bad), "--uai", SCHOOL])
    assert refused.exit_code == 1 and "ligne 2" in refused.output
    done = runner.invoke(cli, ["gar", "roster", "import", str(good), "--uai", SCHOOL])
    assert done.exit_code == 0 and "3 ajoutés" in done.output
    assert len(_roster(gar)) == 3


def test_roster_and_reconciliation_pages_in_english(gar: Gar) -> None:
    gar.subscribe(SCHOOL)
    gar.client.headers["Accept-Language"] = "en-GB,en;q=0.9"  # the GAR sends no language: the browser's is kept
    assert gar.sign_in(head()).status_code == 303
    gar.client.headers["Accept-Language"] = "fr"  # the session's language wins over later headers
    classes = gar.client.get("/gar/classes").text
    assert '<html lang="en">' in classes and "The classes of my school" in classes and "Sign out" in classes
    assert "Management and library staff see all the classes" in classes and "Établissement" not in classes
    page = gar.client.get("/gar/roster")
    assert page.status_code == 200 and '<html lang="en">' in page.text
    assert "Import the class list" in page.text and "only the head of school" in page.text
    assert "Importer la liste" not in page.text
    bad = _upload(gar, (ROSTER + "Faux;Nom;99/99/2011;3e A\n").encode())
    assert bad.status_code == 400 and "Nothing was imported." in bad.text and "Line 5:" in bad.text
    assert "Invalid date of birth “99/99/2011” (expected DD/MM/YYYY)." in bad.text
    good = _upload(gar, ROSTER.encode())
    assert good.status_code == 200 and "3 added" in good.text and "0 pupils already recognised" in good.text
    gar.client.cookies.clear()
    gar.sign_in(student())  # a French browser: the page is French unless switched
    assert "Aidez vos professeurs" in gar.client.get("/gar/rapprochement").text
    ask = gar.client.get("/gar/rapprochement?suite=/profil&lang=en")
    assert '<html lang="en">' in ask.text and "Help your teachers recognise you" in ask.text
    assert "Date of birth (DD/MM/YYYY)" in ask.text and "Skip this step" in ask.text
    csrf = _csrf(ask.text)
    wrong = gar.client.post("/gar/rapprochement?lang=en", data={"csrf": csrf, "naissance": "15/03/2011"})
    assert wrong.status_code == 404 and "No single entry of your school&#39;s list matches" in wrong.text
    right = gar.client.post("/gar/rapprochement?lang=en", data={"csrf": csrf, "naissance": "14/03/2011"})
    assert right.status_code == 200 and "Thank you, Léa Martin!" in right.text
