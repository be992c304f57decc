"""Platform public keys: fetched with httpx (timeouts), cached in the store and in-process,
refetched once on an unknown kid, refetches rate-limited per keyset URL."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from core.store.base import ShortLivedStore
from web.errors import LaunchRefused

_UNREACHABLE = LaunchRefused(
    502, "Les clés publiques de votre plateforme sont injoignables : le lancement ne peut pas être vérifié.",
    "Réessayez dans quelques minutes ; si cela persiste, signalez-le à l'administrateur de la plateforme.",
    "jwks_unreachable",
)


class JwksCache:
    def __init__(
        self, store: ShortLivedStore, http: httpx.AsyncClient, ttl_seconds: int, refetch_interval_seconds: int
    ) -> None:
        self._store = store
        self._http = http
        self._ttl = ttl_seconds
        self._refetch_interval = refetch_interval_seconds
        self._local: dict[str, tuple[float, dict[str, RSAPublicKey]]] = {}
        self._local_ttl = min(60, ttl_seconds)

    async def _fetch(self, url: str) -> dict[str, RSAPublicKey]:
        try:
            response = await self._http.get(url)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise _UNREACHABLE from exc
        await self._store.set(f"jwks:{url}", json.dumps(document), self._ttl)
        return self._remember(url, document)

    def _remember(self, url: str, document: Any) -> dict[str, RSAPublicKey]:
        keys: dict[str, RSAPublicKey] = {}
        for item in document.get("keys", []) if isinstance(document, dict) else []:
            if not isinstance(item, dict) or item.get("kty") != "RSA" or "kid" not in item:
                continue
            if item.get("alg", "RS256") != "RS256":
                continue
            try:
                key = RSAAlgorithm.from_jwk(item)
            except Exception:  # a malformed key in the set must not hide the others
                continue
            if isinstance(key, RSAPublicKey):
                keys[str(item["kid"])] = key
        self._local[url] = (time.monotonic() + self._local_ttl, keys)
        return keys

    async def _cached(self, url: str) -> dict[str, RSAPublicKey] | None:
        local = self._local.get(url)
        if local and local[0] > time.monotonic():
            return local[1]
        raw = await self._store.get(f"jwks:{url}")
        if raw is None:
            return None
        return self._remember(url, json.loads(raw))

    async def _refetch_allowed(self, url: str) -> bool:
        return await self._store.set_nx(f"jwks-refetch:{url}", "1", self._refetch_interval)

    def cached_key(self, url: str, kid: str) -> RSAPublicKey | None:
        """The key from this process's memory, without I/O (None: ask `key_for`)."""
        local = self._local.get(url)
        if local and local[0] > time.monotonic():
            return local[1].get(kid)
        return None

    async def key_for(self, url: str, kid: str) -> RSAPublicKey | None:
        keys = await self._cached(url)
        if keys is None or (kid not in keys and await self._refetch_allowed(url)):
            keys = await self._fetch(url)
        return keys.get(kid)
