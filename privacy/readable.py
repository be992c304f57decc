"""The export a person (or their parents, or the school) can read: sections with French titles, every
reference to another table shown by its label (course title, campaign name, school UAI...) instead of its id,
competence codes with their names, and the short-lived records kept in Redis."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from privacy.erasure import PersonalData

TITLES = {
    "accounts": "Compte",
    "memberships": "Cours suivis dans la plateforme (LMS)",
    "assessments": "Tests de compétences",
    "assessment_answers": "Réponses aux questions",
    "knowledge_elements": "Acquis (compétences et sujets évalués)",
    "campaign_participations": "Participations aux campagnes (parcours)",
    "grades_launch_services": "Services de notes de la plateforme (dernier lancement de chaque activité)",
    "grades_outbox": "Notes envoyées ou à envoyer au carnet de notes de la plateforme",
    "grades_roster_members": "Liste des participants du cours, telle que la plateforme l'a transmise",
    "gar_profiles": "Profil GAR (médiacentre)",
    "gar_school_members": "Établissements (GAR)",
    "gar_group_members": "Classes et groupes (GAR)",
    "gar_roster_entries": "Liste d'élèves de l'établissement (en attente de rapprochement)",
    "account_links": "Comptes reliés (un seul profil pour le compte de la plateforme et le compte ENT)",
    "account_link_rows": "Données rassemblées sur le profil lors de la liaison des comptes",
    "campaigns.created_by": "Campagnes créées (elles restent à l'établissement ; le lien au compte est retiré)",
}
DROPPED = {"id", "account_id", "password_hash", "seed"}
# how a row of a shared or parent table is named in the export
LABELS: dict[str, Callable[[dict[str, Any]], str]] = {
    "courses": lambda r: r.get("title") or r.get("label") or f"cours {r.get('context_id')}",
    "activities": lambda r: r.get("title") or f"activité {r.get('resource_link_id')}",
    "campaigns": lambda r: f"{r.get('name')} (code {r.get('code')})",
    "campaign_organisations": lambda r: str(r.get("name")),
    "campaign_target_profiles": lambda r: str(r.get("name")),
    "gar_schools": lambda r: f"établissement {r.get('uai')}",
    "gar_groups": lambda r: f"{'classe' if r.get('kind') == 'class' else 'groupe'} {r.get('label')}",
    "lti_registrations": lambda r: f"plateforme {r.get('issuer')}",
    "assessments": lambda r: f"test {r.get('type')} {r.get('competence_code') or ''} du "
                             f"{_day(r.get('created_at'))}".replace("  ", " "),
}


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _day(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, datetime | date) else str(value)


def _competence_names() -> dict[str, str]:
    try:
        from content_bank.loader import default_referential

        return {code: competence.name for code, competence in default_referential().competences.items()}
    except Exception:  # the export must not fail for want of the bank: codes stay codes
        return {}


class _Labeller:
    def __init__(self, session: Session, data: PersonalData) -> None:
        self.connection = session.connection()
        self.data = data
        self.cache: dict[tuple[str, Any], str] = {}
        self.competences = _competence_names()
        # ids that no foreign key declares, named from the person's own rows
        self.tests = {r["id"]: LABELS["assessments"](r) for r in data.rows.get("assessments", [])}
        self.participations: dict[Any, str] = {}
        participations = data.tables.get("campaign_participations")
        for r in data.rows.get("campaign_participations", []):
            labelled = self.label(participations, "campaign_id", r["campaign_id"]) if participations is not None \
                else None
            self.participations[r["id"]] = f"participation à {labelled[1]}" if labelled else str(r["id"])

    def label(self, table: Table, column: str, value: Any) -> tuple[str, Any] | None:
        """(key, label) for a foreign-key column, None for any other column."""
        for fk in table.c[column].foreign_keys:
            parent = fk.column.table
            if parent.name not in LABELS or value is None:
                return None
            cached = self.cache.get((parent.name, value))
            if cached is None:
                row = self.connection.execute(select(parent).where(fk.column == value)).first()
                cached = LABELS[parent.name](dict(row._mapping)) if row is not None else f"(supprimé : {value})"
                self.cache[(parent.name, value)] = cached
            key = column[:-3] if column.endswith("_id") else column
            return key, cached
        return None

    def row(self, table: Table, record: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for column, value in record.items():
            if column in DROPPED:
                continue
            labelled = self.label(table, column, value) if column in table.c else None
            if labelled is not None:
                out[labelled[0]] = labelled[1]
            elif column == "assessment_id" and value in self.tests:
                out["assessment"] = self.tests[value]
            elif column == "campaign_participation_id" and value in self.participations:
                out["campaign_participation"] = self.participations[value]
            elif column == "competence_code" and value in self.competences:
                out["competence"] = f"{value} {self.competences[value]}"
            else:
                out[column] = jsonable(value)
        return out


def readable_export(session: Session, data: PersonalData, now: datetime) -> dict[str, Any]:
    labeller = _Labeller(session, data)
    sections = []
    order = list(TITLES)
    for name in sorted(data.rows, key=lambda n: (order.index(n) if n in order else len(order), n)):
        table = data.tables[name]
        sections.append({"titre": TITLES.get(name, name), "table": name,
                         "lignes": [labeller.row(table, r) for r in data.rows[name]]})
    for (name, columns), found in sorted(data.references.items()):
        key = f"{name}.{','.join(columns)}"
        table = data.tables[name]
        sections.append({"titre": TITLES.get(key, key), "table": name,
                         "lignes": [labeller.row(table, {k: v for k, v in r.items() if k not in columns})
                                    for r in found]})
    redis = [{"clé": key, "contenu": _maybe_json(raw)} for key, raw in sorted(data.redis.items())]
    if redis:
        sections.append({"titre": "Données temporaires (Redis : lancements en cours, compteurs)", "table": "redis",
                         "lignes": redis})
    return {"exporté le": now.isoformat(), "comptes": sorted(data.account_ids), "sections": sections}


def _maybe_json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw
