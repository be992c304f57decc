"""End to end with the certification sessions context (issue 19): a session sat by pupils, finalised and
published by `certification.finalisation` gives its certificates — one per scored candidate, codes for the
validated ones, the pupils' own accounts — and their attestations."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from certificates import repository as certificates
from certificates.attestation import attestations_pdf
from certificates.views import certificate_of
from certification.finalisation import FinalisationReport, finalise_session
from content_bank.loader import default_referential
from tests.certification.test_finalisation import NOON, _sitting_school


def test_a_finalised_and_published_session_issues_its_certificates(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as db:
        school, lea, hugo, ines = _sitting_school(db)
        finalise_session(db, default_referential(), school.session_id, FinalisationReport(
            absent_candidate_ids=frozenset({ines.id})), school.head, NOON)  # automatic publication

    with sessions() as db:
        rows = certificates.of_session(db, school.session_id)
        assert sorted(r.last_name for r in rows) == ["Bernard", "Martin"]
        assert {r.account_id for r in rows} == {lea.account_id, hugo.account_id}
        assert all(r.status == "validated" and re.fullmatch(r"P-[2346789BCDFGHJKMPQRTVWXY]{8}", r.verification_code)
                   for r in rows)
        assert all(r.centre_uai == "0750001A" and r.division == "3A" and len(r.competence_levels) == 16
                   for r in rows)
        issued = [certificate_of(r, default_referential()) for r in rows]
    pdf = PdfReader(io.BytesIO(attestations_pdf(issued, "https://pix-lti.example.fr")))
    assert len(pdf.pages) == 2
    assert all(c.code in page.extract_text() for c, page in zip(issued, pdf.pages, strict=True))
