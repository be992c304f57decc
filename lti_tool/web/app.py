"""The FastAPI application factory: settings → DB (migrated) → keys → store → routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from content_bank.loader import default_referential
from ent_gar_connector import routes as gar_routes
from lti_tool import keys
from lti_tool.admin import routes as admin_routes
from lti_tool.launch.errors import LaunchRefused
from lti_tool.launch.jwks_cache import JwksCache
from lti_tool.launch.tool_conf import DbToolConf
from lti_tool.persistence.db import make_engine, make_session_factory, ping, run_migrations
from lti_tool.settings import Settings, get_settings
from lti_tool.store import make_store
from lti_tool.web import activity_routes, deep_linking_routes, lti_routes, registration_routes, student_routes
from lti_tool.web.campaign_routes import router as campaign_router
from lti_tool.web.pages import refusal
from lti_tool.web.registration_cache import RegistrationCache
from lti_tool.web.security import install_security_headers
from lti_tool.web.state import ToolState
from lti_tool.web.tokens import SessionCodec

log = logging.getLogger("lti_tool")

_HTTP_REASONS = {
    404: ("Cette page n'existe pas.", "Vérifiez l'adresse ou relancez l'activité depuis votre plateforme."),
    405: ("Cette adresse ne s'utilise pas ainsi.", "Lancez l'activité depuis votre plateforme (Moodle, ENT...)."),
}


def bootstrap(settings: Settings) -> None:
    """Migrate the schema and make sure a signing key and a session secret exist (idempotent)."""
    engine = make_engine(settings.database_url)
    try:
        run_migrations(engine)
        with make_session_factory(engine)() as session:
            keys.ensure_key(session)
            keys.session_secret(session, settings.session_secret)
    finally:
        engine.dispose()


def create_app(settings: Settings | None = None, http_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    settings = settings or get_settings()

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
        await run_in_threadpool(default_referential)  # the content bank, parsed once before the first request
        store = make_store(settings.redis_url)
        timeout = httpx.Timeout(settings.http_timeout_seconds)
        http = httpx.AsyncClient(timeout=timeout, transport=http_transport, follow_redirects=False)
        jwks = JwksCache(store, http, settings.jwks_cache_seconds, settings.jwks_refetch_interval_seconds)

        registrations = RegistrationCache(sessions, settings.registration_cache_seconds)
        app.state.tool = ToolState(settings, engine, sessions, store, http, jwks, DbToolConf(sessions),
                                   SessionCodec(secret), registrations)
        try:
            yield
        finally:
            await http.aclose()
            await store.close()
            engine.dispose()

    app = FastAPI(title="pix-lti", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(lti_routes.router)
    app.include_router(deep_linking_routes.router)  # before activity_routes: first match wins
    app.include_router(activity_routes.router)
    app.include_router(student_routes.router)
    install_security_headers(app)
    app.include_router(registration_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(gar_routes.router)
    app.include_router(campaign_router)

    @app.exception_handler(LaunchRefused)
    async def _refused(request: Request, exc: LaunchRefused) -> Response:
        log.info("launch refused: %s (%s)", exc.code, exc.reason)
        return refusal(request, exc.status, exc.reason, exc.advice, exc.code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return refusal(request, 400, "La requête est invalide.", "Vérifiez l'adresse.", "bad_request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        reason, advice = _HTTP_REASONS.get(exc.status_code, ("La requête n'a pas abouti.", "Relancez l'activité."))
        return refusal(request, exc.status_code, reason, advice, f"http_{exc.status_code}")

    favicon = (Path(__file__).resolve().parent.parent / "static" / "favicon.svg").read_bytes()

    @app.get("/favicon.ico")
    async def _favicon() -> Response:  # browsers ask for it on every page: an answer, not a 404 in the logs
        return Response(favicon, media_type="image/svg+xml", headers={"cache-control": "public, max-age=86400"})

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        state: ToolState = request.app.state.tool
        database = await run_in_threadpool(ping, state.engine)
        redis: bool | str = await state.store.ping() if state.settings.redis_url else "non configuré (mémoire locale)"
        ok = database and redis is not False
        return JSONResponse({"status": "ok" if ok else "degraded", "database": database, "redis": redis},
                            status_code=200 if ok else 503)

    return app
