"""`pix-lti registration ...`, `pix-lti keys rotate`, `pix-lti serve`, `pix-lti demo`."""

from __future__ import annotations

import os

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
    tool_port: int = typer.Option(8000, "--tool-port"),
    platform_port: int = typer.Option(8001, "--platform-port"),
    host: str = typer.Option("127.0.0.1", "--host"),
) -> None:
    """Démarre l'outil et une plateforme de démonstration qui le lance (élève ou enseignant)."""
    from demo_platform.runner import run_demo

    run_demo(host, tool_port, platform_port)


def register_commands(app: typer.Typer) -> None:
    app.add_typer(registration_app, name="registration")
    app.add_typer(keys_app, name="keys")
    app.command("serve")(serve)
    app.command("demo")(demo)
