"""Reads every stored answer for the calibration of the content bank, oldest first, in batches."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from learning.models import AnswerRow

SKIPPED = "aband"


def stored_answers(session: Session, batch: int = 5000) -> Iterator[tuple[str, str, bool]]:
    """(respondent, challenge id, right) for every answer; a skipped or timed-out answer is not right."""
    query = (select(AnswerRow.account_id, AnswerRow.challenge_id, AnswerRow.status)
             .order_by(AnswerRow.created_at, AnswerRow.id).execution_options(yield_per=batch))
    for account_id, challenge_id, status in session.execute(query):
        yield str(account_id), challenge_id, status == "ok"
