"""Reading and writing a learner's assessments, answers and knowledge elements (row <-> engine objects).

A whole learner is loaded with three queries (assessments, answers, knowledge elements), never per item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, case, func, null, select
from sqlalchemy.orm import Session

from engine.answers import AnswerStatus
from engine.assessment import Assessment, AssessmentState, AssessmentType, RecordedAnswer
from engine.competence_test import LearnerRecord
from engine.knowledge import KnowledgeElement, KnowledgeSource, KnowledgeStatus
from learning.models import AnswerRow, AssessmentRow, KnowledgeElementRow

_A = AssessmentRow.__table__
_ANS = AnswerRow.__table__
_KE = KnowledgeElementRow.__table__

# The statements of the answer path, built once: per request, only their parameters change. They run on the
# session's connection (Core), without the ORM's per-statement bookkeeping.
_LOCK_ASSESSMENT = (select(_A).where(_A.c.id == bindparam("assessment_id"), _A.c.account_id == bindparam("account_id"))
                    .with_for_update())
_SQLITE_WRITE_LOCK = _A.update().where(_A.c.id == bindparam("assessment_id")).values(seed=_A.c.seed)
_SEEN_CHALLENGES = select(_ANS.c.challenge_id).where(_ANS.c.account_id == bindparam("account_id"))
# Every challenge the learner has seen, with the whole row only for the answers of one test: what answering
# needs from the answers table, in one statement.
_ANSWERS_FOR_ANSWERING = (
    select(_ANS.c.assessment_id, _ANS.c.challenge_id,
           *(case((_ANS.c.assessment_id == bindparam("assessment_id"), column), else_=null()).label(column.name)
             for column in (_ANS.c.value, _ANS.c.status, _ANS.c.created_at, _ANS.c.elapsed_seconds)))
    .where(_ANS.c.account_id == bindparam("account_id"))
    .order_by(_ANS.c.id)
)
# The test page in one statement: the assessment row, how many answers it has, and the status of one answer
# (the one just given, shown above the next challenge).
_TEST_VIEW = select(
    _A,
    select(func.count()).where(_ANS.c.assessment_id == _A.c.id).scalar_subquery().label("answered"),
    select(_ANS.c.status).where(_ANS.c.assessment_id == _A.c.id, _ANS.c.challenge_id == bindparam("previous"))
    .scalar_subquery().label("previous_status"),
).where(_A.c.id == bindparam("assessment_id"), _A.c.account_id == bindparam("account_id"))
_ELEMENTS_OF_COMPETENCES = (
    select(_KE)
    .where(_KE.c.account_id == bindparam("account_id"), _KE.c.competence_code.in_(bindparam("codes", expanding=True)))
    .order_by(_KE.c.id)
)
_ASSESSMENTS_OF = select(_A).where(_A.c.account_id == bindparam("account_id"))
_ASSESSMENTS_OF_COMPETENCE = select(_A).where(_A.c.account_id == bindparam("account_id"),
                                              _A.c.competence_code == bindparam("code"))
_ELEMENTS_OF_COMPETENCE = (
    select(_KE).where(_KE.c.account_id == bindparam("account_id"), _KE.c.competence_code == bindparam("code"))
    .order_by(_KE.c.id)
)
_ELEMENTS_OF = select(_KE).where(_KE.c.account_id == bindparam("account_id")).order_by(_KE.c.id)
_MARK_SHOWN = (_A.update().where(_A.c.id == bindparam("assessment_id"), _A.c.account_id == bindparam("owner_id"),
                                 _A.c.current_challenge_id.is_not(None), _A.c.challenge_shown_at.is_(None))
               .values(challenge_shown_at=bindparam("shown_at")))
_UPDATE_ASSESSMENT = _A.update().where(_A.c.id == bindparam("assessment_id")).values(
    state=bindparam("state"), current_challenge_id=bindparam("current_challenge_id"),
    updated_at=bindparam("updated_at"))
# a new current challenge: its clock starts when the server hands it out, or, for a timed one, not yet (None: the
# learner starts it from the page announcing the time allowed)
_UPDATE_ASSESSMENT_NEW_CHALLENGE = _UPDATE_ASSESSMENT.values(challenge_shown_at=bindparam("handed_out_at"))
_INSERT_ASSESSMENT = _A.insert()
_INSERT_ANSWER = _ANS.insert()
_INSERT_ELEMENTS = _KE.insert()


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: every stored moment is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _json_value(value: Any) -> Any:
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value


def to_answer(row: Any) -> RecordedAnswer:
    return RecordedAnswer(row.challenge_id, row.value, AnswerStatus(row.status), aware(row.created_at),  # type: ignore[arg-type]
                          row.elapsed_seconds)


def to_assessment(row: Any, answers: Iterable[Any]) -> Assessment:
    return Assessment(
        id=row.id, type=AssessmentType(row.type), target_skills=tuple(row.target_skills), strategy=row.strategy,
        seed=row.seed, created_at=aware(row.created_at), competence_code=row.competence_code,  # type: ignore[arg-type]
        campaign_participation_id=row.campaign_participation_id, improving=row.improving,
        state=AssessmentState(row.state), answers=tuple(to_answer(a) for a in answers),
        current_challenge_id=row.current_challenge_id, updated_at=aware(row.updated_at),
    )


def to_knowledge_element(row: Any) -> KnowledgeElement:
    return KnowledgeElement(
        skill_name=row.skill_name, competence_code=row.competence_code, status=KnowledgeStatus(row.status),
        source=KnowledgeSource(row.source), earned_pix=row.earned_pix, created_at=aware(row.created_at),  # type: ignore[arg-type]
        assessment_id=row.assessment_id, challenge_id=row.challenge_id,
    )


def load_record(session: Session, account_id: int) -> LearnerRecord:
    """The learner as the engine sees it: three queries whatever the number of tests and answers. Plain rows
    (Core), not ORM instances: identity-map bookkeeping would cost more than the rest of an answer."""
    rows = session.execute(
        select(*AssessmentRow.__table__.columns).where(AssessmentRow.account_id == account_id)
    ).all()
    answers: dict[str, list[Any]] = defaultdict(list)
    for answer in session.execute(
        select(*AnswerRow.__table__.columns).where(AnswerRow.account_id == account_id).order_by(AnswerRow.id)
    ):
        answers[answer.assessment_id].append(answer)
    elements = session.execute(
        select(*KnowledgeElementRow.__table__.columns)
        .where(KnowledgeElementRow.account_id == account_id).order_by(KnowledgeElementRow.id)
    ).all()
    seen = frozenset(a.challenge_id for items in answers.values() for a in items)
    return LearnerRecord(
        knowledge_elements=tuple(to_knowledge_element(e) for e in elements),
        assessments=tuple(to_assessment(r, answers.get(r.id, ())) for r in rows),
        seen_challenge_ids=seen,
    )


def load_profile_record(session: Session, account_id: int) -> LearnerRecord:
    """The learner's tests (without their answers) and knowledge: what profiles, scorecards, the gradebook and
    end pages need. Two queries; the answers, the bulk of a long history, stay unread (no challenge is
    chosen from this record: its `seen_challenge_ids` is empty)."""
    connection = session.connection()
    rows = connection.execute(_ASSESSMENTS_OF, {"account_id": account_id}).all()
    elements = connection.execute(_ELEMENTS_OF, {"account_id": account_id}).all()
    return LearnerRecord(
        knowledge_elements=tuple(to_knowledge_element(e) for e in elements),
        assessments=tuple(to_assessment(r, ()) for r in rows),
    )


def load_competence_record(session: Session, account_id: int, code: str) -> LearnerRecord:
    """What starting (or retrying) one competence's test needs: that competence's tests and knowledge
    elements, and every challenge seen. Scorecard, progress, selection and inference of a competence never
    look at another one; the rest of a long history stays unread."""
    connection = session.connection()
    params = {"account_id": account_id, "code": code}
    rows = connection.execute(_ASSESSMENTS_OF_COMPETENCE, params).all()
    elements = connection.execute(_ELEMENTS_OF_COMPETENCE, params).all()
    seen = frozenset(connection.execute(_SEEN_CHALLENGES, {"account_id": account_id}).scalars())
    return LearnerRecord(
        knowledge_elements=tuple(to_knowledge_element(e) for e in elements),
        assessments=tuple(to_assessment(r, ()) for r in rows),
        seen_challenge_ids=seen,
    )


def load_for_answer(session: Session, account_id: int, row: Any, competence_codes: Iterable[str]) -> LearnerRecord:
    """What answering one test needs, and no more: that test with its answers, the knowledge elements of the
    competences its target skills belong to (selection and inference never look elsewhere), and every
    challenge the learner has seen. Two small queries, whatever the learner's history in other competences."""
    connection = session.connection()
    seen: set[str] = set()
    answers = []
    for answer in connection.execute(_ANSWERS_FOR_ANSWERING, {"account_id": account_id, "assessment_id": row.id}):
        seen.add(answer.challenge_id)
        if answer.assessment_id == row.id:
            answers.append(answer)
    elements = connection.execute(
        _ELEMENTS_OF_COMPETENCES, {"account_id": account_id, "codes": sorted(set(competence_codes))}
    ).all()
    return LearnerRecord(
        knowledge_elements=tuple(to_knowledge_element(e) for e in elements),
        assessments=(to_assessment(row, answers),),
        seen_challenge_ids=frozenset(seen),
    )


def lock_assessment(session: Session, account_id: int, assessment_id: str) -> Any:
    """The learner's assessment row, locked until the transaction ends: SELECT ... FOR UPDATE on PostgreSQL;
    on SQLite a first no-op write takes the database's write lock before anything is read."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.execute(_SQLITE_WRITE_LOCK, {"assessment_id": assessment_id})
    return connection.execute(_LOCK_ASSESSMENT, {"assessment_id": assessment_id, "account_id": account_id}).first()


def get_test_view(session: Session, account_id: int, assessment_id: str, previous_challenge_id: str | None) -> Any:
    """The assessment row with `answered` (its number of answers) and `previous_status` (the status of its
    answer to `previous_challenge_id`, None when there is none); None when not the learner's."""
    return session.connection().execute(_TEST_VIEW, {
        "assessment_id": assessment_id, "account_id": account_id, "previous": previous_challenge_id or "",
    }).first()


def insert_assessment(session: Session, account_id: int, assessment: Assessment, *,
                      handed_out_at: datetime | None) -> None:
    """Core insert (the ORM's unit of work cost a third of starting a test). The first challenge's clock starts
    at `handed_out_at`."""
    session.connection().execute(_INSERT_ASSESSMENT, {
        "id": assessment.id, "account_id": account_id, "type": str(assessment.type),
        "competence_code": assessment.competence_code,
        "campaign_participation_id": assessment.campaign_participation_id,
        "target_skills": list(assessment.target_skills), "strategy": assessment.strategy, "seed": assessment.seed,
        "improving": assessment.improving, "state": str(assessment.state),
        "current_challenge_id": assessment.current_challenge_id,
        "challenge_shown_at": handed_out_at if assessment.current_challenge_id else None,
        "created_at": assessment.created_at, "updated_at": assessment.updated_at,
    })


def update_assessment(session: Session, assessment: Assessment, *, challenge_changed: bool,
                      now: datetime | None = None) -> None:
    """A prebuilt statement: building one per call (compiling and caching it) cost more than running it. When the
    challenge changed, the new one's clock starts at `now` (the server hands it out)."""
    values: dict[str, Any] = {
        "assessment_id": assessment.id, "state": str(assessment.state),
        "current_challenge_id": assessment.current_challenge_id, "updated_at": assessment.updated_at,
    }
    if challenge_changed:
        values["handed_out_at"] = now if assessment.current_challenge_id else None
    session.connection().execute(_UPDATE_ASSESSMENT_NEW_CHALLENGE if challenge_changed else _UPDATE_ASSESSMENT,
                                 values)


def mark_shown(session: Session, account_id: int, assessment_id: str, at: datetime) -> bool:
    """Start the current challenge's clock unless it runs already; True when this call started it."""
    result = session.connection().execute(_MARK_SHOWN, {"assessment_id": assessment_id, "owner_id": account_id,
                                                        "shown_at": at})
    return bool(result.rowcount)


def insert_answer(session: Session, account_id: int, assessment_id: str, answer: RecordedAnswer) -> None:
    """Core insert: a concurrent double submission fails here, on (assessment_id, challenge_id)."""
    session.connection().execute(_INSERT_ANSWER, {
        "assessment_id": assessment_id, "account_id": account_id, "challenge_id": answer.challenge_id,
        "value": _json_value(answer.value), "status": str(answer.status),
        "elapsed_seconds": answer.elapsed_seconds, "created_at": answer.created_at,
    })


def insert_knowledge_elements(session: Session, account_id: int, elements: Iterable[KnowledgeElement]) -> None:
    """One executemany statement, in append order (the id is the order)."""
    rows = [
        dict(account_id=account_id, skill_name=ke.skill_name, competence_code=ke.competence_code,
             status=str(ke.status), source=str(ke.source), earned_pix=ke.earned_pix, created_at=ke.created_at,
             assessment_id=ke.assessment_id, challenge_id=ke.challenge_id)
        for ke in elements
    ]
    if rows:
        session.connection().execute(_INSERT_ELEMENTS, rows)
