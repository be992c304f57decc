"""Merging two learners' profiles into one, and giving the rows back on unlink.

The rule (README, "Account linking"):

- **Knowledge elements** of both accounts are kept, each with its date. They are rewritten on the profile account
  in date order (ties: the profile account's first, then append order), so that the append order the engine
  reads is the order of time: for each skill the most recent element wins, whichever door it came from (a reset
  is an element like the others: the most recent one erases what came before it).
- **Tests** (assessments) and their **answers** move to the profile account as they are. Two tests in progress
  on the same competence: the engine resumes the most recent one; the older one stays unfinished, kept.
- **Campaign participations** (with their shared results, a frozen snapshot) move too. When both accounts took
  the same campaign, their participations become the attempts of one learner, numbered by date; the most recent
  is the current one, the others are "improved" (replaced by a later attempt), as with a retry.
- Nothing is deleted. Every moved row, and every participation whose attempt number changed, is listed
  (`core.links.LinkedRow`) with its previous values.

Unlinking gives back exactly the listed rows (their account, their attempt numbers); what the learner did after
the link (new tests, answers, elements, participations) stays with the profile account. The "improved" flags are
then recomputed per campaign and account: only the latest attempt is current."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from campaigns.models import ParticipationRow
from core.links import AccountLink, LinkedRow
from learning.models import AnswerRow, AssessmentRow, KnowledgeElementRow

ASSESSMENTS = "assessments"
ELEMENTS = "knowledge_elements"
PARTICIPATIONS = "campaign_participations"
_KE = KnowledgeElementRow.__table__
_ELEMENT_COLUMNS = [c.name for c in _KE.columns if c.name != "id"]


@dataclass(frozen=True)
class MovedRows:
    """How many rows a merge (or an unlink) moved, per kind."""

    assessments: int = 0
    answers: int = 0
    knowledge_elements: int = 0
    participations: int = 0
    renumbered_participations: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"assessments": self.assessments, "answers": self.answers,
                "knowledge_elements": self.knowledge_elements, "participations": self.participations,
                "renumbered_participations": self.renumbered_participations}


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _remember(session: Session, link: AccountLink, table: str, key: object, before: dict[str, Any]) -> None:
    session.add(LinkedRow(link_id=link.id, table_name=table, row_key=str(key), before=before))


def merge_profiles(session: Session, link: AccountLink) -> MovedRows:
    """Move `link.account_id`'s learning data to `link.profile_account_id` (the rule above)."""
    other, profile = link.account_id, link.profile_account_id
    assessment_ids = list(session.scalars(select(AssessmentRow.id).where(AssessmentRow.account_id == other)))
    for assessment_id in assessment_ids:
        _remember(session, link, ASSESSMENTS, assessment_id, {"account_id": other})
    session.execute(update(AssessmentRow).where(AssessmentRow.account_id == other).values(account_id=profile))
    answers = session.execute(update(AnswerRow).where(AnswerRow.account_id == other).values(account_id=profile))
    elements = _merge_elements(session, link)
    participations, renumbered = _merge_participations(session, link)
    session.flush()
    return MovedRows(len(assessment_ids), answers.rowcount or 0, elements, participations, renumbered)


def _merge_elements(session: Session, link: AccountLink) -> int:
    """Both accounts' elements rewritten on the profile account in date order (new ids = the new append order)."""
    other, profile = link.account_id, link.profile_account_id
    connection = session.connection()
    rows = connection.execute(select(_KE).where(_KE.c.account_id.in_([profile, other]))).all()
    if not any(r.account_id == other for r in rows):
        return 0
    ordered = sorted(rows, key=lambda r: (_aware(r.created_at), r.account_id != profile, r.id))
    connection.execute(delete(_KE).where(_KE.c.account_id.in_([profile, other])))
    values = [{**{name: getattr(row, name) for name in _ELEMENT_COLUMNS}, "account_id": profile} for row in ordered]
    # one statement; the new ids come back in the order of the rows (the new append order)
    new_ids = connection.execute(_KE.insert().returning(_KE.c.id, sort_by_parameter_order=True), values).scalars()
    moved = 0
    for row, new_id in zip(ordered, new_ids, strict=True):
        if row.account_id == other:
            _remember(session, link, ELEMENTS, new_id, {"account_id": other})
            moved += 1
    return moved


def _merge_participations(session: Session, link: AccountLink) -> tuple[int, int]:
    other, profile = link.account_id, link.profile_account_id
    rows = list(session.scalars(select(ParticipationRow).where(ParticipationRow.account_id.in_([profile, other]))))
    moving = [r for r in rows if r.account_id == other]
    by_campaign: dict[int, list[ParticipationRow]] = defaultdict(list)
    for row in rows:
        by_campaign[row.campaign_id].append(row)
    shared = {c: items for c, items in by_campaign.items() if {r.account_id for r in items} == {profile, other}}
    before: dict[str, dict[str, Any]] = {r.id: {"account_id": other} for r in moving}
    # attempts of a campaign both took: out of the way first (unique campaign + account + attempt), then renumbered
    renumbered = 0
    for items in shared.values():
        for index, row in enumerate(items):
            before.setdefault(row.id, {})["attempt"] = row.attempt
            row.attempt = -1 - index
    session.flush()
    for row in moving:
        row.account_id = profile
    session.flush()
    for items in shared.values():
        items.sort(key=lambda r: (_aware(r.created_at), r.id))
        for number, row in enumerate(items, start=1):
            row.attempt = number
            row.is_improved = number < len(items)
            renumbered += 1
    for row_id, values in before.items():
        _remember(session, link, PARTICIPATIONS, row_id, values)
    return len(moving), renumbered


def unmerge_profiles(session: Session, link: AccountLink) -> MovedRows:
    """Give `link.account_id` back the rows the merge moved, with their previous values; forget the list."""
    other, profile = link.account_id, link.profile_account_id
    listed: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in session.scalars(select(LinkedRow).where(LinkedRow.link_id == link.id)):
        listed[row.table_name][row.row_key] = dict(row.before or {})
    assessment_ids = [key for key, before in listed[ASSESSMENTS].items() if before.get("account_id") == other]
    for chunk in _chunks(assessment_ids):
        session.execute(update(AssessmentRow).where(AssessmentRow.id.in_(chunk), AssessmentRow.account_id == profile)
                        .values(account_id=other))
    answers = 0
    for chunk in _chunks(assessment_ids):
        answers += session.execute(update(AnswerRow).where(AnswerRow.assessment_id.in_(chunk))
                                   .values(account_id=other)).rowcount or 0
    element_ids = [int(key) for key, before in listed[ELEMENTS].items() if before.get("account_id") == other]
    for chunk in _chunks(element_ids):
        session.execute(update(KnowledgeElementRow).where(KnowledgeElementRow.id.in_(chunk))
                        .values(account_id=other))
    participations = _unmerge_participations(session, link, listed[PARTICIPATIONS])
    session.execute(delete(LinkedRow).where(LinkedRow.link_id == link.id))
    session.flush()
    return MovedRows(len(assessment_ids), answers, len(element_ids), participations,
                     sum(1 for b in listed[PARTICIPATIONS].values() if "attempt" in b))


def _unmerge_participations(session: Session, link: AccountLink, listed: dict[str, dict[str, Any]]) -> int:
    if not listed:
        return 0
    rows = list(session.scalars(select(ParticipationRow).where(ParticipationRow.id.in_(list(listed)))))
    for index, row in enumerate(rows):  # out of the way of the unique (campaign, account, attempt) first
        if "attempt" in listed[row.id]:
            row.attempt = -1 - index
    session.flush()
    moved = 0
    for row in rows:
        before = listed[row.id]
        if before.get("account_id") == link.account_id:
            row.account_id = link.account_id
            moved += 1
        if "attempt" in before:
            row.attempt = int(before["attempt"])
    session.flush()
    campaigns = {row.campaign_id for row in rows}
    for account_id in (link.account_id, link.profile_account_id):
        _recompute_improved(session, account_id, campaigns)
    return moved


def _recompute_improved(session: Session, account_id: int, campaign_ids: set[int]) -> None:
    """Only the latest attempt of a campaign is current."""
    by_campaign: dict[int, list[ParticipationRow]] = defaultdict(list)
    for row in session.scalars(select(ParticipationRow).where(ParticipationRow.account_id == account_id,
                                                              ParticipationRow.campaign_id.in_(campaign_ids))):
        by_campaign[row.campaign_id].append(row)
    for items in by_campaign.values():
        last = max(r.attempt for r in items)
        for row in items:
            row.is_improved = row.attempt < last


def _chunks(items: list[Any], size: int = 500) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
