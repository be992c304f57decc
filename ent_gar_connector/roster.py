"""A school's class list (CSV: nom, prénom, date de naissance, classe): parsing (pure) and import (one transaction).

Robust to a BOM, `;` or `,` separators, UTF-8 or Windows-1252, dates JJ/MM/AAAA. Every bad line is reported
with its number and nothing is imported if any line is bad. Only these four columns are accepted (a file with
more, such as an export with addresses or parents, is refused: the school removes them first). Entries live
until their pupil is matched (then only the names stay, on the pupil's GAR profile) or until the retention
deadline (`PIX_LTI_RETENTION_CLASS_LIST_DAYS`); every import is in the audit log."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import audit
from core.schools import GarProfile, GarSchool, GarSchoolMember
from engine.text import clean_name
from ent_gar_connector.models import GarRosterEntry
from ent_gar_connector.provisioning import school_for

MAX_BYTES = 2_000_000
MAX_LINES = 5000
COLUMNS = {"nom": "family_name", "prenom": "given_name", "date de naissance": "birth_date", "classe": "class_label"}


@dataclass(frozen=True)
class RosterLine:
    line: int
    family_name: str
    given_name: str
    birth_date: date
    class_label: str


@dataclass(frozen=True)
class RosterError:
    """A refused line (0: the whole file). `message` is French (command line); a page words `code` with `values`
    in its language (`gar.roster.error.<code>`)."""

    line: int
    message: str
    code: str = ""
    values: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    removed: int
    kept_matches: int


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed (for headers and name comparisons)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    cleaned = "".join(c if c.isalnum() else " " for c in plain)
    return " ".join(cleaned.split())


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict").lstrip("\ufeff")


def parse_date(text: str) -> date | None:
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None
    try:
        value = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None
    return value if date(1900, 1, 1) <= value <= date.today() else None


def parse_roster(data: bytes) -> tuple[list[RosterLine], list[RosterError]]:
    if len(data) > MAX_BYTES:
        return [], [RosterError(0, f"Fichier trop volumineux (plus de {MAX_BYTES // 1_000_000} Mo).", "too_big",
                                 (("mb", MAX_BYTES // 1_000_000),))]
    try:
        text = decode(data)
    except UnicodeDecodeError:
        return [], [RosterError(0, "Encodage illisible : enregistrez le fichier en UTF-8 ou Windows-1252.",
                                "encoding")]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [RosterError(1, "Fichier vide : la première ligne doit être l'en-tête "
                                   "nom;prénom;date de naissance;classe.", "empty_file")]
    separator = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    header = [fold(h) for h in rows[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [RosterError(1, "En-tête incomplet : colonnes attendues nom, prénom, date de naissance, classe "
                                   f"(manquantes : {', '.join(missing)}).", "missing_columns",
                                    (("columns", ", ".join(missing)),))]
    extra = [rows[0][i].strip() for i, name in enumerate(header) if name not in COLUMNS]
    if extra:
        shown = ", ".join(c[:40] or "(sans nom)" for c in extra)
        return [], [RosterError(1, "Colonnes en trop : seules nom, prénom, date de naissance et classe sont "
                                   f"acceptées. Retirez du fichier : {shown}.", "extra_columns",
                                    (("columns", shown),))]
    index = {field: header.index(name) for name, field in COLUMNS.items()}
    parsed: list[RosterLine] = []
    errors: list[RosterError] = []
    seen: dict[tuple[str, str, date], int] = {}
    if len(rows) - 1 > MAX_LINES:
        return [], [RosterError(0, f"Trop de lignes (plus de {MAX_LINES}).", "too_many_lines",
                                 (("max", MAX_LINES),))]
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            errors.append(RosterError(number, f"{len(row)} colonnes au lieu de {len(header)}.", "column_count",
                                      (("found", len(row)), ("expected", len(header)))))
            continue
        values = {field: clean_name(row[i], len(row[i])) or "" for field, i in index.items()}
        empty = [name for name, field in COLUMNS.items() if not values[field]]
        if empty:
            errors.append(RosterError(number, f"Champ vide : {', '.join(empty)}.", "empty_field",
                                      (("fields", ", ".join(empty)),)))
            continue
        if any(len(values[f]) > 255 for f in ("family_name", "given_name", "class_label")):
            errors.append(RosterError(number, "Texte trop long (255 caractères au plus).", "too_long"))
            continue
        birth = parse_date(values["birth_date"])
        if birth is None:
            errors.append(RosterError(number, f"Date de naissance « {values['birth_date'][:20]} » invalide "
                                              "(attendu JJ/MM/AAAA).", "bad_date",
                                      (("value", values["birth_date"][:20]),)))
            continue
        key = (fold(values["family_name"]), fold(values["given_name"]), birth)
        if key in seen:
            errors.append(RosterError(number, f"Élève en double (déjà ligne {seen[key]}).", "duplicate",
                                      (("first", seen[key]),)))
            continue
        seen[key] = number
        parsed.append(RosterLine(number, values["family_name"], values["given_name"], birth, values["class_label"]))
    if not parsed and not errors:
        errors.append(RosterError(2, "Aucun élève dans le fichier.", "no_pupil"))
    return parsed, errors


def _matched_names(session: Session, school_id: int) -> set[tuple[str, str]]:
    """Folded (family, given) names of the school's pupils already matched to their list entry."""
    rows = session.execute(
        select(GarProfile.listed_family_name, GarProfile.listed_given_name)
        .join(GarSchoolMember, GarSchoolMember.account_id == GarProfile.account_id)
        .where(GarSchoolMember.school_id == school_id, GarProfile.listed_family_name.is_not(None)))
    return {(fold(family), fold(given or "")) for family, given in rows}


def import_roster(session: Session, uai: str, lines: list[RosterLine], actor: str) -> ImportResult:
    """Replace the school's waiting entries with `lines` (pupils already matched are not stored again) and write
    the import in the audit log (counts only). The caller owns the transaction (one commit for the file)."""
    school = school_for(session, uai)
    existing = {(fold(e.family_name), fold(e.given_name), e.birth_date): e
                for e in session.scalars(select(GarRosterEntry).where(GarRosterEntry.school_id == school.id))}
    matched = _matched_names(session, school.id)
    added = updated = kept = 0
    wanted = set()
    for line in lines:
        key = (fold(line.family_name), fold(line.given_name), line.birth_date)
        if key[:2] in matched:
            kept += 1
            continue
        wanted.add(key)
        entry = existing.get(key)
        if entry is None:
            session.add(GarRosterEntry(school_id=school.id, family_name=line.family_name, given_name=line.given_name,
                                       birth_date=line.birth_date, class_label=line.class_label))
            added += 1
        else:
            entry.family_name, entry.given_name, entry.class_label = line.family_name, line.given_name, line.class_label
            updated += 1
    removed = 0
    for key, entry in existing.items():
        if key not in wanted:
            session.delete(entry)
            removed += 1
    session.flush()
    result = ImportResult(added, updated, removed, kept)
    audit.record(session, actor, "gar.roster.import", uai, added=added, updated=updated, removed=removed,
                 already_matched=kept)
    return result


def clear_roster(session: Session, uai: str, actor: str) -> int:
    """Delete the school's entries still waiting for their pupil (audited, counts only); the caller commits."""
    school = session.scalar(select(GarSchool).where(GarSchool.uai == uai))
    removed = 0
    if school is not None:
        removed = session.execute(delete(GarRosterEntry).where(GarRosterEntry.school_id == school.id)).rowcount or 0
    audit.record(session, actor, "gar.roster.clear", uai, removed=removed)
    return int(removed)
