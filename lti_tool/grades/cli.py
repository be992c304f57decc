"""`pix-lti worker` (delivers scores and roster refreshes) and `pix-lti grades status|dead|retry`."""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime

import typer

from core.db import make_engine, make_session_factory, run_migrations
from core.french import count
from core.settings import Settings
from lti_tool.grades import outbox
from lti_tool.grades.runner import run_worker
from lti_tool.grades.settings import GradesSettings

grades_app = typer.Typer(help="Envois vers les carnets de notes (AGS) et listes de participants (NRPS).",
                         no_args_is_help=True)


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    run_migrations(engine)
    return make_session_factory(engine)


async def _work(settings: Settings, grades: GradesSettings, once: bool, metrics_port: int = 0,
                metrics_host: str = "127.0.0.1") -> int:
    stop = asyncio.Event()
    if not once:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    return await run_worker(settings, grades, stop=stop, once=once, metrics_port=metrics_port,
                            metrics_host=metrics_host)


def worker(
    once: bool = typer.Option(False, "--once", help="Traite tout ce qui est dû maintenant, puis s'arrête."),
    concurrency: int = typer.Option(0, "--concurrency", help="Envois simultanés (défaut : réglage)."),
    metrics_port: int = typer.Option(0, "--metrics-port",
                                     help="Port des métriques Prometheus du worker (0 : aucun). /metrics de ce port."),
    metrics_host: str = typer.Option("127.0.0.1", "--metrics-host", help="Adresse d'écoute des métriques."),
) -> None:
    """Envoie les notes en attente aux plateformes (AGS) et actualise les listes de participants (NRPS)."""
    settings, grades = Settings(), GradesSettings()
    if concurrency > 0:
        grades = grades.model_copy(update={"concurrency": concurrency})
    from core.logs import configure_logging

    configure_logging()
    delivered = asyncio.run(_work(settings, grades, once, metrics_port, metrics_host))
    typer.echo(f"{count(delivered, 'envoi réussi', 'envois réussis')}.")


@grades_app.command("status")
def status() -> None:
    """Nombre d'envois par état (pending, delivering, delivered, dead, superseded)."""
    with _sessions(Settings())() as session:
        counts = outbox.counts(session)
    for name in ("pending", "delivering", "delivered", "superseded", "dead"):
        typer.echo(f"{name}\t{counts.get(name, 0)}")


@grades_app.command("dead")
def dead(limit: int = typer.Option(100, "--limit")) -> None:
    """Liste les envois abandonnés, avec la dernière erreur."""
    with _sessions(Settings())() as session:
        letters = outbox.dead_letters(session, limit)
    if not letters:
        typer.echo("Aucun envoi abandonné.")
    for d in letters:
        typer.echo(f"{d.id}\t{d.kind}\tplateforme={d.registration_id}\tactivité={d.activity_id}\tcompte={d.account_id}"
                   f"\tessais={d.attempts}\tdernier essai={_when(d.last_attempt_at)}\t{d.last_error}")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if moment is not None else "inconnu"


@grades_app.command("retry")
def retry(
    item_id: list[int] = typer.Option([], "--id", help="Répétable ; sans --id ni --registration : tous."),
    registration_id: int | None = typer.Option(None, "--registration"),
) -> None:
    """Remet en file des envois abandonnés (nouvelle série d'essais, tout de suite)."""
    with _sessions(Settings())() as session:
        revived = outbox.retry_dead(session, item_id or None, registration_id)
    typer.echo(f"{count(revived, 'envoi remis', 'envois remis')} en file.")


def register_commands(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.add_typer(grades_app, name="grades")
