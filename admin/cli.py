"""`pix-lti admin ...` (accounts, audit log), `pix-lti moodle-config`, and the registration operations of the
admin area for scripting (`pix-lti registration edit|enable|delete|deployment-add|deployment-remove|show`).
Every change is audited with the actor `cli:<system user>`."""

from __future__ import annotations

import getpass
import json
import os
import sys

import typer

from admin import accounts, registration_admin
from admin.accounts import AccountError
from admin.registration_admin import AdminError
from core import audit
from core.db import make_engine, make_session_factory, run_migrations
from core.french import count
from core.settings import Settings
from lti_tool.dynreg import host_approvals
from lti_tool.registrations import get_registration, registration_usage

admin_app = typer.Typer(help="Comptes d'administration et journal des modifications.", no_args_is_help=True)


def _sessions():  # type: ignore[no-untyped-def]
    engine = make_engine(Settings().database_url)
    run_migrations(engine)
    return make_session_factory(engine)


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def url_option(value: str | None) -> str | None:
    """A Typer callback for an address option: an absolute http(s) URL with a host, HTTPS except on localhost
    (the rule of the administration pages), else a French usage error naming the option; nothing is written."""
    if value is None:
        return None
    try:
        return registration_admin.check_endpoint(value, "adresse")
    except AdminError as error:
        raise typer.BadParameter(str(error).removeprefix("adresse : ")) from error


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if env := os.environ.get("PIX_LTI_ADMIN_PASSWORD"):
        return env
    return typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)


@admin_app.command("create")
def admin_create(
    username: str = typer.Argument(..., help="Identifiant (a-z, 0-9, . _ @ -)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Lire le mot de passe sur l'entrée standard."),
) -> None:
    """Crée un compte d'administration (mot de passe demandé, ou PIX_LTI_ADMIN_PASSWORD, ou --password-stdin)."""
    password = _password(password_stdin)
    try:
        with _sessions()() as session:
            account = accounts.create_account(session, username, password, cli_actor())
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"Compte « {account.username} » créé.")


@admin_app.command("list")
def admin_list() -> None:
    """Liste les comptes d'administration."""
    with _sessions()() as session:
        rows = accounts.list_accounts(session)
    if not rows:
        typer.echo("Aucun compte. Créez-en un : pix-lti admin create IDENTIFIANT")
    for a in rows:
        last = a.last_login_at.isoformat(timespec="seconds") if a.last_login_at else "jamais"
        typer.echo(f"{a.username}\t{'actif' if a.active else 'désactivé'}\tdernière connexion {last}")


@admin_app.command("disable")
def admin_disable(username: str) -> None:
    """Désactive un compte (effet immédiat, même sur une session ouverte)."""
    try:
        with _sessions()() as session:
            accounts.set_active(session, username, False, cli_actor())
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"Compte « {accounts.normalize(username)} » désactivé.")


@admin_app.command("enable")
def admin_enable(username: str) -> None:
    """Réactive un compte."""
    try:
        with _sessions()() as session:
            accounts.set_active(session, username, True, cli_actor())
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"Compte « {accounts.normalize(username)} » réactivé.")


@admin_app.command("password")
def admin_password(
    username: str,
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Lire le mot de passe sur l'entrée standard."),
) -> None:
    """Change le mot de passe d'un compte."""
    password = _password(password_stdin)
    try:
        with _sessions()() as session:
            accounts.set_password(session, username, password, cli_actor())
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"Mot de passe de « {accounts.normalize(username)} » changé.")


@admin_app.command("audit")
def admin_audit(limit: int = typer.Option(50, "--limit")) -> None:
    """Affiche les dernières modifications (qui, quand, quoi)."""
    with _sessions()() as session:
        entries = audit.recent_entries(session, limit)
    for e in entries:
        typer.echo(f"{e.at.isoformat(timespec='seconds')}\t{e.actor}\t{e.action}\t{e.target or ''}\t"
                   f"{json.dumps(e.details, ensure_ascii=False)}")


@admin_app.command("launches")
def admin_launches(limit: int = typer.Option(50, "--limit")) -> None:
    """Derniers lancements et refus (avec leur raison), lus dans Redis (PIX_LTI_REDIS_URL)."""
    import asyncio

    from core.store.redis_store import RedisStore
    from lti_tool.launch.launch_log import recent_launch_events

    url = Settings().redis_url
    if not url:
        _fail("PIX_LTI_REDIS_URL n'est pas défini : sans Redis, le journal des lancements ne vit que dans le "
              "processus du serveur (voir la page /admin/launches).")
    assert url is not None

    async def read() -> list:  # type: ignore[type-arg]
        store = RedisStore(url)
        try:
            return await recent_launch_events(store, limit)
        finally:
            await store.close()

    for e in asyncio.run(read()):
        typer.echo(f"{e.at.isoformat(timespec='seconds')}\t{e.outcome}\t{e.code or ''}\t{e.issuer or ''}\t"
                   f"{e.client_id or ''}\t{e.deployment_id or ''}\t{e.reason or ''}")


def moodle_config(
    base_url: str = typer.Option(None, "--base-url", help="Adresse publique de Pix LTI (défaut : PIX_LTI_BASE_URL)."),
    lang: str = typer.Option("fr", "--lang", help="fr ou en."),
) -> None:
    """Affiche les valeurs à saisir dans Moodle (enregistrement dynamique et configuration manuelle)."""
    from moodle_config.values import render

    if lang not in ("fr", "en"):
        _fail("--lang : fr ou en.")
    url = (base_url or Settings().base_url).strip()
    try:
        registration_admin.check_endpoint(url, "--base-url")
    except AdminError as exc:
        _fail(str(exc))
    typer.echo(render(url, lang))


def _run(operation, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        with _sessions()() as session:
            return operation(session, cli_actor(), *args, **kwargs)
    except AdminError as exc:
        _fail(str(exc))


def registration_show(registration_id: int = typer.Argument(..., metavar="NUMÉRO",
                                                         help="Numéro de la plateforme (voir list).")) -> None:
    """Détail d'une plateforme, et si elle a déjà servi."""
    with _sessions()() as session:
        reg = get_registration(session, registration_id)
        used = registration_usage(session, registration_id) if reg else 0
    if reg is None:
        _fail(f"Aucune plateforme n° {registration_id}.")
    assert reg is not None
    typer.echo(f"n° {reg.id} ({'active' if reg.active else 'désactivée'})\nissuer\t{reg.issuer}\nclient_id\t"
               f"{reg.client_id}\ndéploiements\t{', '.join(sorted(reg.deployment_ids)) or 'aucun'}\nlogin\t"
               f"{reg.auth_login_url}\ntoken\t{reg.auth_token_url}\njwks\t{reg.keyset_url}\nutilisée\t{used}")


def registration_edit(
    registration_id: int = typer.Argument(..., metavar="NUMÉRO", help="Numéro de la plateforme (voir list)."),
    client_id: str = typer.Option(None, "--client-id", metavar="TEXTE", help="Nouvel identifiant client."),
    auth_login_url: str = typer.Option(None, "--auth-login-url", metavar="URL", callback=url_option,
                                       help="Nouvelle adresse d'authentification OIDC."),
    auth_token_url: str = typer.Option(None, "--auth-token-url", metavar="URL", callback=url_option,
                                       help="Nouvelle adresse des jetons d'accès."),
    keyset_url: str = typer.Option(None, "--keyset-url", metavar="URL", callback=url_option,
                                   help="Nouvelle adresse des clés publiques (JWKS)."),
) -> None:
    """Modifie l'identifiant client ou les adresses d'une plateforme (les options absentes restent inchangées)."""
    with _sessions()() as session:
        reg = get_registration(session, registration_id)
    if reg is None:
        _fail(f"Aucune plateforme n° {registration_id}.")
    assert reg is not None
    view = _run(registration_admin.edit, registration_id, client_id=client_id or reg.client_id,
                auth_login_url=auth_login_url or reg.auth_login_url,
                auth_token_url=auth_token_url or reg.auth_token_url, keyset_url=keyset_url or reg.keyset_url)
    typer.echo(f"Plateforme n° {view.id} modifiée.")


def registration_enable(registration_id: int = typer.Argument(..., metavar="NUMÉRO",
                                                           help="Numéro de la plateforme (voir list).")) -> None:
    """Réactive une plateforme."""
    view = _run(registration_admin.set_enabled, registration_id, True)
    typer.echo(f"Plateforme n° {view.id} activée ({view.issuer}).")


def registration_delete(registration_id: int = typer.Argument(..., metavar="NUMÉRO",
                                                           help="Numéro de la plateforme (voir list).")) -> None:
    """Supprime une plateforme qui n'a jamais servi (sinon : désactivez-la)."""
    view = _run(registration_admin.delete_if_unused, registration_id)
    typer.echo(f"Plateforme n° {view.id} supprimée ({view.issuer}).")


def deployment_add(registration_id: int = typer.Argument(...), deployment_id: str = typer.Argument(...)) -> None:
    """Ajoute un déploiement à une plateforme."""
    _run(registration_admin.add_deployment, registration_id, deployment_id)
    typer.echo(f"Déploiement « {deployment_id} » ajouté à la plateforme n° {registration_id}.")


def deployment_remove(registration_id: int = typer.Argument(...), deployment_id: str = typer.Argument(...)) -> None:
    """Retire un déploiement qui n'a jamais servi."""
    _run(registration_admin.remove_deployment, registration_id, deployment_id)
    typer.echo(f"Déploiement « {deployment_id} » retiré de la plateforme n° {registration_id}.")


def registration_hosts() -> None:
    """Plateformes ayant demandé l'enregistrement dynamique, et leur état (en attente, approuvée, refusée)."""
    with _sessions()() as session:
        rows = host_approvals.list_requests(session)
    for row in rows:
        typer.echo(f"{row.host}\t{row.status}\t{count(row.attempts, 'essai', 'essais')}\t{row.last_seen:%Y-%m-%d %H:%M}"
                   + (f"\t{row.decided_by}" if row.decided_by else ""))
    if not rows:
        typer.echo("Aucune demande.")


def _decide_host(host: str, approve: bool) -> None:
    try:
        with _sessions()() as session:
            host_approvals.decide(session, host, approve, cli_actor())
    except ValueError as exc:
        _fail(f"Hôte refusé : {exc}.")
    typer.echo(f"{host.strip().lower()} : {'approuvée' if approve else 'refusée'}.")


def registration_host_approve(host: str = typer.Argument(..., help="Nom d'hôte, ex. moodle.lycee.fr")) -> None:
    """Autorise une plateforme à s'enregistrer par /lti/register."""
    _decide_host(host, True)


def registration_host_refuse(host: str = typer.Argument(...)) -> None:
    """Refuse l'enregistrement dynamique d'une plateforme."""
    _decide_host(host, False)


def register_commands(app: typer.Typer) -> None:
    from lti_tool.cli import registration_app

    app.add_typer(admin_app, name="admin")
    app.command("moodle-config")(moodle_config)
    registration_app.command("show")(registration_show)
    registration_app.command("edit")(registration_edit)
    registration_app.command("enable")(registration_enable)
    registration_app.command("delete")(registration_delete)
    registration_app.command("deployment-add")(deployment_add)
    registration_app.command("deployment-remove")(deployment_remove)
    registration_app.command("hosts")(registration_hosts)
    registration_app.command("host-approve")(registration_host_approve)
    registration_app.command("host-refuse")(registration_host_refuse)
