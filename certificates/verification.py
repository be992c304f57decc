"""The public verification of a code (`/verification`): the holder's name, the date, the score and the levels —
nothing more (no birth date, class, centre or comment). Malformed, unknown and expired codes are told apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from certificates import codes, repository
from certificates.views import Certificate, CompetenceLevel, certificate_of
from engine.referential import Referential


class Outcome(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    code: str | None
    first_name: str = ""
    last_name: str = ""
    session_date: date | None = None
    valid_until: date | None = None
    score: int | None = None
    max_score: int | None = None
    global_level: str = ""  # its code ("independent"): the page says it in its language
    competences: tuple[CompetenceLevel, ...] = ()

    @property
    def found(self) -> bool:
        return self.outcome in (Outcome.VALID, Outcome.EXPIRED)


def _shown(certificate: Certificate, outcome: Outcome) -> Verification:
    return Verification(outcome=outcome, code=certificate.code, first_name=certificate.first_name,
                        last_name=certificate.last_name, session_date=certificate.session_date,
                        valid_until=certificate.valid_until, score=certificate.score,
                        max_score=certificate.max_score, global_level=certificate.global_level or "",
                        competences=certificate.competences)


def verify(session: Session, raw_code: str, today: date, referential: Referential) -> Verification:
    code = codes.normalise(raw_code)
    if code is None:
        return Verification(Outcome.MALFORMED, None)
    row = repository.by_code(session, code)
    if row is None or row.status != "validated":
        return Verification(Outcome.UNKNOWN, code)
    certificate = certificate_of(row, referential)
    return _shown(certificate, Outcome.EXPIRED if certificate.is_expired(today) else Outcome.VALID)
