"""Move interface words still written in an old-style Python dict into the gettext catalogues (web/locales).

Before issue 22 the words lived in Python dicts (`web/i18n.py`'s MESSAGES, `web/certification/words.py`,
`web/certification/messages.py`, `web/certificate_texts.py`). Those dicts stay, empty, as an inbox: a branch that
still adds words there keeps working (`web.i18n` reads them before the catalogues), and this script moves them:

    .venv/bin/python scripts/i18n_import_dict.py            # every inbox below: import, then empty the dicts
    .venv/bin/python scripts/i18n_import_dict.py --dry-run  # only say what would move
    .venv/bin/python scripts/i18n_import_dict.py web.somewhere:WORDS  # another dict ({"fr": {...}, "en": {...}})
    .venv/bin/python scripts/i18n_import_dict.py web.somewhere:EN=en  # a flat dict of one language
    .venv/bin/python scripts/i18n_import_dict.py --from-ref other-branch  # the dicts as that git revision has them

`--from-ref` is for a branch that still edits the old dicts: after the merge, keep this side of those files (the
empty inboxes), then import the branch's words from its own version of them (read with `git show`, run apart;
the sources are left as they are).

Old-style entries: `"key": "texte"`, plural forms as `"key#one"` / `"key#other"` (one gettext entry with
msgstr[0] / msgstr[1]). An English `refusal.*` / `dynreg.refusal.*` key without a French twin is the English text
of a refusal whose French text is written where it is raised: it goes to the `refusals` catalogue (English only).
A key already in a catalogue with another text is replaced, and said. Afterwards the template
(`web/locales/messages.pot`) is extracted again from the sources, and `pybabel compile` makes the `.mo` files.
Run it from the repository's root; then `git diff web/locales` shows what moved.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import write_po  # noqa: E402

from web import i18n_catalogue as catalogues  # noqa: E402

# module:variable -> how its value is shaped ("nested": {locale: {key: text}}, or the locale of a flat dict)
INBOXES: dict[str, str] = {
    "web.i18n:MESSAGES": "nested",
    "web.certificate_texts:TEXTS": "nested",
    "web.certification.words:FR": "fr",
    "web.certification.words:EN": "en",
    "web.certification.messages:FR": "fr",
    "web.certification.messages:EN": "en",
}
_REFUSAL = re.compile(r"(dynreg\.)?refusal\.")


def read_inbox(spec: str, shape: str) -> dict[str, dict[str, str]]:
    module_name, _, variable = spec.partition(":")
    value = getattr(importlib.import_module(module_name), variable)
    if shape == "nested":
        return {str(locale): dict(words) for locale, words in value.items()}
    return {shape: dict(value)}


def read_from_ref(ref: str, root: Path = ROOT) -> list[dict[str, dict[str, str]]]:
    """The old-style dicts as the revision `ref` has them: each module's source from `git show`, run in a namespace
    of its own (its imports are this checkout's), then the inboxes' variables read (and the English refusals of
    the old `web/i18n.py`)."""
    import subprocess

    found: list[dict[str, dict[str, str]]] = []
    modules = sorted({spec.partition(":")[0] for spec in INBOXES})
    for module_name in modules:
        path = module_name.replace(".", "/") + ".py"
        shown = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=root, capture_output=True, text=True)
        if shown.returncode != 0:
            continue
        namespace: dict[str, object] = {"__name__": f"_i18n_import_{module_name.replace('.', '_')}"}
        exec(compile(shown.stdout, f"{ref}:{path}", "exec"), namespace)  # noqa: S102 (the project's own code)
        for spec, shape in INBOXES.items():
            name, _, variable = spec.partition(":")
            if name == module_name and isinstance(namespace.get(variable), dict):
                value = namespace[variable]
                found.append({str(k): dict(v) for k, v in value.items()} if shape == "nested"  # type: ignore[union-attr]
                             else {shape: dict(value)})  # type: ignore[call-overload]
        if module_name == "web.i18n" and isinstance(namespace.get("ENGLISH_REFUSALS"), dict):
            found.append({"en": dict(namespace["ENGLISH_REFUSALS"])})  # type: ignore[call-overload]
    return found


def merge(words: dict[str, dict[str, str]], po: dict[tuple[str, str], Catalog], *, dry_run: bool) -> list[str]:
    """Put the words into the catalogues (`po[(domain, locale)]`); the lines saying what changed."""
    said: list[str] = []
    french = words.get("fr", {})
    for locale, entries in words.items():
        for raw_key, text in entries.items():
            key, _, form = raw_key.partition("#")
            domain = "messages"
            if locale == "en" and _REFUSAL.match(key) and key not in french and f"{key}#other" not in french:
                domain = "refusals"
            catalogue = po[(domain, locale)]
            found = catalogue.get(key)
            if form:  # one form of a plural entry
                index = 0 if form == "one" else 1
                plural = found is not None and isinstance(found.string, tuple | list)
                strings = list(found.string) if plural else ["", ""]  # type: ignore[union-attr]
                if strings[index] == text:
                    continue
                strings[index] = text
                said.append(f"{domain}/{locale}: {raw_key}")
                if not dry_run:
                    if found is not None:
                        catalogue.delete(key)
                    catalogue.add((key, key), tuple(strings))
                continue
            if found is not None and found.string == text:
                continue
            said.append(f"{domain}/{locale}: {key}" + (" (replaced)" if found is not None and found.string else ""))
            if not dry_run:
                if found is not None:
                    catalogue.delete(key)
                catalogue.add(key, text)
    return said


def empty_inbox(spec: str, shape: str, root: Path = ROOT) -> bool:
    """Rewrite the module's source so that the dict is empty (statements that fill it are removed)."""
    module_name, _, variable = spec.partition(":")
    path = root / (module_name.replace(".", "/") + ".py")
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    nested = shape == "nested"
    empty = '{"fr": {}, "en": {}}' if nested else "{}"
    annotation = "dict[str, dict[str, str]]" if nested else "dict[str, str]"
    replaced = False
    for node in reversed(tree.body):
        target = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign):
            target = node.target
        if isinstance(target, ast.Name) and target.id == variable:
            if isinstance(node.value, ast.Dict) and not node.value.keys:
                continue  # already empty
            if nested and isinstance(node.value, ast.Dict) and all(
                    isinstance(v, ast.Dict) and not v.keys for v in node.value.values):
                continue
            lines[node.lineno - 1:node.end_lineno] = [f"{variable}: {annotation} = {empty}\n"]
            replaced = True
        elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
              and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "update"
              and _names(node.value.func.value) == variable):
            lines[node.lineno - 1:node.end_lineno] = []
            replaced = True
    if replaced:
        path.write_text("".join(lines), encoding="utf-8")
    return replaced


def _names(node: ast.expr) -> str | None:
    """`MESSAGES["fr"]` -> "MESSAGES"; `MESSAGES` -> "MESSAGES"."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inboxes", nargs="*", help="module:variable (default: the known inboxes)")
    parser.add_argument("--dry-run", action="store_true", help="say what would move, change nothing")
    parser.add_argument("--keep-source", action="store_true", help="do not empty the dicts in the sources")
    parser.add_argument("--from-ref", metavar="REF", help="read the old dicts as this git revision has them")
    args = parser.parse_args(argv)
    specs = args.inboxes or list(INBOXES)
    po = {(domain, locale): catalogues.read(domain, locale) for domain, locale in catalogues.CATALOGUES}
    moved: list[str] = []
    if args.from_ref:
        args.keep_source = True
        for words in read_from_ref(args.from_ref):
            moved += merge(words, po, dry_run=args.dry_run)
    else:
        for spec in specs:
            name, _, shape = spec.partition("=")
            moved += merge(read_inbox(name, shape or INBOXES.get(name, "nested")), po, dry_run=args.dry_run)
    for line in moved:
        print(("would move " if args.dry_run else "moved ") + line)
    if args.dry_run:
        print(f"{len(moved)} entries would move")
        return 0
    for (domain, locale), catalogue in po.items():
        with catalogues.po_path(domain, locale).open("wb") as out:
            write_po(out, catalogue, width=120, sort_output=True)
    if not args.keep_source:
        for spec in specs:
            name, _, shape = spec.partition("=")
            if empty_inbox(name, shape or INBOXES.get(name, "nested")):
                print(f"emptied {spec}")
    catalogues.extract_template()
    catalogues.compile_all()
    print(f"{len(moved)} entries moved; check: .venv/bin/python -m pytest tests/student_web/test_catalogues.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
