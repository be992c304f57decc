"""Calibration of the 2PL values (issue 16): recovered from simulated answers, anchored on the provisional
scale, poor fits reported, and `pix-lti content calibrate` run on answers stored in a real database."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from content_bank.active import load_bank_with_info
from content_bank.calibration import Response, calibrate
from content_bank.calibration_file import CALIBRATION_FILE, Calibration, apply_calibration, parse_calibration
from content_bank.calibration_simulation import recovery, simulate_answers
from content_bank.loader import DEFAULT_BANK, default_referential
from core.accounts import Account
from core.db import make_engine, make_session_factory, run_migrations
from engine.content_schema import ContentBankError
from learning.models import AnswerRow, AssessmentRow
from pix_lti.cli import app


@pytest.fixture(scope="module")
def bank():
    return default_referential()


@pytest.fixture(scope="module")
def thousand(bank):  # type: ignore[no-untyped-def]
    simulation = simulate_answers(bank, "4.2", 1000, seed=7)
    return simulation, calibrate(bank, simulation.responses)


def test_1000_simulated_respondents_give_back_the_true_values(thousand):
    simulation, result = thousand
    difficulty, discrimination, compared = recovery(simulation, result.values)
    assert compared >= 24
    assert difficulty >= 0.99 and discrimination >= 0.9


def test_300_simulated_respondents_give_back_the_difficulties(bank):
    simulation = simulate_answers(bank, "1.1", 300, seed=3)
    difficulty, _, compared = recovery(simulation, calibrate(bank, simulation.responses).values)
    assert compared >= 24 and difficulty >= 0.95


def test_the_fitted_scale_is_anchored_on_the_provisional_values(bank, thousand):
    _, result = thousand
    fitted = np.array([d for d, _ in result.values.values()])
    provisional = np.array([bank.challenges[cid].difficulty for cid in result.values])
    assert fitted.mean() == pytest.approx(provisional.mean(), abs=1e-6)
    assert fitted.std() == pytest.approx(provisional.std(), abs=1e-6)


def test_a_challenge_answered_against_the_learners_level_is_reported_and_not_calibrated(bank):
    simulation = simulate_answers(bank, "4.2", 600, seed=11)
    target = "42-droit-3a"
    scores: dict[str, int] = {}
    for r in simulation.responses:
        scores[r.respondent] = scores.get(r.respondent, 0) + r.correct
    median = sorted(scores.values())[len(scores) // 2]
    flipped = [Response(r.respondent, r.challenge_id, scores[r.respondent] < median)
               if r.challenge_id == target else r for r in simulation.responses]
    result = calibrate(bank, flipped)
    assert target not in result.values
    assert any(f.challenge_id == target and f.kind == "negative_discrimination" for f in result.findings)


def test_too_easy_too_hard_and_too_few_answers_are_reported(bank):
    easy, hard = "42-droit-1a", "42-droit-6b"
    responses = [Response(f"p{i}", easy, True) for i in range(40)]
    responses += [Response(f"p{i}", hard, i == 0) for i in range(40)]
    responses += [Response(f"p{i}", "42-regl-1a", i % 2 == 0) for i in range(5)]
    kinds = {(f.challenge_id, f.kind) for f in calibrate(bank, responses).findings}
    assert {(easy, "too_easy"), (hard, "too_hard"), ("42-regl-1a", "too_few_answers")} <= kinds


def test_a_calibration_file_replaces_the_provisional_values_and_a_bad_one_is_refused(bank):
    calibration = parse_calibration({"calibrated_at": "2026-12-05", "challenges": {
        "11-req-1a": {"difficulty": -1.25, "discriminant": 0.8}}}, bank)
    calibrated = apply_calibration(bank, calibration)
    assert (calibrated.challenges["11-req-1a"].difficulty, calibrated.challenges["11-req-1a"].discriminant) == \
        (-1.25, 0.8)
    assert calibrated.challenges["11-req-1b"] == bank.challenges["11-req-1b"]
    with pytest.raises(ContentBankError) as info:
        parse_calibration({"challenges": {"nope": {"difficulty": 0, "discriminant": 1},
                                          "11-req-1a": {"difficulty": 1, "discriminant": -0.5},
                                          "11-req-1b": {"difficulty": 12, "discriminant": 1}}}, bank)
    reasons = {(p.id, p.reason) for p in info.value.problems}
    assert ("nope", "unknown challenge id") in reasons
    assert ("11-req-1a", "discriminant -0.5 must be positive") in reasons
    assert any(p.id == "11-req-1b" and "outside" in p.reason for p in info.value.problems)


def test_calibrate_command_fits_stored_answers_and_the_bank_loads_the_file(bank, tmp_path):
    copy = tmp_path / "bank"
    shutil.copytree(DEFAULT_BANK, copy)
    url = f"sqlite:///{tmp_path}/answers.sqlite3"
    engine = make_engine(url)
    run_migrations(engine)
    simulation = simulate_answers(bank, "4.2", 1000, seed=7)
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    with make_session_factory(engine)() as session:
        ids = {}
        for j in range(1000):
            account = Account(issuer="https://moodle.example", sub=f"learner-{j}")
            session.add(account)
            session.flush()
            ids[f"learner-{j}"] = account.id
        session.execute(insert(AssessmentRow), [
            {"id": f"a-{j}", "account_id": ids[f"learner-{j}"], "type": "competence_evaluation",
             "competence_code": "4.2", "target_skills": [], "strategy": "smart-random", "seed": "s",
             "state": "completed", "created_at": t0} for j in range(1000)])
        session.execute(insert(AnswerRow), [
            {"assessment_id": f"a-{r.respondent.split('-')[1]}", "account_id": ids[r.respondent],
             "challenge_id": r.challenge_id, "value": None, "status": "ok" if r.correct else "ko",
             "created_at": t0 + timedelta(seconds=k)} for k, r in enumerate(simulation.responses)])
        session.commit()
    engine.dispose()
    result = CliRunner().invoke(app, ["content", "calibrate", str(copy), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "réponses de 1000 personnes" in result.output
    loaded = load_bank_with_info(copy)
    calibration: Calibration = loaded.info.calibration
    assert calibration is not None and calibration.respondents == 1000 and len(calibration.values) >= 24
    fitted = {cid: (loaded.referential.challenges[cid].difficulty, loaded.referential.challenges[cid].discriminant)
              for cid in calibration.values}
    difficulty, discrimination, _ = recovery(simulation, fitted)
    assert difficulty >= 0.99 and discrimination >= 0.9
    assert (copy / CALIBRATION_FILE).is_file()


def test_content_check_refuses_a_bank_whose_calibration_file_is_wrong(tmp_path):
    copy = tmp_path / "bank"
    shutil.copytree(DEFAULT_BANK, copy)
    (copy / CALIBRATION_FILE).write_text("challenges:\n  11-req-1a: {difficulty: 0.5, discriminant: 0}\n",
                                         encoding="utf-8")
    result = CliRunner().invoke(app, ["content", "check", str(copy)])
    assert result.exit_code == 1
    assert "calibration.yaml: 11-req-1a: discriminant 0.0 must be positive" in result.output
    (copy / CALIBRATION_FILE).write_text("challenges:\n  11-req-1a: {difficulty: 0.5, discriminant: 1.2}\n",
                                         encoding="utf-8")
    result = CliRunner().invoke(app, ["content", "check", str(copy)])
    assert result.exit_code == 0 and "(1 épreuves)" in result.output
