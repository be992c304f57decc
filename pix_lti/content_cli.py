"""`pix-lti content …`: check a content bank."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from content_bank.loader import DEFAULT_BANK, load_bank
from core.french import agree, count
from engine.content_schema import ContentBankError

content_app = typer.Typer(help="Banque de contenus : vérification.", no_args_is_help=True)


@content_app.command("check")
def check(path: Path = typer.Argument(DEFAULT_BANK, help="Dossier de la banque de contenus")) -> None:
    """Check a content bank strictly; list every problem (file, id, reason); exit 1 if any."""
    from content_bank.active import load_bank_with_info

    try:
        loaded = load_bank_with_info(path)
    except ContentBankError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{count(len(exc.problems), 'problème', 'problèmes')} : la banque n'est pas chargée.", err=True)
        raise typer.Exit(code=1) from None
    ref, info = loaded.referential, loaded.info
    types = Counter(c.type.value for c in ref.challenges.values())
    statuses = ", ".join(f"{k} {v}" for k, v in info.challenges_by_status.items())
    typer.echo(
        f"OK: {len(ref.competences)} compétences, {len(ref.tubes)} sujets (tubes), {len(ref.skills)} acquis, "
        f"{len(ref.challenges)} épreuves ({', '.join(f'{k} {v}' for k, v in sorted(types.items()))}; {statuses})."
    )
    calibration = f"calibrée le {info.calibration.calibrated_at} ({len(info.calibration.values)} épreuves)" \
        if info.calibration else "valeurs IRT provisoires"
    typer.echo(f"Version {info.version}, empreinte {info.fingerprint}, {calibration}.")


@content_app.command("typography")
def typography(
    path: Path = typer.Argument(DEFAULT_BANK, help="Dossier de la banque de contenus"),
    write: bool = typer.Option(False, "--write", help="Réécrire les fichiers (sinon : les lister)"),
) -> None:
    """Turn the plain spaces French wants non-breaking into U+00A0/U+202F in the pupil-read texts.

    Never touches ids or accepted answers, never inserts a missing space; refuses to write when the
    rewritten bank would not hold the same challenges and solutions.
    """
    from content_bank.loader import read_bank_documents
    from content_bank.typography import rewrite_yaml

    competence_dir = path / "competences"
    files = sorted(p for p in competence_dir.glob("*") if p.suffix in (".yaml", ".yml"))
    before = read_bank_documents(path)
    unreadable = [p for p in files if p.name not in before]
    if unreadable:
        for p in unreadable:
            typer.echo(f"{p.relative_to(path).as_posix()}: illisible (YAML invalide) : corrigez-le d'abord "
                       f"(pix-lti content check).", err=True)
        raise typer.Exit(code=1)
    rewritten = {p: rewrite_yaml(p.read_text(encoding="utf-8")) for p in files}
    changed = [p for p in files if rewritten[p] != p.read_text(encoding="utf-8")]
    after = read_bank_documents(path, overrides={p: text for p, text in rewritten.items()})
    if set(after) != set(before) or _solutions(before) != _solutions(after):
        typer.echo("Réécriture refusée : elle changerait des identifiants ou des réponses acceptées.", err=True)
        raise typer.Exit(code=1)
    for p in changed:
        typer.echo(f"{p.relative_to(path).as_posix()}: {'réécrit' if write else 'à réécrire'}")
        if write:
            p.write_text(rewritten[p], encoding="utf-8")
    typer.echo(f"{count(len(changed), 'fichier', 'fichiers')} "
               f"{agree(len(changed), 'réécrit', 'réécrits') if write else 'à réécrire (--write pour le faire)'}.")


def _solutions(documents: dict[str, object]) -> list[tuple[object, object]]:
    """Every challenge id with its solution, in file order."""
    found: list[tuple[object, object]] = []
    for _, doc in sorted(documents.items()):
        for tube in (doc or {}).get("tubes") or [] if isinstance(doc, dict) else []:
            for skill in (tube or {}).get("skills") or []:
                for challenge in (skill or {}).get("challenges") or []:
                    if isinstance(challenge, dict):
                        found.append((challenge.get("id"), challenge.get("solution")))
    return found


@content_app.command("calibrate")
def calibrate_command(
    path: Path = typer.Argument(DEFAULT_BANK, help="Dossier de la banque de contenus"),
    database_url: str = typer.Option("", "--database-url", help="Base des réponses (défaut : PIX_LTI_DATABASE_URL)"),
    min_answers: int = typer.Option(30, "--min-answers", min=2, help="Réponses minimales par épreuve"),
    output: Path | None = typer.Option(None, "--output", help="Fichier écrit (défaut : PATH/calibration.yaml)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Calculer et afficher sans écrire"),
) -> None:
    """Fit each challenge's 2PL IRT values from the stored answers and write calibration.yaml."""
    from datetime import UTC, datetime

    from content_bank.calibration import Response, calibrate
    from content_bank.calibration_file import CALIBRATION_FILE, write_calibration
    from core.db import make_engine, make_session_factory
    from core.settings import Settings
    from learning.calibration_answers import stored_answers

    try:
        referential = load_bank(path)
    except ContentBankError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{count(len(exc.problems), 'problème', 'problèmes')} : la banque n'est pas chargée.", err=True)
        raise typer.Exit(code=1) from None
    engine = make_engine(database_url or Settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            responses = [Response(who, cid, right) for who, cid, right in stored_answers(session)]
    finally:
        engine.dispose()
    result = calibrate(referential, responses, min_answers=min_answers)
    typer.echo(f"{result.answers} réponses de {result.respondents} personnes ; "
               f"{len(result.values)} épreuves calibrées sur {len(referential.challenges)}.")
    labels = {"too_few_answers": "trop peu de réponses", "too_easy": "trop facile", "too_hard": "trop difficile",
              "negative_discrimination": "discrimination négative", "no_fit": "pas d'ajustement"}
    shown = [f for f in result.findings if f.kind != "too_few_answers"]
    few = len(result.findings) - len(shown)
    for finding in shown:
        typer.echo(f"À revoir : {finding.challenge_id} : {labels[finding.kind]} ({finding.detail})")
    if few:
        typer.echo(f"{count(few, 'épreuve garde sa valeur provisoire', 'épreuves gardent leurs valeurs provisoires')} "
                   f"faute de {min_answers} réponses.")
    if dry_run:
        return
    if not result.values:
        typer.echo("Aucune épreuve calibrée : fichier non écrit.", err=True)
        raise typer.Exit(code=1)
    target = output or path / CALIBRATION_FILE
    write_calibration(target, result.to_calibration(datetime.now(UTC).isoformat(timespec="seconds")))
    typer.echo(f"Écrit : {target}")
