"""Reading certificates: a pupil's, a session's, a class's, a centre's, by verification code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from certificates.models import CertificateRow

_ORDER = (CertificateRow.division, CertificateRow.last_name, CertificateRow.first_name, CertificateRow.id)


def of_account(session: Session, account_id: int) -> list[CertificateRow]:
    """A pupil's certificates, the latest first (validated or not: a rejected result is theirs to see too)."""
    return list(session.scalars(select(CertificateRow).where(CertificateRow.account_id == account_id)
                                .order_by(CertificateRow.session_date.desc(), CertificateRow.id.desc())))


def by_code(session: Session, code: str) -> CertificateRow | None:
    return session.scalar(select(CertificateRow).where(CertificateRow.verification_code == code))


def by_id(session: Session, certificate_id: int) -> CertificateRow | None:
    return session.get(CertificateRow, certificate_id)


def of_session(session: Session, session_id: int, division: str | None = None) -> list[CertificateRow]:
    query = select(CertificateRow).where(CertificateRow.session_id == session_id)
    if division is not None:
        query = query.where(CertificateRow.division == division)
    return list(session.scalars(query.order_by(*_ORDER)))


def of_centre(session: Session, centre_id: int, division: str | None = None) -> list[CertificateRow]:
    query = select(CertificateRow).where(CertificateRow.centre_id == centre_id)
    if division is not None:
        query = query.where(CertificateRow.division == division)
    return list(session.scalars(query.order_by(*_ORDER)))


def centres(session: Session) -> list[tuple[int, str, str | None]]:
    """(id, name, UAI) of every centre with published results."""
    rows = session.execute(select(CertificateRow.centre_id, CertificateRow.centre_name, CertificateRow.centre_uai)
                           .distinct().order_by(CertificateRow.centre_name)).all()
    seen: dict[int, tuple[int, str, str | None]] = {}
    for centre_id, name, uai in rows:
        seen.setdefault(centre_id, (centre_id, name, uai))
    return list(seen.values())


def sessions_of_centre(session: Session, centre_id: int) -> list[tuple[int, int, object]]:
    """(session id, session number, date) of a centre's published sessions, the latest first."""
    return [tuple(r) for r in session.execute(
        select(CertificateRow.session_id, CertificateRow.session_number, CertificateRow.session_date)
        .where(CertificateRow.centre_id == centre_id).distinct()
        .order_by(CertificateRow.session_date.desc(), CertificateRow.session_id.desc())).all()]
