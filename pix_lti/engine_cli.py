"""`pix-lti engine …`: simulations of the assessment engine."""

from __future__ import annotations

from pathlib import Path

import typer

from content_bank.loader import DEFAULT_BANK, load_bank
from core.french import count
from engine.certification.config import DEFAULT_CERTIFICATION_CONFIG
from engine.certification.simulation import CandidateModel, configured, simulate_certifications
from engine.content_schema import ContentBankError
from engine.selection import STRATEGIES
from engine.simulation import ResponseModel, simulate

engine_app = typer.Typer(help="Moteur d'évaluation : simulations (tests de compétence, certification).",
                         no_args_is_help=True)


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
        typer.echo(f"{count(len(exc.problems), 'problème', 'problèmes')} : la banque n'est pas chargée.", err=True)
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


CERTIFY_ROWS: tuple[tuple[str, str, str], ...] = (
    ("score_rmse", "score RMSE vs true score (pix)", "{:.1f}"),
    ("global_level_exact", "global level exact (5 levels)", "{:.1%}"),
    ("mesh_exact", "global mesh exact (9 meshes)", "{:.1%}"),
    ("mesh_within_one", "global mesh ±1", "{:.1%}"),
    ("competence_exact", "competence level exact", "{:.1%}"),
    ("competence_within_one", "competence level ±1", "{:.1%}"),
    ("test_retest", "test-retest correlation", "{:.3f}"),
    ("rejected", "rejected", "{:.1%}"),
    ("questions_mean", "questions, mean", "{:.1f}"),
    ("exposure_max", "exposure, most seen challenge", "{:.1%}"),
    ("exposure_p95", "exposure, 95th percentile", "{:.1%}"),
    ("challenges_used", "share of the bank used", "{:.1%}"),
)


@engine_app.command("certify-simulate")
def certify_simulate_command(
    version: list[str] = typer.Option(None, "--version", help="v3 et/ou v2 ; les deux par défaut"),
    candidates: int = typer.Option(300, "--candidates", min=3),
    seed: int = typer.Option(1, "--seed"),
    bank: Path = typer.Option(DEFAULT_BANK, "--bank"),
    max_exposure: float = typer.Option(None, "--max-exposure", min=0.01, max=1.0,
                                       help="v3 : part maximale de candidats ayant vu une épreuve"),
    competence_prior_variance: float = typer.Option(
        None, "--competence-prior-variance", min=0.01,
        help="v3 : niveau de chaque compétence estimé sur ses propres réponses (a priori centré sur la capacité "
             "globale, de cette variance) au lieu de la seule capacité globale"),
) -> None:
    """Simulated certifiable candidates (correlated per-competence abilities) are certified twice on
    different questions; print, for each version side by side, score RMSE, level agreement, test-retest
    reliability, share rejected, questions used and exposure."""
    names = version or ["v3", "v2"]
    unknown = [n for n in names if n not in {"v2", "v3"}]
    if unknown:
        raise typer.BadParameter(f"unknown version {unknown}; known: v2, v3")
    referential = load_bank(bank)
    config = configured(DEFAULT_CERTIFICATION_CONFIG, max_exposure=max_exposure,
                        competence_prior_variance=competence_prior_variance)
    result = simulate_certifications(referential, list(dict.fromkeys(names)), candidates, seed, config=config)
    model = CandidateModel()
    typer.echo(f"candidates: {candidates} certifiable ({result.not_certifiable} of {result.candidates_drawn} drawn "
               f"were not); positioning questions, mean: {result.positioning_questions_mean:.1f}; "
               f"competence correlation {model.competence_correlation:.2f}; seed {seed}"
               + (f"; v3 max exposure {max_exposure:.0%}" if max_exposure else "")
               + (f"; v3 competence prior variance {competence_prior_variance}" if competence_prior_variance else ""))
    header = f"{'measure':<34}" + "".join(f"{n:>10}" for n in result.reports)
    typer.echo(header)
    for key, label, fmt in CERTIFY_ROWS:
        typer.echo(f"{label:<34}" + "".join(f"{fmt.format(r[key]):>10}" for r in result.reports.values()))
