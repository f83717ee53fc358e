"""extensibility: attempts become cells, a missing compiler is ``unavailable``, the judge, and the real quick run.

The first part needs no framework (the attempt wrapper, the build without a compiler, the judge on synthetic
results); the last part reads the shared quick-mode run of every claim (the ``quick_results`` fixture).
"""

from __future__ import annotations

import json

import pytest

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR
from evidence.claims import extensibility as ext
from evidence.claims.extensibility import CLAIM, EXTENSIONS, STEP_MODELS, attempt
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

OPTIONS = ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core")
STATUSES = {"works", "fails", "unavailable"}


# -- attempts and the build --------------------------------------------------------------------------------------
def test_attempt_turns_outcomes_into_cells():
    cell, details = attempt(lambda: {"loss": 0.1, "checks": {"trained": True, "finite": True}}, "x.py")
    assert cell["status"] == "works" and cell["error"] is None and details["check_trained"] is True

    cell, _ = attempt(lambda: {"checks": {"trained": False, "finite": True}}, "x.py")
    assert cell["status"] == "fails" and "trained" in cell["error"] and "no gradient" in cell["error"]

    def raises():
        raise ValueError("Exception encountered when calling L.call().\n\nbad shape\n")

    cell, _ = attempt(raises, "test_extensibility.py")
    assert cell["status"] == "fails" and cell["error"] == "ValueError: bad shape"
    assert cell["error_at"].startswith("test_extensibility.py:")

    def missing():
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    assert attempt(missing, "x.py")[0]["status"] == "unavailable"
    assert attempt(lambda: {"no": "checks"}, "x.py")[0]["status"] == "fails"


def test_no_compiler_makes_the_op_unavailable_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setattr(ext.shutil, "which", lambda name: None)
    info = CLAIM._build(tmp_path)
    assert info["status"] == "unavailable" and "g++ not found" in info["reason"]
    assert json.loads((tmp_path / ext.BUILD_RECORD).read_text())["status"] == "unavailable"
    library, cell = CLAIM._library(tmp_path)
    assert library is None and cell["status"] == "unavailable" and "g++" in cell["error"]


def test_a_failed_or_missing_build_is_recorded(tmp_path):
    library, cell = CLAIM._library(tmp_path)
    assert library is None and cell["status"] == "unavailable" and "not built" in cell["error"]
    (tmp_path / ext.BUILD_RECORD).write_text(json.dumps({"status": "failed", "reason": "compilation failed: x"}))
    library, cell = CLAIM._library(tmp_path)
    assert cell["status"] == "fails" and cell["error"] == "compilation failed: x"


def test_every_extension_names_real_code_and_counts_its_lines():
    for ext_id, extension in EXTENSIONS.items():
        symbols = [s.format(step_model=m) for s in extension.keras_symbols for m in STEP_MODELS.values()]
        for symbol in set(symbols):
            code_metrics.symbol_source(PROGRAMS_DIR / ext.KERAS_PROGRAM, symbol)
        for symbol in extension.tfcore_symbols:
            code_metrics.symbol_source(PROGRAMS_DIR / ext.TFCORE_PROGRAM, symbol)
        lines = ext.extension_lines(ext.TFCORE_PROGRAM, extension.tfcore_symbols, cpp=ext_id == "cpp_op")
        assert lines["lines"] > 0
    cpp = ext.extension_lines(ext.KERAS_PROGRAM, EXTENSIONS["cpp_op"].keras_symbols, cpp=True)
    assert cpp["cpp_lines"] == code_metrics.cpp_logical_lines((PROGRAMS_DIR / ext.CPP_SOURCE).read_text())
    assert cpp["lines"] == cpp["cpp_lines"] + cpp["python_lines"]
    assert code_metrics.cpp_logical_lines('int a; // c\n/* x\n y */\n"//";\n\n') == 2
    assert ext.CPP_SOURCE in CLAIM.programs and not list(PROGRAMS_DIR.glob("*.so"))  # no binary committed


# -- the judge on synthetic results ------------------------------------------------------------------------------
KERAS_FAILS_AWAY_FROM_TF = {"layer_tf_ops", "gradient_tape_loop", "custom_gradient_tf", "cpp_op"}


def synthetic(*, keras_ok_rows=None, drop=()):
    """Cells as the workers record them: every extension works on TF core and keras-tensorflow, the Keras-API
    ones (or ``keras_ok_rows``) work everywhere, the TensorFlow-calling ones fail on jax and torch."""
    results = {}
    for subject in OPTIONS:
        if subject in drop:
            results[subject] = SubjectResult(status="unavailable", reason="jax cannot be imported (hidden)")
            continue
        cells = {}
        for ext_id in EXTENSIONS:
            portable = ext_id not in KERAS_FAILS_AWAY_FROM_TF
            ok = (subject in ("tensorflow-core", "keras-tensorflow")
                  or (portable and (keras_ok_rows is None or ext_id in keras_ok_rows)))
            cells[ext_id] = {"status": "works" if ok else "fails", "error": None if ok else "TypeError: no",
                             "lines": 5}
        m = {"cells": cells}
        if subject == "tensorflow-core":
            m["cpp_build"] = {"status": "built", "seconds": 9.0, "cpp_lines": 24, "compiler": "g++ 12"}
        else:
            backend = subject.removeprefix("keras-")
            m["train_step_versions"] = {v: {"status": "works" if v == backend else "fails"} for v in STEP_MODELS}
        results[subject] = SubjectResult(status="ok", measurements=m)
    return results


def test_judge_partly_supported_when_only_tensorflow_calling_code_is_tied_to_tensorflow():
    verdict = CLAIM.judge(synthetic())
    assert verdict.verdict == "partly supported"
    assert "not limited" in verdict.summary and "cpp_op failed on jax/torch" in verdict.summary
    assert set(CLAIM.sub_claims) <= set(verdict.findings)
    assert "5 of 5" in verdict.findings["keras_not_limited"]
    assert "the jax version on jax" in verdict.findings["training_steps"]


def test_judge_supported_when_keras_own_extensions_fail():
    verdict = CLAIM.judge(synthetic(keras_ok_rows={"layer_keras_ops", "loss", "train_step"}))
    assert verdict.verdict == "supported"
    assert "only 3 of 5" in verdict.summary


def test_judge_refuted_when_keras_runs_everything():
    results = synthetic()
    for subject in ("keras-jax", "keras-torch"):
        for cell in results[subject].measurements["cells"].values():
            cell["status"] = "works"
    assert CLAIM.judge(results).verdict == "refuted"


def test_matrix_fills_every_cell_and_the_judge_names_missing_subjects():
    results = synthetic(drop=("keras-jax",))
    grid = CLAIM.matrix(results)
    assert set(grid) == set(EXTENSIONS)
    assert all(set(row) == set(OPTIONS) for row in grid.values())
    assert {row["keras-jax"]["status"] for row in grid.values()} == {"unavailable"}
    verdict = CLAIM.judge(results)
    assert "keras-jax" in verdict.summary and "keras-jax" in verdict.findings["not_measured"]
    verdict = CLAIM.judge(synthetic(drop=("tensorflow-core",)))
    assert verdict.verdict == "inconclusive" and "tensorflow-core" in verdict.summary


# -- the real quick run ------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_fills_the_matrix(quick_results):
    res = load_result("extensibility", quick_results)
    assert res is not None
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(OPTIONS, "ok")
    cells = {s: r.measurements["cells"] for s, r in res.subjects.items()}
    for ext_id in EXTENSIONS:
        for option in OPTIONS:
            cell = cells[option][ext_id]
            assert cell["status"] in STATUSES, (ext_id, option)
            assert cell["lines"] > 0 and cell["implementation"]
            if cell["status"] != "works":
                assert cell["error"], (ext_id, option)
    build = res.subjects["tensorflow-core"].measurements["cpp_build"]
    assert build["status"] in {"built", "unavailable"}
    assert build["sha256"] == code_metrics.file_sha256(PROGRAMS_DIR / ext.CPP_SOURCE)
    # Keras's own API ports; TensorFlow core and Keras on TensorFlow run everything the machine can build.
    for ext_id in ("layer_keras_ops", "loss", "metric", "train_step", "custom_gradient_keras"):
        assert all(cells[o][ext_id]["status"] == "works" for o in OPTIONS), ext_id
    for option in ("tensorflow-core", "keras-tensorflow"):
        for ext_id in EXTENSIONS:
            expected = "unavailable" if ext_id == "cpp_op" and build["status"] == "unavailable" else "works"
            assert cells[option][ext_id]["status"] == expected, (option, ext_id)
    # Code that calls TensorFlow itself does not run on the other backends, silently or not.
    for option in ("keras-jax", "keras-torch"):
        for ext_id in ("layer_tf_ops", "gradient_tape_loop", "custom_gradient_tf"):
            assert cells[option][ext_id]["status"] == "fails", (option, ext_id)
        if build["status"] == "built":
            assert cells[option]["cpp_op"]["status"] == "fails"
    # Each backend's train_step works on its own backend only.
    for option in ("keras-tensorflow", "keras-jax", "keras-torch"):
        versions = res.subjects[option].measurements["train_step_versions"]
        assert {v for v, c in versions.items() if c["status"] == "works"} == {option.removeprefix("keras-")}
    assert res.verdict == "partly supported"
    assert res.code_hash == CLAIM.code_hash()
