"""The command line's own words in French: Typer (and the click it vendors) write its help and usage errors in
English with no catalogue to choose another language. `install()` replaces those few fixed words — panel
titles, "[required]", "[default: …]", the help option, the three usage errors a person meets (missing option,
unknown option, invalid value) — and shows a French word for an option's value instead of Python's type
("<str>", "<bool>"). `tests/test_cli.py` runs the real help and errors, so a Typer upgrade that moves these
names fails there instead of turning the output English again."""

from __future__ import annotations

from typing import Any

from typer import core, rich_utils
from typer._click import core as click_core
from typer._click import exceptions, formatting

_TYPE_WORDS = {"str": "TEXTE", "int": "NOMBRE", "float": "NOMBRE", "Path": "CHEMIN", "datetime": "DATE",
               "list[str]": "TEXTE", "list[int]": "NOMBRE", "list[Path]": "CHEMIN"}
HELP_TEXT = "Affiche cette aide et s'arrête."
_installed = False


def value_word(option: Any, ctx: Any) -> str | None:
    """What an option takes, in French: its own metavar, nothing for a flag, else a word for its type."""
    if option.metavar is not None:
        return str(option.metavar)
    if option.is_flag or option.count:
        return None
    shown = core.TyperOption.display_type(option, ctx)
    return _TYPE_WORDS.get(shown.strip("<>"), shown) if isinstance(shown, str) else shown


def _hint(error: exceptions.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
    elif error.param is not None:
        hint = error.param.get_error_hint()
    else:
        return ""
    return exceptions._join_param_hints(hint) or ""


def _missing(self: exceptions.MissingParameter) -> str:
    hint = _hint(self)
    kind = "argument" if (self.param_type or getattr(self.param, "param_type_name", "")) == "argument" else "option"
    return f"{kind.capitalize()} obligatoire manquant{'e' if kind == 'option' else ''} : {hint}."


def _bad(self: exceptions.BadParameter) -> str:
    hint = _hint(self)
    return f"Valeur invalide pour {hint} : {self.message}" if hint else f"Valeur invalide : {self.message}"


def _no_such_option(self: exceptions.NoSuchOption) -> str:
    text = f"Option inconnue : {self.option_name}"
    if self.possibilities:
        text += f" (options proches : {', '.join(sorted(self.possibilities))})"
    return text


def install() -> None:
    """Idempotent: called once by `pix_lti.cli` before the app runs."""
    global _installed
    if _installed:
        return
    _installed = True
    rich_utils.DEFAULT_STRING = "[par défaut : {}]"
    rich_utils.ENVVAR_STRING = "[variable d'environnement : {}]"
    rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"
    rich_utils.DEPRECATED_STRING = "(obsolète) "
    rich_utils.ARGUMENTS_PANEL_TITLE = "Arguments"
    rich_utils.OPTIONS_PANEL_TITLE = "Options"
    rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
    rich_utils.ERRORS_PANEL_TITLE = "Erreur"
    rich_utils.ABORTED_TEXT = "Interrompu."
    rich_utils.RICH_HELP = "Aide : [blue]'{command_path} {help_option}'[/]."
    core.TyperOption.display_type_rich = value_word  # type: ignore[method-assign]
    exceptions.MissingParameter.format_message = _missing  # type: ignore[method-assign]
    exceptions.BadParameter.format_message = _bad  # type: ignore[method-assign]
    exceptions.NoSuchOption.format_message = _no_such_option  # type: ignore[method-assign]
    original = click_core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]
    write_usage = formatting.HelpFormatter.write_usage

    def french_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, "Utilisation : " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = french_usage  # type: ignore[method-assign]

