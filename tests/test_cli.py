"""The `pix-lti` command line: content check and engine simulation."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from content_bank.loader import DEFAULT_BANK
from pix_lti.cli import app

runner = CliRunner()


def _write_bank(root: Path) -> Path:
    """A small valid bank: every competence with one easy tube (levels 1-3) and one hard tube (4-6)."""
    (root / "competences").mkdir(parents=True)
    shutil.copy(DEFAULT_BANK / "framework.yaml", root / "framework.yaml")
    framework = yaml.safe_load((root / "framework.yaml").read_text(encoding="utf-8"))
    for domain in framework["domains"]:
        for competence in domain["competences"]:
            code = competence["code"]
            key = code.replace(".", "")
            tubes = []
            for tube, levels in (("a", range(1, 4)), ("b", range(4, 7))):
                tubes.append({"name": f"t{key}{tube}", "title": "Sujet", "skills": [
                    {"level": lvl, "tutorial": {"title": "Notion", "text": "Explication."},
                     "challenges": [{"id": f"c{key}-{tube}-{lvl}{v}", "type": "QCU", "instruction": "Question\u202f?",
                                     "proposals": ["oui", "non", "peut-être"], "solution": 1} for v in "ab"]}
                    for lvl in levels]})
            (root / "competences" / f"{code}.yaml").write_text(
                yaml.safe_dump({"competence": code, "tubes": tubes}, allow_unicode=True), encoding="utf-8")
    return root


def test_content_check_accepts_a_valid_bank_and_counts_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["content", "check", str(_write_bank(tmp_path / "bank"))])
    assert result.exit_code == 0, result.output
    assert "16 compétences" in result.output
    assert "192 épreuves" in result.output


def test_content_check_lists_every_problem_with_file_id_and_reason_and_exits_non_zero(tmp_path: Path) -> None:
    bank = _write_bank(tmp_path / "bank")
    path = bank / "competences" / "1.1.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = doc["tubes"][0]["skills"][0]
    first["challenges"][0]["solution"] = 9
    first["challenges"][1]["id"] = doc["tubes"][0]["skills"][1]["challenges"][0]["id"]
    doc["tubes"][1]["skills"][0]["level"] = 12
    del doc["tubes"][0]["skills"][2]["tutorial"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (bank / "competences" / "5.2.yaml").write_text("competence: '5.2'\ntubes: [\n", encoding="utf-8")

    result = runner.invoke(app, ["content", "check", str(bank)])

    assert result.exit_code == 1
    out = result.output
    assert "competences/1.1.yaml: c11-a-1a: solution 9 is not among the proposals (1..3)" in out
    assert "competences/1.1.yaml: c11-a-2a: duplicate challenge id" in out
    assert "competences/1.1.yaml: @t11b12: level 12 outside 1..8" in out
    assert "competences/1.1.yaml: @t11a3: missing tutorial" in out
    assert "competences/5.2.yaml: -: cannot be parsed" in out
    assert "la banque n'est pas chargée" in out


def test_content_check_refuses_an_unknown_shuffle_value(tmp_path: Path) -> None:
    bank = _write_bank(tmp_path / "bank")
    path = bank / "competences" / "1.1.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["tubes"][0]["skills"][0]["challenges"][0]["shuffle"] = "maybe"
    doc["tubes"][0]["skills"][0]["challenges"][1]["shuffle"] = False
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")

    result = runner.invoke(app, ["content", "check", str(bank)])

    assert result.exit_code == 1
    assert "competences/1.1.yaml: c11-a-1a: shuffle must be true or false (found 'maybe')" in result.output
    assert "c11-a-1b" not in result.output  # `shuffle: false` is a known value


def test_content_check_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["content", "check", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "not a folder" in result.output


def test_engine_simulate_prints_accuracy_and_question_counts_per_strategy(tmp_path: Path) -> None:
    bank = _write_bank(tmp_path / "bank")
    result = runner.invoke(app, ["engine", "simulate", "--learners", "20", "--seed", "3", "--bank", str(bank)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split() == ["strategy", "learners", "exact", "MAE", "q", "mean", "q", "p95"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert set(rows) == {"smart-random", "flash", "bayes-level"}
    for row in rows.values():
        assert row[1] == "20"
        assert 0 <= float(row[2].rstrip("%")) <= 100
        assert 1 <= float(row[4]) <= 6  # a competence of this bank has 6 skills


def test_engine_simulate_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    bank = _write_bank(tmp_path / "bank")
    args = ["engine", "simulate", "--strategy", "smart-random", "--learners", "15", "--seed", "9", "--bank", str(bank)]
    assert runner.invoke(app, args).output == runner.invoke(app, args).output


def test_engine_simulate_refuses_an_unknown_strategy(tmp_path: Path) -> None:
    result = runner.invoke(app, ["engine", "simulate", "--strategy", "magic", "--bank", str(tmp_path)])
    assert result.exit_code != 0
    assert "unknown strategy" in result.output


def test_engine_simulate_refuses_an_unknown_competence(tmp_path: Path) -> None:
    bank = _write_bank(tmp_path / "bank")
    result = runner.invoke(app, ["engine", "simulate", "--competence", "9.9", "--bank", str(bank)])
    assert result.exit_code != 0 and "unknown competence" in result.output


def test_engine_simulate_refuses_a_broken_bank_with_its_problems(tmp_path: Path) -> None:
    bank = _write_bank(tmp_path / "bank")
    (bank / "competences" / "1.1.yaml").write_text("competence: [", encoding="utf-8")
    result = runner.invoke(app, ["engine", "simulate", "--learners", "2", "--bank", str(bank)])
    assert result.exit_code == 1 and "cannot be parsed" in result.output and "Traceback" not in result.output
