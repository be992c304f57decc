"""Refusals of the test day, with stable codes the pages turn into French (or English) sentences."""

from __future__ import annotations

from enum import StrEnum


class TestDayRefusal(StrEnum):
    __test__ = False  # a domain name, not a pytest class
    WRONG_SESSION_OR_CODE = "wrong_session_or_code"  # never says which of the two is wrong
    WRONG_SESSION_OR_PASSWORD = "wrong_session_or_password"
    NOT_ENROLLED = "not_enrolled"
    IDENTITY_MISMATCH = "identity_mismatch"
    SESSION_CLOSED = "session_closed"
    NOT_CERTIFIABLE = "not_certifiable"
    ALREADY_FINISHED = "already_finished"
    NOT_PRESENT = "not_present"
    UNKNOWN_CANDIDATE = "unknown_candidate"
    NOT_STARTED = "not_started"
    AWAITING_REENTRY = "awaiting_reentry"
    PAUSED = "paused"
    TEST_ENDED = "test_ended"
    NOT_CURRENT_CHALLENGE = "not_current_challenge"
    ALERT_PENDING = "alert_pending"
    UNKNOWN_ALERT = "unknown_alert"
    NOT_STAFF = "not_staff"
    INVALID_TIME = "invalid_time"


class TestDayError(Exception):
    __test__ = False  # a domain name, not a pytest class
    def __init__(self, code: TestDayRefusal, message: str = "") -> None:
        self.code = code
        super().__init__(message or code.value)
