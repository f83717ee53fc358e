"""Deployment and performance criteria, and the deployment-target hard constraints, from their claims' results."""

from __future__ import annotations

import math

import pytest

from advisor.model import Advisor
from advisor.scenarios import evaluate, load_scenarios
from evidence.registry import get_claim
from evidence.results import SubjectResult
from tests.test_advisor_support import (
    column,
    deployment_matrix,
    performance_subjects,
    write_deployment,
    write_performance,
)

SPEEDS = {"keras-tensorflow": 2.0, "keras-tensorflow-xla": 1.0, "keras-jax": 1.0, "keras-torch": 4.0,
          "tensorflow-core": 2.0, "tensorflow-core-xla": 2.0}


# -- the synthetic layouts are the ones the claims themselves read ----------------------------------------------
def test_synthetic_deployment_cells_are_read_by_the_claims_own_text():
    from evidence.claims.deployment import TARGETS, target_text

    matrix = deployment_matrix({("litert", "keras-torch"): "fails"})
    assert set(matrix) == set(TARGETS)
    assert "keras-torch: fails at export" in target_text("litert", matrix["litert"])


def test_synthetic_performance_is_judged_by_the_claim():
    subjects = {s: SubjectResult(**f) for s, f in performance_subjects(SPEEDS).items()}
    verdict = get_claim("performance").judge(subjects)
    assert verdict.verdict == "inconclusive"  # quick mode: one model, too few for a verdict
    assert "mlp" in verdict.findings["train"]


# -- deployment ---------------------------------------------------------------------------------------------------
def test_deployment_share_of_applicable_targets(results):
    write_deployment(results, fails={("openvino", "keras-jax"): "fails", ("onnx", "keras-jax"): "unavailable",
                                     ("litert", "keras-torch"): "fails"})
    est = Advisor().fit(results)
    got = column(est, "deployment")
    # keras-tensorflow 5/5 and tensorflow-core 4/4 (no .keras file) reach all; torch 4/5; jax 3/5.
    assert got["keras-tensorflow"] == got["tensorflow-core"] == 1.0
    assert got["keras-torch"] == pytest.approx(0.8) and got["keras-jax"] == pytest.approx(0.6)
    assert "not onnx (unavailable), openvino (fails)" in est.evidence_["deployment"].values["keras-jax"].note


@pytest.mark.parametrize("target, answer, blocked", [
    ("litert", "mobile", "keras-torch"), ("onnx", "onnx", "keras-jax"), ("openvino", "openvino", "keras-jax"),
])
def test_deployment_targets_are_hard_constraints_met_only_where_they_work(results, target, answer, blocked):
    write_deployment(results, fails={(target, blocked): "fails", (target, "keras-tensorflow"): "unavailable"})
    rec = Advisor().fit(results).rank({"deploy_target": answer})
    assert rec.satisfied and rec.top_pick not in (blocked, "keras-tensorflow")
    failed = {r.option: r.failed_constraints for r in rec.ranking}
    assert failed[blocked][0]["reason"] == f"deployment: {target} fails for {blocked}: synthetic fails"
    assert "unavailable" in failed["keras-tensorflow"][0]["reason"]
    assert [r.option for r in rec.ranking][-2:] == sorted([blocked, "keras-tensorflow"],
                                                         key=[r.option for r in rec.ranking].index)


def test_a_deployment_result_in_another_layout_is_missing_evidence_not_a_pass(results):
    write_deployment(results)
    path = results / "deployment.json"
    path.write_text(path.read_text().replace('"matrix"', '"grid"'))
    est = Advisor().fit(results)
    assert "deployment_values could not read" in est.evidence_["deployment"].missing_reason
    failed = est.rank({"deploy_target": "mobile"}).ranking[0].failed_constraints
    assert "litert_check could not read claim deployment's result" in failed[0]["reason"]


def test_deployment_scenarios_are_decided_and_met(results):
    # The FINDINGS picture: LiteRT not from torch; ONNX not from JAX; OpenVINO not from JAX.
    write_deployment(results, fails={("litert", "keras-torch"): "fails", ("onnx", "keras-jax"): "fails",
                                     ("openvino", "keras-jax"): "fails", ("savedmodel", "keras-torch"): "fails"})
    rows = {r["name"]: r for r in evaluate(Advisor().fit(results), load_scenarios())["rows"]}
    for name in ("android-app", "onnx-runtime", "openvino-edge", "tensorflow-shop-serving"):
        assert rows[name]["decided"] and rows[name]["ok"] and rows[name]["satisfied"], rows[name]


# -- performance --------------------------------------------------------------------------------------------------
def test_performance_ratios_take_each_options_faster_setting(results):
    write_performance(results, SPEEDS)
    est = Advisor().fit(results)
    got = column(est, "performance")
    # Fastest: keras-jax and keras-tensorflow with XLA (1 s); tensorflow-core 2 s; keras-torch 4 s.
    assert got["keras-jax"] == got["keras-tensorflow"] == 1.0
    assert got["tensorflow-core"] == pytest.approx(0.5) and got["keras-torch"] == pytest.approx(0.25)
    note = est.evidence_["performance"].values["keras-tensorflow"].note
    assert "settings keras-tensorflow-xla" in note and "quick mode" in note


def test_performance_spread_feeds_the_confidence(tmp_path):
    results = tmp_path / "performance-only"  # no other evidence: performance alone decides
    write_performance(results, {**SPEEDS, "keras-jax": 1.02}, iqr=0.2)
    est = Advisor(n_draws=400).fit(results)
    spread = dict(zip(est.options_, est.criterion_spread_[:, est.criteria_.index("performance")], strict=True))
    assert spread["keras-jax"] > 0
    rel = 0.2 / 1.349  # IQR of samples (1-i, 1, 1+i) is i in relative terms; per cell, two cells averaged
    assert spread["keras-tensorflow"] == pytest.approx(rel * math.sqrt(2) / 2, rel=0.05)
    rec = est.rank({"priority": "speed", "goal": "research"})
    assert rec.top_pick == "keras-tensorflow" and 0.3 < rec.confidence < 0.95
    quiet = Advisor(noise_scale=0.0).fit(results).rank({"priority": "speed", "goal": "research"})
    assert quiet.confidence > rec.confidence


def test_an_option_without_timings_is_missing(results):
    write_performance(results, {k: v for k, v in SPEEDS.items() if k != "keras-torch"})
    est = Advisor().fit(results)
    assert math.isnan(column(est, "performance")["keras-torch"])
    assert "performance has no timings for keras-torch" in est.evidence_["performance"].values["keras-torch"].note
