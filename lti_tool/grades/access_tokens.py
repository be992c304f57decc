"""LTI Advantage service access tokens (OAuth 2 client credentials, `private_key_jwt` assertion signed
with the tool's current key). One token per (registration, scopes), cached in the short-lived store until
shortly before it expires, shared by every worker; dropped and refetched once on a 401."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx
from jose import jwt

from core.store.base import ShortLivedStore
from lti_tool.grades.errors import DeliveryError, check_response, send

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str


@dataclass(frozen=True)
class ServiceClient:
    """What a token request needs to know about a registration."""

    registration_id: int
    client_id: str
    token_url: str


KeyLoader = Callable[[], Awaitable[SigningKey]]


def client_assertion(key: SigningKey, client: ServiceClient, now: float | None = None) -> str:
    now = time.time() if now is None else now
    claims = {"iss": client.client_id, "sub": client.client_id, "aud": client.token_url,
              "iat": int(now), "exp": int(now) + 300, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


class AccessTokens:
    def __init__(self, store: ShortLivedStore, http: httpx.AsyncClient, load_key: KeyLoader, *,
                 margin_seconds: int = 60, timeout_seconds: float = 10.0) -> None:
        self._store = store
        self._http = http
        self._load_key = load_key
        self._margin = margin_seconds
        self._timeout = timeout_seconds
        self._locks: dict[str, asyncio.Lock] = {}
        self._local: dict[str, tuple[str, float]] = {}
        self.local_seconds = 5.0
        self.requests = 0  # token requests this process made (for the benchmark and tests)

    @staticmethod
    def cache_key(client: ServiceClient, scopes: Sequence[str]) -> str:
        digest = hashlib.sha256(" ".join(sorted(set(scopes))).encode()).hexdigest()[:24]
        return f"ags-token:{client.registration_id}:{digest}"

    async def get(self, client: ServiceClient, scopes: Sequence[str]) -> str:
        key = self.cache_key(client, scopes)
        local = self._local.get(key)
        if local is not None and local[1] > time.monotonic():
            return local[0]
        cached = await self._store.get(key)
        if cached is not None:
            self._remember(key, cached)
            return cached
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one request per process; the store lock below spans processes
            cached = await self._store.get(key)
            if cached is not None:
                self._remember(key, cached)
                return cached
            if not await self._store.set_nx(key + ":lock", "1", max(1, int(self._timeout) + 1)):
                for _ in range(int(self._timeout / 0.05)):
                    await asyncio.sleep(0.05)
                    cached = await self._store.get(key)
                    if cached is not None:
                        return cached
            try:
                token, ttl = await self._request(client, scopes)
            finally:
                await self._store.delete(key + ":lock")
            if ttl > 0:
                await self._store.set(key, token, ttl)
                self._remember(key, token, ttl)
            return token

    def _remember(self, key: str, token: str, ttl: float | None = None) -> None:
        """A few seconds in process memory, so a burst of deliveries does not ask the store every time."""
        horizon = self.local_seconds if ttl is None else min(self.local_seconds, ttl)
        self._local[key] = (token, time.monotonic() + horizon)

    async def drop(self, client: ServiceClient, scopes: Sequence[str], token: str) -> None:
        """Forget a token the platform refused, unless another worker already replaced it."""
        key = self.cache_key(client, scopes)
        if (local := self._local.get(key)) is not None and local[0] == token:
            del self._local[key]
        if await self._store.get(key) == token:
            await self._store.delete(key)

    async def _request(self, client: ServiceClient, scopes: Sequence[str]) -> tuple[str, int]:
        key = await self._load_key()
        form = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(key, client), "scope": " ".join(sorted(set(scopes)))}
        self.requests += 1
        response = await send(self._http, "POST", client.token_url, timeout=self._timeout, data=form,
                              headers={"Accept": "application/json"})
        try:
            check_response(response, "jeton d'accès")
        except DeliveryError as exc:  # a refused token is a configuration to fix: retry, never final
            raise DeliveryError(exc.message, retryable=True, retry_after=exc.retry_after) from exc
        try:
            body = json.loads(response.content)
            token = body["access_token"]
            expires_in = int(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise DeliveryError("réponse illisible du service de jetons", retryable=True,
                                status=response.status_code) from exc
        if not isinstance(token, str) or not token:
            raise DeliveryError("le service de jetons n'a pas donné de jeton", retryable=True)
        margin = self._margin if expires_in > 2 * self._margin else expires_in // 2
        return token, expires_in - margin
