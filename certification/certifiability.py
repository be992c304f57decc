"""Who is certifiable now, for a whole list of pupils at once (engine.md §8: 5 competences at level ≥ 1), read
live from their knowledge elements: one query per 500 accounts, not two per pupil."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import DEFAULT_CONFIG, EngineConfig
from engine.knowledge import current_knowledge
from engine.referential import Referential
from engine.scoring import Certifiability, build_scorecard, certifiability
from learning.models import KnowledgeElementRow
from learning.repository import to_knowledge_element

_CHUNK = 500


def certifiability_of(db: Session, referential: Referential, account_ids: Iterable[int], now: datetime,
                      config: EngineConfig = DEFAULT_CONFIG) -> dict[int, Certifiability]:
    ids = sorted(set(account_ids))
    elements: dict[int, list] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        rows = db.execute(select(*KnowledgeElementRow.__table__.columns)
                          .where(KnowledgeElementRow.account_id.in_(chunk)).order_by(KnowledgeElementRow.id))
        for row in rows:
            elements[row.account_id].append(to_knowledge_element(row))
    result: dict[int, Certifiability] = {}
    for account_id in ids:
        state = current_knowledge(elements.get(account_id, ()))
        cards = [build_scorecard(referential, code, state, test_in_progress=False, test_completed=False,
                                 last_activity=None, now=now, config=config) for code in referential.competences]
        result[account_id] = certifiability(cards, config)
    return result
