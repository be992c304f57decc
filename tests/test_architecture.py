"""The import rule of the layout (README "Architecture"), read from the source with `ast`:

    engine  ←  content_bank  ←  core  ←  contexts (learning, campaigns, linking, certification)  ←  doors

- `engine/` imports nothing of ours; `content_bank/` only the engine; `core/` only the engine and the bank;
- a context imports only the core, the engine, the bank and other contexts: never a door (it publishes events);
- `web/` (the pages both doors lead to) never imports the LTI door, the GAR door, admin, privacy or pix_lti;
- nothing but `pix_lti/` itself imports `pix_lti` (the composition root: app factory, CLI).

Every import counts, including those inside functions. `PIX_LTI_ARCHITECTURE_ROOT` checks another checkout
(e.g. the main branch before the reshaping, where it fails)."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("PIX_LTI_ARCHITECTURE_ROOT") or Path(__file__).resolve().parents[1])
OURS = {"engine", "content_bank", "core", "learning", "campaigns", "linking", "certification", "certificates",
        "privacy", "lti_tool", "ent_gar_connector", "web", "admin", "pix_lti", "demo_platform", "moodle_config"}
CONTEXTS = {"learning", "campaigns", "linking", "certification", "certificates"}
DOORS = {"lti_tool", "ent_gar_connector", "web", "admin", "privacy", "pix_lti", "demo_platform", "moodle_config"}

# package -> the packages of ours it may import (itself always allowed)
ALLOWED: dict[str, set[str]] = {
    "engine": set(),
    "content_bank": {"engine"},
    "core": {"engine", "content_bank"},
    "learning": {"engine", "content_bank", "core"} | CONTEXTS,
    "campaigns": {"engine", "content_bank", "core"} | CONTEXTS,
    "linking": {"engine", "content_bank", "core"} | CONTEXTS,
    "certification": {"engine", "content_bank", "core"} | CONTEXTS,
    "certificates": {"engine", "content_bank", "core"} | CONTEXTS,
    "web": OURS - {"lti_tool", "ent_gar_connector", "admin", "privacy", "pix_lti", "demo_platform"},
}


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield node.lineno, (base[0] if base and base[0] else (node.module or "").split(".")[0])
            elif node.module:
                yield node.lineno, node.module.split(".")[0]


def _sources(package: str) -> list[Path]:
    folder = ROOT / package
    return sorted(p for p in folder.rglob("*.py") if "versions" not in p.parts) if folder.is_dir() else []


def violations(package: str) -> list[str]:
    found = []
    for path in _sources(package):
        for line, imported in imported_packages(path):
            if imported not in OURS or imported == package:
                continue
            if package in ALLOWED and imported not in ALLOWED[package]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
            elif imported == "pix_lti":
                found.append(f"{path.relative_to(ROOT)}:{line} imports pix_lti (the composition root)")
    return found


@pytest.mark.parametrize("package", sorted(OURS))
def test_each_package_imports_only_the_layers_below_it(package: str) -> None:
    assert violations(package) == []


def test_the_layers_exist() -> None:
    """The rule checks real folders: a renamed package would make it pass vacuously."""
    for package in ALLOWED:
        assert _sources(package), f"{package}/ has no Python file under {ROOT}"


def test_the_rule_catches_a_context_importing_a_door(tmp_path: Path) -> None:
    (tmp_path / "learning").mkdir()
    (tmp_path / "learning" / "bad.py").write_text("def f():\n    from lti_tool.grades import hooks\n")
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text("from . import x\nfrom campaigns.models import CampaignRow\n")
    globals()["ROOT"], saved = tmp_path, ROOT
    try:
        assert violations("learning") == ["learning/bad.py:2 imports lti_tool"]
        assert violations("core") == ["core/bad.py:2 imports campaigns"]
    finally:
        globals()["ROOT"] = saved
