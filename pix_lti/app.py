"""The composition root of the web application: settings → DB (migrated) → keys → store → the doors' routes
(LTI, GAR, admin, privacy) and the pages (`web`), with the gradebook subscribed to the contexts' events."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from admin import certification_routes as admin_certification_routes
from admin import routes as admin_routes
from certificates import subscribers as certificate_subscribers
from content_bank.active import active_bank, refusal_message
from content_bank.loader import default_referential
from core.db import make_engine, make_session_factory, ping, run_migrations
from core.settings import Settings, get_settings
from core.store import make_store
from engine.content_schema import ContentBankError
from ent_gar_connector import routes as gar_routes
from lti_tool import keys
from lti_tool.dynreg.settings import DynRegSettings
from lti_tool.grades import subscribers as grade_subscribers
from lti_tool.grades.metrics import outbox_gauges
from lti_tool.launch.jwks_cache import JwksCache
from lti_tool.launch.tool_conf import DbToolConf
from lti_tool.outbound import Resolver, guarded_client, system_resolver
from lti_tool.registrations import framing_urls
from lti_tool.routes import activity as activity_routes
from lti_tool.routes import deep_linking as deep_linking_routes
from lti_tool.routes import launch as lti_routes
from lti_tool.routes import registration as registration_routes
from lti_tool.routes.registration_cache import RegistrationCache
from lti_tool.routes.state import LtiState
from privacy.routes import router as privacy_router
from web import (
    certificate_routes,
    certificate_school_routes,
    link_routes,
    observability,
    quick_test_routes,
    static_routes,
    student_routes,
    verification_routes,
)
from web.body_limit import BodyLimit, BodyLimits
from web.campaign_routes import router as campaign_router
from web.certification import candidate_routes as certification_candidate_routes
from web.certification import common as certification_common
from web.certification import invigilator_routes as certification_invigilator_routes
from web.certification.routes import router as certification_router
from web.errors import LaunchRefused
from web.i18n import ENGLISH_REFUSALS
from web.locale import request_locale
from web.observability import MetricsAccess, Observe, networks
from web.outage import install_outage_handlers
from web.pages import refusal
from web.privacy import PrivateResponses
from web.security import install_security_headers
from web.state import ToolState
from web.static_routes import STATIC_ROOT
from web.tokens import SessionCodec

log = logging.getLogger("lti_tool")  # the name operators filter on

_HTTP_REASONS = {
    404: ("Cette page n'existe pas.", "Vérifiez l'adresse ou relancez l'activité depuis votre plateforme."),
    405: ("Cette adresse ne s'utilise pas ainsi.", "Lancez l'activité depuis votre plateforme (Moodle, ENT...)."),
}


def bootstrap(settings: Settings) -> None:
    """Check the content bank, migrate the schema and make sure a signing key and a session secret exist
    (idempotent). A broken bank raises `ContentBankError` before anything is written."""
    active_bank()
    engine = make_engine(settings.database_url)
    try:
        run_migrations(engine)
        with make_session_factory(engine)() as session:
            keys.ensure_key(session)
            keys.session_secret(session, settings.session_secret)
    finally:
        engine.dispose()


def create_app(settings: Settings | None = None, http_transport: httpx.AsyncBaseTransport | None = None,
               resolver: Resolver | None = None) -> FastAPI:
    """`http_transport` and `resolver` replace the network in tests (platforms served in process)."""
    settings = settings or get_settings()
    grade_subscribers.install()  # results published by learning/ and campaigns/ reach the LTI gradebook
    certificate_subscribers.install()  # published certification results become certificates

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.thread_pool_size:
            anyio.to_thread.current_default_thread_limiter().total_tokens = settings.thread_pool_size
        engine = make_engine(settings.database_url)
        await run_in_threadpool(run_migrations, engine)
        sessions = make_session_factory(engine)

        def init() -> str:
            with sessions() as session:
                keys.ensure_key(session)
                return keys.session_secret(session, settings.session_secret)

        secret = await run_in_threadpool(init)
        try:  # the content bank, parsed once before the first request; a broken one stops the start
            await run_in_threadpool(default_referential)
        except ContentBankError as exc:
            log.error("%s", refusal_message(exc))
            raise
        store = make_store(settings.redis_url)
        timeout = httpx.Timeout(settings.http_timeout_seconds)
        http = httpx.AsyncClient(timeout=timeout, transport=http_transport, follow_redirects=False)
        jwks = JwksCache(store, http, settings.jwks_cache_seconds, settings.jwks_refetch_interval_seconds)

        registrations = RegistrationCache(sessions, settings.registration_cache_seconds)
        # dynamic registration fetches URLs given by whoever opens /lti/register: public addresses only, checked
        # when each connection opens (no DNS rebinding), unless PIX_LTI_DYNREG_ALLOW_PRIVATE_ADDRESSES
        app.state.dynreg_http = http if http_transport is not None else guarded_client(
            settings.http_timeout_seconds, allow_private=DynRegSettings().allow_private_addresses)
        app.state.dynreg_resolver = resolver or system_resolver
        app.state.tool = ToolState(settings, engine, sessions, store, http, SessionCodec(secret),
                                   platform_generation=registrations.session_generation)
        app.state.lti = LtiState(jwks, DbToolConf(sessions), registrations)
        app.state.metric_sources = [outbox_gauges(sessions)]  # computed from the database when /metrics is read
        try:
            yield
        finally:
            await http.aclose()
            if app.state.dynreg_http is not http:
                await app.state.dynreg_http.aclose()
            await store.close()
            engine.dispose()

    app = FastAPI(title="pix-lti", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(lti_routes.router)
    app.include_router(deep_linking_routes.router)  # before activity_routes: first match wins
    app.include_router(activity_routes.router)
    app.include_router(student_routes.router)
    app.include_router(link_routes.router)
    app.include_router(quick_test_routes.router)
    app.include_router(certificate_routes.router)
    app.include_router(verification_routes.router)
    app.include_router(certificate_school_routes.router)
    app.add_middleware(BodyLimit, limits=BodyLimits(settings.max_form_bytes, settings.max_launch_bytes,
                                                    settings.max_saml_bytes, settings.max_upload_bytes))
    app.add_middleware(PrivateResponses)  # inside the security headers: its referrer policy is the one kept
    install_security_headers(app, framing_urls)  # outermost but one, so the 413 and 503 pages get the headers too
    # X-Forwarded-For/-Proto believed from the trusted proxies only, applied inside `Observe` (which must see the
    # real TCP peer to believe its X-Request-ID); `serve` turns uvicorn's own proxy handling off.
    trusted = settings.trusted_proxies or os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1 ::1"
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=[h for h in trusted.replace(",", " ").split() if h])
    app.add_middleware(Observe, trusted=networks(trusted))  # added last: outermost (request id, metrics, access log)
    app.state.metrics_access = MetricsAccess(settings)
    app.include_router(observability.router)
    app.include_router(registration_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(admin_certification_routes.router)
    app.include_router(gar_routes.router)
    app.include_router(campaign_router)
    app.include_router(certification_router)
    app.include_router(static_routes.router)
    app.include_router(privacy_router)
    app.include_router(certification_candidate_routes.router)  # the certification test day (issue 19)
    app.include_router(certification_invigilator_routes.router)
    app.include_router(certification_common.router)

    install_outage_handlers(app, settings.outage_retry_after_seconds)

    @app.exception_handler(LaunchRefused)
    async def _refused(request: Request, exc: LaunchRefused) -> Response:
        log.info("launch refused: %s (%s)", exc.code, exc.reason)
        return refusal(request, exc.status, exc.reason, exc.advice, exc.code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return refusal(request, 400, "La requête est invalide.", "Vérifiez l'adresse.", "bad_request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = f"http_{exc.status_code}"
        reason, advice = _HTTP_REASONS.get(exc.status_code, ("La requête n'a pas abouti.", "Relancez l'activité."))
        if f"refusal.{code}" not in ENGLISH_REFUSALS and request_locale(request) == "en":
            # any other status: the general English words (refusals.po `refusal.http_other`), its code kept
            reason, advice = ENGLISH_REFUSALS["refusal.http_other"], ENGLISH_REFUSALS["refusal.http_other.advice"]
        return refusal(request, exc.status_code, reason, advice, code)

    favicon = (STATIC_ROOT / "favicon.svg").read_bytes()

    @app.get("/favicon.ico")
    async def _favicon() -> Response:  # browsers ask for it on every page: an answer, not a 404 in the logs
        return Response(favicon, media_type="image/svg+xml", headers={"cache-control": "public, max-age=86400"})

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        """200 when every dependency answers; otherwise 503, `Retry-After`, and the list of those down."""
        state: ToolState = request.app.state.tool
        database = await run_in_threadpool(ping, state.engine)
        redis: bool | str = await state.store.ping() if state.settings.redis_url else "non configuré (mémoire locale)"
        down = [name for name, up in (("database", database), ("redis", redis)) if up is False]
        headers = {"cache-control": "no-store"}
        if down:
            headers["retry-after"] = str(settings.outage_retry_after_seconds)
        bank = active_bank().info
        return JSONResponse({"status": "degraded" if down else "ok", "database": database, "redis": redis,
                             "down": down,
                             "content_bank": {"version": bank.version, "fingerprint": bank.fingerprint,
                                              "private": bank.private}},
                            status_code=503 if down else 200, headers=headers)

    return app
