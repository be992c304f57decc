"""The centre's bilan figures: 3 classes, distributions, averages per competence and per class, previous year."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from certificates.bilan import centre_bilan, school_year
from tests.certificates.conftest import candidate, event, publish
from tests.certificates.documents import certificates_of_centre


def publish_three_classes(sessions: sessionmaker[Session]) -> None:
    publish(sessions, event([
        candidate(1, "Durand", "Élodie", "3e A", score=512, level=4, global_level="independent"),
        candidate(2, "Bernard", "Hugo", "3e A", score=260, level=2, global_level="beginner"),
        candidate(3, "Martin", "Paul", "3e B", score=640, level=5, global_level="advanced"),
        candidate(4, "Petit", "Lina", "3e B", status="rejected", score=0),
        candidate(5, "Roux", "Inès", "3e C", score=130, level=1, global_level="beginner"),
    ], session_id=2, day=date(2026, 5, 12)))
    publish(sessions, event([candidate(10, "Ancien", "Léo", "3e A", score=300, level=2, global_level="beginner")],
                            session_id=1, day=date(2025, 4, 3), number=900))


def test_the_bilan_of_a_centre_with_three_classes(sessions: sessionmaker[Session]) -> None:
    publish_three_classes(sessions)
    bilan = centre_bilan("Collège Jean Moulin", certificates_of_centre(sessions))
    assert bilan is not None
    current = bilan.current
    assert current.label == "2025-2026" and bilan.years == (2025, 2024)
    assert (current.candidates, current.validated, current.rejected) == (5, 4, 1)
    assert current.mean_score == round((512 + 260 + 640 + 130) / 4, 2)
    assert {b.label: b.value for b in current.score_buckets if b.value} == {"100–199": 1, "200–299": 1,
                                                                           "500–599": 1, "600–699": 1}
    assert current.score_buckets[-1].label == "800–895"
    assert {g.label: g.value for g in current.global_levels} == {"Pré-débutant": 0, "Débutant": 2,
                                                                 "Indépendant": 1, "Avancé": 1, "Expert": 0}
    assert {m.code: m.mean for m in current.competence_means}["1.1"] == 3.0  # (4 + 2 + 5 + 1) / 4
    classes = {c.division: c for c in current.classes}
    assert list(classes) == ["3e A", "3e B", "3e C"]
    assert (classes["3e A"].candidates, classes["3e A"].validated, classes["3e A"].mean_score) == (2, 2, 386.0)
    assert classes["3e B"].competence_means["2.1"] == 5.0 and classes["3e B"].validated == 1
    assert classes["3e C"].mean_level == 1.0
    previous = bilan.previous
    assert previous is not None and previous.label == "2024-2025"
    assert (previous.candidates, previous.mean_score) == (1, 300.0)


def test_school_years_start_in_september() -> None:
    assert school_year(date(2025, 9, 1)) == 2025 and school_year(date(2026, 8, 31)) == 2025
