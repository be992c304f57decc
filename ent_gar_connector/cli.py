"""`pix-lti gar init|subscription|roster|metadata` (a person's data: `privacy.cli`)."""

from __future__ import annotations

from pathlib import Path

import typer

from core.db import make_engine, make_session_factory, run_migrations
from core.french import agree, count
from core.settings import Settings
from ent_gar_connector.identity import uai_check_letter_ok, valid_uai
from ent_gar_connector.roster import clear_roster, import_roster, parse_roster
from ent_gar_connector.settings import GarSettings, sp_urls
from ent_gar_connector.sp_keys import generate_key_pair
from ent_gar_connector.subscriptions import add_subscription, list_subscriptions, remove_subscription

gar_app = typer.Typer(help="Connexion par le GAR (médiacentre de l'ENT).", no_args_is_help=True)
subscription_app = typer.Typer(help="Établissements (UAI) abonnés à la ressource.", no_args_is_help=True)
roster_app = typer.Typer(help="Listes d'élèves des établissements.", no_args_is_help=True)
gar_app.add_typer(subscription_app, name="subscription")
gar_app.add_typer(roster_app, name="roster")


def _sessions():  # type: ignore[no-untyped-def]
    engine = make_engine(Settings().database_url)
    run_migrations(engine)
    return make_session_factory(engine)


def _checked_uai(uai: str) -> str:
    uai = uai.strip().upper()
    if not valid_uai(uai):
        typer.echo(f"UAI « {uai} » mal formé : 7 chiffres et une lettre (ex. 0561641E).", err=True)
        raise typer.Exit(2)
    if not uai_check_letter_ok(uai):
        typer.echo(f"Attention : la lettre de contrôle de {uai} ne correspond pas (UAI de test ?).", err=True)
    return uai


@gar_app.command("init")
def init(force: bool = typer.Option(False, "--force", help="Remplace une clé existante.")) -> None:
    """Crée la clé et le certificat du fournisseur de service SAML ; affiche l'adresse des métadonnées."""
    gar, settings = GarSettings(), Settings()
    entity_id, _, acs, slo = sp_urls(settings.base_url)
    created = generate_key_pair(gar.sp_key_file, gar.sp_cert_file, entity_id, overwrite=force)
    state = "créés" if created else "déjà présents (--force pour les remplacer)"
    typer.echo(f"Clé {gar.sp_key_file} et certificat {gar.sp_cert_file} {state}.")
    typer.echo(f"entityID / métadonnées : {entity_id}\nACS : {acs}\nSingleLogoutService : {slo}")
    if not (gar.idp_metadata_file or gar.idp_metadata_url):
        typer.echo("Configurez ensuite PIX_LTI_GAR_IDP_METADATA_URL (ex. "
                   "https://idp-auth.partenaire.test-gar.education.fr/idp/metadata) ou PIX_LTI_GAR_IDP_METADATA_FILE.")


@gar_app.command("metadata")
def metadata() -> None:
    """Affiche les métadonnées SAML du fournisseur de service (à transmettre au GAR)."""
    from ent_gar_connector.saml_sp import GarServiceProvider

    typer.echo(GarServiceProvider(GarSettings(), Settings().base_url).sp_metadata())


@subscription_app.command("add")
def subscription_add(uai: str = typer.Argument(..., help="Code UAI de l'établissement.")) -> None:
    """Autorise un établissement."""
    uai = _checked_uai(uai)
    with _sessions().begin() as session:
        _, created = add_subscription(session, uai)
    typer.echo(f"Établissement {uai} abonné." if created else f"{uai} était déjà abonné.")


@subscription_app.command("remove")
def subscription_remove(uai: str = typer.Argument(...)) -> None:
    """Retire un établissement : ses utilisateurs ne peuvent plus se connecter (leurs données restent)."""
    uai = _checked_uai(uai)
    with _sessions().begin() as session:
        _, removed = remove_subscription(session, uai)
    if not removed:
        typer.echo(f"{uai} n'était pas abonné.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Abonnement de {uai} retiré.")


@subscription_app.command("list")
def subscription_list() -> None:
    """Liste les établissements abonnés."""
    with _sessions()() as session:
        rows = list_subscriptions(session)
    if not rows:
        typer.echo("Aucun établissement abonné.")
    for row in rows:
        typer.echo(f"{row.uai}\tdepuis {row.since:%Y-%m-%d}\t{count(row.people, 'compte', 'comptes')}")


@roster_app.command("import")
def roster_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
                  uai: str = typer.Option(..., "--uai")) -> None:
    """Importe la liste des élèves (CSV nom;prénom;date de naissance;classe) : tout ou rien."""
    uai = _checked_uai(uai)
    lines, errors = parse_roster(file.read_bytes())
    if errors:
        typer.echo("Rien n'a été importé :", err=True)
        for error in errors:
            typer.echo(f"  ligne {error.line} : {error.message}" if error.line else f"  {error.message}", err=True)
        raise typer.Exit(1)
    with _sessions().begin() as session:
        result = import_roster(session, uai, lines, "cli")
    typer.echo(f"{uai} : {count(result.added, 'ajouté', 'ajoutés')}, {result.updated} mis à jour, "
               f"{count(result.removed, 'retiré', 'retirés')}, "
               f"{count(result.kept_matches, 'élève déjà reconnu', 'élèves déjà reconnus')}.")


@roster_app.command("clear")
def roster_clear(uai: str = typer.Option(..., "--uai")) -> None:
    """Supprime les lignes de la liste de l'établissement encore en attente de rapprochement."""
    uai = _checked_uai(uai)
    with _sessions().begin() as session:
        removed = clear_roster(session, uai, "cli")
    typer.echo(f"{uai} : {count(removed, 'ligne', 'lignes')} en attente {agree(removed, 'supprimée', 'supprimées')}.")


def register_commands(app: typer.Typer) -> None:
    app.add_typer(gar_app, name="gar")
