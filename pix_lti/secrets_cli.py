"""`pix-lti secrets`: a new key for the secrets encrypted at rest, and their rotation to the first key."""

from __future__ import annotations

from pathlib import Path

import typer

from core.french import count

secrets_app = typer.Typer(help="Clés de chiffrement des secrets de l'outil (clés privées, secret de session).",
                          no_args_is_help=True)


@secrets_app.command("new-key")
def new_key_command(
    file: Path | None = typer.Option(None, "--file", metavar="FICHIER",
                                     help="Ajouter la clé en tête de ce fichier de clés (créé en mode 0600) au lieu "
                                          "de l'afficher."),
) -> None:
    """Crée une clé Fernet. Mettez-la en tête de PIX_LTI_SECRET_KEYS, redémarrez, puis `pix-lti secrets rotate`."""
    from core.secrets import new_key, read_key_file, write_key_file

    key = new_key()
    if file is None:
        typer.echo(key)
        return
    existing = read_key_file(file).keys if file.exists() else ()
    write_key_file(file, (key, *existing))
    typer.echo(f"Nouvelle clé ajoutée en tête de {file} ({count(len(existing) + 1, 'clé', 'clés')}). "
               "Lancez `pix-lti secrets rotate`, puis retirez les anciennes clés du fichier.")


@secrets_app.command("rotate")
def rotate_command() -> None:
    """Rechiffre tous les secrets de la base avec la première clé (les autres clés servent à les lire)."""
    import lti_tool.models  # noqa: F401 - the tables whose columns are encrypted
    from core.db import Base, make_engine
    from core.secrets import rotate_all
    from core.settings import Settings

    engine = make_engine(Settings().database_url)
    try:
        with engine.begin() as connection:
            written = rotate_all(connection, Base.metadata)
    finally:
        engine.dispose()
    typer.echo(f"{count(written, 'secret rechiffré', 'secrets rechiffrés')} avec la première clé. "
               "Les autres clés peuvent être retirées.")
