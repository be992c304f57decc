"""`pix-lti engine …`: simulations of the assessment engine."""

from __future__ import annotations

import typer

engine_app = typer.Typer(help="Moteur d'évaluation : simulations.", no_args_is_help=True)
