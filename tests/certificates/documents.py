"""Reading the stored certificates back as the pages and documents see them."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from certificates import repository
from certificates.views import Certificate, certificate_of
from content_bank.loader import default_referential


def certificates_of_session(sessions: sessionmaker[Session], session_id: int = 1) -> list[Certificate]:
    with sessions() as session:
        return [certificate_of(row, default_referential()) for row in repository.of_session(session, session_id)]


def certificates_of_centre(sessions: sessionmaker[Session], centre_id: int = 7) -> list[Certificate]:
    with sessions() as session:
        return [certificate_of(row, default_referential()) for row in repository.of_centre(session, centre_id)]
