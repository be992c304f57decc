"""The school's results table (issue 20): one row per candidate of a session or a class, as a CSV with the
conventions of the campaign exports (engine.campaigns.export: `;`, UTF-8 with BOM, CRLF, formula-like cells made
text). Columns follow the service's results export: name, first name, birth date, class, status, score, global
level, level per competence (1.1 … 5.2), then date, session, centre, verification code and the jury's comments.
Levels are empty when the result is not validated (rejected or cancelled: nothing is certified)."""

from __future__ import annotations

from collections.abc import Sequence

from certificates.views import Certificate, french_date
from engine.campaigns.export import encode_csv


def results_table(certificates: Sequence[Certificate]) -> list[list[str]]:
    codes = [c.code for c in certificates[0].competences] if certificates else []
    names = {c.code: c.name for c in certificates[0].competences} if certificates else {}
    header = ["Nom", "Prénom", "Date de naissance", "Classe", "Statut", "Score (pix)", "Niveau global",
              *[f"{code} {names[code]}" for code in codes],
              "Date de certification", "Session", "Centre", "Code de vérification", "Commentaires"]
    rows = [header]
    for c in certificates:
        levels = {x.code: x.level for x in c.competences}
        rows.append([
            c.last_name, c.first_name, french_date(c.birth_date), c.division or "", c.status_label(),
            str(c.score) if c.is_validated and c.score is not None else "",
            c.global_level_label() if c.is_validated else "",
            *[str(levels.get(code, 0)) if c.is_validated else "" for code in codes],
            french_date(c.session_date), str(c.session_number), c.centre_name, c.code or "", c.comment or "",
        ])
    return rows


def results_csv(certificates: Sequence[Certificate]) -> bytes:
    return encode_csv(results_table(certificates))
