"""`pix-lti` command line. Each door contributes its own sub-commands; this module only composes them, and
subscribes the LTI gradebook to the contexts' events for the commands that run use cases."""

from __future__ import annotations

import sys

import typer

from admin.cli import register_commands as register_admin_commands
from certificates import subscribers as certificate_subscribers
from ent_gar_connector.cli import register_commands as register_gar_commands
from lti_tool.cli import register_commands
from lti_tool.grades import subscribers as grade_subscribers
from lti_tool.grades.cli import register_commands as register_grades_commands
from pix_lti import cli_french
from pix_lti.certification_cli import certif_app
from pix_lti.content_cli import content_app
from pix_lti.engine_cli import engine_app
from pix_lti.secrets_cli import secrets_app
from pix_lti.serve_cli import register_commands as register_serve_commands
from privacy.cli import register_commands as register_privacy_commands

grade_subscribers.install()
certificate_subscribers.install()
cli_french.install()

app = typer.Typer(
    name="pix-lti",
    help="pix-lti: évaluation des compétences numériques (CRCN) dans Moodle (LTI 1.3) et l'ENT (GAR).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(content_app, name="content")
app.add_typer(engine_app, name="engine")
app.add_typer(secrets_app, name="secrets")
app.add_typer(certif_app, name="certif")
register_commands(app)
register_serve_commands(app)
register_gar_commands(app)
register_admin_commands(app)
register_grades_commands(app)
register_privacy_commands(app)


def main() -> None:
    from core.secrets import SecretKeysError

    try:
        app()
    except SecretKeysError as exc:  # no key for PostgreSQL, a malformed or a wrong key: said plainly, status 2
        print(f"pix-lti : {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
