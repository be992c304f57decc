"""The admin session: its own signed cookie (distinct salt from LTI sessions), HttpOnly, SameSite=Strict, Secure
on HTTPS, path /admin, carrying the account id and the CSRF token of every admin form. An LTI session, whatever
its role, is never read here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from web.params import same_secret

COOKIE = "pix_lti_admin"
LOGIN_COOKIE = "pix_lti_admin_login"
SALT = "pix-lti-admin-session"
LOGIN_SALT = "pix-lti-admin-login-form"
MAX_AGE_SECONDS = 8 * 3600
LOGIN_FORM_SECONDS = 30 * 60


@dataclass(frozen=True)
class AdminSession:
    account_id: int
    username: str
    csrf: str
    generation: int = 0  # the account's session generation when the cookie was made


class AdminCodec:
    def __init__(self, secret: str) -> None:
        self._session = URLSafeTimedSerializer(secret, salt=SALT)
        self._login = URLSafeTimedSerializer(secret, salt=LOGIN_SALT)

    def new_session(self, account_id: int, username: str, generation: int = 0) -> tuple[AdminSession, str]:
        session = AdminSession(account_id, username, secrets.token_urlsafe(24), generation)
        return session, self._session.dumps({"a": account_id, "u": username, "c": session.csrf, "g": generation})

    def read_session(self, token: str | None) -> AdminSession | None:
        if not token:
            return None
        try:
            raw = self._session.loads(token, max_age=MAX_AGE_SECONDS)
            return AdminSession(int(raw["a"]), str(raw["u"]), str(raw["c"]), int(raw.get("g", 0)))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def new_login_form(self) -> tuple[str, str]:
        """(token for the form, cookie value): the login form's CSRF token is bound to this browser."""
        token = secrets.token_urlsafe(24)
        return token, self._login.dumps(token)

    def check_login_form(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        try:
            expected = self._login.loads(cookie, max_age=LOGIN_FORM_SECONDS)
        except BadSignature:
            return False
        return isinstance(expected, str) and same_secret(expected, token)


def same_token(expected: str, given: str | None) -> bool:
    return same_secret(expected, given)


def set_admin_cookie(response: Response, name: str, value: str, max_age: int, secure: bool) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/admin", httponly=True, samesite="strict", secure=secure)


def clear_admin_cookie(response: Response, name: str, secure: bool) -> None:
    response.delete_cookie(name, path="/admin", httponly=True, samesite="strict", secure=secure)
