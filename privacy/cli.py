"""`pix-lti user find|export|delete` (a person's rights) and `pix-lti purge` (retention)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import typer
from pydantic import ValidationError

from core.db import make_engine, make_session_factory, run_migrations
from core.french import count
from core.settings import Settings
from core.store.base import ShortLivedStore
from core.store.redis_store import RedisStore
from privacy.retention import RetentionSettings, purge
from privacy.use_cases import erase_people, export_people, find_listings, find_people, forget_roster_listings

user_app = typer.Typer(help="Données personnelles (RGPD) : retrouver, exporter, supprimer une personne.",
                       no_args_is_help=True)
CLI_ACTOR = "cli"


def _sessions():  # type: ignore[no-untyped-def]
    engine = make_engine(Settings().database_url)
    run_migrations(engine)
    return make_session_factory(engine)


def _store() -> ShortLivedStore | None:
    """Redis when configured (launch records live there); without it the in-process store of a running
    demo cannot be reached from this command, and nothing outlives its process anyway."""
    url = Settings().redis_url
    return RedisStore(url) if url else None


@user_app.command("find")
def user_find(
    sub: str | None = typer.Option(None, "--sub", help="Identifiant de la personne dans la plateforme (LTI sub)."),
    ido: str | None = typer.Option(None, "--ido", help="Identifiant opaque GAR (IDO)."),
    name: str | None = typer.Option(None, "--name", help="Tout ou partie du nom ou du prénom."),
) -> None:
    """Retrouve les comptes d'une personne (identifiant interne à donner à export / delete)."""
    if not any(v and v.strip() for v in (sub, ido, name)):
        typer.echo("Indiquez --sub, --ido ou --name.", err=True)
        raise typer.Exit(2)
    with _sessions()() as session:
        found = find_people(session, sub=sub or None, ido=ido or None, name=name or None)
        listings = [] if ido else find_listings(session, sub=sub or None, name=name or None)
    if not found and not listings:
        typer.echo("Aucun compte ne correspond.", err=True)
        raise typer.Exit(1)
    for f in found:
        typer.echo(f"{f.account_id}\t{f.issuer}\t{f.sub}\t{f.name or '(nom non transmis)'}\t{f.role or '-'}\t"
                   f"dernière utilisation {f.last_used:%Y-%m-%d}")
    for item in listings:  # stored without an account: the person never opened the tool
        label = "liste du cours (LMS)" if item.kind == "roster" else "liste de l'établissement"
        typer.echo(f"-\t{label}\t{item.where}\t{item.identifier or '-'}\t{item.name}\t{item.detail}")


@user_app.command("export")
def user_export(
    account_id: list[int] = typer.Argument(..., help="Identifiant(s) du compte (voir « user find »)."),
    raw: bool = typer.Option(False, "--raw", help="Toutes les valeurs stockées, table par table (pour audit)."),
) -> None:
    """Toutes les données d'une personne, en JSON lisible (droit d'accès)."""
    store = _store()
    try:
        data = export_people(_sessions(), store, account_id, CLI_ACTOR, datetime.now(UTC), raw=raw)
    finally:
        _close(store)
    if data is None:
        typer.echo(f"Aucun compte {', '.join(map(str, account_id))}.", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


@user_app.command("delete")
def user_delete(account_id: list[int] = typer.Argument(...),
                yes: bool = typer.Option(False, "--yes", help="Ne pas demander de confirmation.")) -> None:
    """Supprime la personne et ses données personnelles (droit à l'effacement)."""
    shown = ", ".join(map(str, account_id))
    if not yes:
        typer.confirm(f"Supprimer définitivement le compte {shown} et toutes ses données ?", abort=True)
    store = _store()
    try:
        erased = erase_people(_sessions(), store, account_id, CLI_ACTOR, datetime.now(UTC))
    finally:
        _close(store)
    if erased is None:
        typer.echo(f"Aucun compte {shown}.", err=True)
        raise typer.Exit(1)
    shown = ", ".join(map(str, erased.account_ids))  # with the accounts linked to them
    typer.echo(f"Compte {shown} supprimé : " + ", ".join(f"{t}={n}" for t, n in sorted(erased.tables.items()))
               + f", redis={erased.redis_keys}")
    typer.echo("Dans la plateforme (Moodle) : les notes et commentaires déjà envoyés restent dans son carnet de "
               "notes ; l'établissement les supprime dans la plateforme s'il le faut.")


@user_app.command("forget-roster")
def user_forget_roster(
    issuer: str = typer.Option(..., "--issuer", help="La plateforme (issuer), voir « user find »."),
    sub: str = typer.Option(..., "--sub", help="L'identifiant de la personne dans la plateforme."),
) -> None:
    """Efface une personne qui n'a jamais ouvert l'outil des listes de cours reçues de la plateforme (NRPS)."""
    deleted = forget_roster_listings(_sessions(), issuer.strip(), sub.strip(), CLI_ACTOR, datetime.now(UTC))
    if not deleted:
        typer.echo("Aucune ligne de liste de cours pour cette personne.", err=True)
        raise typer.Exit(1)
    typer.echo(f"{count(deleted, 'ligne supprimée', 'lignes supprimées')} ; "
               "les prochaines actualisations ne la stockeront plus.")


def purge_command() -> None:
    """Supprime ce qui a dépassé sa durée de conservation (PIX_LTI_RETENTION_*)."""
    try:
        settings = RetentionSettings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "PIX_LTI_RETENTION_" + str(error["loc"][0]).upper() if error["loc"] else "PIX_LTI_RETENTION_*"
            typer.echo(f"Réglage {name} invalide : {error['msg']}. Rien n'a été supprimé.", err=True)
        raise typer.Exit(2) from None
    store = _store()
    try:
        report = purge(_sessions(), store, settings, datetime.now(UTC), CLI_ACTOR)
    finally:
        _close(store)
    typer.echo(f"{count(report.accounts, 'compte supprimé', 'comptes supprimés')} ; "
               + (", ".join(f"{t}={n}" for t, n in sorted(report.tables.items())) or "rien d'autre à supprimer")
               + f" ; redis={report.redis_keys}")


def _close(store: ShortLivedStore | None) -> None:
    if isinstance(store, RedisStore):
        store.close_sync()


def register_commands(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.command("purge")(purge_command)
