"""The backend_portability claim: its verdict rules on synthetic results, and a real quick run on every backend."""

from __future__ import annotations

import copy

import pytest

from evidence.claims.backend_portability import BACKENDS, CLAIM, INFERENCE_ONLY, TRAINING
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks


# -- synthetic results ------------------------------------------------------------------------------------------
def _train(acc: float, mode: str = "full") -> dict:
    return {
        "backend": "?", "mode": mode, "program": "digits_mlp.py", "epochs": 20, "batch_size": 32,
        "train_samples": 1437, "test_samples": 360, "test_accuracy": acc, "final_loss": 0.1,
        "loss_per_epoch": [0.1], "warmup_epochs": 1, "warmup_epoch_s": [0.8],
        "epoch_time": {"median_s": 0.05, "iqr_s": 0.01, "min_s": 0.04, "max_s": 0.06, "repeats": 19,
                       "samples_s": [0.05] * 19},
        "train_s": 2.0, "saved": "x.keras", "saved_bytes": 1000, "inputs_identical": True,
    }


def _load(loader: str, sources: tuple[str, ...], diff: float = 3e-7) -> dict:
    entries = {}
    for src in sources:
        entry = {"status": "loaded", "load_predict_s": 0.1, "max_abs_diff": 0.0 if src == loader else diff,
                 "class_agreement": 1.0, "classes_differing": 0, "precision": None}
        if loader == "openvino":
            entry.update(max_abs_diff=5e-3, precision="bf16",
                         f32_hint={"max_abs_diff": diff, "class_agreement": 1.0, "classes_differing": 0,
                                   "precision": "f32"})
        entries[src] = entry
    out = {"backend": loader, "inputs": 360, "sources": entries}
    if loader in ("numpy", "openvino"):
        out["train_attempt"] = {"works": False, "error": {"type": "NotImplementedError", "message": "no fit",
                                                          "root": None}}
    return out


def _limits(backend: str) -> dict:
    def attempt(works: bool) -> dict:
        if works:
            return {"works": True, "loss": 1.0, "finite": True, "seconds": 0.1}
        return {"works": False, "error": {"type": "TypeError", "message": "nope", "root": None}, "seconds": 0.1}

    return {"backend": backend, "attempts": {
        "tf_op_layer.py": {"tf": attempt(backend == "tensorflow"), "ops": attempt(True)},
        "jax_train_step.py": {"jax": attempt(backend == "jax"), "portable": attempt(True)},
    }}


def synthetic(accs: dict[str, float] | None = None, mode: str = "full", diff: float = 3e-7) -> dict:
    """A complete, agreeing set of results for all five subjects; ``accs`` maps training backends to accuracies."""
    accs = accs or {"tensorflow": 0.96, "jax": 0.965, "torch": 0.958}
    trained = tuple(accs)
    results = {}
    for subject in TRAINING + INFERENCE_ONLY:
        backend = BACKENDS[subject]
        measurements = {"load": _load(backend, trained, diff)}
        stages = {"load": "ok"}
        if subject in TRAINING:
            measurements["train"] = {**_train(accs[backend], mode), "backend": backend}
            measurements["limits"] = _limits(backend)
            stages = {"train": "ok", "load": "ok", "limits": "ok"}
        results[subject] = SubjectResult(status="ok", stages=stages, measurements=measurements)
    return results


def unavailable(results: dict, subject: str) -> dict:
    """``results`` with ``subject`` unavailable and every file it would have saved missing for the loaders."""
    results = copy.deepcopy(results)
    results[subject] = SubjectResult(status="unavailable", reason=f"{subject.split('-')[1]} cannot be imported",
                                     stages={"train": "unavailable"})
    gone = BACKENDS[subject]
    for res in results.values():
        sources = res.measurements.get("load", {}).get("sources", {})
        if gone in sources:
            sources[gone] = {"status": "missing", "reason": "no file"}
    return results


# -- judge ------------------------------------------------------------------------------------------------------
def test_all_agreeing_is_supported_with_limits_named():
    verdict = CLAIM.judge(synthetic())
    assert verdict.verdict == "supported"
    assert "12 of 12 cross-backend loads" in verdict.summary
    assert "tf.math.cumsum ran only on tensorflow" in verdict.summary
    assert "train_step ran only on jax" in verdict.summary
    assert set(verdict.findings) == {"a", "b", "c"}


def test_accuracy_out_of_tolerance_changes_the_verdict():
    full_tol = CLAIM.thresholds["accuracy_tolerance_full"]
    accs = {"tensorflow": 0.96, "jax": 0.96 - 1.5 * full_tol, "torch": 0.958}
    verdict = CLAIM.judge(synthetic(accs))
    assert verdict.verdict == "partly supported"  # (b) still holds
    assert "beyond the full-mode tolerance" in verdict.summary
    assert "does not hold" in verdict.findings["a"]
    # The same spread is within the looser quick-mode tolerance, which is declared and named.
    assert 1.5 * full_tol < CLAIM.thresholds["accuracy_tolerance_quick"]
    quick = CLAIM.judge(synthetic(accs, mode="quick"))
    assert quick.verdict == "supported"
    assert "quick-mode tolerance" in quick.summary


def test_accuracy_below_the_floor_is_not_agreement():
    verdict = CLAIM.judge(synthetic({"tensorflow": 0.3, "jax": 0.3, "torch": 0.3}))
    assert verdict.verdict == "partly supported"
    assert "below the" in verdict.summary


def test_predictions_beyond_tolerance_and_accuracy_beyond_tolerance_refute():
    accs = {"tensorflow": 0.96, "jax": 0.80, "torch": 0.958}
    verdict = CLAIM.judge(synthetic(accs, diff=1e-2))
    assert verdict.verdict == "refuted"
    assert "Not equal" in verdict.findings["b"]


def test_unavailable_subject_is_named_and_the_rest_decides():
    results = unavailable(synthetic(), "keras-torch")
    verdict = CLAIM.judge(results)
    assert verdict.verdict == "supported"  # two training backends still agree
    assert "keras-torch (unavailable: torch cannot be imported)" in verdict.summary
    assert "keras-torch" in verdict.findings["missing"]
    # Loaders tensorflow and jax each load the other's file; numpy and openvino load both: 6 cross-loads.
    assert "6 of 6 cross-backend loads" in verdict.summary
    assert "No file from torch" in verdict.findings["b"]


def test_unavailable_inference_backend_is_named():
    results = synthetic()
    results["keras-openvino"] = SubjectResult(status="unavailable", reason="openvino cannot be imported",
                                              stages={"load": "unavailable"})
    verdict = CLAIM.judge(results)
    assert verdict.verdict == "supported"
    assert "keras-openvino (unavailable" in verdict.summary
    assert "9 of 9 cross-backend loads" in verdict.summary


def test_fewer_than_two_trainers_is_inconclusive():
    results = unavailable(unavailable(synthetic(), "keras-torch"), "keras-jax")
    verdict = CLAIM.judge(results)
    assert verdict.verdict == "inconclusive"
    assert "keras-jax" in verdict.summary and "keras-torch" in verdict.summary


def test_runner_hooks():
    assert CLAIM.stage_subjects("train") == TRAINING
    assert CLAIM.stage_subjects("limits") == TRAINING
    assert CLAIM.stage_subjects("load") == TRAINING + INFERENCE_ONLY
    assert [CLAIM.keras_backend(s) for s in CLAIM.subjects] == ["tensorflow", "jax", "torch", "numpy", "openvino"]
    assert CLAIM.requirements("keras-numpy") == ("keras",)
    assert CLAIM.requirements("keras-openvino") == ("keras", "openvino")
    assert {p.name for p in CLAIM.code_files()} >= {"digits_mlp.py", "tf_op_layer.py", "jax_train_step.py"}


# -- a real run -------------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_on_every_backend(quick_results):
    res = load_result("backend_portability", quick_results)
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(CLAIM.subjects, "ok"), res.subjects
    m = {BACKENDS[s]: r.measurements for s, r in res.subjects.items()}
    tol = CLAIM.thresholds["prediction_tolerance"]
    for backend in ("tensorflow", "jax", "torch"):
        train = m[backend]["train"]
        assert train["backend"] == backend and train["mode"] == "quick"
        assert train["test_accuracy"] > 0.8
        assert train["epoch_time"]["repeats"] == train["epochs"] - train["warmup_epochs"] >= 2
    for loader in ("tensorflow", "jax", "torch", "numpy", "openvino"):
        sources = m[loader]["load"]["sources"]
        assert set(sources) == {"tensorflow", "jax", "torch"}
        for src, entry in sources.items():
            assert entry["status"] == "loaded", (src, loader, entry)
            # OpenVINO's default CPU precision may be bf16: the file's portability shows at the f32 hint.
            diff = entry["f32_hint"]["max_abs_diff"] if loader == "openvino" else entry["max_abs_diff"]
            assert diff < tol, (src, loader, diff)
    for backend in ("numpy", "openvino"):
        assert m[backend]["load"]["train_attempt"]["works"] is False
        assert m[backend]["load"]["train_attempt"]["error"]["type"] == "NotImplementedError"
    tf_layer = {b: m[b]["limits"]["attempts"]["tf_op_layer.py"] for b in ("tensorflow", "jax", "torch")}
    assert tf_layer["tensorflow"]["tf"]["works"] is True
    assert tf_layer["jax"]["tf"]["works"] is False and tf_layer["torch"]["tf"]["works"] is False
    assert tf_layer["jax"]["tf"]["error"]["message"] and tf_layer["torch"]["tf"]["error"]["type"]
    assert all(t["ops"]["works"] for t in tf_layer.values())
    step = {b: m[b]["limits"]["attempts"]["jax_train_step.py"] for b in ("tensorflow", "jax", "torch")}
    assert step["jax"]["jax"]["works"] is True
    assert step["tensorflow"]["jax"]["works"] is False and step["torch"]["jax"]["works"] is False
    assert all(s["portable"]["works"] for s in step.values())
    assert res.verdict == "supported"
    assert res.provenance.mode == "quick"
