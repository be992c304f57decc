"""Signed, timed session tokens: the same token serves as cookie and as cookie-less launch token."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer


@dataclass(frozen=True)
class SessionData:
    account_id: int
    launch_id: str
    role: str
    activity_id: int | None
    course_id: int | None


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="pix-lti-session")

    def dumps(self, data: SessionData) -> str:
        return self._serializer.dumps(
            {"a": data.account_id, "l": data.launch_id, "r": data.role, "act": data.activity_id, "c": data.course_id}
        )

    def loads(self, token: str | None, max_age: int) -> SessionData | None:
        if not token:
            return None
        try:
            raw = self._serializer.loads(token, max_age=max_age)
            return SessionData(int(raw["a"]), str(raw["l"]), str(raw["r"]), raw.get("act"), raw.get("c"))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None
