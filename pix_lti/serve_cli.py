"""`pix-lti serve` (the tool under uvicorn) and `pix-lti demo` (the tool beside a demonstration platform)."""

from __future__ import annotations

import os
import signal
from inspect import signature

import typer

from core.settings import Settings


def _bootstrap_or_exit(settings: Settings) -> None:
    """Bootstrap, or say clearly why the content bank refuses the start and exit with status 1."""
    from content_bank.active import refusal_message
    from engine.content_schema import ContentBankError
    from pix_lti.app import bootstrap

    try:
        bootstrap(settings)
    except ContentBankError as exc:
        typer.echo(refusal_message(exc), err=True)
        raise typer.Exit(1) from None


def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    workers: int = typer.Option(1, "--workers"),
) -> None:
    """Démarre l'outil LTI (uvicorn)."""
    import uvicorn

    settings = Settings()
    if workers > 1 and not settings.redis_url:
        typer.echo("PIX_LTI_REDIS_URL est requis avec plusieurs workers (état OIDC partagé).", err=True)
        raise typer.Exit(2)
    _prepare_observability(workers)
    _bootstrap_or_exit(settings)
    os.environ.setdefault("PIX_LTI_BASE_URL", settings.base_url)
    # proxy_headers=False: the app applies X-Forwarded-* itself, from PIX_LTI_TRUSTED_PROXIES (pix_lti/app.py)
    # a worker that misses uvicorn's health ping is killed and replaced: 5 s (its default) is shorter than a worker's
    # start (interpreter, imports) on a loaded 2-core host, where workers were killed in a loop before serving
    extra = {"timeout_worker_healthcheck": 30} if "timeout_worker_healthcheck" in signature(uvicorn.run).parameters \
        else {}
    uvicorn.run("pix_lti.asgi:app", host=host, port=port, workers=workers, log_level="warning",
                access_log=False, proxy_headers=False, **extra)


def _prepare_observability(workers: int) -> None:
    """One instance name for all the workers of this `serve` (host:pid of this process unless
    PIX_LTI_INSTANCE_NAME says), and with several workers, Prometheus's multiprocess mode: each worker writes its
    counters to PROMETHEUS_MULTIPROC_DIR (default: a fresh temporary directory), /metrics adds them up."""
    import socket
    import tempfile

    from core.logs import configure_logging

    os.environ.setdefault("PIX_LTI_INSTANCE_NAME", f"{socket.gethostname()}:{os.getpid()}")
    configure_logging()
    if workers > 1:
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="pix-lti-metrics-")
        from core.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def migrate() -> None:
    """Met à jour la base (migrations) et prépare clé de signature et secret de session, sans démarrer le serveur
    (upgrade the database and exit: the container's entrypoint and the systemd unit run it before `serve`)."""
    _bootstrap_or_exit(Settings())
    typer.echo("Base à jour.")


def demo(
    tool_port: int = typer.Option(8000, "--tool-port", metavar="PORT",
                                  help="Port de l'outil (0 : un port libre)."),
    platform_port: int = typer.Option(8001, "--platform-port", metavar="PORT",
                                      help="Port de la plateforme de démonstration (0 : un port libre)."),
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADRESSE", help="Adresse d'écoute."),
    exact_ports: bool = typer.Option(False, "--exact-ports",
                                     help="Port occupé : s'arrêter au lieu de prendre un port libre."),
) -> None:
    """Démarre l'outil et une plateforme de démonstration qui le lance (élève ou enseignant)."""
    from demo_platform.ports import PortBusy, listen
    from pix_lti.demo_runner import run_demo

    listeners = []
    try:
        for what, port in (("l'outil", tool_port), ("la plateforme de démonstration", platform_port)):
            try:
                listener = listen(host, port, fallback=not exact_ports)
            except PortBusy as exc:
                typer.echo(f"Impossible d'écouter sur {exc.host}:{exc.port} pour {what} : {exc.reason}.", err=True)
                if exact_ports:
                    typer.echo("Choisissez un autre port (--tool-port, --platform-port) ou retirez --exact-ports.",
                               err=True)
                raise typer.Exit(1) from None
            listeners.append(listener)
            if listener.moved:
                typer.echo(f"Le port {port} est occupé : {what} écoute sur le port {listener.port}.")
        # Until the servers take SIGTERM and SIGINT over (while the database is prepared), both stop
        # the command the same quiet way.
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)
        run_demo(host, listeners[0], listeners[1], _announce_demo)
    except KeyboardInterrupt:
        pass
    finally:
        for listener in listeners:
            listener.socket.close()
    typer.echo("Démonstration arrêtée.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _announce_demo(tool_url: str, platform_url: str, settings: Settings) -> None:
    from core.store.factory import in_process_store_announced

    command = _own_command()
    typer.echo(f"Outil Pix LTI : {tool_url}   (base : {settings.database_url})")
    typer.echo(f"Plateforme de démonstration : {platform_url}/  ← ouvrez cette adresse")
    typer.echo(f"Espace d'administration : {tool_url}/admin/  (créez d'abord un compte : {command} admin create NOM)")
    if not settings.redis_url:
        in_process_store_announced()
        typer.echo("Sans PIX_LTI_REDIS_URL, l'état des connexions reste dans ce processus : "
                   "c'est ce qu'il faut pour la démonstration (un seul processus).")
    typer.echo("Ctrl-C pour arrêter.")


def _own_command() -> str:
    """How this command was started (``.venv/bin/pix-lti`` after the README's install), for the hints."""
    import sys
    from pathlib import Path

    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if started is not None and started.name == "pix-lti":
        return str(started) if "/" in sys.argv[0] else "pix-lti"
    return "pix-lti"


def register_commands(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("migrate")(migrate)
    app.command("demo")(demo)
