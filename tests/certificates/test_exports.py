"""The school's results CSV parsed back cell by cell (`;`, UTF-8 BOM, CRLF), per session and per class; the
livret scolaire document; and the CSV opened in LibreOffice headless when it is installed."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy.orm import Session, sessionmaker

from certificates import repository
from certificates.exports import results_csv
from certificates.livret import livret_json
from certificates.views import certificate_of
from content_bank.loader import default_referential
from tests.certificates.conftest import candidate, event, publish
from tests.certificates.documents import certificates_of_session


def _parse(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _published(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([
        candidate(1, "Durand", "Élodie", "3e A", score=512, level=4, comment="RAS"),
        candidate(2, "Martin", "Paul", "3e B", status="rejected", score=0, comment="=fraude"),
        candidate(3, "Petit", "Lina", "3e A", status="cancelled", birth=None),
    ]))


def test_the_session_csv_reads_back_cell_by_cell(sessions: sessionmaker[Session]) -> None:
    _published(sessions)
    certificates = certificates_of_session(sessions)
    rows = _parse(results_csv(certificates))

    header = rows[0]
    assert header[:7] == ["Nom", "Prénom", "Date de naissance", "Classe", "Statut", "Score (pix)", "Niveau global"]
    assert header[7] == "1.1 Mener une recherche et une veille d'information" and header[22].startswith("5.2 ")
    assert header[23:] == ["Date de certification", "Session", "Centre", "Code de vérification", "Commentaires"]
    durand, petit, martin = rows[1:]
    assert durand[:7] == ["Durand", "Élodie", "17/05/2011", "3e A", "Certifié", "512", "Indépendant"]
    assert durand[7:23] == ["4"] * 16
    assert durand[23:] == ["12/05/2026", "1001", "Collège Jean Moulin", certificates[0].code, "RAS"]
    assert petit[:7] == ["Petit", "Lina", "", "3e A", "Annulé", "", ""] and petit[7:23] == [""] * 16
    assert martin[4:7] == ["Rejeté", "", ""] and martin[27] == "'=fraude"  # never run as a formula
    assert martin[26] == ""  # no verification code for a rejected result


def test_the_class_csv_keeps_only_that_class(sessions: sessionmaker[Session]) -> None:
    _published(sessions)
    with sessions() as session:
        rows = [certificate_of(r, default_referential()) for r in repository.of_session(session, 1, "3e B")]
    assert [row[0] for row in _parse(results_csv(rows))[1:]] == ["Martin"]


def test_the_livret_document_lists_validated_and_rejected_results(sessions: sessionmaker[Session]) -> None:
    _published(sessions)
    document = json.loads(livret_json(certificates_of_session(sessions)))
    assert document["data"]["type"] == "certificationsResults"
    results = document["data"]["attributes"]["certifications"]
    assert [(r["lastName"], r["status"], r["pixScore"]) for r in results] == [("Durand", "validated", 512),
                                                                             ("Martin", "rejected", 0)]
    assert results[0]["birthdate"] == "2011-05-17" and results[0]["division"] == "3e A"
    assert results[0]["competenceResults"][0] == {"competenceId": "1.1", "level": 4}
    assert len(document["data"]["relationships"]["competences"]["data"]) == 16
    kinds = [(item["type"], item["id"]) for item in document["included"]]
    assert ("areas", "5") in kinds and ("competences", "4.2") in kinds
