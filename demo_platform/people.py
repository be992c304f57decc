"""The demo's fictional course, people and activities."""

from __future__ import annotations

from dataclasses import dataclass

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@dataclass(frozen=True)
class DemoUser:
    key: str
    sub: str
    given_name: str
    family_name: str
    roles: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class DemoActivity:
    key: str
    resource_link_id: str
    title: str
    custom: dict[str, str]
    score_maximum: float | None = None  # the grade column's maximum, when a deep-linking lineItem gave one
    graded: bool = True  # False: no grade column (the test without an account keeps no result)


USERS = {
    "eleve": DemoUser("eleve", "demo-eleve-1", "Camille", "Durand", (MEMBERSHIP + "Learner",), "élève"),
    "enseignant": DemoUser("enseignant", "demo-prof-1", "Alex", "Martin", (MEMBERSHIP + "Instructor",), "enseignant"),
}
ACTIVITIES: dict[str, DemoActivity] = {  # the teacher adds more through deep linking (this process only)
    "c11": DemoActivity("c11", "demo-rl-11", "Mener une recherche et une veille d'information", {"competence": "1.1"}),
    "c31": DemoActivity("c31", "demo-rl-31", "Développer des documents textuels", {"competence": "3.1"}),
    "profil": DemoActivity("profil", "demo-rl-profil", "Mon profil de compétences numériques", {"profile": "crcn"}),
    "essai": DemoActivity("essai", "demo-rl-essai", "Essayez sans inscription (8 questions, rien n'est enregistré)",
                          {"quicktest": "8"}, graded=False),
}
COURSE = {"id": "demo-2nde-a", "label": "2NDE-A", "title": "Seconde A — Sciences numériques (démo)",
          "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseSection"]}
