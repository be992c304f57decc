"""Cookies usable inside a third-party iframe: SameSite=None; Secure; Partitioned on HTTPS, plain on http."""

from __future__ import annotations

from starlette.responses import Response


def set_cookie(response: Response, name: str, value: str, max_age: int, secure: bool) -> None:
    if secure:
        response.headers.append(
            "set-cookie",
            f"{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; Secure; SameSite=None; Partitioned",
        )
    else:
        response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax")

