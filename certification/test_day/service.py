"""The test day's use cases bound to a session factory, the referential and its v3 challenge pool (built once per
process), a clock and a seed source: what the pages call, one transaction per call."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from certification import repository as repo
from certification.sos import sos_campaign_of
from certification.test_day import candidate, invigilator
from certification.test_day.candidate import Answered, CandidateView, Joined
from certification.test_day.invigilator import Board
from engine.answers import AnswerValue
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG, CertificationConfig
from engine.certification.records import EndReason
from engine.certification.v3 import ChallengePool
from engine.referential import Referential


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_seed() -> str:
    return secrets.token_hex(16)


class TestDayService:
    __test__ = False  # a domain name, not a pytest class
    def __init__(self, sessions: sessionmaker[Session], referential: Referential,
                 config: CertificationConfig = DEFAULT_CERTIFICATION_CONFIG,
                 clock: Callable[[], datetime] = utc_now, seeds: Callable[[], str] = new_seed) -> None:
        self.sessions = sessions
        self.referential = referential
        self.pool = ChallengePool.build(referential)
        self.config = config
        self.clock = clock
        self.seeds = seeds

    # --- the candidate -------------------------------------------------------------------------------------

    def join(self, account_id: int, number: int, access_code: str) -> Joined:
        with self.sessions.begin() as session:
            return candidate.join(session, self.referential, account_id, number, access_code, now=self.clock())

    def sos_code(self, number: int) -> str | None:
        """The code of the session's centre's open "SOS élève non certifiable" campaign, if it created one."""
        with self.sessions.begin() as session:
            row = repo.session_by_number(session, number)
            campaign = None if row is None else sos_campaign_of(session, row.centre_id)
            return None if campaign is None else campaign.code

    def identify(self, account_id: int, number: int, access_code: str, last_name: str, first_name: str,
                 birth_date: date) -> int:
        with self.sessions.begin() as session:
            return candidate.identify(session, account_id, number, access_code, last_name, first_name, birth_date)

    def confirm_identity(self, account_id: int, candidate_id: int) -> None:
        with self.sessions.begin() as session:
            candidate.confirm_identity(session, account_id, candidate_id, now=self.clock())

    def view(self, account_id: int, candidate_id: int) -> CandidateView:
        with self.sessions.begin() as session:
            return candidate.candidate_view(session, account_id, candidate_id, now=self.clock(), config=self.config)

    def start(self, account_id: int, candidate_id: int) -> int:
        with self.sessions.begin() as session:
            return candidate.start(session, self.pool, account_id, candidate_id, now=self.clock(), seed=self.seeds(),
                                   config=self.config)

    def current(self, account_id: int, candidate_id: int) -> CandidateView:
        with self.sessions.begin() as session:
            return candidate.current(session, self.pool, account_id, candidate_id, now=self.clock(),
                                     config=self.config)

    def answer(self, account_id: int, candidate_id: int, challenge_id: str, value: AnswerValue | None, *,
               skipped: bool = False) -> Answered:
        with self.sessions.begin() as session:
            return candidate.answer(session, self.pool, account_id, candidate_id, challenge_id, value,
                                    now=self.clock(), skipped=skipped, config=self.config)

    def raise_alert(self, account_id: int, candidate_id: int, challenge_id: str, kind: str) -> bool:
        with self.sessions.begin() as session:
            return candidate.raise_alert(session, account_id, candidate_id, challenge_id, kind, now=self.clock())

    # --- the invigilator -----------------------------------------------------------------------------------

    def open_space(self, account_id: int, number: int, password: str) -> int:
        with self.sessions.begin() as session:
            return invigilator.open_space(session, account_id, number, password)

    def board(self, account_id: int, session_id: int) -> Board:
        with self.sessions.begin() as session:
            invigilator.require_staff(session, account_id, session_id)
            return invigilator.board(session, session_id, now=self.clock(), config=self.config)

    def act(self, account_id: int, session_id: int, action: str, candidate_id: int, minutes: int = 0) -> None:
        """One of the room's actions on a candidate, by name (the pages' buttons)."""
        now = self.clock()
        with self.sessions.begin() as session:
            invigilator.require_staff(session, account_id, session_id)
            match action:
                case "presence":
                    invigilator.confirm_presence(session, session_id, candidate_id, now=now)
                case "annuler-presence":
                    invigilator.cancel_presence(session, session_id, candidate_id)
                case "reprise":
                    invigilator.authorise_reentry(session, session_id, candidate_id)
                case "pause":
                    invigilator.pause(session, session_id, candidate_id, now=now)
                case "reprendre":
                    invigilator.resume(session, session_id, candidate_id, now=now)
                case "terminer":
                    invigilator.end_test(session, session_id, candidate_id, EndReason.ABORTED_CANDIDATE, now=now)
                case "terminer-technique":
                    invigilator.end_test(session, session_id, candidate_id, EndReason.ABORTED_TECHNICAL, now=now)
                case "temps":
                    invigilator.add_time(session, session_id, candidate_id, minutes)
                case _:
                    raise ValueError(f"unknown action {action!r}")

    def resolve_alert(self, account_id: int, session_id: int, alert_id: int, *, validate: bool) -> None:
        with self.sessions.begin() as session:
            invigilator.require_staff(session, account_id, session_id)
            invigilator.resolve_alert(session, session_id, alert_id, validate=validate, account_id=account_id,
                                      now=self.clock())


ACTIONS = ("presence", "annuler-presence", "reprise", "pause", "reprendre", "terminer", "terminer-technique", "temps")
