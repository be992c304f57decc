"""`pix-lti content …`: check a content bank."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from content_bank.loader import DEFAULT_BANK, load_bank
from engine.content_schema import ContentBankError

content_app = typer.Typer(help="Banque de contenus : vérification.", no_args_is_help=True)


@content_app.command("check")
def check(path: Path = typer.Argument(DEFAULT_BANK, help="Dossier de la banque de contenus")) -> None:
    """Check a content bank strictly; list every problem (file, id, reason); exit 1 if any."""
    try:
        ref = load_bank(path)
    except ContentBankError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(exc.problems)} problème(s) : la banque n'est pas chargée.", err=True)
        raise typer.Exit(code=1) from None
    types = Counter(c.type.value for c in ref.challenges.values())
    typer.echo(
        f"OK: {len(ref.competences)} compétences, {len(ref.tubes)} sujets (tubes), {len(ref.skills)} acquis, "
        f"{len(ref.challenges)} épreuves ({', '.join(f'{k} {v}' for k, v in sorted(types.items()))})."
    )
