"""Who is certifiable now, for a whole list of pupils at once (engine.md §8: 5 competences at level ≥ 1), read
live from their knowledge elements: one query per 500 accounts, not two per pupil, reading only the four columns
a level needs. The state is `engine.knowledge.current_knowledge`'s (the latest element per skill, a reset erases)
and the level the scorecard's (`engine.scoring`: floor of the pix, capped, then by 8); a test checks both agree
with the pupil's profile."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.knowledge import KnowledgeStatus
from engine.referential import Referential
from engine.scoring import Certifiability, competence_pix, level_for_pix
from learning.models import KnowledgeElementRow

_CHUNK = 500
_RESET = KnowledgeStatus.RESET.value
_VALIDATED = KnowledgeStatus.VALIDATED.value


def certifiability_of(db: Session, referential: Referential, account_ids: Iterable[int],
                      config: EngineConfig = DEFAULT_CONFIG) -> dict[int, Certifiability]:
    ids = sorted(set(account_ids))
    # account -> skill -> (status, competence, pix), in append order: the latest element wins, a reset erases
    states: dict[int, dict[str, tuple[str, str, float]]] = defaultdict(dict)
    columns = (KnowledgeElementRow.account_id, KnowledgeElementRow.skill_name, KnowledgeElementRow.status,
               KnowledgeElementRow.competence_code, KnowledgeElementRow.earned_pix)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        rows = db.connection().execute(select(*columns).where(KnowledgeElementRow.account_id.in_(chunk))
                                       .order_by(KnowledgeElementRow.id))
        for account_id, skill, status, code, pix in rows:
            if status == _RESET:
                states[account_id].pop(skill, None)
            else:
                states[account_id][skill] = (status, code, pix)
    codes = set(referential.competences)
    result: dict[int, Certifiability] = {}
    for account_id in ids:
        exact: dict[str, float] = defaultdict(float)
        for status, code, pix in states.get(account_id, {}).values():
            if status == _VALIDATED and code in codes:
                exact[code] += pix
        reached = sum(1 for pix in exact.values()
                      if level_for_pix(competence_pix([pix], config), config) >= config.certifiable_min_level)
        missing = max(0, config.certifiable_competence_count - reached)
        result[account_id] = Certifiability(missing == 0, reached, missing, config.certifiable_competence_count)
    return result
