"""Issuing certificates when a session's results are published (`CertificationResultsPublished`).

Called inside the publishing transaction: one row per candidate, keyed by the certification course, so a session
published again (after a jury's rescoring) updates its rows and keeps every verification code already given.
A validated result gets a code; a rejected or cancelled one is kept for the school's results, without a code."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from certificates import codes
from certificates.models import CertificateRow
from core.events import CertificationResultsPublished, CertifiedCandidate

VALIDATED = "validated"
_ATTEMPTS = 20  # 24^8 codes: a clash is already rare, twenty in a row never happens


def unique_code(session: Session, draw: Callable[[], str] = codes.new_code) -> str:
    taken: set[str] = set()
    for _ in range(_ATTEMPTS):
        code = draw()
        if code in taken:
            continue
        if session.scalar(select(CertificateRow.id).where(CertificateRow.verification_code == code)) is None:
            return code
        taken.add(code)
    raise RuntimeError("no free verification code after 20 draws")


def _fill(row: CertificateRow, event: CertificationResultsPublished, candidate: CertifiedCandidate) -> None:
    row.session_id = event.session_id
    row.session_number = event.session_number
    row.centre_id = event.centre_id
    row.centre_name = event.centre_name
    row.centre_uai = event.centre_uai
    row.session_date = event.session_date
    row.version = event.version
    row.account_id = candidate.account_id
    row.first_name = candidate.first_name
    row.last_name = candidate.last_name
    row.birth_date = candidate.birth_date
    row.division = candidate.division
    row.status = candidate.status
    row.score = candidate.score
    row.global_level = candidate.global_level
    row.competence_levels = {str(k): int(v) for k, v in sorted(candidate.competence_levels.items())}
    row.comment = candidate.comment
    row.published_at = event.at


def issue_certificates(session: Session, event: CertificationResultsPublished) -> list[CertificateRow]:
    ids = [c.certification_course_id for c in event.candidates]
    existing = {row.certification_course_id: row for row in session.scalars(
        select(CertificateRow).where(CertificateRow.certification_course_id.in_(ids)))} if ids else {}
    rows = []
    for candidate in event.candidates:
        row = existing.get(candidate.certification_course_id)
        if row is None:
            row = CertificateRow(certification_course_id=candidate.certification_course_id)
            session.add(row)
        _fill(row, event, candidate)
        if candidate.status == VALIDATED and row.verification_code is None:
            session.flush()
            row.verification_code = unique_code(session)
        rows.append(row)
    session.flush()
    return rows
