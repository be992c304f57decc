"""`pix-lti demo`: the tool (embedded defaults) and the demo platform, registered automatically,
served side by side in one process.

Both ports are bound before anything is printed; SIGTERM and SIGINT stop both servers and the
in-process grade worker, and the command returns normally."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator

import uvicorn
from sqlalchemy import select

from content_bank.active import refusal_message
from core.db import make_engine, make_session_factory
from core.settings import Settings
from demo_platform.app import CLIENT_ID, DEPLOYMENT_ID, create_demo_app
from demo_platform.ports import Listener
from engine.content_schema import ContentBankError
from lti_tool.grades.runner import run_worker
from lti_tool.models import Registration
from lti_tool.registrations import add_registration
from pix_lti.app import bootstrap, create_app

GRACEFUL_SHUTDOWN_SECONDS = 5
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def register_demo(settings: Settings, issuer: str) -> None:
    """Register the demo platform at ``issuer``, reusing the demo's own registration (its client id)
    whatever port an earlier run used, so that new ports never leave another registration behind."""
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            own = session.scalars(select(Registration).where(Registration.client_id == CLIENT_ID)
                                  .order_by(Registration.id.desc())).unique().first()
            taken = session.scalars(select(Registration.id).where(
                Registration.issuer == issuer, Registration.client_id == CLIENT_ID)).first()
            if own is not None and taken is None:
                own.issuer = issuer  # the same registration, moved to this run's platform address
                session.flush()
            add_registration(session, issuer=issuer, client_id=CLIENT_ID, auth_login_url=issuer + "/auth",
                             auth_token_url=issuer + "/token", keyset_url=issuer + "/jwks",
                             deployment_ids=[DEPLOYMENT_ID])
    finally:
        engine.dispose()


class _Server(uvicorn.Server):
    """A uvicorn server that leaves the signals to run_demo (two servers in one loop would each
    replace the other's handlers, and one of them would never hear SIGTERM)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def run_demo(host: str, tool: Listener, platform: Listener, announce: Callable[[str, str, Settings], None]) -> None:
    tool_url, issuer = f"http://{_url_host(host)}:{tool.port}", f"http://{_url_host(host)}:{platform.port}"
    os.environ["PIX_LTI_BASE_URL"] = tool_url
    settings = Settings()
    try:
        bootstrap(settings)
    except ContentBankError as exc:
        print(refusal_message(exc), file=sys.stderr)
        raise SystemExit(1) from None
    register_demo(settings, issuer)
    # SIGINT/SIGTERM wait (blocked, not lost) until the loop's handlers are in place; the banner comes
    # after that, so that a signal sent once it is shown always stops the demo cleanly.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    async def serve_both() -> None:
        servers = [
            _Server(uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                                   timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)),
            _Server(uvicorn.Config(create_demo_app(issuer, tool_url), log_level="warning", access_log=False,
                                   timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)),
        ]
        stop = asyncio.Event()

        def shut_down() -> None:
            stop.set()
            for server in servers:
                server.should_exit = True

        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, shut_down)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        announce(tool_url, issuer, settings)
        worker = asyncio.create_task(run_worker(settings, stop=stop))  # grades and rosters, in-process
        serving = [asyncio.create_task(servers[0].serve(sockets=[tool.socket])),
                   asyncio.create_task(servers[1].serve(sockets=[platform.socket]))]
        try:
            # One server stopping (a signal, or a failed start) stops the other and the worker.
            await asyncio.wait(serving, return_when=asyncio.FIRST_COMPLETED)
        finally:
            shut_down()
            await asyncio.gather(*serving)
            await worker

    try:
        asyncio.run(serve_both())
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
