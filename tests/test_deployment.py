"""The ``deployment`` claim: code metrics, corrupted artifacts, the serving process, the verdict, a real run.

The unit tests need no framework (the serving-process tests use plain-NumPy programs written to a temp
folder; one uses onnxruntime when it is installed). The last group reads the quick run that every claim makes
once per test session (``quick_results``).
"""

from __future__ import annotations

import importlib.util
import json
import textwrap

import numpy as np
import pytest

from evidence.claim import VERDICTS
from evidence.claims import deployment as dep
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

CELL_STATUSES = {"works", "fails", "unavailable", "not applicable", "not run"}


# -- code metrics ---------------------------------------------------------------------------------------
def test_route_metrics_counts_logical_lines_and_library_calls(tmp_path):
    program = tmp_path / "prog.py"
    program.write_text(textwrap.dedent('''
        """A program."""
        import json
        import os.path
        from pathlib import Path

        import numpy as np


        def export(model, path):
            """Docstrings, comments and blank lines are not code."""
            # a comment
            data = json.dumps(
                {"a": 1},  # one statement over three lines is one logical line
            )

            Path(path).write_text(data)
            return _helper(len(data))


        def _helper(n):
            return np.zeros(n)


        def unused():
            return os.path.join("a", "b")
    '''))
    m = dep.route_metrics(program, ["export"])
    assert m["functions"] == ["export", "_helper"]  # the helper it calls is counted with it
    # As evidence.code_metrics counts for ease_of_use: def export, data = ..., Path().write_text, return,
    # def _helper, return np.zeros; the file's top-level imports are not counted.
    assert m["lines"] == 6
    # json.dumps, Path, Path().write_text, np.zeros; len() is a builtin and _helper a function of the program
    assert m["steps"] == 4
    assert m["api"] == ["Path", "Path().write_text", "json.dumps", "np.zeros"]
    assert m["framework_api"] == []  # json, pathlib and numpy are not frameworks
    with pytest.raises(ValueError, match="Expected functions"):
        dep.route_metrics(program, ["nope"])


def test_route_metrics_of_the_deployment_programs():
    # Every Keras export is one call; TensorFlow core's LiteRT route needs a converter and a file write.
    for target, program in dep.PROGRAMS.items():
        m = dep.route_metrics(program, ["export_keras"])
        assert (m["lines"], m["steps"]) == (2, 1), (target, m)  # the def line and the call
        serve = dep.route_metrics(program, ["load", "predict"])
        assert serve["steps"] >= 2 and serve["lines"] >= 4
    litert_core = dep.route_metrics("deploy_litert.py", ["export_tf_core"])
    assert "tensorflow.lite.TFLiteConverter.from_concrete_functions" in litert_core["framework_api"]
    assert litert_core["lines"] > 2 and litert_core["steps"] > 1
    onnx_serve = dep.route_metrics("deploy_onnx.py", ["load", "predict"])
    assert "onnxruntime.InferenceSession" in onnx_serve["framework_api"]
    for (target, option), functions in dep.ROUTES.items():
        for function in functions:  # every declared route exists in its program
            dep.route_metrics(dep.PROGRAMS[target], [function, "load", "predict"])
        assert (target, option) not in dep.NOT_APPLICABLE
    assert set(dep.ROUTES) | set(dep.NOT_APPLICABLE) == {(t, o) for t in dep.TARGETS for o in dep.OPTIONS}


def test_percentiles_match_numpy():
    samples = list(np.random.default_rng(0).exponential(1e-3, size=257))
    p = dep.percentiles(samples)
    for q in (50, 90, 99):
        assert p[f"p{q}_ms"] == pytest.approx(np.percentile(samples, q) * 1e3)
    assert p["calls"] == 257 and p["min_ms"] <= p["p50_ms"] <= p["p99_ms"] <= p["max_ms"]


# -- corrupted artifacts --------------------------------------------------------------------------------
def test_truncate_and_garble(tmp_path):
    f = tmp_path / "model.bin"
    f.write_bytes(bytes(range(256)) * 8)
    assert dep.truncate_file(f) == {"file": "model.bin", "bytes_before": 2048, "bytes_after": 1024}
    assert f.read_bytes() == (bytes(range(256)) * 4)
    info = dep.garble_file(f)
    assert info["offset"] == 512 and info["bytes_inverted"] == 256
    data = f.read_bytes()
    assert len(data) == 1024 and data[:512] == bytes(range(256)) * 2
    assert data[512:768] == bytes(255 - b for b in range(256))


def test_corrupt_copy_leaves_the_original_alone(tmp_path):
    original = tmp_path / "savedmodel"
    (original / "saved_model" / "variables").mkdir(parents=True)
    (original / "saved_model" / "saved_model.pb").write_bytes(b"g" * 100)
    (original / "saved_model" / "variables" / "variables.data-00000-of-00001").write_bytes(b"w" * 600)
    damaged = dep.corrupt_copy(original, tmp_path / "cut", "savedmodel", "truncated")
    assert damaged["file"] == "saved_model.pb"
    assert (tmp_path / "cut" / "saved_model" / "saved_model.pb").stat().st_size == 50
    garbled = dep.corrupt_copy(original, tmp_path / "bad", "savedmodel", "garbled")
    assert garbled["file"] == "variables.data-00000-of-00001" and garbled["bytes_inverted"] == 256
    assert dep.folder_files(original) == {"saved_model/saved_model.pb": 100,
                                          "saved_model/variables/variables.data-00000-of-00001": 600}
    # A renamed weights shard: the largest file is damaged instead.
    other = tmp_path / "openvino"
    other.mkdir()
    (other / "model.xml").write_bytes(b"x" * 10)
    (other / "weights.bin").write_bytes(b"w" * 1000)
    assert dep.corrupt_copy(other, tmp_path / "ov", "openvino", "garbled")["file"] == "weights.bin"
    with pytest.raises(ValueError, match="truncated' or 'garbled"):
        dep.corrupt_copy(other, tmp_path / "x", "openvino", "shuffled")


def test_error_record_keeps_the_informative_lines():
    exc = RuntimeError("Check 'false' failed at src/frontends/x.cpp:151:\nFrontEnd API failed with "
                       "OpConversionFailure:\nModel wasn't fully converted.\nSummary:\n-- No conversion rule "
                       "found for operations: XlaCallModule\n\n")
    rec = dep.error_record(exc)
    assert rec["type"] == "RuntimeError"
    assert rec["message"].startswith("FrontEnd API failed with OpConversionFailure:")
    assert "XlaCallModule" in rec["message"]
    try:
        try:
            raise ModuleNotFoundError("No module named 'litert_torch'", name="litert_torch")
        except ImportError:
            raise ImportError("you must install the `litert-torch` package") from None
    except ImportError as wrapped:
        rec = dep.error_record(wrapped)
    assert rec["missing_module"] == "litert_torch"
    assert rec["root"] == "ModuleNotFoundError: No module named 'litert_torch'"


# -- the serving process ---------------------------------------------------------------------------------
NUMPY_PROGRAM = '''
import numpy as np

def load(path):
    return np.load(path)

def predict(weights, x):
    z = x @ weights
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
'''


@pytest.fixture
def numpy_artifact(tmp_path):
    """A plain-NumPy 'runtime' program, its artifact (a weights .npy), inputs and reference outputs."""
    program = tmp_path / "deploy_numpy.py"
    program.write_text(NUMPY_PROGRAM)
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(64, 10)).astype("float32")
    folder = tmp_path / "artifact"
    folder.mkdir()
    np.save(folder / "model.npy", weights)
    x = rng.random((70, 64), dtype=np.float32)
    np.save(tmp_path / "inputs.npy", x)
    spec = importlib.util.spec_from_file_location("numpy_program", program)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {"program": program, "folder": folder, "inputs": tmp_path / "inputs.npy",
            "reference": module.predict(weights, x), "runs": tmp_path}


def test_serving_process_times_cold_start_latency_and_answers(numpy_artifact):
    a = numpy_artifact
    res = dep.run_serving_process(a["program"], a["folder"] / "model.npy", a["inputs"], a["runs"], "clean",
                                  predictions=True, latency_calls=30, latency_warmup=3)
    assert res["ok"], res
    assert res["cold_start_s"] == pytest.approx(res["import_s"] + res["load_s"] + res["first_answer_s"])
    assert res["first_answer_shape"] == [1, 10]
    assert set(res["latency"]) == {"1", "32"} and res["latency"]["32"]["calls"] == 30
    assert res["latency"]["1"]["p50_ms"] <= res["latency"]["1"]["p99_ms"]
    assert dep.compare(np.load(res["predictions_file"]), a["reference"])["max_abs_diff"] < 1e-6
    assert res["imported"] == []  # numpy was imported before the clock started; nothing else was


def test_corrupted_artifacts_are_recorded_not_raised(numpy_artifact):
    a = numpy_artifact
    outcomes = {}
    for kind in ("truncated", "garbled"):
        damage = dep.corrupt_copy(a["folder"], a["runs"] / kind, "onnx", kind)  # no model.onnx: largest file
        res = dep.run_serving_process(a["program"], a["runs"] / kind / "model.npy", a["inputs"], a["runs"], kind,
                                      predictions=True)
        outcomes[kind] = dep.classify_corruption(res, damage, a["reference"], 1e-4, "onnx", None)
    cut = outcomes["truncated"]
    assert cut["outcome"] == "rejected" and cut["phase"] == "load"
    assert "ValueError" in cut["reason"]
    assert str(a["runs"]) not in cut["reason"]  # the loader saw a relative path: no temp folder names
    garbled = outcomes["garbled"]
    assert garbled["outcome"] == "answered" and garbled["silent_corruption"] is True
    assert "silent corruption" in garbled["reason"]


def test_a_loader_that_crashes_is_a_recorded_failure(tmp_path, numpy_artifact):
    program = tmp_path / "deploy_crash.py"
    program.write_text("import os\n\ndef load(path):\n    os.abort()\n\ndef predict(m, x):\n    return x\n")
    res = dep.run_serving_process(program, numpy_artifact["folder"] / "model.npy", numpy_artifact["inputs"],
                                  tmp_path, "crash")
    assert res["ok"] is False and res["phase"] == "process"
    assert "killed by signal 6 (SIGABRT)" in res["error"]["message"]
    checked = dep.classify_corruption(res, {"file": "model.npy"}, numpy_artifact["reference"], 1e-4, "onnx", None)
    assert checked["outcome"] == "crashed"


def test_a_missing_runtime_is_reported_at_import(tmp_path, numpy_artifact):
    program = tmp_path / "deploy_missing.py"
    program.write_text("import kvt_no_such_runtime\n\ndef load(p):\n    pass\n\ndef predict(m, x):\n    pass\n")
    res = dep.run_serving_process(program, numpy_artifact["folder"] / "model.npy", numpy_artifact["inputs"],
                                  tmp_path, "missing")
    assert res["ok"] is False and res["phase"] == "import"
    assert res["error"]["missing_module"] == "kvt_no_such_runtime"


@pytest.mark.skipif(importlib.util.find_spec("onnx") is None or importlib.util.find_spec("onnxruntime") is None,
                    reason="needs onnx and onnxruntime")
def test_real_onnx_runtime_rejects_a_truncated_model_and_answers_a_garbled_one(tmp_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(1)
    weights = rng.normal(size=(64, 10)).astype("float32")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["z"]), helper.make_node("Softmax", ["z"], ["y"], axis=-1)],
        "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])],
        initializer=[numpy_helper.from_array(weights, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    folder = tmp_path / "onnx"
    folder.mkdir()
    onnx.save(model, folder / "model.onnx")
    x = rng.random((40, 64), dtype=np.float32)
    np.save(tmp_path / "inputs.npy", x)
    z = x @ weights
    reference = np.exp(z - z.max(-1, keepdims=True))
    reference /= reference.sum(-1, keepdims=True)

    clean = dep.run_serving_process("deploy_onnx.py", folder / "model.onnx", tmp_path / "inputs.npy", tmp_path,
                                    "clean", predictions=True)
    assert clean["ok"], clean
    assert dep.compare(np.load(clean["predictions_file"]), reference)["max_abs_diff"] < 1e-5
    assert clean["imported"] == ["onnxruntime"]
    checks = {}
    for kind in ("truncated", "garbled"):
        damage = dep.corrupt_copy(folder, tmp_path / kind, "onnx", kind)
        res = dep.run_serving_process("deploy_onnx.py", tmp_path / kind / "model.onnx", tmp_path / "inputs.npy",
                                      tmp_path, kind, predictions=True)
        checks[kind] = dep.classify_corruption(res, damage, reference, 1e-4, "onnx", None)
    assert checks["truncated"]["outcome"] == "rejected"
    assert "INVALID_PROTOBUF" in checks["truncated"]["reason"]
    assert str(tmp_path) not in checks["truncated"]["reason"]
    # The weights are the middle of the file: inverting them leaves a valid model with wrong answers.
    assert checks["garbled"]["outcome"] == "answered" and checks["garbled"]["silent_corruption"]


# -- the verdict, on synthetic results ---------------------------------------------------------------------
def _exported(target, option, lines, steps, size, function="export_keras"):
    return {"status": "exported", "function": function, "attempts": [{"function": function, "ok": True}],
            "export_s": 0.5, "artifact": f"{target}/x", "artifact_bytes": size,
            "code": {"export": {"lines": 1, "steps": 1}, "serve": {"lines": 2, "steps": 2},
                     "total": {"lines": lines, "steps": steps, "api": []}},
            "packages": {"export": [], "serve": [], "extra": [], "versions": {}}}


def _served(diff=1e-7):
    lat = {"p50_ms": 0.1, "p99_ms": 0.3, "calls": 100}
    return {"status": "works", "cold_start": {"median_s": 0.5, "iqr_s": 0.01, "repeats": 1}, "import_s": 0.4,
            "load_s": 0.05, "first_answer_s": 0.05, "latency": {"1": lat, "32": lat},
            "serving_distributions": ["onnxruntime"], "max_abs_diff": diff, "class_agreement": 1.0}


def _result(option, cells):
    """``cells``: target -> (lines, steps, size) for a working cell, or a failure dict."""
    export, serve = {}, {}
    for target in dep.TARGETS:
        if (target, option) in dep.NOT_APPLICABLE:
            export[target] = {"status": "not applicable", "reason": "n/a"}
            continue
        spec = cells.get(target, {"status": "fails", "stage": "export", "reason": "ValueError: nope",
                                  "attempts": [{"function": "export_keras", "ok": False,
                                                "error": {"type": "ValueError", "message": "nope"}}]})
        if isinstance(spec, dict):
            export[target] = spec
        else:
            function = "export_tf_core" if option == dep.TF_CORE else "export_keras"
            export[target] = _exported(target, option, *spec, function=function)
            serve[target] = _served()
    return SubjectResult(status="ok", measurements={
        "export": {"model": {"test_accuracy": 0.9, "epochs": 3}, "targets": export},
        "serve": {"targets": serve, "corrupted": {}}})


ALL = {t: (4, 4, 20_000) for t in dep.TARGETS}


def _matrix_is_full(verdict):
    matrix = verdict.findings["matrix"]
    assert set(matrix) == set(dep.TARGETS)
    for target, row in matrix.items():
        assert set(row) == set(dep.OPTIONS)
        for option, cell in row.items():
            assert cell["status"] in CELL_STATUSES, (target, option, cell)
            assert cell["status"] == "works" or cell.get("reason"), (target, option, cell)
    return matrix


def test_judge_keras_easier_everywhere_but_not_lighter():
    core = {"savedmodel": (5, 6, 20_000), "onnx": (6, 5, 20_000), "litert": (8, 10, 20_000),
            "openvino": (6, 6, 20_000)}
    results = {o: _result(o, ALL) for o in dep.KERAS_OPTIONS}
    results[dep.TF_CORE] = _result(dep.TF_CORE, core)
    verdict = dep.CLAIM.judge(results)
    matrix = _matrix_is_full(verdict)
    assert matrix["keras"][dep.TF_CORE]["status"] == "not applicable"
    assert verdict.verdict == "partly supported"  # easier on every backend, but the same artifact sizes
    assert "so is Keras on JAX and on PyTorch" in verdict.summary
    assert "not lighter" in verdict.summary
    json.dumps(verdict.findings)  # the findings go into the result file


def test_judge_names_what_keeps_a_backend_from_being_easier():
    torch_cells = {t: ALL[t] for t in ("keras", "onnx", "openvino")}
    core = {t: (6, 6, 40_000) for t in ("savedmodel", "onnx", "litert", "openvino")}
    results = {"keras-tensorflow": _result("keras-tensorflow", ALL),
               "keras-jax": _result("keras-jax", {**ALL, "litert": (11, 11, 20_000)}),
               "keras-torch": _result("keras-torch", torch_cells),
               dep.TF_CORE: _result(dep.TF_CORE, core)}
    verdict = dep.CLAIM.judge(results)
    _matrix_is_full(verdict)
    assert verdict.verdict == "partly supported"
    assert "keras-torch: it does not reach SavedModel, LiteRT" in verdict.summary
    assert "keras-jax: it needs more code for LiteRT (11 vs 6 lines" in verdict.summary
    assert "Keras artifacts are lighter" in verdict.summary


def test_judge_all_easier_and_lighter_is_supported_and_refuted_when_neither():
    core = {t: (8, 8, 40_000) for t in ("savedmodel", "onnx", "litert", "openvino")}
    results = {o: _result(o, ALL) for o in dep.KERAS_OPTIONS}
    results[dep.TF_CORE] = _result(dep.TF_CORE, core)
    assert dep.CLAIM.judge(results).verdict == "supported"
    same = {t: (4, 4, 20_000) for t in ("savedmodel", "onnx", "litert", "openvino")}
    results[dep.TF_CORE] = _result(dep.TF_CORE, same)
    assert dep.CLAIM.judge(results).verdict == "refuted"


def test_judge_names_missing_and_failed_subjects_and_fills_their_cells():
    results = {"keras-tensorflow": _result("keras-tensorflow", ALL),
               "keras-jax": SubjectResult(status="failed", reason="export: worker exited with status 1: boom",
                                          measurements={}),
               dep.TF_CORE: _result(dep.TF_CORE, {t: (6, 6, 20_000) for t in ("savedmodel", "onnx")})}
    verdict = dep.CLAIM.judge(results)
    matrix = _matrix_is_full(verdict)
    assert matrix["onnx"]["keras-torch"]["status"] == "not run"
    assert matrix["onnx"]["keras-jax"]["status"] == "fails"
    assert "boom" in matrix["onnx"]["keras-jax"]["reason"]
    assert "keras-jax (failed: export: worker exited with status 1: boom)" in verdict.summary
    assert "keras-torch (not run)" in verdict.summary


def test_judge_without_tensorflow_core_is_inconclusive():
    verdict = dep.CLAIM.judge({"keras-tensorflow": _result("keras-tensorflow", ALL)})
    _matrix_is_full(verdict)
    assert verdict.verdict == "inconclusive"
    assert "tensorflow-core (not run)" in verdict.summary


def test_a_worker_that_died_mid_export_leaves_a_failed_cell_with_a_reason():
    res = _result("keras-tensorflow", ALL)
    res.measurements["export"]["targets"]["onnx"] = {"status": "in progress"}
    res = res.model_copy(update={"status": "failed", "reason": "export: timed out after 420 s and was killed"})
    cell = dep.build_cell(res, "keras-tensorflow", "onnx")
    assert cell["status"] == "fails" and "died during this target" in cell["reason"]
    assert "timed out" in cell["reason"]


def test_what_a_dead_export_worker_wrote_is_still_served_and_judged():
    # The runner keeps no measurements of a crashed worker; the serve stage hands on the record it left.
    res = _result("keras-tensorflow", ALL)
    record = res.measurements["export"]
    record["targets"]["litert"] = {"status": "in progress"}
    del record["targets"]["openvino"]
    res = SubjectResult(status="failed", reason="export: worker killed by signal 9: ",
                        measurements={"serve": {**res.measurements["serve"], "export_record": record}})
    assert dep.build_cell(res, "keras-tensorflow", "onnx")["status"] == "works"
    assert "died during this target" in dep.build_cell(res, "keras-tensorflow", "litert")["reason"]
    assert dep.build_cell(res, "keras-tensorflow", "openvino")["status"] == "fails"


def test_each_target_is_corrupted_once_from_the_first_option_that_exported_it(tmp_path):
    def write(option, statuses):
        (tmp_path / option).mkdir()
        (tmp_path / option / "export.json").write_text(json.dumps(
            {"targets": {t: {"status": s} for t, s in statuses.items()}}))

    write("keras-jax", {"onnx": "exported", "litert": "exported"})
    write("keras-tensorflow", {"onnx": "fails", "litert": "in progress"})
    write(dep.TF_CORE, {"onnx": "exported", "savedmodel": "exported"})
    assert dep.corruption_owner(tmp_path, "onnx") == "keras-jax"
    assert dep.corruption_owner(tmp_path, "litert") == "keras-jax"
    assert dep.corruption_owner(tmp_path, "savedmodel") == dep.TF_CORE
    assert dep.corruption_owner(tmp_path, "openvino") is None


def test_known_issues_are_matched_by_target_option_and_text():
    assert dep.match_issue("keras", "keras-jax", "ValueError: File not found: filepath=m.keras.")["url"].endswith(
        "keras-team/keras/issues/20259")
    assert dep.match_issue("savedmodel", "keras-torch", "UserError: ... dynamic_shapes ...") is not None
    assert dep.match_issue("savedmodel", "keras-jax", "UserError: ... dynamic_shapes ...") is None
    assert dep.match_issue("onnx", None, "anything") is None


def test_the_claim_declares_its_programs_and_thresholds():
    claim = dep.CLAIM
    assert claim.subjects == dep.OPTIONS
    assert claim.stages == ("export", "serve")
    assert all((dep.PROGRAMS_DIR / p).is_file() for p in claim.programs)
    assert claim.keras_backend(dep.TF_CORE) is None and claim.keras_backend("keras-jax") == "jax"
    assert claim.requirements(dep.TF_CORE) == ("tensorflow",)
    assert claim.repeats[1] >= 5
    assert all(isinstance(v, int | float) for v in claim.thresholds.values())


# -- the real quick run ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quick(quick_results):
    return load_result("deployment", quick_results)


@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_fills_every_cell(quick):
    assert quick is not None and quick.provenance.mode == "quick"
    assert {s: r.status for s, r in quick.subjects.items()} == dict.fromkeys(dep.OPTIONS, "ok")
    matrix = quick.findings["matrix"]
    tol = quick.claim.thresholds["output_tolerance"]
    for target in dep.TARGETS:
        for option in dep.OPTIONS:
            cell = matrix[target][option]
            assert cell["status"] in CELL_STATUSES - {"not run"}, (target, option, cell)
            if cell["status"] == "not applicable":
                assert (target, option) in dep.NOT_APPLICABLE
                continue
            assert cell["lines"] > 0 and cell["steps"] > 0, (target, option)
            if cell["status"] != "works":
                assert cell["reason"], (target, option, cell)
                continue
            assert cell["artifact_bytes"] > 0 and cell["cold_start_s"] > 0
            assert cell["import_s"] >= 0 and cell["load_s"] >= 0
            for batch in ("1", "32"):
                assert 0 < cell["latency_ms"][batch]["p50"] <= cell["latency_ms"][batch]["p99"]
            assert cell["max_abs_diff"] <= tol and cell["class_agreement"] == 1.0
            if target == "savedmodel":
                assert cell["signature_ok"] is True


@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_reaches_the_documented_targets(quick):
    matrix = quick.findings["matrix"]
    works = {o: {t for t in dep.TARGETS if matrix[t][o]["status"] == "works"} for o in dep.OPTIONS}
    assert works["keras-tensorflow"] == set(dep.TARGETS)
    assert works[dep.TF_CORE] == {"savedmodel", "onnx", "litert", "openvino"}
    assert {"keras", "onnx", "openvino"} <= works["keras-torch"]
    assert {"keras", "savedmodel", "onnx"} <= works["keras-jax"]
    # JAX's direct LiteRT and OpenVINO exports fail; the recorded workaround routes are what worked.
    for target in ("litert", "openvino"):
        cell = matrix[target]["keras-jax"]
        if cell["status"] == "works":
            assert cell["route"] == "export_keras_jax" and cell["direct_route_error"]
    assert quick.verdict in VERDICTS
    assert "Keras on TensorFlow" in quick.summary


@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_corrupts_every_target_without_crashing(quick):
    checks = {}
    for res in quick.subjects.values():
        checks.update(res.measurements["serve"]["corrupted"])
    assert set(checks) == set(dep.TARGETS)
    for target, check in checks.items():
        truncated = check["truncated"]
        assert truncated["outcome"] in {"rejected", "crashed"}, (target, truncated)
        assert truncated["reason"] and "kvt-deployment" not in truncated["reason"]
        assert check["garbled"]["outcome"] in {"rejected", "crashed", "answered"}
    # The formats with checksums refuse garbled weights.
    assert checks["keras"]["garbled"]["outcome"] == "rejected"
    assert checks["savedmodel"]["garbled"]["outcome"] == "rejected"
    assert quick.findings["corrupted"]
