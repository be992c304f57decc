"""Signed, timed session tokens: the same token serves as cookie and as cookie-less launch token."""

from __future__ import annotations

import time
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

_CACHE_SIZE = 8192


@dataclass(frozen=True)
class SessionData:
    account_id: int
    launch_id: str
    role: str
    activity_id: int | None
    course_id: int | None
    locale: str = "fr"  # from the launch's launch_presentation.locale: "fr" (default) or "en"
    # the LTI registration that launched this session and its session generation at the launch (None: a GAR or
    # other session); a platform disabled since then has another generation, and the session is refused
    platform: int | None = None
    platform_generation: int = 0


class SessionCodec:
    """Signs and checks session tokens. A token whose signature was checked is remembered (a bounded map per
    process, emptied when full): a learner sends the same token with every request, and checking the HMAC
    again cost more than the rest of reading it. Its age is still checked on every use."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="pix-lti-session")
        self._checked: dict[str, tuple[SessionData, float]] = {}
        self._csrf: dict[tuple[str, int], str] = {}

    def dumps(self, data: SessionData) -> str:
        return self._serializer.dumps(
            {"a": data.account_id, "l": data.launch_id, "r": data.role, "act": data.activity_id, "c": data.course_id,
             "lo": data.locale, **({"p": data.platform, "pg": data.platform_generation}
                                    if data.platform is not None else {})}
        )

    def loads(self, token: str | None, max_age: int) -> SessionData | None:
        if not token:
            return None
        checked = self._checked.get(token)
        if checked is None:
            checked = self._check(token)
            if checked is None:
                return None
            if len(self._checked) >= _CACHE_SIZE:
                self._checked.clear()
            self._checked[token] = checked
        data, signed_at = checked
        age = time.time() - signed_at
        return data if 0 <= age <= max_age else None

    def _check(self, token: str) -> tuple[SessionData, float] | None:
        try:
            raw, signed_at = self._serializer.loads(token, return_timestamp=True)
            platform = raw.get("p")
            data = SessionData(int(raw["a"]), str(raw["l"]), str(raw["r"]), raw.get("act"), raw.get("c"),
                               str(raw.get("lo") or "fr"), None if platform is None else int(platform),
                               int(raw.get("pg") or 0))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None
        return data, signed_at.timestamp()  # itsdangerous >= 2 gives an aware datetime

    def csrf_token(self, data: SessionData) -> str:
        """A per-session token for forms: a signature of this session's launch and account."""
        key = (data.launch_id, data.account_id)
        token = self._csrf.get(key)
        if token is None:
            token = self._serializer.make_signer("pix-lti-csrf").get_signature(
                f"{data.launch_id}|{data.account_id}".encode()).decode()
            if len(self._csrf) >= _CACHE_SIZE:
                self._csrf.clear()
            self._csrf[key] = token
        return token
