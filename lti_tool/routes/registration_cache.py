"""Registrations read through a short in-process cache (seconds). `by_id_sync` serves the launch (pylti1p3, in
a worker thread); `for_login` serves the login on the event loop (a miss reads the database in the thread pool).
A registration disabled with the CLI is refused everywhere within `registration_cache_seconds`."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from lti_tool.registrations import RegistrationView, find_for_login, get_registration


class RegistrationCache:
    def __init__(self, sessions: sessionmaker[Session], ttl_seconds: float) -> None:
        self._sessions = sessions
        self._ttl = ttl_seconds
        self._by_login: dict[tuple[str, str | None], tuple[float, list[RegistrationView]]] = {}
        self._by_id: dict[int, tuple[float, RegistrationView | None]] = {}

    def for_login_sync(self, issuer: str, client_id: str | None) -> list[RegistrationView]:
        key = (issuer, client_id)
        hit = self._by_login.get(key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        with self._sessions() as session:
            value = find_for_login(session, issuer, client_id)
        if self._ttl > 0:
            self._by_login[key] = (time.monotonic() + self._ttl, value)
        return value

    def by_id_sync(self, registration_id: int) -> RegistrationView | None:
        hit = self._by_id.get(registration_id)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        with self._sessions() as session:
            value = get_registration(session, registration_id)
        if self._ttl > 0:
            self._by_id[registration_id] = (time.monotonic() + self._ttl, value)
        return value

    def session_generation(self, registration_id: int) -> int | None:
        """The session generation of an enabled registration; None when it is disabled or deleted (its sessions
        are over). Read through the cache: a platform disabled by a worker is seen by all within the TTL."""
        registration = self.by_id_sync(registration_id)
        return registration.session_generation if registration is not None and registration.active else None

    async def for_login(self, issuer: str, client_id: str | None) -> list[RegistrationView]:
        hit = self._by_login.get((issuer, client_id))
        if hit and hit[0] > time.monotonic():
            return hit[1]
        return await run_in_threadpool(self.for_login_sync, issuer, client_id)
