"""Session tokens: signed, timed, and remembered once checked without ever outliving their age."""

from __future__ import annotations

import pytest

from web import tokens
from web.tokens import SessionCodec, SessionData

DATA = SessionData(account_id=7, launch_id="launch-1", role="learner", activity_id=3, course_id=2, locale="en")


def test_a_token_reads_back_as_its_session_again_and_again() -> None:
    codec = SessionCodec("secret")
    token = codec.dumps(DATA)
    assert codec.loads(token, 60) == DATA
    assert codec.loads(token, 60) == DATA  # the remembered check gives the same session


def test_a_forged_or_foreign_token_is_refused() -> None:
    codec = SessionCodec("secret")
    token = codec.dumps(DATA)
    assert codec.loads(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), 60) is None
    assert SessionCodec("another secret").loads(token, 60) is None
    assert codec.loads("", 60) is None and codec.loads(None, 60) is None


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    codec = SessionCodec("secret")
    token = codec.dumps(DATA)
    assert codec.loads(token, 60) == DATA
    real = tokens.time.time
    monkeypatch.setattr(tokens.time, "time", lambda: real() + 61)
    assert codec.loads(token, 60) is None  # too old, though its signature was checked before
    assert codec.loads(token, 3600) == DATA  # the age is measured against each use's own limit


def test_the_remembered_tokens_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "_CACHE_SIZE", 3)
    codec = SessionCodec("secret")
    sessions = [SessionData(i, f"launch-{i}", "learner", None, None) for i in range(10)]
    for data in sessions:
        assert codec.loads(codec.dumps(data), 60) == data
        assert codec.csrf_token(data) == SessionCodec("secret").csrf_token(data)
    assert len(codec._checked) <= 3 and len(codec._csrf) <= 3
