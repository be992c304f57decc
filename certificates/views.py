"""A certificate as the pages, the attestation and the exports show it: names of competences from the referential,
the global level in words, the validity date. Pure: built from a stored row and the referential."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from certificates.models import CertificateRow
from certificates.validity import is_expired, valid_until
from engine.referential import Referential

MAX_SCORE = {"v3": 895, "v2": 1024}  # v3: 7 levels × 16 × 8 − 1 (engine.certification.v3); v2: 8 levels × 128 pix
# French words of the French documents (results CSV, attestation PDF). Pages show `global_level` / `status` (codes)
# through the door's catalogues: `certificate.level_name.<code>`, `certificate.result.<status>` (web/locales).
GLOBAL_LEVELS = {"pre_beginner": "Pré-débutant", "beginner": "Débutant", "independent": "Indépendant",
                 "advanced": "Avancé", "expert": "Expert"}
STATUSES = {"validated": "Certifié", "rejected": "Rejeté", "cancelled": "Annulé"}


@dataclass(frozen=True)
class CompetenceLevel:
    code: str
    name: str
    domain_code: str
    level: int


@dataclass(frozen=True)
class Certificate:
    id: int
    code: str | None
    first_name: str
    last_name: str
    birth_date: date | None
    division: str | None
    centre_name: str
    centre_uai: str | None
    session_id: int
    session_number: int
    session_date: date
    valid_until: date
    version: str
    status: str
    score: int | None
    max_score: int
    global_level: str | None
    competences: tuple[CompetenceLevel, ...]
    comment: str | None
    account_id: int | None

    @property
    def is_validated(self) -> bool:
        return self.status == "validated"

    def is_expired(self, today: date) -> bool:
        return is_expired(self.session_date, today)

    def global_level_label(self) -> str:
        """In French, for the French documents; a page translates `global_level` (`certificate.level_name.<code>`)."""
        return GLOBAL_LEVELS.get(self.global_level or "", "")

    def status_label(self) -> str:
        """In French, for the French documents; a page translates `status` (`certificate.result.<status>`)."""
        return STATUSES.get(self.status, self.status)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def competence_levels(levels: dict[str, int], referential: Referential) -> tuple[CompetenceLevel, ...]:
    """Every competence of the referential, in its order, with its certified level (0 when not certified)."""
    return tuple(CompetenceLevel(c.code, c.name, d.code, int(levels.get(c.code, 0)))
                 for d in referential.domains for c in d.competences)


def certificate_of(row: CertificateRow, referential: Referential) -> Certificate:
    return Certificate(
        id=row.id, code=row.verification_code, first_name=row.first_name, last_name=row.last_name,
        birth_date=row.birth_date, division=row.division, centre_name=row.centre_name, centre_uai=row.centre_uai,
        session_id=row.session_id, session_number=row.session_number, session_date=row.session_date,
        valid_until=valid_until(row.session_date), version=row.version, status=row.status, score=row.score,
        max_score=MAX_SCORE.get(row.version, 895), global_level=row.global_level,
        competences=competence_levels(row.competence_levels or {}, referential), comment=row.comment,
        account_id=row.account_id,
    )


def french_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
