"""`pix-lti certif ...`: certification centres and sessions for the operator (list, open a school's centre, change
a centre's settings, show a session with its codes, candidates and results, publish reviewed results). Changes are
audited with the actor `cli:<system user>`."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from sqlalchemy import func, select

from admin.cli import cli_actor
from certification import centres, finalisation, repository
from certification.access import SessionCreators
from certification.errors import StaffRefusal
from certification.models import CandidateRow, SessionRow
from core import audit
from core.db import make_engine, make_session_factory, run_migrations
from core.french import count
from core.settings import Settings
from engine.certification.records import CertificationVersion

certif_app = typer.Typer(help="Certification : centres et sessions.", no_args_is_help=True)


def _sessions():  # type: ignore[no-untyped-def]
    engine = make_engine(Settings().database_url)
    run_migrations(engine)
    return make_session_factory(engine)


def _fail(exc: StaffRefusal) -> None:
    typer.echo(f"Refusé : {exc.code}{' (' + exc.detail + ')' if exc.detail else ''}", err=True)
    raise typer.Exit(1)


@certif_app.command("centres")
def list_centres() -> None:
    """Liste les centres : identifiant, UAI ou cours, nom, version, publication, nombre de sessions."""
    with _sessions()() as db:
        counts = dict(db.execute(select(SessionRow.centre_id, func.count(SessionRow.id))
                                 .group_by(SessionRow.centre_id)).all())
        rows = repository.all_centres(db)
        if not rows:
            typer.echo("Aucun centre. Ouvrez-en un : pix-lti certif centre-open UAI NOM")
        for c in rows:
            where = c.uai or f"cours {c.course_id}"
            typer.echo(f"{c.id}\t{where}\t{c.name}\t{c.version}\t{c.publication}\t{c.session_creators}\t"
                       f"{count(counts.get(c.id, 0), 'session', 'sessions')}")


@certif_app.command("centre-open")
def centre_open(uai: str,
                name: str = typer.Argument("", help="Nom du centre (par défaut : Établissement UAI).")) -> None:
    """Ouvre le centre de certification d'un établissement (UAI)."""
    try:
        with _sessions().begin() as db:
            centre = centres.open_school_centre(db, uai, name, None)
            audit.record(db, cli_actor(), "certification.centre.open", centre.uai, name=centre.name)
            typer.echo(f"Centre {centre.id} ouvert : {centre.name} ({centre.uai}).")
    except StaffRefusal as exc:
        _fail(exc)


@certif_app.command("centre-settings")
def centre_settings(
    centre_id: int,
    version: str = typer.Option(None, "--version", help="v3 ou v2."),
    publication: str = typer.Option(None, "--publication", help="automatic ou review."),
    creators: str = typer.Option(None, "--creators", help="managers ou staff : qui crée les sessions."),
    name: str = typer.Option(None, "--name"),
) -> None:
    """Change les paramètres d'un centre (les options non données restent inchangées)."""
    try:
        with _sessions().begin() as db:
            centre = repository.centre(db, centre_id)
            if centre is None:
                raise StaffRefusal("unknown", 404)
            try:
                settings = centres.CentreSettings(
                    name or centre.name, CertificationVersion(version or centre.version),
                    SessionCreators(creators or centre.session_creators), publication or centre.publication,
                    centre.address)
            except ValueError as exc:
                raise StaffRefusal("invalid", 400, str(exc)) from exc
            centres.change_settings(db, centre_id, settings, None)
            audit.record(db, cli_actor(), "certification.centre.settings", str(centre_id), version=centre.version,
                         publication=centre.publication, session_creators=centre.session_creators)
            typer.echo(f"Centre {centre_id} : {centre.version}, {centre.publication}, {centre.session_creators}.")
    except StaffRefusal as exc:
        _fail(exc)


@certif_app.command("sessions")
def list_sessions(centre_id: int) -> None:
    """Liste les sessions d'un centre : numéro, date, heure, salle, état, candidats."""
    with _sessions()() as db:
        counts = dict(db.execute(select(CandidateRow.session_id, func.count(CandidateRow.id))
                                 .group_by(CandidateRow.session_id)).all())
        for s in repository.sessions_of_centre(db, centre_id):
            typer.echo(f"{s.number}\t{s.date.isoformat()} {s.time}\t{s.room}\t{s.state}\t"
                       f"{count(counts.get(s.id, 0), 'candidat', 'candidats')}")


@certif_app.command("session")
def show_session(number: int) -> None:
    """Affiche une session (codes, candidats, résultats)."""
    with _sessions()() as db:
        row = repository.session_by_number(db, number)
        if row is None:
            typer.echo("Session inconnue.", err=True)
            raise typer.Exit(1)
        typer.echo(f"Session {row.number} — {row.date.isoformat()} {row.time}, {row.room} — {row.state} "
                   f"({row.version})")
        typer.echo(f"Code d'accès {row.access_code}, mot de passe surveillant {row.invigilator_password}")
        results = {r.candidate_id: r for r in repository.results_of_session(db, row.id)}
        for c in repository.candidates_of_session(db, row.id):
            r = results.get(c.id)
            outcome = f"{r.status} {r.score if r.score is not None else '-'} {r.global_level or ''}" if r else (
                "absent" if c.absent else "-")
            typer.echo(f"{c.id}\t{c.last_name} {c.first_name}\t{c.division or '-'}\t{outcome}")


@certif_app.command("publish")
def publish(number: int) -> None:
    """Publie les résultats d'une session finalisée (centres « après relecture »)."""
    try:
        with _sessions().begin() as db:
            row = repository.session_by_number(db, number)
            if row is None:
                raise StaffRefusal("unknown", 404)
            finalisation.publish_results(db, row.id, None, datetime.now(UTC))
            audit.record(db, cli_actor(), "certification.session.publish", str(number))
            typer.echo(f"Résultats de la session {number} publiés.")
    except StaffRefusal as exc:
        _fail(exc)
