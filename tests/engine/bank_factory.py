"""Builds small referentials in memory through `engine.content_schema.build_referential`.

Independent of the shipped bank: the framework is the CRCN table of the spec (§1) and every competence
a test does not care about gets a minimal file (one tube, one level-1 skill, two QCU variants).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.content_schema import build_referential
from engine.referential import Referential

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

CRCN: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("1", "Information et données", (
        ("1.1", "Mener une recherche et une veille d'information"),
        ("1.2", "Gérer des données"),
        ("1.3", "Traiter des données"),
    )),
    ("2", "Communication et collaboration", (
        ("2.1", "Interagir"),
        ("2.2", "Partager et publier"),
        ("2.3", "Collaborer"),
        ("2.4", "S'insérer dans le monde numérique"),
    )),
    ("3", "Création de contenus", (
        ("3.1", "Développer des documents textuels"),
        ("3.2", "Développer des documents multimédia"),
        ("3.3", "Adapter les documents à leur finalité"),
        ("3.4", "Programmer"),
    )),
    ("4", "Protection et sécurité", (
        ("4.1", "Sécuriser l'environnement numérique"),
        ("4.2", "Protéger les données personnelles et la vie privée"),
        ("4.3", "Protéger la santé, le bien-être et l'environnement"),
    )),
    ("5", "Environnement numérique", (
        ("5.1", "Résoudre des problèmes techniques"),
        ("5.2", "Évoluer dans un environnement numérique"),
    )),
)
COMPETENCE_CODES: tuple[str, ...] = tuple(code for _, _, comps in CRCN for code, _ in comps)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def framework_doc() -> dict[str, Any]:
    return {
        "domains": [
            {"code": code, "name": name, "competences": [{"code": c, "name": n} for c, n in comps]}
            for code, name, comps in CRCN
        ]
    }


def qcu(cid: str, *, solution: int = 1, proposals: Iterable[str] = ("Oui", "Non", "Peut-être"),
        **extra: Any) -> dict[str, Any]:
    return {"id": cid, "type": "QCU", "instruction": f"Question {cid}\u202f?", "proposals": list(proposals),
            "solution": solution, **extra}


def tutorial(title: str = "Astuce") -> dict[str, Any]:
    return {"title": title, "text": "Une explication courte."}


def skill(level: int, challenges: list[dict[str, Any]] | None = None, *, tube: str = "t", variants: int = 2,
          timer: int | None = None, **extra: Any) -> dict[str, Any]:
    """A skill document; by default `variants` QCU challenges with ids `<tube>-<level>-<i>`."""
    if challenges is None:
        base = tube.lower()
        challenges = [
            qcu(f"{base}-{level}-{i}", **({"timer": timer} if timer else {})) for i in range(1, variants + 1)
        ]
    doc: dict[str, Any] = {"level": level, "tutorial": tutorial(), "challenges": challenges}
    doc.update(extra)
    return doc


def tube(name: str, levels: Iterable[int] | None = None, *, skills: list[dict[str, Any]] | None = None,
         timed_levels: Iterable[int] = (), title: str | None = None) -> dict[str, Any]:
    timed = set(timed_levels)
    if skills is None:
        skills = [skill(lvl, tube=name, timer=30 if lvl in timed else None) for lvl in (levels or ())]
    return {"name": name, "title": title or f"Tube {name}", "skills": skills}


def competence_doc(code: str, tubes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"competence": code, "tubes": tubes}


def filler_doc(code: str) -> dict[str, Any]:
    name = "filler" + code.replace(".", "x")
    return competence_doc(code, [tube(name, [1])])


def documents(competences: Mapping[str, list[dict[str, Any]]] | None = None
              ) -> tuple[tuple[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(framework, competence files) for `build_referential`; `competences` maps code → list of tubes."""
    competences = competences or {}
    files = {}
    for code in COMPETENCE_CODES:
        doc = competence_doc(code, copy.deepcopy(competences[code])) if code in competences else filler_doc(code)
        files[f"competences/{code}.yaml"] = doc
    return ("framework.yaml", framework_doc()), files


def make_referential(competences: Mapping[str, list[dict[str, Any]]] | None = None,
                     media: Iterable[str] = ()) -> Referential:
    framework, files = documents(competences)
    return build_referential(framework, files, set(media))


def single_tube_referential(levels: Iterable[int], *, name: str = "url", code: str = "1.1") -> Referential:
    return make_referential({code: [tube(name, levels)]})
