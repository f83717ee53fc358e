"""Helpers shared by the advisor's tests: results folders made on the spot, never the project's own.

Nothing here writes into ``evidence/results/``: the community result is made by the real claim (instant, no
framework) into a temporary folder, and results of claims that need frameworks are synthetic
:class:`evidence.results.ResultFile` objects in the layout their claim writes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from evidence.registry import get_claim
from evidence.results import ClaimInfo, Provenance, ResultFile, SubjectResult, write_result
from tests.conftest import kvt

PROVENANCE = Provenance(
    date="2026-11-26T00:00:00+00:00", mode="quick", duration_s=0.0, repeats=1, warmup=0, git_commit=None,
    git_dirty=None, python="3.11", platform="test", cpu_model="test", cpu_count=1, gpu=None, packages={},
    environment={}, subjects_run=[],
)


def make_community(directory: Path) -> Path:
    """Run the real ``community`` claim into ``directory``; return the folder."""
    proc = kvt("evidence", "run", "community", "--results-dir", str(directory), timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (directory / "community.json").exists()
    return directory


def synthetic(claim_id: str, subjects: dict[str, dict[str, Any]], verdict: str = "inconclusive") -> ResultFile:
    """A valid result of ``claim_id`` with ``subjects`` (name -> SubjectResult fields).

    A registered claim gets its real description and code hash (so the result is not stale); any other id gets a
    made-up description, as a future claim's result would have.
    """
    try:
        claim = get_claim(claim_id)
        info, code_hash = ClaimInfo(**claim.describe()), claim.code_hash()
    except Exception:
        info = ClaimInfo(id=claim_id, title=claim_id, dimension="test", statement="test", sub_claims={},
                         subjects=list(subjects), programs=[], data_files=[], thresholds={})
        code_hash = "0" * 64
    return ResultFile(
        schema_version=1, claim=info, code_hash=code_hash, verdict=verdict, summary="synthetic", findings={},
        subjects={name: SubjectResult(**fields) for name, fields in subjects.items()}, provenance=PROVENANCE,
    )


def architecture_subjects(trains=("tensorflow", "jax", "torch"), unavailable=()) -> dict[str, dict[str, Any]]:
    """Subjects in the layout of ``evidence/claims/architecture.py``: which backends import, predict and train."""
    subjects: dict[str, dict[str, Any]] = {}
    for name in ("tensorflow", "jax", "torch", "numpy", "openvino", "theano", "cntk"):
        if name in unavailable:
            subjects[f"backend-{name}"] = {"status": "unavailable", "reason": f"{name} cannot be imported"}
            continue
        if name in ("theano", "cntk"):
            m = {"requested": name, "imports": False, "import_error": f"ValueError: Unable to import backend : {name}"}
        else:
            m = {"requested": name, "imports": True, "active_backend": name, "ops": True, "predicts": True,
                 "trains": name in trains}
        subjects[f"backend-{name}"] = {"status": "ok", "stages": {"measure": "ok"}, "measurements": m}
    subjects["tf-keras"] = {"status": "ok", "measurements": {"tf_keras_model_is_keras_model": True}}
    subjects["pypi-listing"] = {"status": "ok", "measurements": {"last_release": {}}}
    return subjects


def write_architecture(directory: Path, **kw) -> Path:
    """Write a synthetic ``architecture`` result into ``directory``."""
    return write_result(synthetic("architecture", architecture_subjects(**kw), verdict="outdated"), directory)


def copy_results(source: Path, target: Path) -> Path:
    """Copy every result file of ``source`` into ``target`` (created); return ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.json"):
        shutil.copy(path, target / path.name)
    return target


def edit_json(path: Path, edit) -> None:
    """Apply ``edit`` (a function changing a dict in place) to the JSON file at ``path``."""
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


TRAINING = {"keras-tensorflow": "tensorflow", "keras-jax": "jax", "keras-torch": "torch"}
INFERENCE = {"keras-numpy": "numpy", "keras-openvino": "openvino"}


def portability_subjects(accuracy=None, diff=1e-7, broken_loads=(), missing=()) -> dict[str, dict[str, Any]]:
    """Subjects in the layout of ``evidence/claims/backend_portability.py`` (stages train, load, limits).

    ``accuracy``: subject -> test accuracy (default 0.95 each); ``diff``: every cross-load's largest difference;
    ``broken_loads``: (saving subject, loading subject) pairs whose load raised; ``missing``: subjects that were
    ``unavailable``.
    """
    accuracy = {s: 0.95 for s in TRAINING} | dict(accuracy or {})
    subjects: dict[str, dict[str, Any]] = {}
    trained = [s for s in TRAINING if s not in missing]
    for subject, backend in {**TRAINING, **INFERENCE}.items():
        if subject in missing:
            subjects[subject] = {"status": "unavailable", "reason": f"{backend} cannot be imported"}
            continue
        sources = {}
        for src in trained:
            if (src, subject) in broken_loads:
                sources[TRAINING[src]] = {"status": "error", "error": {"type": "ValueError", "message": "bad file",
                                                                       "root": None}}
            else:
                sources[TRAINING[src]] = {"status": "loaded", "load_predict_s": 0.1, "max_abs_diff": diff,
                                          "class_agreement": 1.0, "classes_differing": 0, "precision": None}
        m: dict[str, Any] = {"load": {"backend": backend, "inputs": 360, "sources": sources}}
        stages = {"load": "ok"}
        if subject in TRAINING:
            m["train"] = {"backend": backend, "mode": "quick", "program": "digits_mlp.py", "epochs": 8,
                          "batch_size": 32, "test_accuracy": accuracy[subject], "final_loss": 0.2,
                          "loss_per_epoch": [0.2], "warmup_epochs": 1, "warmup_epoch_s": [1.0],
                          "epoch_time": {"median_s": 0.1, "iqr_s": 0.01, "min_s": 0.1, "max_s": 0.1, "repeats": 2,
                                         "samples_s": [0.1, 0.1]},
                          "train_s": 1.0, "saved": f"{backend}.keras", "saved_bytes": 1000, "inputs_identical": True}
            m["limits"] = {"backend": backend, "attempts": {
                "tf_op_layer.py": {"tf": {"works": backend == "tensorflow", "finite": True}, "ops": {"works": True}},
                "jax_train_step.py": {"jax": {"works": backend == "jax", "finite": True},
                                      "portable": {"works": True}},
            }}
            stages.update(train="ok", limits="ok")
        else:
            m["load"]["train_attempt"] = {"works": False, "error": {"type": "NotImplementedError", "message": "",
                                                                     "root": None}}
        subjects[subject] = {"status": "ok", "stages": stages, "measurements": m}
    return subjects


def write_portability(directory: Path, **kw) -> Path:
    """Write a synthetic ``backend_portability`` result into ``directory``."""
    return write_result(synthetic("backend_portability", portability_subjects(**kw), verdict="supported"), directory)


def deployment_cell(status: str = "works", reason: str | None = None, size: int = 100_000) -> dict[str, Any]:
    """One cell of the deployment claim's matrix, with the keys its ``build_cell`` writes."""
    if status != "works":
        return {"status": status, "stage": "export", "reason": reason or f"synthetic {status}", "route": None}
    return {"status": "works", "stage": None, "reason": None, "route": "export_keras", "steps": 3, "lines": 12,
            "export_steps": 1, "export_lines": 4, "api": ["model.export"], "extra_packages": [],
            "missing_packages": [], "artifact_bytes": size, "export_s": 1.0, "cold_start_s": 0.5,
            "cold_start_iqr_s": 0.01, "cold_start_repeats": 1, "import_s": 0.3, "load_s": 0.1,
            "first_answer_s": 0.01, "latency_ms": {"1": {"p50": 0.1, "p99": 0.2, "calls": 100},
                                                   "32": {"p50": 0.3, "p99": 0.4, "calls": 100}},
            "serving_distributions": 3, "max_abs_diff": 1e-7, "class_agreement": 1.0}


def deployment_matrix(fails: dict[tuple[str, str], str] | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """A target -> option matrix where every cell works except ``fails`` ((target, option) -> status)."""
    fails = fails or {}
    matrix = {}
    for target in ("keras", "savedmodel", "onnx", "litert", "openvino"):
        row = {}
        for option in ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core"):
            if (target, option) == ("keras", "tensorflow-core"):
                row[option] = {"status": "not applicable", "reason": "a tf.Module is not a Keras model"}
            elif (target, option) in fails:
                row[option] = deployment_cell(fails[(target, option)])
            else:
                row[option] = deployment_cell()
        matrix[target] = row
    return matrix


def write_deployment(directory: Path, fails=None) -> Path:
    """Write a synthetic ``deployment`` result whose findings hold the matrix."""
    result = synthetic("deployment", {o: {"status": "ok"} for o in
                                      ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core")},
                       verdict="partly supported")
    result.findings["matrix"] = deployment_matrix(fails)
    return write_result(result, directory)


def performance_subjects(speed: dict[str, float], iqr: float = 0.0) -> dict[str, dict[str, Any]]:
    """Performance subjects (``models.mlp.train/inference`` made by the claim's own ``phase_stats``).

    ``speed``: subject -> seconds per epoch (lower is faster); ``iqr``: the timed repeats' spread, relative.
    """
    from evidence.claims.performance import SUBJECTS, phase_stats

    out = {}
    for subject, seconds in speed.items():
        samples = [seconds * 3, seconds * (1 - iqr), seconds, seconds * (1 + iqr)]  # warm-up first
        phases = {phase: phase_stats(samples, warmup=1, samples=1024, batches=32, flops_per_sample=1000)
                  for phase in ("train", "inference")}
        framework = SUBJECTS[subject]["backend"] or "tensorflow"
        m = {"framework": framework, "program": SUBJECTS[subject]["program"],
             "jit_compile_requested": SUBJECTS[subject]["jit_compile"], "device": {"kind": "cpu", "name": "cpu"},
             "threads": 1, "mode": "quick", "batch_size": 32, "steps_per_epoch": 32,
             "roof": {"matmul_n": 256, "framework_gflops_before": 10.0, "framework_gflops_after": 10.0,
                      "numpy_gflops": 10.0},
             "models": {"mlp": {"flops_per_sample": {"train": 1000, "forward": 300}, "parameters": 100,
                                "jit_compile": False, "build_s": 0.1, "loss_first_epoch": 2.0,
                                "loss_last_epoch": 1.0, **phases}}}
        out[subject] = {"status": "ok", "stages": {"measure": "ok"}, "measurements": m}
    return out


def write_performance(directory: Path, speed: dict[str, float], iqr: float = 0.0) -> Path:
    """Write a synthetic ``performance`` result."""
    return write_result(synthetic("performance", performance_subjects(speed, iqr)), directory)


EXTENSIONS = ("layer_keras_ops", "layer_tf_ops", "loss", "metric", "train_step", "gradient_tape_loop",
              "custom_gradient_keras", "custom_gradient_tf", "cpp_op")
#: Which extensions fail where (the FINDINGS picture): TensorFlow-only code off the TensorFlow engine.
TF_ONLY = ("layer_tf_ops", "gradient_tape_loop", "custom_gradient_tf", "cpp_op")


def extensibility_subjects(fails: dict[str, tuple[str, ...]] | None = None) -> dict[str, dict[str, Any]]:
    """Subjects in the layout of ``evidence/claims/extensibility.py``: ``cells[<extension>]`` with a status."""
    fails = {"keras-jax": TF_ONLY, "keras-torch": TF_ONLY} if fails is None else fails
    out = {}
    for option in ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core"):
        cells = {}
        for ext in EXTENSIONS:
            broken = ext in fails.get(option, ())
            cells[ext] = {"status": "fails" if broken else "works", "seconds": 0.1, "lines": 5,
                          "kind": "tensorflow" if ext in TF_ONLY else "portable"}
            if broken:
                cells[ext]["error"] = f"RuntimeError: {ext} is TensorFlow-only"
        api = "tensorflow-core" if option == "tensorflow-core" else "keras"
        out[option] = {"status": "ok", "stages": {"measure": "ok"},
                       "measurements": {"api": api, "cells": cells, "details": {}}}
    return out


def distributed_subjects(broken: tuple[str, ...] = ("multiworker-fit",)) -> dict[str, dict[str, Any]]:
    """Subjects in the layout of ``evidence/claims/distributed_scaling.py`` (``single`` and ``runs``)."""
    plan = {  # option -> [(path, devices, processes)]
        "keras-tensorflow": [("mirrored-fit", 2, 1), ("multiworker-fit", 2, 2)],
        "tensorflow-core": [("mirrored-custom", 2, 1), ("multiworker-custom", 2, 2)],
        "keras-jax": [("jax-dataparallel", 2, 1)],
        "keras-torch": [("torch-keras-distribution", 2, 1), ("torch-ddp", 2, 2)],
    }
    broken = (*broken, "torch-keras-distribution")
    out = {}
    for option, runs in plan.items():
        entries = {}
        for path, devices, processes in runs:
            if path in broken:
                entries[f"{path}-{devices}"] = {"path": path, "devices": devices, "processes": processes,
                                                "status": "failed", "error": {"type": "ValueError",
                                                                              "message": "PerReplica", "issues": []}}
            else:
                entries[f"{path}-{devices}"] = {"path": path, "devices": devices, "processes": processes,
                                                "status": "ok", "final_loss": 0.50001, "samples_per_s": 900.0,
                                                "startup_s": 0.5, "launch_s": 1.0}
        m = {"steps": 4, "epochs": 2, "mode": "quick", "cpu_count": 2,
             "single": {"program": "dist_single_keras.py", "status": "ok", "final_loss": 0.5,
                        "samples_per_s": 1000.0, "startup_s": 0.4},
             "runs": entries, "lines": {path: {"added": 3} for path, _, _ in runs}}
        out[option] = {"status": "ok", "stages": {"measure": "ok"}, "measurements": m}
    return out


def ease_subjects(keras_lines: int = 20, tf_lines: int = 60, torch_fails: bool = False) -> dict[str, dict[str, Any]]:
    """Subjects in the layout of ``evidence/claims/ease_of_use.py`` (``runs`` per task, ``metrics`` per program)."""
    out = {}
    for option in ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core"):
        side = "tfcore" if option == "tensorflow-core" else "keras"
        lines = tf_lines if side == "tfcore" else keras_lines
        runs, metrics = {}, {}
        for task in ("mlp", "cnn", "early_stopping"):
            name = f"{task}_{side}.py"
            metrics[name] = {"file": f"evidence/programs/{name}", "logical_lines": lines,
                             "api_name_count": lines // 2, "concept_count": lines // 5}
            ran = not (torch_fails and option == "keras-torch" and task == "cnn")
            runs[task] = ({"program": f"evidence/programs/{name}", "status": "ran", "accuracy": 0.93} if ran
                          else {"program": f"evidence/programs/{name}", "status": "error", "error": "boom"})
        out[option] = {"status": "ok", "stages": {"measure": "ok"},
                       "measurements": {"api": side, "mode": "quick", "runs": runs, "metrics": metrics}}
    return out


def write_claim(directory: Path, claim_id: str, subjects: dict[str, dict[str, Any]]) -> Path:
    """Write a synthetic result of ``claim_id`` with ``subjects``."""
    return write_result(synthetic(claim_id, subjects), directory)


def column(est, criterion: str) -> dict[str, float]:
    """One criterion's score per option, from a fitted advisor."""
    j = est.criteria_.index(criterion)
    return dict(zip(est.options_, est.criterion_scores_[:, j], strict=True))
