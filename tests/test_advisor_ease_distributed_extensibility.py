"""Ease of use, distributed scale and extensibility from their claims' results, and their hard constraints."""

from __future__ import annotations

import pytest

from advisor.model import Advisor
from advisor.scenarios import evaluate, load_scenarios
from evidence.registry import get_claim
from evidence.results import SubjectResult
from tests.test_advisor_support import (
    column,
    distributed_subjects,
    ease_subjects,
    extensibility_subjects,
    write_claim,
)


def reasons(rec, constraint):
    return {r.option: next((f["reason"] for f in r.failed_constraints if f["constraint"] == constraint), None)
            for r in rec.ranking}


# -- the synthetic layouts against the claims' own readers --------------------------------------------------------
def test_synthetic_distributed_runs_work_where_the_claims_evaluation_says_so(results):
    from advisor.distributed import paths
    from advisor.result_files import read_result

    subjects = distributed_subjects()
    claim = get_claim("distributed_scaling")
    ok = {s: f["measurements"] for s, f in subjects.items()}
    theirs = claim.evaluate_paths(ok, claim.thresholds["loss_rel_tolerance"])
    write_claim(results, "distributed_scaling", subjects)
    result = read_result("distributed_scaling", results)
    ours = {name: p.works for option in subjects for name, p in paths(result, option).items()}
    assert ours == {name: entry["works"] for name, entry in theirs.items()}


def test_synthetic_extensibility_cells_fill_the_claims_matrix():
    subjects = {s: SubjectResult(**f) for s, f in extensibility_subjects().items()}
    matrix = get_claim("extensibility").matrix(subjects)
    assert matrix["cpp_op"]["tensorflow-core"]["status"] == "works"
    assert matrix["cpp_op"]["keras-jax"]["status"] == "fails"


# -- extensibility ------------------------------------------------------------------------------------------------
def test_extensibility_share_and_the_compiled_op_constraint(results):
    write_claim(results, "extensibility", extensibility_subjects())
    est = Advisor().fit(results)
    got = column(est, "extensibility")
    assert got["keras-tensorflow"] == got["tensorflow-core"] == 1.0
    assert got["keras-jax"] == got["keras-torch"] == pytest.approx(5 / 9)
    rec = est.rank({"custom_ops": "compiled_kernels"})
    assert rec.satisfied and rec.top_pick in ("keras-tensorflow", "tensorflow-core")
    why = reasons(rec, "custom_ops=compiled_kernels")
    assert why["keras-jax"] == ("extensibility: the compiled C++ op fails for keras-jax: "
                                "RuntimeError: cpp_op is TensorFlow-only")
    assert why["tensorflow-core"] is None


# -- distributed scale ----------------------------------------------------------------------------------------------
def test_distributed_scale_counts_devices_and_processes(results):
    write_claim(results, "distributed_scaling", distributed_subjects())
    est = Advisor().fit(results)
    got = column(est, "distributed_scale")
    assert got["tensorflow-core"] == got["keras-torch"] == 1.0  # several devices and several processes
    assert got["keras-tensorflow"] == got["keras-jax"] == 0.5  # several devices only
    note = est.evidence_["distributed_scale"].values["keras-tensorflow"].note
    assert "several processes: no" in note and "multiworker-fit: 2-device run failed" in note


def test_multi_node_is_met_only_by_a_working_multi_process_path(results):
    write_claim(results, "distributed_scaling", distributed_subjects())
    rec = Advisor().fit(results).rank({"scale": "multi_node"})
    assert rec.satisfied and rec.top_pick in ("tensorflow-core", "keras-torch")
    why = reasons(rec, "scale=multi_node")
    assert why["tensorflow-core"] is None and why["keras-torch"] is None
    assert "multiworker-fit: 2-device run failed (ValueError: PerReplica)" in why["keras-tensorflow"]
    assert "keras-jax has no multi-process path (measured: jax-dataparallel)" in why["keras-jax"]


def test_a_loss_that_drifts_is_not_correct(results):
    subjects = distributed_subjects(broken=())
    subjects["tensorflow-core"]["measurements"]["runs"]["multiworker-custom-2"]["final_loss"] = 0.9
    write_claim(results, "distributed_scaling", subjects)
    why = reasons(Advisor().fit(results).rank({"scale": "multi_node"}), "scale=multi_node")
    assert "away from one device's (tolerance 0.0001)" in why["tensorflow-core"]
    assert why["keras-tensorflow"] is None  # its multi-worker fit works in this synthetic run


# -- ease of use ------------------------------------------------------------------------------------------------
def test_ease_of_use_favours_less_code_and_counts_failed_tasks_as_zero(results):
    write_claim(results, "ease_of_use", ease_subjects(keras_lines=20, tf_lines=60, torch_fails=True))
    est = Advisor().fit(results)
    got = column(est, "ease_of_use")
    assert got["keras-tensorflow"] == got["keras-jax"] == 1.0
    assert got["keras-torch"] == pytest.approx(2 / 3)  # did not do one of three tasks
    assert got["tensorflow-core"] == pytest.approx(1 / 3, rel=0.05)  # three times the code, API names, concepts
    assert "did not do cnn" in est.evidence_["ease_of_use"].values["keras-torch"].note


def test_with_every_claim_the_hard_scenarios_are_decided_and_met(results):
    write_claim(results, "extensibility", extensibility_subjects())
    write_claim(results, "distributed_scaling", distributed_subjects())
    write_claim(results, "ease_of_use", ease_subjects())
    rows = {r["name"]: r for r in evaluate(Advisor().fit(results), load_scenarios())["rows"]}
    for name in ("compiled-kernels", "multi-node-training", "beginner-prototype", "defaults"):
        assert rows[name]["decided"] and rows[name]["ok"] and rows[name]["satisfied"], rows[name]
