"""A learner's profile: the 16 scorecards, total pix and certifiability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.competence_test import LearnerRecord, scorecard
from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.knowledge import current_knowledge
from engine.referential import Referential
from engine.scoring import Certifiability, Scorecard, certifiability, total_pix


@dataclass(frozen=True)
class Profile:
    scorecards: tuple[Scorecard, ...]
    total_pix: int
    max_pix: int
    certifiability: Certifiability

    def scorecard(self, code: str) -> Scorecard:
        return next(s for s in self.scorecards if s.competence_code == code)


def build_profile(referential: Referential, record: LearnerRecord, now: datetime,
                  config: EngineConfig = DEFAULT_CONFIG) -> Profile:
    state = current_knowledge(record.knowledge_elements)
    cards = tuple(scorecard(referential, record, code, now, config, state) for code in referential.competences)
    return Profile(
        scorecards=cards,
        total_pix=total_pix(cards),
        max_pix=config.max_competence_pix * len(cards),
        certifiability=certifiability(cards, config),
    )
