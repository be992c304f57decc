"""The certification simulation: candidate model, two certifications on different questions, the figures,
and the `pix-lti engine certify-simulate` command."""

from __future__ import annotations

import math
import random
import statistics

from typer.testing import CliRunner

from content_bank.loader import DEFAULT_BANK, load_bank
from engine.certification.simulation import CandidateModel, draw_candidate, simulate_certifications
from pix_lti.cli import app

REF = load_bank(DEFAULT_BANK)


def test_candidate_abilities_are_correlated_across_competences_as_documented():
    model = CandidateModel()
    rng = random.Random(3)
    people = [draw_candidate(rng, ["a", "b"], model, 6) for _ in range(3000)]
    r = statistics.correlation([p.abilities["a"] for p in people], [p.abilities["b"] for p in people])
    assert abs(r - model.competence_correlation) < 0.05
    assert model.competence_correlation == 1.2**2 / (1.2**2 + 0.7**2)


def test_true_level_and_score_stay_within_the_maximum_reachable_level():
    strong = draw_candidate(random.Random(1), ["a"], CandidateModel(mean=20), 6)
    assert strong.true_level("a") == 6
    assert strong.true_score == 48  # one competence at the top level: 6 × 8 pix


def test_simulation_reports_every_figure_for_both_versions():
    result = simulate_certifications(REF, ["v3", "v2"], candidates=4, seed=5)
    assert set(result.reports) == {"v3", "v2"}
    v3, v2 = result.reports["v3"], result.reports["v2"]
    assert v3["questions_mean"] == 32.0
    assert 0 < v2["questions_mean"] <= 48
    for report in (v3, v2):
        for key in ("global_level_exact", "mesh_exact", "mesh_within_one", "competence_exact",
                    "competence_within_one", "rejected", "exposure_max", "exposure_p95", "challenges_used"):
            assert 0.0 <= report[key] <= 1.0, key
        assert report["score_rmse"] >= 0 or math.isnan(report["score_rmse"])
    assert result.positioning_questions_mean > 16


def test_simulation_is_reproducible_from_its_seed():
    first = simulate_certifications(REF, ["v3"], candidates=3, seed=9)
    assert simulate_certifications(REF, ["v3"], candidates=3, seed=9) == first


def test_certify_simulate_prints_v3_and_v2_side_by_side():
    result = CliRunner().invoke(app, ["engine", "certify-simulate", "--candidates", "3", "--seed", "4"])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if line.startswith("measure"))
    assert header.split()[-2:] == ["v3", "v2"]
    assert "test-retest correlation" in result.output


def test_certify_simulate_refuses_an_unknown_version():
    result = CliRunner().invoke(app, ["engine", "certify-simulate", "--version", "v9", "--candidates", "3"])
    assert result.exit_code != 0
