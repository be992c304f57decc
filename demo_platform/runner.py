"""`pix-lti demo`: the tool (embedded defaults) and the demo platform, registered automatically,
served side by side in one process."""

from __future__ import annotations

import asyncio
import os
import sys

import uvicorn

from content_bank.active import refusal_message
from demo_platform.app import CLIENT_ID, DEPLOYMENT_ID, create_demo_app
from engine.content_schema import ContentBankError
from lti_tool.grades.runner import run_worker
from lti_tool.persistence.db import make_engine, make_session_factory
from lti_tool.registrations import add_registration
from lti_tool.settings import Settings
from lti_tool.web.app import bootstrap, create_app


def register_demo(settings: Settings, issuer: str) -> None:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            add_registration(session, issuer=issuer, client_id=CLIENT_ID, auth_login_url=issuer + "/auth",
                             auth_token_url=issuer + "/token", keyset_url=issuer + "/jwks",
                             deployment_ids=[DEPLOYMENT_ID])
    finally:
        engine.dispose()


def run_demo(host: str, tool_port: int, platform_port: int) -> None:
    tool_url, issuer = f"http://{host}:{tool_port}", f"http://{host}:{platform_port}"
    os.environ["PIX_LTI_BASE_URL"] = tool_url
    settings = Settings()
    try:
        bootstrap(settings)
    except ContentBankError as exc:
        print(refusal_message(exc), file=sys.stderr)
        raise SystemExit(1) from None
    register_demo(settings, issuer)
    print(f"Outil Pix LTI : {tool_url}   (base : {settings.database_url})")
    print(f"Plateforme de démonstration : {issuer}/  ← ouvrez cette adresse")

    async def serve_both() -> None:
        servers = [
            uvicorn.Server(uvicorn.Config(create_app(settings), host=host, port=tool_port, log_level="warning")),
            uvicorn.Server(uvicorn.Config(create_demo_app(issuer, tool_url), host=host, port=platform_port,
                                          log_level="warning")),
        ]
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop=stop))  # grades and rosters, in-process
        await asyncio.gather(*(server.serve() for server in servers))
        stop.set()
        await worker

    asyncio.run(serve_both())
