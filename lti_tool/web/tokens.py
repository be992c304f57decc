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
    locale: str = "fr"  # from the launch's launch_presentation.locale: "fr" (default) or "en"


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="pix-lti-session")

    def dumps(self, data: SessionData) -> str:
        return self._serializer.dumps(
            {"a": data.account_id, "l": data.launch_id, "r": data.role, "act": data.activity_id, "c": data.course_id,
             "lo": data.locale}
        )

    def loads(self, token: str | None, max_age: int) -> SessionData | None:
        if not token:
            return None
        try:
            raw = self._serializer.loads(token, max_age=max_age)
            return SessionData(int(raw["a"]), str(raw["l"]), str(raw["r"]), raw.get("act"), raw.get("c"),
                               str(raw.get("lo") or "fr"))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def csrf_token(self, data: SessionData) -> str:
        """A per-session token for forms: a signature of this session's launch and account."""
        return self._serializer.make_signer("pix-lti-csrf").get_signature(
            f"{data.launch_id}|{data.account_id}".encode()).decode()
