"""`pix-lti registration ...`, `pix-lti keys rotate`, `pix-lti serve`, `pix-lti demo`."""

from __future__ import annotations

import os
import signal

import typer

from lti_tool import keys
from lti_tool.admin import audit
from lti_tool.admin.cli import cli_actor
from lti_tool.persistence.db import make_engine, make_session_factory, run_migrations
from lti_tool.registrations import add_registration, get_registration, list_registrations, set_status
from lti_tool.settings import Settings

registration_app = typer.Typer(help="Plateformes LTI 1.3 enregistrées.", no_args_is_help=True)
keys_app = typer.Typer(help="Clés de signature de l'outil.", no_args_is_help=True)


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    run_migrations(engine)
    return make_session_factory(engine)


@registration_app.command("add")
def registration_add(
    issuer: str = typer.Option(..., "--issuer"),
    client_id: str = typer.Option(..., "--client-id"),
    auth_login_url: str = typer.Option(..., "--auth-login-url"),
    auth_token_url: str = typer.Option(..., "--auth-token-url"),
    keyset_url: str = typer.Option(..., "--keyset-url"),
    deployment_id: list[str] = typer.Option(..., "--deployment-id", help="Répétable."),
) -> None:
    """Enregistre (ou met à jour et réactive) une plateforme."""
    with _sessions(Settings())() as session:
        audit.record(session, cli_actor(), "registration.add", f"{issuer} {client_id}", deployments=deployment_id)
        reg = add_registration(session, issuer=issuer, client_id=client_id, auth_login_url=auth_login_url,
                               auth_token_url=auth_token_url, keyset_url=keyset_url, deployment_ids=deployment_id)
    typer.echo(f"Enregistrement {reg.id} : {reg.issuer} (client {reg.client_id}), "
               f"déploiements {', '.join(sorted(reg.deployment_ids))}")


@registration_app.command("list")
def registration_list() -> None:
    """Liste les plateformes enregistrées."""
    with _sessions(Settings())() as session:
        regs = list_registrations(session)
    if not regs:
        typer.echo("Aucune plateforme enregistrée.")
    for reg in regs:
        status = "active" if reg.active else "désactivée"
        typer.echo(f"{reg.id}\t{status}\t{reg.issuer}\t{reg.client_id}\tdéploiements={','.join(sorted(reg.deployment_ids))}"
                   f"\tlogin={reg.auth_login_url}\tjwks={reg.keyset_url}")


@registration_app.command("disable")
def registration_disable(registration_id: int = typer.Argument(..., help="Identifiant (voir list).")) -> None:
    """Désactive une plateforme : ses lancements sont refusés."""
    with _sessions(Settings())() as session:
        if get_registration(session, registration_id) is not None:
            audit.record(session, cli_actor(), "registration.disable", f"registration:{registration_id}")
        reg = set_status(session, registration_id, "disabled")
    if reg is None:
        typer.echo(f"Aucun enregistrement {registration_id}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Enregistrement {reg.id} désactivé ({reg.issuer}).")


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Nouvelle clé courante ; l'ancienne reste publiée pendant la période de grâce."""
    settings = Settings()
    with _sessions(settings)() as session:
        audit.record(session, cli_actor(), "keys.rotate", "tool-keys")
        key = keys.rotate(session)
    typer.echo(f"Nouvelle clé {key.kid} ; les précédentes restent publiées {settings.key_grace_seconds} s.")


def _bootstrap_or_exit(settings: Settings) -> None:
    """Bootstrap, or say clearly why the content bank refuses the start and exit with status 1."""
    from content_bank.active import refusal_message
    from engine.content_schema import ContentBankError
    from lti_tool.web.app import bootstrap

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
    _bootstrap_or_exit(settings)
    os.environ.setdefault("PIX_LTI_BASE_URL", settings.base_url)
    uvicorn.run("lti_tool.web.asgi:app", host=host, port=port, workers=workers, log_level="warning",
                access_log=False)


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
    from demo_platform.runner import run_demo

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
    from lti_tool.store.factory import in_process_store_announced

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
    app.add_typer(registration_app, name="registration")
    app.add_typer(keys_app, name="keys")
    app.command("serve")(serve)
    app.command("demo")(demo)
