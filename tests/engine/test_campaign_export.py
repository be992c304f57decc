"""CSV exports: `;`, UTF-8 with BOM, CRLF, formulas neutralised; the columns of §7 for both campaign types."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from campaign_bank import campaign_referential

from engine.campaigns.export import (
    ExportParticipant,
    assessment_table,
    encode_csv,
    neutralise,
    profiles_collection_table,
)
from engine.campaigns.participation import ParticipationStatus
from engine.campaigns.results import SharedResults
from engine.campaigns.target_profile import Badge, BadgeCriterion, Stage, TargetProfile, skills_of_tubes

REF = campaign_referential()
WHEN = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
TP = TargetProfile("P", skills_of_tubes(REF, ["url", "mail"]),
                   stages=(Stage("Départ", threshold=0), Stage("Moitié", threshold=50)),
                   badges=(Badge("mail", "Courriel", (BadgeCriterion(60, frozenset({"@mail1"})),)),))
RESULTS = SharedResults(
    total_pix=12, certifiable=False, certifiable_competences=2, missing_competences=3,
    levels={"1.1": (1, 9), "2.1": (0, 4)}, mastery_percent=57, validated=4, total=7, stage_index=2, stage_count=2,
    stage_title="Moitié", badges=("mail",), competence_rates={"1.1": (2, 4), "2.1": (2, 3)},
    domain_rates={"1": (2, 4), "2": (2, 3)},
)


def parse(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def participant(results: SharedResults | None, status: ParticipationStatus = ParticipationStatus.SHARED,
                name: str = "Durand") -> ExportParticipant:
    return ExportParticipant(name, "Camille", "2nde A", status, WHEN, WHEN if results else None, 1, results)


def test_assessment_export_has_mastery_stage_badges_and_rates_per_competence_and_domain() -> None:
    data = encode_csv(assessment_table(REF, TP, [participant(RESULTS),
                                                 participant(None, ParticipationStatus.STARTED, "Martin")]))
    assert data.count(b"\r\n") == 3 and data.count(b"\n") == 3  # CRLF line ends only
    rows = parse(data)
    header, shared, started = rows
    assert header[:7] == ["Nom", "Prénom", "Classe / groupe", "Date de début", "Statut", "Date d'envoi", "Tentative"]
    cells = dict(zip(header, shared, strict=True))
    assert cells["Date de début"] == "02/03/2026 10:05"  # Paris time
    assert cells["Statut"] == "Envoyé" and cells["% de maîtrise des acquis"] == "57"
    assert (cells["Acquis maîtrisés"], cells["Acquis du profil cible"]) == ("4", "7")
    assert (cells["Palier atteint"], cells["Nombre de paliers"], cells["Intitulé du palier"]) == ("2", "2", "Moitié")
    assert cells["Badge « Courriel » obtenu"] == "Oui"
    assert cells["% de maîtrise 1.1 Mener une recherche et une veille d'information"] == "50"
    assert cells["% de maîtrise 2.1 Interagir"] == "66"
    assert cells["% de maîtrise domaine 1 Information et données"] == "50"
    assert len(started) == len(header) and started[4] == "En cours" and set(started[7:]) == {""}


def test_profiles_collection_export_has_pix_certifiability_and_levels() -> None:
    rows = parse(encode_csv(profiles_collection_table(REF, [participant(RESULTS)])))
    header, row = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["Nombre de pix total"] == "12" and cells["Certifiable"] == "Non"
    assert cells["Nombre de compétences certifiables"] == "2"
    assert cells["Niveau 1.1 Mener une recherche et une veille d'information"] == "1"
    assert cells["Pix 1.1 Mener une recherche et une veille d'information"] == "9"
    assert cells["Niveau 5.2 Évoluer dans un environnement numérique"] == "0"
    assert len(header) == 10 + 2 * 16


def test_formulas_are_neutralised_and_separators_quoted() -> None:
    assert neutralise("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert [neutralise(c) for c in ("+1", "-1", "@a", "\tx", "ok")] == ["'+1", "'-1", "'@a", "'\tx", "ok"]
    rows = parse(encode_csv([["=1+1", "a;b", 'dit "bonjour"', "ligne\nsuivante"]]))
    assert rows == [["'=1+1", "a;b", 'dit "bonjour"', "ligne\nsuivante"]]
