"""The reference scenarios: well formed, scored with sklearn ranking metrics, hard constraints honoured."""

from __future__ import annotations

import dataclasses

import pytest

import advisor.constraints as hard
from advisor.constraints import ConstraintCheck
from advisor.model import Advisor, scenario_report
from advisor.options import OPTIONS
from advisor.scenarios import DEFAULT_SCENARIOS, evaluate, load_scenarios, report_markdown, scenario_metrics
from evidence.results import write_result
from tests.test_advisor_support import synthetic, write_architecture


@pytest.fixture
def results(results):
    """The shared community copy (tests/conftest.py) plus a synthetic architecture result."""
    write_architecture(results)
    return results


def test_scenarios_are_well_formed():
    scenarios = load_scenarios()
    assert len(scenarios) >= 10 and DEFAULT_SCENARIOS.exists()
    for sc in scenarios:
        assert sc.reason and set(sc.acceptable) <= set(OPTIONS)
        assert any(sc.relevance())
    # Every hard constraint has a scenario that exercises it.
    asked = {(q, a) for sc in scenarios for q, a in sc.answers.items()}
    assert {(c.question, c.answer) for c in hard.HARD_CONSTRAINTS} <= asked


@pytest.mark.parametrize("body, expected", [
    ('[[scenario]]\nname = "x"\nanswers = { scale = "huge" }\nacceptable = ["keras-jax"]\nneeds = []\nreason = "r"\n',
     "scenario 'x': 'huge' is not a valid answer to question 'scale'"),
    ('[[scenario]]\nname = "y"\nanswers = {}\nacceptable = ["caffe"]\nneeds = []\nreason = "r"\n',
     "scenario 'y': acceptable must be"),
    ('[[scenario]]\nname = "z"\nanswers = {}\n', "scenario 'z' lacks acceptable, needs, reason"),
])
def test_malformed_scenarios_are_refused(tmp_path, body, expected):
    path = tmp_path / "s.toml"
    path.write_text(body)
    with pytest.raises(ValueError, match=expected):
        load_scenarios(path)


def test_decided_scenarios_are_all_met_and_metrics_are_sklearns(results):
    report = evaluate(Advisor().fit(results), load_scenarios())
    m = report["metrics"]
    assert m["scenarios"] == len(report["rows"]) and m["decided"] >= 3
    # Every scenario whose deciding evidence the advisor reads must get an acceptable top pick.
    wrong = [r["name"] for r in report["rows"] if r["decided"] and not r["ok"]]
    assert not wrong, wrong
    assert m["top1_accuracy_decided"] == m["ndcg_at_1_decided"] == 1.0
    for key in ("top1_accuracy", "ndcg", "ndcg_at_1", "lrap"):
        assert 0.0 <= m[key] <= 1.0
    undecided = {r["name"]: r["missing"] for r in report["rows"] if not r["decided"]}
    assert undecided["android-app"] == ["deployment"]
    text = report_markdown(report)
    assert "| top1_accuracy |" in text and "no (needs deployment)" in text


def test_every_top_pick_satisfies_the_hard_constraints_whenever_any_option_can(results):
    est = Advisor().fit(results)
    for sc in load_scenarios():
        rec = est.rank(sc.answers)
        can = [r.option for r in rec.ranking if not r.failed_constraints]
        if can:
            assert rec.satisfied and rec.top_pick in can, sc.name
        else:
            # No option is shown working: the advisor says so and names the missing evidence.
            assert not rec.satisfied and rec.ranking[0].failed_constraints, sc.name


def test_with_deployment_evidence_plugged_in_the_android_scenario_is_met(monkeypatch, results):
    # A stand-in for the deployment claim's lookup: LiteRT shown working for the TensorFlow options only.
    write_result(synthetic("deployment", {"keras-tensorflow": {"status": "ok"}}), results)

    def litert(result, option):
        return ConstraintCheck(option in ("keras-tensorflow", "tensorflow-core"), f"test: {option}")

    monkeypatch.setattr(hard, "HARD_CONSTRAINTS", tuple(
        dataclasses.replace(c, lookup=litert) if c.id == "deploy_target=mobile" else c for c in hard.HARD_CONSTRAINTS))
    rows = {r["name"]: r for r in evaluate(Advisor().fit(results), load_scenarios())["rows"]}
    android = rows["android-app"]
    assert android["satisfied"] and android["ok"] and android["decided"]
    assert android["top"] in ("keras-tensorflow", "tensorflow-core")


def test_report_functions_for_the_docs_site(results):
    rows = scenario_report(results=results)
    assert {"name", "answers", "acceptable", "top", "ok", "reason"} <= set(rows[0])
    assert scenario_metrics(results=results)["scenarios"] == len(rows)


def test_on_the_projects_own_results_top_picks_meet_every_satisfiable_constraint():
    """The must-show, on evidence/results/ as committed (skipped while it holds no result)."""
    est = Advisor().fit(None)
    if not any(r.ok for r in est.results_.values()):
        pytest.skip("no result files in evidence/results yet")
    for sc in load_scenarios():
        rec = est.rank(sc.answers)
        if any(not r.failed_constraints for r in rec.ranking):
            assert rec.satisfied, sc.name
    report = evaluate(est, load_scenarios())
    wrong = [r["name"] for r in report["rows"] if r["decided"] and not r["ok"]]
    assert not wrong, wrong
