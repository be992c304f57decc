"""The delivery worker: claims due outbox items, delivers them to the platforms (scores to AGS, roster
refreshes from NRPS) concurrently with bounded parallelism, and records every outcome. Failures are
retried with exponential backoff and jitter (Retry-After honoured), then kept as dead letters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from core import metrics
from core.db import utcnow
from core.store.base import ShortLivedStore
from lti_tool import keys
from lti_tool.grades import outbox
from lti_tool.grades.access_tokens import AccessTokens, ServiceClient, SigningKey
from lti_tool.grades.ags_client import AgsClient, fetch_memberships
from lti_tool.grades.errors import DeliveryError
from lti_tool.grades.launch_services import SCOPE_MEMBERSHIPS, SCOPE_SCORE
from lti_tool.grades.models import DEAD, DELIVERED, KIND_ROSTER, KIND_SCORE, PENDING
from lti_tool.grades.outbox import Claimed, Outcome, PlatformClient
from lti_tool.grades.roster import replace_roster
from lti_tool.grades.service_urls import ServicePlatform, check_service_url
from lti_tool.grades.settings import GradesSettings

log = logging.getLogger("lti_tool.grades")
T = TypeVar("T")


_SENT_OUTCOME = {DELIVERED: "delivered", PENDING: "retry", DEAD: "dead"}
LINE_ITEM_GUARD_SECONDS = 60  # longer than one find-or-create (two calls with their timeouts)


def backoff_seconds(attempts: int, settings: GradesSettings, rng: random.Random) -> float:
    """Exponential backoff with jitter: base·2^(n−1), capped, drawn in [½, 1] of it."""
    delay = min(settings.backoff_cap_seconds, settings.backoff_base_seconds * 2 ** max(0, attempts - 1))
    return delay * (0.5 + rng.random() / 2)


class Worker:
    def __init__(self, sessions: sessionmaker[Session], store: ShortLivedStore, http: httpx.AsyncClient,
                 settings: GradesSettings | None = None, *, rng: random.Random | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings or GradesSettings()
        self._sessions = sessions
        self._rng = rng or random.Random()
        self._clock = clock
        self._http = http
        self._key: tuple[float, SigningKey] | None = None
        self.tokens = AccessTokens(store, http, self._signing_key, margin_seconds=self.settings.token_margin_seconds,
                                   timeout_seconds=self.settings.request_timeout_seconds)
        self.ags = AgsClient(http, self.settings.request_timeout_seconds)
        self._line_item_locks: dict[int, asyncio.Lock] = {}
        self._store = store
        self.delivered = 0

    async def _db(self, fn: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions() as session:
                return fn(session)

        return await asyncio.to_thread(run)

    async def _signing_key(self) -> SigningKey:
        loop = asyncio.get_running_loop()
        if self._key is not None and self._key[0] > loop.time():
            return self._key[1]

        def load(session: Session) -> SigningKey:
            key = keys.ensure_key(session)
            return SigningKey(key.kid, key.private_pem)

        key = await self._db(load)
        self._key = (loop.time() + 60.0, key)  # a rotated key is used within a minute
        return key

    # --- one pass -------------------------------------------------------------------------------------

    async def run_once(self, stop: asyncio.Event | None = None) -> int:
        """Claim one batch of due items, deliver them, record the outcomes. Returns how many were claimed.
        When `stop` is set meanwhile, deliveries still running `stop_grace_seconds` later are cancelled and their
        items released (pending, due now): every claimed item ends recorded, none waits for its lease to end."""
        now = self._clock()
        items = await self._db(lambda s: outbox.claim(s, now=now, limit=self.settings.batch_size,
                                                      lease_seconds=self.settings.lease_seconds))
        if not items:
            return 0
        clients = await self._db(lambda s: outbox.platforms(s, {i.registration_id for i in items}))
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def one(item: Claimed) -> Outcome:
            async with gate:
                return await self._deliver(item, clients.get(item.registration_id))

        tasks = [asyncio.create_task(one(i)) for i in items]
        await self._settle(tasks, stop)
        outcomes = [self._released(item) if task.cancelled() else task.result()
                    for item, task in zip(items, tasks, strict=True)]
        await self._db(lambda s: outbox.record(s, list(outcomes), self._clock()))
        self.delivered += sum(1 for o in outcomes if o.status == DELIVERED)
        for o in outcomes:
            metrics.GRADES_SENT.labels(_SENT_OUTCOME.get(o.status, o.status)).inc()
        return len(items)

    async def _settle(self, tasks: list[asyncio.Task[Outcome]], stop: asyncio.Event | None) -> None:
        """Wait for every delivery; once `stop` is set, for `stop_grace_seconds` more, then cancel the rest."""
        if stop is None:
            await asyncio.wait(tasks)
            return
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set() and (running := [t for t in tasks if not t.done()]):
                await asyncio.wait([*running, stopping], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        running = [t for t in tasks if not t.done()]
        if running:
            await asyncio.wait(running, timeout=self.settings.stop_grace_seconds)
            late = [t for t in running if not t.done()]
            for task in late:
                task.cancel()
            if late:
                log.info("grades worker stopping: %s delivery(ies) cancelled, put back to pending", len(late))
                await asyncio.wait(late)

    def _released(self, item: Claimed) -> Outcome:
        """A delivery cancelled by the worker's stop: due again now (the platform may have taken it: a score sent
        twice carries the same timestamp, which AGS platforms accept or answer 409, taken as delivered)."""
        return Outcome(item.id, item.lease_until, PENDING, "envoi interrompu par l'arrêt du worker", self._clock())

    async def drain(self) -> int:
        """Deliver everything due now (retries scheduled later stay pending). Returns items handled."""
        total = 0
        while (claimed := await self.run_once()) > 0:
            total += claimed
        return total

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                claimed = await self.run_once(stop)
            except Exception as exc:  # the database may be away for a moment: keep the loop alive, say so
                counter = metrics.REDIS_ERRORS if isinstance(exc, RedisError) else metrics.DATABASE_ERRORS
                counter.labels(type(exc).__name__).inc()
                log.exception("grades worker pass failed")
                claimed = 0
            if claimed == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.poll_seconds)

    # --- one item -------------------------------------------------------------------------------------

    async def _deliver(self, item: Claimed, platform: PlatformClient | None) -> Outcome:
        if platform is None:
            return Outcome(item.id, item.lease_until, DEAD, "plateforme inconnue")
        if not platform.active:  # disabled after the claim: held, picked up again once it is enabled
            return Outcome(item.id, item.lease_until, PENDING, "plateforme désactivée : envoi en attente",
                           self._clock())
        client = ServiceClient(platform.registration_id, platform.client_id, platform.token_url)
        service = ServicePlatform(platform.issuer, platform.token_url)
        try:
            if item.kind == KIND_SCORE:
                await self._deliver_score(item, client, service)
            elif item.kind == KIND_ROSTER:
                await self._refresh_roster(item, client, service)
            else:
                return Outcome(item.id, item.lease_until, DEAD, f"type d'envoi inconnu : {item.kind}")
        except DeliveryError as exc:
            return self._failed(item, exc)
        except Exception as exc:  # a bug must not kill the batch: the item is retried and visible
            log.exception("grades delivery %s crashed", item.id)
            return self._failed(item, DeliveryError(f"erreur interne : {type(exc).__name__}: {exc}", retryable=True))
        return Outcome(item.id, item.lease_until, DELIVERED)

    def _failed(self, item: Claimed, exc: DeliveryError) -> Outcome:
        if not exc.retryable or item.attempts >= self.settings.max_attempts:
            suffix = "" if not exc.retryable else f" (abandon après {item.attempts} essais)"
            return Outcome(item.id, item.lease_until, DEAD, exc.message + suffix)
        if exc.retry_after is not None:
            delay = min(exc.retry_after, self.settings.retry_after_cap_seconds)
        else:
            delay = backoff_seconds(item.attempts, self.settings, self._rng)
        return Outcome(item.id, item.lease_until, PENDING, exc.message,
                       self._clock() + timedelta(seconds=delay))

    async def _authorized(self, client: ServiceClient, scopes: list[str], call: Callable[[str], Awaitable[T]]) -> T:
        """Call with the cached token; on a 401, drop it, fetch a new one and call once more."""
        token = await self.tokens.get(client, scopes)
        try:
            return await call(token)
        except DeliveryError as exc:
            if not exc.unauthorized:
                raise
            await self.tokens.drop(client, scopes, token)
            return await call(await self.tokens.get(client, scopes))

    def _checked(self, url: object, service: ServicePlatform) -> str:
        """A service URL the platform's token may go to (its own hosts or the allow-list), else a dead letter."""
        return check_service_url(url, service, self.settings.service_host_patterns)

    async def _deliver_score(self, item: Claimed, client: ServiceClient, service: ServicePlatform) -> None:
        payload: dict[str, Any] = item.payload
        score = payload["score"]
        scopes = list(payload.get("scopes") or [SCOPE_SCORE])
        if payload.get("lineitem"):
            lineitem = self._checked(payload["lineitem"], service)
        else:
            lineitem = self._checked(await self._line_item(item, client, scopes, service), service)
        await self._authorized(client, scopes, lambda token: self.ags.post_score(lineitem, score, token))

    async def _line_item(self, item: Claimed, client: ServiceClient, scopes: list[str],
                         service: ServicePlatform) -> str:
        """The activity's line item when the launch named none: stored, else found or created through
        `lineitems` (once per activity in this process: concurrent scores wait for the first)."""
        payload, activity_id = item.payload, item.activity_id
        if activity_id is None or not payload.get("lineitems"):
            raise DeliveryError("aucune colonne de notes ni service de colonnes offert", retryable=False)
        lineitems = self._checked(payload["lineitems"], service)
        async with self._line_item_locks.setdefault(activity_id, asyncio.Lock()):
            known = await self._db(lambda s: outbox.line_item_url(s, activity_id))
            if known:
                return known
            # across worker processes: one creates the column, the others come back once it is stored
            guard = f"grades:lineitem-create:{activity_id}"
            if not await self._store.set_nx(guard, "1", LINE_ITEM_GUARD_SECONDS):
                raise DeliveryError("colonne de notes en cours de création par un autre worker", retryable=True,
                                    retry_after=2.0)
            try:
                found = await self._authorized(client, scopes, lambda token: self.ags.find_or_create_line_item(
                    lineitems, resource_link_id=payload["resource_link_id"], label=payload["label"],
                    score_maximum=payload["score"]["scoreMaximum"], token=token))
                return await self._db(lambda s: outbox.save_line_item(s, activity_id, found))
            finally:
                await self._store.delete(guard)

    async def _refresh_roster(self, item: Claimed, client: ServiceClient, service: ServicePlatform) -> None:
        course_id = item.course_id
        if course_id is None:
            raise DeliveryError("actualisation de liste sans cours", retryable=False)
        url = self._checked(item.payload["url"], service)
        members = await self._authorized(client, [SCOPE_MEMBERSHIPS], lambda token: fetch_memberships(
            self._http, url, token, timeout=self.settings.request_timeout_seconds,
            max_pages=self.settings.max_roster_pages, check_url=lambda page: self._checked(page, service)))
        await self._db(lambda s: replace_roster(s, course_id, members))


def make_http_client(settings: GradesSettings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.request_timeout_seconds),
        limits=httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency),
        follow_redirects=False,
    )
