"""Recent launches and refusals, with their reasons, kept in the short-lived store (newest first, capped)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from core.store.base import ShortLivedStore

KEY = "admin:launch-events"
MAX_EVENTS = 500
TTL_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class LaunchEvent:
    at: datetime
    outcome: str  # "accepted" | "refused"
    code: str | None
    issuer: str | None
    client_id: str | None
    deployment_id: str | None
    reason: str | None


async def record_launch_event(store: ShortLivedStore, *, outcome: str, code: str | None, issuer: str | None,
                              client_id: str | None, deployment_id: str | None, reason: str | None,
                              at: datetime) -> None:
    event = {"at": at.isoformat(), "outcome": outcome, "code": code, "issuer": issuer, "client_id": client_id,
             "deployment_id": deployment_id, "reason": reason}
    await store.push_capped(KEY, json.dumps(event), MAX_EVENTS, TTL_SECONDS)


async def recent_launch_events(store: ShortLivedStore, limit: int = 100) -> list[LaunchEvent]:
    events = []
    for raw in await store.recent(KEY, limit):
        try:
            item = json.loads(raw)
            events.append(LaunchEvent(datetime.fromisoformat(item["at"]), str(item["outcome"]), item.get("code"),
                                      item.get("issuer"), item.get("client_id"), item.get("deployment_id"),
                                      item.get("reason")))
        except (ValueError, KeyError, TypeError):
            continue
    return events
