"""CSV exports of a campaign (§7): one row per participant, for spreadsheets (LibreOffice, Excel).

Semicolon-separated, UTF-8 with a byte order mark, CRLF line ends, every cell quoted when needed; cells that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) are prefixed with `'`.
Results are exported only once shared: before that, the organisation has not received them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from engine.campaigns.participation import ParticipationStatus
from engine.campaigns.results import SharedResults
from engine.campaigns.target_profile import TargetProfile
from engine.referential import Referential

BOM = "\ufeff"
SEPARATOR = ";"
PARIS = ZoneInfo("Europe/Paris")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = {
    ParticipationStatus.STARTED: "En cours",
    ParticipationStatus.COMPLETED: "Terminé, non envoyé",
    ParticipationStatus.SHARED: "Envoyé",
}


@dataclass(frozen=True)
class ExportParticipant:
    family_name: str
    given_name: str
    groups: str  # classes / groups, comma-separated ("" when unknown)
    status: ParticipationStatus
    started_at: datetime
    shared_at: datetime | None
    attempt: int
    results: SharedResults | None  # only when shared


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _date(moment: datetime | None, tz: tzinfo) -> str:
    return "" if moment is None else moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def _yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


def _identity(p: ExportParticipant, tz: tzinfo) -> list[str]:
    return [p.family_name, p.given_name, p.groups, _date(p.started_at, tz), STATUS_LABELS[p.status],
            _date(p.shared_at, tz), str(p.attempt)]


IDENTITY_HEADER = ["Nom", "Prénom", "Classe / groupe", "Date de début", "Statut", "Date d'envoi", "Tentative"]


def assessment_table(referential: Referential, profile: TargetProfile, participants: Iterable[ExportParticipant],
                     tz: tzinfo = PARIS) -> list[list[str]]:
    competences = list(profile.skills_by_competence(referential))
    domains = list(dict.fromkeys(referential.competences[c].domain_code for c in competences))
    domain_names = {d.code: d.name for d in referential.domains}
    header = [*IDENTITY_HEADER, "% de maîtrise des acquis", "Acquis maîtrisés", "Acquis du profil cible",
              "Palier atteint", "Nombre de paliers", "Intitulé du palier"]
    header += [f"Badge « {b.title} » obtenu" for b in profile.badges]
    header += [f"% de maîtrise {c} {referential.competences[c].name}" for c in competences]
    header += [f"% de maîtrise domaine {d} {domain_names[d]}" for d in domains]
    rows = [header]
    for p in participants:
        row = _identity(p, tz)
        r = p.results
        if r is None or r.mastery_percent is None:
            row += [""] * (len(header) - len(row))
        else:
            row += [str(r.mastery_percent), _num(r.validated), _num(r.total), _num(r.stage_index),
                    _num(r.stage_count), r.stage_title or ""]
            row += [_yes_no(b.key in r.badges) for b in profile.badges]
            row += [_num(r.competence_percent(c)) for c in competences]
            row += [_num(r.domain_percent(d)) for d in domains]
        rows.append(row)
    return rows


def profiles_collection_table(referential: Referential, participants: Iterable[ExportParticipant],
                              tz: tzinfo = PARIS) -> list[list[str]]:
    competences = list(referential.competences.values())
    header = [*IDENTITY_HEADER, "Nombre de pix total", "Certifiable", "Nombre de compétences certifiables"]
    for c in competences:
        header += [f"Niveau {c.code} {c.name}", f"Pix {c.code} {c.name}"]
    rows = [header]
    for p in participants:
        row = _identity(p, tz)
        r = p.results
        if r is None:
            row += [""] * (len(header) - len(row))
        else:
            row += [str(r.total_pix), _yes_no(r.certifiable), str(r.certifiable_competences)]
            for c in competences:
                level, pix = r.levels.get(c.code, (0, 0))
                row += [str(level), str(pix)]
        rows.append(row)
    return rows


def encode_csv(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return (BOM + buffer.getvalue()).encode("utf-8")
