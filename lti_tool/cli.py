"""`pix-lti registration ...`, `pix-lti keys rotate` (`serve` and `demo` are `pix_lti.serve_cli`)."""

from __future__ import annotations

import typer

from admin import registration_admin
from admin.cli import cli_actor, url_option
from core import audit
from core.db import make_engine, make_session_factory, run_migrations
from core.settings import Settings
from lti_tool import keys
from lti_tool.registrations import get_registration, list_registrations, set_status

registration_app = typer.Typer(help="Plateformes LTI 1.3 enregistrées.", no_args_is_help=True)
keys_app = typer.Typer(help="Clés de signature de l'outil.", no_args_is_help=True)


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    run_migrations(engine)
    return make_session_factory(engine)


@registration_app.command("add")
def registration_add(
    issuer: str = typer.Option(..., "--issuer", metavar="URL", callback=url_option,
                               help="Identifiant de la plateforme (issuer), une adresse : https://moodle.exemple.fr"),
    client_id: str = typer.Option(..., "--client-id", metavar="TEXTE",
                                  help="Identifiant client donné par la plateforme pour cet outil."),
    auth_login_url: str = typer.Option(..., "--auth-login-url", metavar="URL", callback=url_option,
                                       help="Adresse d'authentification OIDC de la plateforme."),
    auth_token_url: str = typer.Option(..., "--auth-token-url", metavar="URL", callback=url_option,
                                       help="Adresse des jetons d'accès (OAuth 2) de la plateforme."),
    keyset_url: str = typer.Option(..., "--keyset-url", metavar="URL", callback=url_option,
                                   help="Adresse des clés publiques (JWKS) de la plateforme."),
    deployment_id: list[str] = typer.Option(..., "--deployment-id", metavar="TEXTE",
                                            help="Identifiant de déploiement ; répétable (un par déploiement)."),
) -> None:
    """Enregistre (ou met à jour et réactive) une plateforme LTI 1.3. Les adresses doivent être absolues, en HTTPS
    (HTTP seulement sur localhost) : une adresse invalide n'enregistre rien."""
    try:
        with _sessions(Settings())() as session:
            reg = registration_admin.add(session, cli_actor(), issuer=issuer, client_id=client_id,
                                         auth_login_url=auth_login_url, auth_token_url=auth_token_url,
                                         keyset_url=keyset_url, deployment_ids=deployment_id)
    except registration_admin.AdminError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
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
def registration_disable(registration_id: int = typer.Argument(..., metavar="NUMÉRO",
                                                            help="Numéro de la plateforme (voir list).")) -> None:
    """Désactive une plateforme : ses lancements sont refusés, ses sessions terminées, ses notes en attente."""
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


def register_commands(app: typer.Typer) -> None:
    app.add_typer(registration_app, name="registration")
    app.add_typer(keys_app, name="keys")
