"""Reads a content bank folder (YAML or JSON) into a validated `Referential`, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from content_bank.render_check import rendering_problems
from engine.content_schema import ContentBankError, ContentProblem, build_referential
from engine.referential import Referential

DEFAULT_BANK = Path(__file__).parent / "bank"
FRAMEWORK_FILE = "framework.yaml"
COMPETENCES_DIR = "competences"
MEDIA_DIR = "media"
MAX_FILE_BYTES = 5 * 1024 * 1024


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent overwrite would hide an authoring mistake)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_document(path: Path, name: str, problems: list[ContentProblem]) -> Any:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(ContentProblem(name, "-", f"file larger than {MAX_FILE_BYTES} bytes"))
            return None
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strict subclass of SafeLoader
    except UnicodeDecodeError:
        problems.append(ContentProblem(name, "-", "not UTF-8 text"))
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        problems.append(ContentProblem(name, "-", f"cannot be parsed: {' '.join(str(exc).split())}"))
    except OSError as exc:
        problems.append(ContentProblem(name, "-", f"cannot be read: {exc.strerror}"))
    return None


def read_bank_documents(folder: Path, overrides: dict[Path, str] | None = None) -> dict[str, Any]:
    """The parsed competence documents of a bank (file name → document), `overrides` replacing the
    text of some files; unreadable files are left out (for tools that compare two versions)."""
    docs: dict[str, Any] = {}
    for path in sorted((folder / COMPETENCES_DIR).glob("*.y*ml")):
        text = (overrides or {}).get(path)
        try:
            docs[path.name] = yaml.load(text if text is not None else path.read_text(encoding="utf-8"),
                                        Loader=_StrictLoader)  # noqa: S506 - strict subclass of SafeLoader
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
    return docs


def load_bank(folder: Path | str) -> Referential:
    """Load and validate the bank in `folder`; raise `ContentBankError` listing every problem."""
    root = Path(folder)
    if not root.is_dir():
        raise ContentBankError([ContentProblem(str(root), "-", "not a folder")])
    problems: list[ContentProblem] = []
    framework_path = root / FRAMEWORK_FILE
    if not framework_path.is_file():
        raise ContentBankError([ContentProblem(FRAMEWORK_FILE, "-", "missing framework file")])
    framework = _read_document(framework_path, FRAMEWORK_FILE, problems)
    competence_docs: dict[str, Any] = {}
    competence_dir = root / COMPETENCES_DIR
    paths = sorted(p for p in competence_dir.glob("*") if p.suffix in (".yaml", ".yml", ".json")) \
        if competence_dir.is_dir() else []
    for path in paths:
        name = f"{COMPETENCES_DIR}/{path.name}"
        doc = _read_document(path, name, problems)
        if doc is not None:
            competence_docs[name] = doc
    media_root = root / MEDIA_DIR
    media = {
        f"{MEDIA_DIR}/{p.relative_to(media_root).as_posix()}" for p in media_root.rglob("*") if p.is_file()
    } if media_root.is_dir() else set()
    try:
        referential = build_referential((FRAMEWORK_FILE, framework), competence_docs, media)
    except ContentBankError as exc:
        problems.extend(exc.problems)
    else:
        problems.extend(rendering_problems(referential))
    if problems:
        raise ContentBankError(problems)
    return referential


def default_referential() -> Referential:
    """The bank this process serves (`PIX_LTI_CONTENT_PATH` or the shipped one), loaded once."""
    from content_bank.active import active_bank

    return active_bank().referential
