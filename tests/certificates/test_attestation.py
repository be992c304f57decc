"""The attestation PDF, read back: its text field by field (pypdf), its QR code decoded to the verification URL
(zxing-cpp), the same bytes every time, one A4 page per validated certificate of a session."""

from __future__ import annotations

import io
from datetime import date

import zxingcpp
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from certificates.attestation import attestation_pdf, attestations_pdf
from tests.certificates.conftest import candidate, event, publish
from tests.certificates.documents import certificates_of_session

BASE = "https://pix-lti.example.fr"


def _fields(text: str) -> dict[str, str]:
    return {label.strip(): value.strip() for label, _, value in (line.partition(" : ") for line in text.splitlines())
            if value}


def test_the_attestation_carries_every_field_and_a_qr_code_to_the_verification_page(
        sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Lefèvre", "Zoé", score=512, level=4, birth=date(2011, 3, 4))],
                            day=date(2026, 6, 2)))
    certificate = certificates_of_session(sessions)[0]
    pdf = attestation_pdf(certificate, BASE)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in points
    text = page.extract_text()
    fields = _fields(text)
    assert fields["Nom"] == "LEFÈVRE"
    assert fields["Prénom"] == "Zoé"
    assert fields["Date de naissance"] == "04/03/2011"
    assert fields["Centre de certification"] == "Collège Jean Moulin (0751234A)"
    assert fields["Date de certification"] == "02/06/2026"
    assert fields["Valable jusqu'au"] == "01/06/2029"
    assert fields["Score"] == "512 pix sur 895"
    assert fields["Niveau global"] == "Indépendant"
    assert "Attestation de certification" in text
    for line in ("1.1 Mener une recherche et une veille d'information Niveau 4", "5.2 ", "3.4 Programmer Niveau 4"):
        assert line in text
    assert text.count("Niveau 4") == 16
    assert certificate.code and certificate.code in text

    images = page.images
    assert len(images) == 1
    decoded = [result.text for result in zxingcpp.read_barcodes(images[0].image)]
    assert decoded == [f"{BASE}/verification?code={certificate.code}"]


def test_the_same_certificate_gives_the_same_bytes(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Durand", "Élodie")]))
    certificate = certificates_of_session(sessions)[0]
    assert attestation_pdf(certificate, BASE) == attestation_pdf(certificate, BASE)


def test_a_session_gives_one_page_per_validated_candidate(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([candidate(1, "Durand", "Élodie"), candidate(2, "Martin", "Paul", status="rejected"),
                             candidate(3, "Ngô", "Thị Lan", division="3e B")]))
    reader = PdfReader(io.BytesIO(attestations_pdf(certificates_of_session(sessions), BASE)))
    names = [_fields(p.extract_text())["Nom"] for p in reader.pages]
    assert names == ["DURAND", "NGÔ"]  # in the session's order (class, name), the rejected one left out
    assert _fields(reader.pages[1].extract_text())["Prénom"] == "Thi Lan"  # ị is not in the PDF's fonts: ị → i
