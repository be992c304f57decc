"""scripts/i18n_import_dict.py: words a branch still wrote in an old-style dict move into the catalogues."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from web import i18n_catalogue

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "i18n_import_dict.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_import_dict", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_import_dict"] = module
    spec.loader.exec_module(module)
    return module


def test_old_style_words_move_into_the_catalogues_and_the_dict_is_emptied(tmp_path: Path) -> None:
    script = _script()
    po = {(d, loc): i18n_catalogue.read(d, loc) for d, loc in i18n_catalogue.CATALOGUES}
    words = {"fr": {"demo.new": "Nouveau {name}", "demo.days#one": "{n} jour", "demo.days#other": "{n} jours",
                    "card.level": "Niveau {level}"},
             "en": {"demo.new": "New {name}", "demo.days#one": "{n} day", "demo.days#other": "{n} days",
                    "refusal.demo_only": "Refused in English"}}
    said = script.merge(words, po, dry_run=False)
    assert "messages/fr: demo.new" in said and "refusals/en: refusal.demo_only" in said
    assert not any("card.level" in line for line in said)  # already there with the same text: nothing to move
    assert po[("messages", "fr")].get("demo.new").string == "Nouveau {name}"
    assert tuple(po[("messages", "en")].get("demo.days").string) == ("{n} day", "{n} days")
    assert po[("refusals", "en")].get("refusal.demo_only").string == "Refused in English"

    module = tmp_path / "pkg" / "words.py"
    module.parent.mkdir()
    module.write_text('"""Words."""\n\nMESSAGES: dict[str, dict[str, str]] = {\n    "fr": {"a.b": "x"},\n'
                      '    "en": {"a.b": "y"},\n}\nMESSAGES["fr"].update({\n    "c.d": "z",\n})\nOTHER = 1\n',
                      encoding="utf-8")
    assert script.empty_inbox("pkg.words:MESSAGES", "nested", root=tmp_path)
    assert module.read_text(encoding="utf-8") == ('"""Words."""\n\nMESSAGES: dict[str, dict[str, str]] = '
                                                  '{"fr": {}, "en": {}}\nOTHER = 1\n')
    assert not script.empty_inbox("pkg.words:MESSAGES", "nested", root=tmp_path)  # already empty


def test_a_branchs_old_dicts_are_read_from_its_git_revision(tmp_path: Path) -> None:
    import subprocess

    script = _script()
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "i18n.py").write_text(
        'MESSAGES = {"fr": {"demo.branch": "Mot de la branche"}, "en": {"demo.branch": "Branch word",\n'
        '            "refusal.demo_branch": "Refused by the branch"}}\n'
        'ENGLISH_REFUSALS = {"refusal.demo_branch": MESSAGES["en"].pop("refusal.demo_branch")}\n', encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(tmp_path)]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "branch"], check=True)

    found = script.read_from_ref("HEAD", root=tmp_path)
    assert {"fr": {"demo.branch": "Mot de la branche"}, "en": {"demo.branch": "Branch word"}} in found
    assert {"en": {"refusal.demo_branch": "Refused by the branch"}} in found
    po = {(d, loc): i18n_catalogue.read(d, loc) for d, loc in i18n_catalogue.CATALOGUES}
    said = [line for words in found for line in script.merge(words, po, dry_run=True)]
    assert said == ["messages/fr: demo.branch", "messages/en: demo.branch", "refusals/en: refusal.demo_branch"]
