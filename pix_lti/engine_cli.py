"""`pix-lti engine …`: simulations of the assessment engine."""

from __future__ import annotations

from pathlib import Path

import typer

from content_bank.loader import DEFAULT_BANK, load_bank
from engine.content_schema import ContentBankError
from engine.selection import STRATEGIES
from engine.simulation import ResponseModel, simulate

engine_app = typer.Typer(help="Moteur d'évaluation : simulations.", no_args_is_help=True)


@engine_app.command("simulate")
def simulate_command(
    strategy: list[str] = typer.Option(None, "--strategy", help="Stratégie(s) ; toutes par défaut"),
    learners: int = typer.Option(500, "--learners", min=1),
    seed: int = typer.Option(1, "--seed"),
    bank: Path = typer.Option(DEFAULT_BANK, "--bank"),
    slip: float = typer.Option(0.05, "--slip", min=0.0, max=0.5),
    sharpness: float = typer.Option(3.0, "--sharpness", min=0.1),
    competence: list[str] = typer.Option(None, "--competence", help="Compétence(s) ; toutes par défaut"),
) -> None:
    """Simulated learners of known true level take full competence tests; print how well each strategy
    places them (share at the true level, mean absolute level error, questions mean and p95)."""
    names = strategy or sorted(STRATEGIES)
    unknown = [n for n in names if n not in STRATEGIES]
    if unknown:
        raise typer.BadParameter(f"unknown strategy {unknown}; known: {', '.join(sorted(STRATEGIES))}")
    try:
        referential = load_bank(bank)
    except ContentBankError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(exc.problems)} problème(s) : la banque n'est pas chargée.", err=True)
        raise typer.Exit(code=1) from None
    unknown_competences = sorted(set(competence or ()) - set(referential.competences))
    if unknown_competences:
        raise typer.BadParameter(f"unknown competence {unknown_competences}")
    model = ResponseModel(slip=slip, sharpness=sharpness)
    typer.echo(f"{'strategy':<16}{'learners':>9}{'exact':>9}{'MAE':>8}{'q mean':>9}{'q p95':>8}")
    for name in names:
        r = simulate(referential, name, learners, seed, model, competences=tuple(competence or ()))
        typer.echo(f"{r.strategy:<16}{r.learners:>9}{r.exact_share:>9.1%}{r.mean_absolute_error:>8.3f}"
                   f"{r.mean_questions:>9.1f}{r.p95_questions:>8.0f}")
