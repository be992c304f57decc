"""Outbound calls to a platform: a total deadline on every call, and failures classified as retryable
(platform down, 5xx, 429 with its Retry-After, timeouts) or final (4xx: the platform refuses)."""

from __future__ import annotations

import asyncio
import email.utils
import time
from typing import Any

import httpx


class DeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after

    @property
    def unauthorized(self) -> bool:
        return self.status == 401


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


async def send(http: httpx.AsyncClient, method: str, url: str, *, timeout: float, **kwargs: Any) -> httpx.Response:
    try:
        async with asyncio.timeout(timeout):
            return await http.request(method, url, **kwargs)
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise DeliveryError(f"pas de réponse de la plateforme en {timeout:g} s ({url})", retryable=True) from exc
    except httpx.HTTPError as exc:
        raise DeliveryError(f"plateforme injoignable ({type(exc).__name__}: {url})", retryable=True) from exc


def check_response(response: httpx.Response, what: str, ok: tuple[int, ...] = (200, 201, 204)) -> None:
    status = response.status_code
    if status in ok:
        return
    snippet = response.text[:300].strip() if response.content else ""
    message = f"{what} : HTTP {status}" + (f" — {snippet}" if snippet else "")
    if status == 429:
        raise DeliveryError(message, retryable=True, status=status,
                            retry_after=parse_retry_after(response.headers.get("Retry-After")))
    if status == 401 or status == 408 or status >= 500:
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if status == 503 else None
        raise DeliveryError(message, retryable=True, status=status, retry_after=retry_after)
    raise DeliveryError(message, retryable=False, status=status)
