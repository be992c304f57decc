"""The retention purge (an account unused for a school year is erased) follows links: a linked learner's profile
may live on the account of the door they no longer use, and stays while the other account is in use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from content_bank.loader import default_referential
from core.accounts import Account
from core.schools import GAR_ISSUER
from learning.models import AssessmentRow
from linking.use_cases import link_accounts
from privacy.retention import RetentionSettings, purge

NOW = datetime(2026, 9, 15, 8, 0, tzinfo=UTC)
SETTINGS = RetentionSettings(account_days=365)


def _accounts(sessions: sessionmaker[Session]) -> set[int]:
    with sessions() as session:
        return set(session.scalars(select(Account.id)))


def test_an_unused_profile_account_stays_while_its_linked_account_is_in_use(
        sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        old = NOW - timedelta(days=400)
        lti = Account(issuer="https://lms.example", sub="lea", created_at=old, last_launch_at=old)  # unused
        gar = Account(issuer=GAR_ISSUER, sub="e1" * 64, created_at=old + timedelta(days=1),
                      last_launch_at=NOW - timedelta(days=3))  # in use
        alone = Account(issuer="https://lms.example", sub="tom", created_at=old, last_launch_at=old)
        session.add_all([lti, gar, alone])
        session.flush()
        session.add(AssessmentRow(id="a-lea", account_id=gar.id, type="competence", competence_code="1.1",
                                  target_skills=[], strategy="smart-random", seed="s", state="completed",
                                  created_at=old))
        session.flush()
        link_accounts(session, default_referential(), lti.id, gar.id, method="code", actor="test", now=old)
        ids = lti.id, gar.id, alone.id

    report = purge(sessions, None, SETTINGS, NOW, "test")
    assert report.accounts == 1 and _accounts(sessions) == {ids[0], ids[1]}  # only the unlinked unused one
    with sessions() as session:
        assert session.get(AssessmentRow, "a-lea").account_id == ids[0]  # the profile, kept

    later = NOW + timedelta(days=400)  # neither is used any more: both go
    assert purge(sessions, None, SETTINGS, later, "test").accounts == 2
    assert _accounts(sessions) == set()
