"""The merge rule of linked accounts (README "Account linking"), on SQLite and PostgreSQL: knowledge elements kept
with their dates and the most recent per skill wins; tests, answers, participations and shared results kept; the
audit log; what an unlink gives back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from campaigns.models import ParticipationRow
from campaigns.service import CampaignService
from content_bank.loader import default_referential
from core.audit import AuditEntry
from core.links import AccountLink, LinkedRow, linked_account_ids, profile_account_id
from engine.knowledge import KnowledgeStatus, current_knowledge
from learning.models import AnswerRow, AssessmentRow, KnowledgeElementRow
from learning.repository import load_profile_record
from learning.use_cases import LearningService
from linking.use_cases import LinkError, LinkRefusal, link_accounts, unlink_account
from tests.account_linking.conftest import START, Clock, Learner
from tests.campaign_use_cases.test_scenario import take_test
from tests.learning_use_cases.answers import right_answer

REFERENTIAL = default_referential()


def _element(account_id: int, skill: str, status: str, day: int, pix: float = 2.0) -> KnowledgeElementRow:
    competence = REFERENTIAL.skills[skill].competence_code
    return KnowledgeElementRow(account_id=account_id, skill_name=skill, competence_code=competence, status=status,
                               source="direct", earned_pix=pix if status == "validated" else 0.0,
                               created_at=START + timedelta(days=day))


def _state(sessions: sessionmaker[Session], account_id: int) -> list[tuple[str, str, object]]:
    with sessions() as session:
        return [(r.skill_name, r.status, r.created_at.replace(tzinfo=None)) for r in session.scalars(
            select(KnowledgeElementRow).where(KnowledgeElementRow.account_id == account_id)
            .order_by(KnowledgeElementRow.id))]


def _link(sessions: sessionmaker[Session], a: int, b: int, clock: Clock, method: str = "code"):  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return link_accounts(session, REFERENTIAL, a, b, method=method, actor="learner", now=clock())


def _unlink(sessions: sessionmaker[Session], account_id: int, clock: Clock):  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        return unlink_account(session, REFERENTIAL, account_id, actor="admin:root", now=clock())


def test_the_most_recent_element_per_skill_wins_whichever_door_it_came_from(
        sessions: sessionmaker[Session], learner: Learner, learning: LearningService, clock: Clock) -> None:
    s1, s2, s3 = sorted(REFERENTIAL.skills)[:3]
    for element in (  # each account's elements in the order they were written
            _element(learner.lti, s1, "validated", 1), _element(learner.lti, s2, "validated", 5),
            _element(learner.gar, s2, "invalidated", 2),  # older than the LTI one: loses
            _element(learner.gar, s1, "invalidated", 3),  # more recent than the LTI one: wins
            _element(learner.gar, s3, "validated", 4)):
        with sessions.begin() as session:
            session.add(element)
    before_lti, before_gar = _state(sessions, learner.lti), _state(sessions, learner.gar)
    clock.advance(days=6)

    linked = _link(sessions, learner.gar, learner.lti, clock)

    assert (linked.profile_account_id, linked.linked_account_id) == (learner.lti, learner.gar)  # the older account
    assert linked.moved.knowledge_elements == 3
    merged = _state(sessions, learner.lti)
    assert sorted(merged) == sorted(before_lti + before_gar)  # every element kept, with its date
    assert [d for _, _, d in merged] == sorted(d for _, _, d in merged)  # append order is the order of time
    assert _state(sessions, learner.gar) == []
    profile = learning.profile(learner.gar)  # the GAR door reads the same profile
    assert profile == learning.profile(learner.lti)
    with sessions() as session:
        state = current_knowledge(load_profile_record(session, learner.lti).knowledge_elements)
    assert state[s1].status is KnowledgeStatus.INVALIDATED
    assert state[s2].status is KnowledgeStatus.VALIDATED
    assert state[s3].status is KnowledgeStatus.VALIDATED

    _unlink(sessions, learner.gar, clock)
    assert _state(sessions, learner.lti) == before_lti
    assert _state(sessions, learner.gar) == before_gar


def test_tests_answers_and_shared_campaign_results_are_kept_and_given_back(
        sessions: sessionmaker[Session], learner: Learner, learning: LearningService, service: CampaignService,
        clock: Clock) -> None:
    for account_id in (learner.lti, learner.gar):
        step = learning.start(account_id, "1.1")
        view = learning.current(account_id, step.assessment.id)
        assert view.challenge is not None
        learning.answer(account_id, step.assessment.id, view.challenge.id, right_answer(view.challenge))
        participation = service.join(account_id, learner.campaign_code)
        take_test(learning, service, account_id, participation, right=account_id == learner.gar)
        service.share(account_id, participation)
        clock.advance(hours=1)

    def rows(account_id: int) -> dict[str, int]:
        with sessions() as session:
            return {m.__tablename__: session.scalar(select(func.count()).select_from(m).where(
                m.account_id == account_id)) for m in (AssessmentRow, AnswerRow, KnowledgeElementRow,
                                                       ParticipationRow)}

    lti_rows, gar_rows = rows(learner.lti), rows(learner.gar)
    with sessions() as session:
        original = {p.id: (p.account_id, p.attempt, p.is_improved, p.snapshot) for p in
                    session.scalars(select(ParticipationRow))}

    linked = _link(sessions, learner.lti, learner.gar, clock)

    assert rows(learner.lti) == {k: lti_rows[k] + gar_rows[k] for k in lti_rows}  # nothing lost
    assert rows(learner.gar) == dict.fromkeys(gar_rows, 0)
    assert linked.moved.as_dict() == {"assessments": gar_rows["assessments"], "answers": gar_rows["assessment_answers"],
                                      "knowledge_elements": gar_rows["knowledge_elements"], "participations": 1,
                                      "renumbered_participations": 2}
    with sessions() as session:
        merged = list(session.scalars(select(ParticipationRow).order_by(ParticipationRow.attempt)))
        assert [(p.account_id, p.attempt, p.is_improved) for p in merged] == [
            (learner.lti, 1, True), (learner.lti, 2, False)]  # the GAR one (more recent) is the current attempt
        assert {p.id: p.snapshot for p in merged} == {k: v[3] for k, v in original.items()}  # shared results kept
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "account.link")).one()
        assert entry.details["profile_account"] == learner.lti and entry.details["linked_account"] == learner.gar
        assert entry.details["moved"]["participations"] == 1
    assert [c for c, _ in service.mine(learner.gar)] == [c for c, _ in service.mine(learner.lti)]

    # after the link, the learner starts a new test from the GAR door: it stays with the profile on unlink
    clock.advance(hours=1)
    new = learning.start(learner.gar, "2.1").assessment.id
    _unlink(sessions, learner.lti, clock)

    assert rows(learner.gar) == gar_rows
    assert rows(learner.lti)["assessments"] == lti_rows["assessments"] + 1
    with sessions() as session:
        assert session.get(AssessmentRow, new).account_id == learner.lti
        restored = {p.id: (p.account_id, p.attempt, p.is_improved, p.snapshot) for p in
                    session.scalars(select(ParticipationRow))}
        assert restored == original
        assert session.scalar(select(func.count()).select_from(AccountLink)) == 0
        assert session.scalar(select(func.count()).select_from(LinkedRow)) == 0
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("account.%"))
                               .order_by(AuditEntry.id)).all() == ["account.link", "account.unlink"]
        assert profile_account_id(session, learner.gar) == learner.gar


def test_a_link_is_refused_between_two_accounts_of_one_platform_twice_or_to_itself(
        sessions: sessionmaker[Session], learner: Learner, clock: Clock) -> None:
    refusals = []
    for a, b in ((learner.lti, learner.lti), (learner.lti, learner.teacher)):
        with pytest.raises(LinkError) as caught:
            _link(sessions, a, b, clock)
        refusals.append(caught.value.code)
    _link(sessions, learner.lti, learner.gar, clock)
    with pytest.raises(LinkError) as caught:
        _link(sessions, learner.gar, learner.lti, clock)
    refusals.append(caught.value.code)
    with pytest.raises(LinkError) as caught:
        _unlink(sessions, learner.teacher, clock)
    refusals.append(caught.value.code)
    assert refusals == [LinkRefusal.SAME_ACCOUNT, LinkRefusal.SAME_PLATFORM, LinkRefusal.ALREADY_LINKED,
                        LinkRefusal.NOT_LINKED]
    with sessions() as session:
        assert linked_account_ids(session, learner.gar) == {learner.lti, learner.gar}
        assert linked_account_ids(session, learner.teacher) == {learner.teacher}
