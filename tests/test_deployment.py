"""The ``deployment`` claim: code metrics, serving processes, corruption, cell classification, the "easier" margin,
virtual environments, a real browser, and the real quick run.

The unit tests need no framework (the serving-process tests use plain-NumPy programs written to a temp folder;
the ONNX ones build a model with ``onnx`` itself). The browser test loads an ONNX model in Debian's headless
Chromium with onnxruntime-web from npm; it is skipped where Chromium, Playwright or npm is missing, except on CI
(``CI`` set), where that is an installation error. The last group reads the quick run that every claim makes once
per test session (``quick_results``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from evidence.claims.deployment import CLAIM, corruption, measure, metrics
from evidence.claims.deployment import assess as claim
from evidence.claims.deployment.assessment import Cell, DeploymentAssessment, Target
from evidence.options import KERAS_OPTIONS, OPTIONS, TF_CORE
from evidence.results import SubjectResult, load_result
from evidence.runtimes import browser, envs, serving, targets
from evidence.runtimes.child import percentiles
from tests.conftest import needs_frameworks

HAS_ONNX = importlib.util.find_spec("onnx") is not None and importlib.util.find_spec("onnxruntime") is not None


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
    m = metrics.route_metrics(program, ["export"])
    assert m["functions"] == ["export", "_helper"]  # the helper it calls is counted with it
    assert m["lines"] == 6
    # json.dumps, Path, Path().write_text, np.zeros; len() is a builtin and _helper a function of the program
    assert m["steps"] == 4
    assert m["api"] == ["Path", "Path().write_text", "json.dumps", "np.zeros"]
    with pytest.raises(ValueError, match="Expected functions"):
        metrics.route_metrics(program, ["nope"])


def test_js_route_metrics_count_code_lines_and_calls(tmp_path):
    program = tmp_path / "serve.js"
    program.write_text(textwrap.dedent('''
        // A comment line.
        import * as rt from "runtime";

        /* A block
           comment. */
        export async function load(url) {
          if (!url) throw new Error("no url");  // a comment after code
          return await rt.Session.create(url, { mode: "cpu" });
        }

        export async function predict(session, data) {
          const out = await session.run(new rt.Tensor(data));
          return helper(out);
        }

        export function helper(x) {
          return x;
        }
    '''))
    m = metrics.js_route_metrics(program, ["load", "predict"])
    # import + (function line, if, return) + (function line, const, return); "}" lines are not code
    assert m["lines"] == 7
    # new Error, rt.Session.create, session.run, new rt.Tensor; `if (` is no call and helper is the module's own
    assert m["steps"] == 4
    assert "rt.Session.create" in m["api"] and "new rt.Tensor" in m["api"]
    with pytest.raises(ValueError, match="Expected exported functions"):
        metrics.js_route_metrics(program, ["nope"])


def test_every_declared_route_exists_and_every_cell_is_declared():
    targets.check_declarations()
    for (target, option), functions in targets.ROUTES.items():
        for function in functions:
            function = function.removeprefix(targets.VIA_TENSORFLOW)
            metrics.route_metrics(targets.SPECS[target].program, [function, "load", "predict"])
        assert (target, option) not in targets.NOT_APPLICABLE
    # The assessment's list of targets (which imports nothing but the contract) is the runtimes' list.
    assert Target.__args__ == targets.TARGETS
    # One call exports a Keras model to each of the formats Keras writes itself.
    for target in ("keras", "savedmodel", "onnx", "litert", "openvino"):
        m = metrics.route_metrics(targets.SPECS[target].program, ["export_keras"])
        assert (m["lines"], m["steps"]) == (2, 1), (target, m)
    litert_core = metrics.route_metrics("deploy_litert.py", ["export_tf_core"])
    assert "tensorflow.lite.TFLiteConverter.from_concrete_functions" in litert_core["framework_api"]
    for program in targets.BROWSER_PROGRAMS.values():
        js = metrics.js_route_metrics(program)
        assert js["lines"] >= 5 and js["steps"] >= 2, (program, js)


def test_percentiles_match_numpy():
    samples = list(np.random.default_rng(0).exponential(1e-3, size=257))
    p = percentiles(samples)
    for q in (50, 90, 99):
        assert p[f"p{q}_ms"] == pytest.approx(np.percentile(samples, q) * 1e3)
    assert p["calls"] == 257 and p["min_ms"] <= p["p50_ms"] <= p["p99_ms"] <= p["max_ms"]
    assert percentiles([0.002])["p99_ms"] == pytest.approx(2.0)


# -- corrupted artifacts --------------------------------------------------------------------------------
def test_truncate_and_garble(tmp_path):
    f = tmp_path / "model.bin"
    f.write_bytes(bytes(range(256)) * 8)
    assert corruption.truncate_file(f) == {"file": "model.bin", "bytes_before": 2048, "bytes_after": 1024}
    assert f.read_bytes() == (bytes(range(256)) * 4)
    info = corruption.garble_file(f)
    assert info["offset"] == 512 and info["bytes_inverted"] == 256
    data = f.read_bytes()
    assert len(data) == 1024 and data[:512] == bytes(range(256)) * 2
    assert data[512:768] == bytes(255 - b for b in range(256))


def test_corrupt_copy_leaves_the_original_alone(tmp_path):
    original = tmp_path / "savedmodel"
    (original / "saved_model" / "variables").mkdir(parents=True)
    (original / "saved_model" / "saved_model.pb").write_bytes(b"g" * 100)
    (original / "saved_model" / "variables" / "variables.data-00000-of-00001").write_bytes(b"w" * 600)
    files = targets.SPECS["savedmodel"].corrupt
    damaged = corruption.corrupt_copy(original, tmp_path / "cut", files, "truncated")
    assert damaged["file"] == "saved_model.pb"
    assert (tmp_path / "cut" / "saved_model" / "saved_model.pb").stat().st_size == 50
    garbled = corruption.corrupt_copy(original, tmp_path / "bad", files, "garbled")
    assert garbled["file"] == "variables.data-00000-of-00001" and garbled["bytes_inverted"] == 256
    assert targets.folder_files(original) == {"saved_model/saved_model.pb": 100,
                                              "saved_model/variables/variables.data-00000-of-00001": 600}
    other = tmp_path / "openvino"  # a renamed weights shard: the largest file is damaged instead
    other.mkdir()
    (other / "model.xml").write_bytes(b"x" * 10)
    (other / "weights.bin").write_bytes(b"w" * 1000)
    assert corruption.corrupt_copy(other, tmp_path / "ov", targets.SPECS["openvino"].corrupt,
                                   "garbled")["file"] == "weights.bin"
    with pytest.raises(ValueError, match="truncated' or 'garbled"):
        corruption.corrupt_copy(other, tmp_path / "x", ("a", "b"), "shuffled")


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
    z = x @ weights
    reference = np.exp(z - z.max(-1, keepdims=True))
    reference /= reference.sum(-1, keepdims=True)
    np.save(tmp_path / "reference.npy", reference)
    return {"program": program, "folder": folder, "inputs": tmp_path / "inputs.npy",
            "reference": reference, "reference_file": tmp_path / "reference.npy", "runs": tmp_path}


def test_serving_process_times_cold_start_latency_and_answers(numpy_artifact):
    a = numpy_artifact
    res = serving.run_serving_process(a["program"], a["folder"] / "model.npy", a["inputs"], a["runs"], "clean",
                                      predictions=True, latency_calls=30, latency_warmup=3)
    assert res["ok"], res
    assert res["cold_start_s"] == pytest.approx(res["import_s"] + res["load_s"] + res["first_answer_s"])
    assert res["first_answer_shape"] == [1, 10]
    assert set(res["latency"]) == {"1", "32"} and res["latency"]["32"]["calls"] == 30
    assert serving.parity(np.load(res["predictions_file"]), a["reference"])["max_abs_diff"] < 1e-6
    assert res["imported"] == []  # numpy was imported before the clock started; nothing else was


def test_serve_artifact_judges_parity_with_the_tolerance(numpy_artifact):
    a = numpy_artifact
    kwargs = dict(processes=2, warmup_processes=0, latency_calls=5, latency_warmup=1, batch_sizes=(1,),
                  tolerance=1e-4)
    good = serving.serve_artifact(str(a["program"]), a["folder"] / "model.npy", a["inputs"], a["reference_file"],
                                  a["runs"] / "good", **kwargs)
    assert good["status"] == "works" and good["cold_start"]["repeats"] == 2 and good["max_abs_diff"] < 1e-6
    np.save(a["reference_file"], a["reference"] + 1e-3)  # the original answered otherwise: the artifact is wrong
    bad = serving.serve_artifact(str(a["program"]), a["folder"] / "model.npy", a["inputs"], a["reference_file"],
                                 a["runs"] / "bad", **kwargs)
    assert bad["status"] == "fails" and bad["stage"] == "compare" and "tolerance 0.0001" in bad["reason"]


def test_serve_artifact_without_latency_calls_times_cold_starts_only(numpy_artifact):
    a = numpy_artifact
    res = serving.serve_artifact(str(a["program"]), a["folder"] / "model.npy", a["inputs"], a["reference_file"],
                                 a["runs"] / "cold", processes=1, warmup_processes=0, latency_calls=0,
                                 latency_warmup=0, batch_sizes=(1,), tolerance=1e-4)
    assert res["status"] == "works" and res["latency"] == {} and res["cold_start"]["repeats"] == 1


def test_corrupted_artifacts_are_recorded_not_raised(numpy_artifact):
    a = numpy_artifact
    outcomes = {}
    for kind in corruption.KINDS:
        damage = corruption.corrupt_copy(a["folder"], a["runs"] / kind, ("model.onnx", "model.onnx"), kind)
        res = serving.run_serving_process(a["program"], a["runs"] / kind / "model.npy", a["inputs"], a["runs"], kind,
                                          predictions=True)
        outcomes[kind] = corruption.classify(res, damage, a["reference"], 1e-4, "onnx", None)
    cut = outcomes["truncated"]
    assert cut["outcome"] == "rejected" and cut["phase"] == "load"
    assert cut["error"]["type"] == "ValueError"
    assert str(a["runs"]) not in cut["reason"]  # the loader saw a relative path: no temp folder names
    garbled = outcomes["garbled"]
    assert garbled["outcome"] == "answered" and garbled["silent_corruption"] is True


def test_a_loader_that_crashes_is_a_recorded_failure(tmp_path, numpy_artifact):
    program = tmp_path / "deploy_crash.py"
    program.write_text("import os\n\ndef load(path):\n    os.abort()\n\ndef predict(m, x):\n    return x\n")
    res = serving.run_serving_process(program, numpy_artifact["folder"] / "model.npy", numpy_artifact["inputs"],
                                      tmp_path, "crash")
    assert res["ok"] is False and res["phase"] == "process"
    assert "killed by signal 6 (SIGABRT)" in res["error"]["message"]
    checked = corruption.classify(res, {"file": "model.npy"}, numpy_artifact["reference"], 1e-4, "onnx", None)
    assert checked["outcome"] == "crashed"


def test_a_missing_runtime_is_unavailable_not_a_failure(tmp_path, numpy_artifact):
    program = tmp_path / "deploy_missing.py"
    program.write_text("import kvt_no_such_runtime\n\ndef load(p):\n    pass\n\ndef predict(m, x):\n    pass\n")
    a = numpy_artifact
    res = serving.run_serving_process(program, a["folder"] / "model.npy", a["inputs"], tmp_path, "missing")
    assert res["ok"] is False and res["phase"] == "import"
    assert res["error"]["missing_module"] == "kvt_no_such_runtime"
    served = serving.serve_artifact(str(program), a["folder"] / "model.npy", a["inputs"], a["reference_file"],
                                    tmp_path / "runs", processes=1, warmup_processes=0, latency_calls=0,
                                    latency_warmup=0, batch_sizes=(1,), tolerance=1e-4)
    assert served["status"] == "unavailable" and served["stage"] == "import"


def _tiny_onnx(folder: Path, rows: int = 40):
    """A 64 -> 10 softmax classifier written with onnx itself, its inputs and reference outputs."""
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
    (folder / "onnx").mkdir(parents=True)
    onnx.save(model, folder / "onnx" / "model.onnx")
    x = rng.random((rows, 64), dtype=np.float32)
    np.save(folder / "inputs.npy", x)
    z = x @ weights
    reference = np.exp(z - z.max(-1, keepdims=True))
    return folder / "onnx" / "model.onnx", folder / "inputs.npy", reference / reference.sum(-1, keepdims=True)


@pytest.mark.skipif(not HAS_ONNX, reason="needs onnx and onnxruntime")
def test_real_onnx_runtime_rejects_a_truncated_model_and_answers_a_garbled_one(tmp_path):
    model, inputs, reference = _tiny_onnx(tmp_path)
    clean = serving.run_serving_process("deploy_onnx.py", model, inputs, tmp_path, "clean", predictions=True)
    assert clean["ok"], clean
    assert serving.parity(np.load(clean["predictions_file"]), reference)["max_abs_diff"] < 1e-5
    assert clean["imported"] == ["onnxruntime"]
    checks = {}
    for kind in corruption.KINDS:
        damage = corruption.corrupt_copy(model.parent, tmp_path / kind, targets.SPECS["onnx"].corrupt, kind)
        res = serving.run_serving_process("deploy_onnx.py", tmp_path / kind / "model.onnx", inputs, tmp_path, kind,
                                          predictions=True)
        checks[kind] = corruption.classify(res, damage, reference, 1e-4, "onnx", None)
    assert checks["truncated"]["outcome"] == "rejected"
    assert "INVALID_PROTOBUF" in checks["truncated"]["reason"]
    assert checks["truncated"]["error"]["type"].endswith("InvalidProtobuf")  # the child's own type, not a guess
    # The weights are the middle of the file: inverting them leaves a valid model with wrong answers.
    assert checks["garbled"]["outcome"] == "answered" and checks["garbled"]["silent_corruption"]


# -- a real browser ---------------------------------------------------------------------------------------
def _browser_missing() -> str | None:
    found = browser.browser_available()
    if not found["ok"]:
        return found["why"]
    if shutil.which("npm") is None:
        return "npm is not installed"
    return None if HAS_ONNX else "onnx and onnxruntime are not installed"


@pytest.mark.slow
def test_an_exported_onnx_model_answers_in_headless_chromium(tmp_path):
    """The browser target for real: onnxruntime-web from npm, served from localhost, in Debian's Chromium."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            raise RuntimeError(f"CI must install what the browser test needs: {missing}")
        pytest.skip(f"browser test needs {missing}")
    npm = browser.ensure_npm()
    assert npm["ok"], npm
    model, inputs, reference = _tiny_onnx(tmp_path)
    jobs = [browser.Job("browser_onnx", model, predict_batch=32, batch_sizes=(1, 32))]
    record = browser.run_browser_process(jobs, inputs, tmp_path, "pages", npm=Path(npm["path"]), page_loads=2,
                                         latency_calls=20, latency_warmup=2)["browser_onnx"]
    assert record["ok"], record
    predictions = np.asarray(record["predictions"], dtype="float32").reshape(record["rows"], -1)
    assert serving.parity(predictions, reference)["max_abs_diff"] < 1e-5
    assert len(record["loads"]) == 2 and all(r["cold_start_s"] > 0 for r in record["loads"])
    assert record["latency"]["32"]["calls"] == 20 and record["latency"]["1"]["p50_ms"] > 0
    assert record["cross_origin_isolated"] is True  # served with COOP/COEP, so the runtime may use threads
    # A model the runtime cannot read is a recorded failure with the page's error, not a hang or a traceback.
    broken = tmp_path / "broken" / "model.onnx"
    broken.parent.mkdir()
    broken.write_bytes(b"not a model")
    failed = browser.run_browser_process([browser.Job("browser_onnx", broken)], inputs, tmp_path, "broken",
                                         npm=Path(npm["path"]), page_loads=1, latency_calls=0,
                                         latency_warmup=0)["browser_onnx"]
    assert failed["ok"] is False and failed["phase"] == "load" and failed["error"]["message"]


# -- virtual environments ---------------------------------------------------------------------------------
def test_an_environment_is_built_once_recorded_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv(envs.ENVS_ENV, str(tmp_path))
    spec = envs.EnvSpec(name="tiny", steps=(), probe="import json", packages=("pip",))
    assert envs.ensure(spec, build=False)["ok"] is False  # quick mode: not built, and it says why
    assert "does not build it" in envs.ensure(spec, build=False)["why"]
    built = envs.ensure(spec)
    assert built["ok"] and not built["reused"] and built["creation_s"] > 0 and built["versions"]["pip"]
    again = envs.ensure(spec)
    assert again["ok"] and again["reused"] and again["creation_s"] == built["creation_s"]
    assert Path(again["python"]).exists()
    broken = envs.EnvSpec(name="broken", steps=(), probe="import kvt_no_such_module", packages=())
    failed = envs.ensure(broken)
    assert failed["ok"] is False and "kvt_no_such_module" in failed["why"]
    assert not envs.env_path(broken).exists()  # a failed build leaves no half-built environment behind


def test_the_litert_torch_environment_pins_torch_first():
    for spec in envs.ENVS.values():
        assert spec.steps[0] == ("torch==2.13.0",), spec.name
        named_torch = [r for step in spec.steps for r in step if r.split("=")[0].split("<")[0] == "torch"]
        assert named_torch == ["torch==2.13.0"], spec.name  # never an unpinned torch (a CUDA build of several GB)


# -- cells classified from synthetic runs ------------------------------------------------------------------
M = "resnet50"


def _code(lines=6, steps=4):
    return {"export": {"lines": 2, "steps": 1}, "serve": {"lines": lines - 2, "steps": steps - 1},
            "total": {"lines": lines, "steps": steps}}


def _exported(lines=6, steps=4, size=20_000, function="export_keras", extra=(), **more):
    return {"status": "exported", "function": function, "attempts": [{"function": function, "ok": True}],
            "export_s": 0.5, "artifact": "x/model", "artifact_bytes": size, "code": _code(lines, steps),
            "packages": {"extra": list(extra), "versions": {}}, **more}


LAT = {"p50_ms": 0.1, "p90_ms": 0.2, "p99_ms": 0.3, "calls": 100}


def _served(diff=1e-7, status="works"):
    return {"status": status, "cold_start": {"median_s": 0.5, "iqr_s": 0.01, "repeats": 1, "samples_s": [0.5]},
            "import_s": 0.4, "load_s": 0.05, "first_answer_s": 0.05, "latency": {"1": LAT, "8": LAT},
            "serving_distributions": ["onnxruntime"], "max_abs_diff": diff, "class_agreement": 1.0,
            "runtime": "onnxruntime 1.32.0"}


def _failed_export(message="nope", missing=None):
    error = {"type": "ValueError", "message": message, "missing_module": missing}
    return {"status": "unavailable" if missing else "fails", "attempts": [
        {"function": "export_keras", "ok": False, "error": error}], "error": error,
        "reason": f"ValueError: {message}", "code": _code(), "packages": {"extra": [], "versions": {}}}


def _result(option, exports, serves=None, browsers=None, status="ok"):
    return SubjectResult(status=status, measurements={
        "export": {"models": {}, "targets": {M: exports}, "environments": {}},
        "serve": {"targets": {M: serves or {}}, "browser_targets": {M: browsers or {}}, "corrupted": {}}})


def test_cells_tell_unavailable_from_fails():
    res = _result("keras-torch", {
        "onnx": _exported(),
        "litert": {"status": "unavailable", "attempts": [], "reason": "quick mode skips it"},
        "savedmodel": _failed_export("Detected mismatch ... dynamic_shapes"),
        "openvino": _failed_export("install the `openvino` package", missing="openvino"),
        "torch_pt2": _exported(),
        "executorch": _exported(),
    }, serves={"onnx": _served(), "torch_pt2": _served(diff=0.5, status="fails") | {"stage": "compare",
                                                                                    "reason": "off"},
               "executorch": {"status": "unavailable", "stage": "import", "reason": "ModuleNotFoundError",
                              "error": {"type": "ModuleNotFoundError", "message": "no executorch",
                                        "missing_module": "executorch"}}},
        browsers={"browser_onnx": {"status": "unavailable", "why": "not installed: Chromium at /usr/bin/chromium"}})
    cell = {t: claim.build_cell(res, "keras-torch", M, t) for t in targets.TARGETS}
    assert cell["onnx"].status == "works" and cell["onnx"].cold_start_s.estimate == 0.5 and cell["onnx"].model == M
    assert cell["litert"].status == "unavailable" and cell["litert"].why_unavailable == "quick mode skips it"
    assert cell["savedmodel"].status == "fails" and cell["savedmodel"].stage == "export"
    assert cell["savedmodel"].known_issue.url.endswith("keras-team/keras/issues/19017")
    assert cell["savedmodel"].attempts == ["export_keras: fails"]
    assert cell["openvino"].status == "unavailable" and cell["openvino"].error.missing_module == "openvino"
    assert cell["torch_pt2"].status == "fails" and cell["torch_pt2"].stage == "compare"
    assert cell["executorch"].status == "unavailable" and cell["executorch"].stage == "import"
    # A missing browser is "unavailable", never "fails"; a browser target whose source was skipped is unavailable.
    assert cell["browser_onnx"].status == "unavailable" and "Chromium" in cell["browser_onnx"].why_unavailable
    assert cell["browser_litert"].status == "fails"  # its own export was never recorded: the worker stopped
    assert cell["keras"].status == "fails" and cell["keras"].stage == "worker"  # never tried: its worker stopped


def test_a_browser_cell_has_the_export_and_javascript_code_and_its_numbers():
    page = {**_served(diff=2e-7), "runtime": "onnxruntime-web 1.30.0 in Chromium 156",
            "code": {"serve": {"lines": 7, "steps": 3}}}
    res = _result("keras-tensorflow", {"onnx": _exported(lines=6, steps=4)}, serves={"onnx": _served()},
                  browsers={"browser_onnx": page})
    cell = claim.build_cell(res, "keras-tensorflow", M, "browser_onnx")
    assert cell.status == "works" and cell.program == "deploy_onnxruntime_web.js"
    assert (cell.lines, cell.steps) == (2 + 7, 1 + 3)  # the Python export plus the JavaScript load and predict
    assert cell.extra_steps == ["package:onnxruntime-web"]
    assert cell.parity_max_abs_diff == 2e-7 and [lat.batch for lat in cell.latency] == [1, 8]
    failed = _result("keras-tensorflow", {"onnx": _exported()}, browsers={"browser_onnx": {
        "status": "fails", "stage": "answer", "error": {"type": "Error", "message": "bad shape"}, "reason": "bad",
        "code": {"serve": {"lines": 7, "steps": 3}}}})
    cell = claim.build_cell(failed, "keras-tensorflow", M, "browser_onnx")
    assert cell.status == "fails" and cell.stage == "answer" and cell.error.message == "bad shape"
    refused = {"ok": False, "phase": "answer", "error": {"type": "Error", "message": "expected Float32[-1, 64]"}}
    litert = _result("keras-tensorflow", {"litert": _exported(), "browser_litert": _exported(
        function="export_keras_batch1", static_batch=1)}, browsers={"browser_litert": {
            **_served(), "code": {"serve": {"lines": 11, "steps": 5}}, "direct_artifact": refused}})
    cell = claim.build_cell(litert, "keras-tensorflow", M, "browser_litert")
    assert cell.status == "works" and cell.route == "export_keras_batch1" and cell.static_batch == 1
    assert "shape signature" in cell.extra_steps
    assert cell.direct_route_error.message == "expected Float32[-1, 64]"  # the variable-batch file, refused
    source_failed = _result("keras-tensorflow", {"onnx": _failed_export("tf2onnx broke")})
    cell = claim.build_cell(source_failed, "keras-tensorflow", M, "browser_onnx")
    assert cell.status == "fails" and cell.stage == "export" and "ONNX export it serves" in cell.reason


def test_a_workaround_route_keeps_the_direct_error_and_counts_its_extra_steps():
    direct = {"function": "export_keras", "ok": False, "error": {"type": "ValueError", "message": "dynamic"}}
    res = _result("keras-torch", {"savedmodel": _exported(function="tensorflow:export_keras", extra=["tensorflow"],
                                                          attempts=[direct, {"function": "tensorflow:export_keras",
                                                                             "ok": True}])},
                  serves={"savedmodel": _served()})
    cell = claim.build_cell(res, "keras-torch", M, "savedmodel")
    assert cell.status == "works" and cell.direct_route_error.message == "dynamic"
    assert cell.extra_steps == ["package:tensorflow", claim.CROSS_BACKEND_STEP]
    assert cell.attempts == ["export_keras: fails", "tensorflow:export_keras: works"]


def test_not_applicable_and_dead_workers_have_reasons():
    res = _result(TF_CORE, {"onnx": {"status": "in progress"}})
    assert claim.build_cell(res, TF_CORE, M, "keras").status == "not_applicable"
    assert claim.build_cell(res, TF_CORE, M, "torch_pt2").reason.startswith("a .pt2 file")
    dead = res.model_copy(update={"status": "failed", "reason": "export: timed out after 420 s and was killed"})
    cell = claim.build_cell(dead, TF_CORE, M, "onnx")
    assert cell.status == "fails" and "died during this target" in cell.reason and "timed out" in cell.reason
    gone = SubjectResult(status="unavailable", reason="export: tensorflow cannot be imported")
    assert claim.build_cell(gone, TF_CORE, M, "onnx").status == "unavailable"


def test_a_missing_framework_makes_the_option_unavailable_through_the_runner(tmp_path):
    """TensorFlow hidden behind a module that refuses to import: tensorflow-core is unavailable, never failed."""
    from tests.conftest import kvt

    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "tensorflow.py").write_text("raise ImportError('hidden by the test')\n")
    proc = kvt("evidence", "run", "deployment", "--quick", "--subjects", TF_CORE, "--results-dir",
               str(tmp_path / "results"), env={"PYTHONPATH": str(hide)}, timeout=300)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    result = load_result("deployment", tmp_path / "results")
    assert result.subjects[TF_CORE].status == "unavailable"
    cells = [c for c in result.assessment.cells if c.option == TF_CORE]
    assert {c.status for c in cells} == {"unavailable", "not_applicable"}
    assert all("hidden by the test" in c.why_unavailable for c in cells if c.status == "unavailable")
    assert result.verdict == "inconclusive"


# -- the "easier" judgement: extra steps beyond the call ---------------------------------------------------
def _cell(option, target, status="works", extra=(), lines=6, size=20_000, why=None, model=M):
    return Cell(option=option, model=model, target=target, status=status, lines=lines, steps=4, artifact_bytes=size,
                why_unavailable=why, extra_steps=list(extra))


def test_extra_steps_count_packages_environments_signatures_and_detours():
    assert claim.extra_steps("export_keras", [], None) == []
    assert claim.extra_steps("export_tf_core", ["tf2onnx", "onnx"], None) == [
        "package:tf2onnx", "package:onnx", "shape signature"]
    assert claim.extra_steps("export_keras_jax", ["tensorflow"], None) == ["package:tensorflow",
                                                                           "intermediate format"]
    assert claim.extra_steps("export_keras", ["litert-torch"], "litert-torch") == [
        "package:litert-torch", "environment:litert-torch"]
    assert claim.CROSS_BACKEND_STEP in claim.extra_steps("tensorflow:export_keras", [], None)


def test_lines_never_decide_and_one_extra_step_does():
    margin = int(CLAIM.threshold("ease_margin_steps"))
    assert margin == 1 and "ease_margin_lines" not in CLAIM.thresholds
    cells = [_cell("keras-tensorflow", "onnx", lines=3, extra=["package:tf2onnx"]),
             _cell(TF_CORE, "onnx", lines=12, extra=["package:tf2onnx"]),
             _cell("keras-tensorflow", "savedmodel"), _cell(TF_CORE, "savedmodel", extra=["shape signature"])]
    ease = claim.compare_ease(cells, "keras-tensorflow", margin, 1)
    assert ease.same_on == [f"{M}/onnx"] and ease.easier_on == [f"{M}/savedmodel"] and ease.easier


def test_the_margin_decides_per_model_and_names_the_pairs_that_decided():
    cells = [_cell("keras-jax", "onnx"), _cell(TF_CORE, "onnx", extra=["shape signature"]),
             _cell("keras-jax", "openvino", extra=["package:jax2onnx", "intermediate format"]),
             _cell(TF_CORE, "openvino"),
             _cell("keras-jax", "litert", model="bert_base"), _cell(TF_CORE, "litert", model="bert_base"),
             _cell("keras-jax", "savedmodel", status="fails"), _cell(TF_CORE, "savedmodel")]
    ease = claim.compare_ease(cells, "keras-jax", 1, 1)
    assert ease.easier_on == [f"{M}/onnx"] and ease.harder_on == [f"{M}/savedmodel", f"{M}/openvino"]
    assert ease.same_on == ["bert_base/litert"] and not ease.easier
    assert {t.target: t.outcome for t in ease.targets}["savedmodel"] == "only_core"
    assert claim.compare_ease(cells, "keras-jax", 3, 1).harder_on == [f"{M}/savedmodel"]  # a wider margin


def test_unavailable_cells_are_left_out_of_the_comparison_not_counted_against():
    cells = [_cell("keras-torch", "litert", status="unavailable", why="quick mode skips it"),
             _cell(TF_CORE, "litert"), _cell("keras-torch", "onnx"), _cell(TF_CORE, "onnx", extra=["x"]),
             _cell("keras-torch", "torch_pt2"), _cell(TF_CORE, "torch_pt2", status="not_applicable")]
    ease = claim.compare_ease(cells, "keras-torch", 1, 1)
    assert f"{M}/litert" not in ease.harder_on and "quick mode skips it" in ease.not_compared[f"{M}/litert"]
    assert ease.not_compared[f"{M}/torch_pt2"] == "not applicable to TensorFlow core"
    assert ease.easier and ease.easier_on == [f"{M}/onnx"]


def _assessment(cells):
    margin, net = int(CLAIM.threshold("ease_margin_steps")), int(CLAIM.threshold("ease_min_net_targets"))
    ease = {o: claim.compare_ease(cells, o, margin, net) for o in KERAS_OPTIONS}
    return DeploymentAssessment(
        cells=cells, targets={t: {"label": s.label, "kind": s.kind, "runtime": s.runtime}
                              for t, s in targets.SPECS.items()},
        models={}, model_targets={M: ["savedmodel", "onnx", "litert", "openvino"]}, settings={}, cuts=[],
        tolerance=1e-4, ease=ease, ease_margin_steps=margin,
        weight=claim.compare_weight(cells, CLAIM.threshold("lighter_max_size_ratio")), environments={}, npm=None,
        browser=None, corruption=[], not_measured=[])


def test_verdicts_on_synthetic_cells():
    shared = ("savedmodel", "onnx", "litert", "openvino")

    def cells(keras_extra, core_extra, keras_size=20_000, core_size=20_000):
        out = [_cell(o, t, extra=keras_extra, size=keras_size) for o in KERAS_OPTIONS for t in shared]
        return out + [_cell(TF_CORE, t, extra=core_extra, size=core_size) for t in shared]

    same = CLAIM.verdict(_assessment(cells([], [])))
    assert same.verdict == "refuted" and "not easier" in same.summary and "not lighter" in same.summary
    assert same.decision.code == "neither_easier_nor_lighter" and same.decision.numbers["keras_options_easier"] == 0
    easier = CLAIM.verdict(_assessment(cells([], ["shape signature"], keras_size=10_000)))
    assert easier.verdict == "supported" and "easier on ResNet-50 SavedModel" in easier.summary
    assert easier.decision.code == "every_keras_option_easier_and_lighter"
    assert easier.decision.numbers["net_pairs_keras_jax"] == 4 and easier.decision.numbers["median_size_ratio"] == 0.5
    lighter = CLAIM.verdict(_assessment(cells([], [], keras_size=10_000)))
    assert lighter.verdict == "partly supported" and "lighter (median size ratio 0.50" in lighter.summary
    assert lighter.decision.code == "lighter_not_easier"
    not_lighter = CLAIM.verdict(_assessment(cells([], ["shape signature"])))
    assert (not_lighter.verdict, not_lighter.decision.code) == ("partly supported", "easier_not_lighter")
    mixed = CLAIM.verdict(_assessment(
        [_cell("keras-tensorflow", t, size=10_000) for t in shared]
        + [_cell(o, t, extra=["shape signature"]) for o in ("keras-jax", "keras-torch") for t in shared]
        + [_cell(TF_CORE, t, extra=["shape signature"]) for t in shared]))
    assert (mixed.verdict, mixed.decision.code) == ("partly supported", "some_keras_options_easier_and_lighter")
    assert mixed.decision.numbers["keras_options_easier"] == 1 and mixed.decision.numbers["lighter"] is True
    harder = CLAIM.verdict(_assessment(cells(["shape signature"], [], keras_size=10_000)))
    assert (harder.verdict, harder.decision.code) == ("partly supported", "lighter_not_easier")
    none = CLAIM.verdict(_assessment([_cell("keras-tensorflow", "onnx"), _cell(TF_CORE, "onnx", status="fails")]))
    assert none.verdict == "inconclusive" and none.decision.code == "no_shared_target"
    assert none.summary.startswith("Keras on TensorFlow and TensorFlow core could not be compared on any target")
    assert all(isinstance(v, str) for v in same.findings.values())


def test_a_target_works_for_an_option_only_when_every_model_taken_there_works():
    a = _assessment([_cell("keras-torch", "onnx"), _cell("keras-torch", "onnx", model="bert_base", status="fails"),
                     _cell(TF_CORE, "onnx"), _cell(TF_CORE, "onnx", model="bert_base")])
    assert a.reach("keras-torch") == [] and a.reach(TF_CORE) == ["onnx"]
    assert a.cell("keras-torch", "onnx").status == "fails"  # the reader's one cell per target: the worst one
    assert a.cell("keras-torch", "onnx", model=M).status == "works"


def test_static_routes_are_the_programs_batch1_functions():
    assert targets.static_routes("onnx", ("export_keras",)) == ("export_keras_batch1",)
    assert targets.static_routes("torch_pt2", ("export_keras", "export_keras_batch1")) == ()
    assert targets.static_routes("savedmodel", ("tensorflow:export_keras",)) == ()
    assert targets.KNOWN_ISSUES and all(i.url.startswith("https://") for i in targets.KNOWN_ISSUES)


def test_the_claim_declares_its_programs_thresholds_and_settings():
    assert CLAIM.subjects == OPTIONS and CLAIM.stages == ("export", "serve")
    assert all((targets.PROGRAMS_DIR / p).is_file() for p in CLAIM.programs)
    # Written out in the declarations (a reader imports neither the workers nor the runtimes): the same list.
    assert CLAIM.programs == (measure.SHARED_ZOO, measure.ZOO, measure.ZOO_TF_CORE,
                              *sorted({s.program for s in targets.SPECS.values()}), *targets.BROWSER_PROGRAMS.values())
    assert "deploy_zoo.py" in CLAIM.programs and "deploy_zoo_tfcore.py" in CLAIM.programs
    assert CLAIM.keras_backend(TF_CORE) == "tensorflow" and CLAIM.keras_backend("keras-jax") == "jax"
    # The export stage checks the framework itself; a serve worker imports none.
    assert CLAIM.requirements("keras-jax") == () and CLAIM.framework_modules("keras-jax") == (
        "keras", "jax", "keras_hub")
    assert CLAIM.repeats[1] >= 2  # cut from 5 to fit the run's budget (said in the result's cuts)
    assert CLAIM.setting("environment_targets", True) is False and CLAIM.setting("environment_targets", False)
    assert set(CLAIM.model_targets(False)) == {"resnet50", "bert_base", "mobilenet_v3_small"}
    assert CLAIM.decision_log[-1].date == "2026-12-07"
    # The shared runtimes count as the claim's code.
    assert any(p.parent.name == "runtimes" for p in CLAIM.code_files())
    assert "evidence.claims.deployment" in sys.modules and "tensorflow" not in sys.modules


# -- the real quick run ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quick(quick_results):
    return load_result("deployment", quick_results)


@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_fills_every_cell(quick):
    assert quick is not None and quick.provenance.mode == "quick"
    assert {s: r.status for s, r in quick.subjects.items()} == dict.fromkeys(OPTIONS, "ok")
    a = quick.assessment
    plan = CLAIM.model_targets(True)
    assert {(c.option, c.model, c.target) for c in a.cells} == {(o, m, t) for o in OPTIONS for m, ts in plan.items()
                                                               for t in ts}
    for infos in a.models.values():  # every model recorded with its configuration and weights
        assert {m.name for m in infos} == set(plan) and all(m.params > 0 and m.tiny and m.config for m in infos)
    for c in a.cells:
        if c.status == "works":
            assert c.artifact_bytes > 0 and c.cold_start_s.estimate > 0, c
            assert c.parity_max_abs_diff <= a.tolerance, c
            assert all(0 < lat.p50_ms <= lat.p99_ms for lat in c.latency), c
            assert c.latency or a.targets[c.target].kind == "browser", c
        elif c.status == "fails":
            assert c.error or c.reason, c
        elif c.status == "unavailable":
            assert c.why_unavailable, c
        else:
            assert c.reason, c
        if c.status not in ("not_applicable", "unavailable"):
            assert c.lines and c.steps and c.attempts, c


@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_reaches_the_documented_targets(quick):
    a = quick.assessment
    assert set(a.reach("keras-tensorflow")) >= {"keras", "savedmodel", "onnx", "litert", "openvino"}
    assert set(a.reach(TF_CORE)) >= {"savedmodel", "onnx", "openvino"}
    # TensorFlow core's LiteRT files of the zoo answer NaN (variables not captured) or differ beyond the tolerance
    # (measured 2026-12-07): when that cell does not work, it says why.
    for model in ("resnet50", "mobilenet_v3_small"):
        cell = a.cell(TF_CORE, "litert", model)
        assert cell.status == "works" or (cell.status == "fails" and (cell.error or cell.reason)), cell
    assert a.cell("keras-torch", "torch_pt2", "resnet50").status == "works"
    for target in ("litert", "executorch"):  # quick mode skips the targets needing their own environment ...
        cell = a.cell("keras-torch", target, "mobilenet_v3_small")
        assert cell.status in ("unavailable", "works"), cell  # ... unless the reload under TensorFlow reaches it
    for target in ("litert", "openvino"):  # JAX's direct exports fail; the workaround route is recorded
        cell = a.cell("keras-jax", target, "resnet50")
        if cell.status == "works":
            assert cell.route != "export_keras" and cell.direct_route_error and cell.extra_steps
    # The browser: onnxruntime-web answers for every option, LiteRT.js for those with a LiteRT export.
    assert a.browser.ok and a.npm.ok
    onnx_web = {c.option: c for c in a.browser_cells() if c.target == "browser_onnx"}
    assert {o for o, c in onnx_web.items() if c.status == "works"} >= set(OPTIONS) - {"keras-jax"}
    # Keras on JAX exports ONNX that onnxruntime-web cannot open a session on (measured 2026-12-07): recorded with
    # its error, never dropped.
    assert onnx_web["keras-jax"].status == "works" or onnx_web["keras-jax"].error is not None
    assert a.cell("keras-tensorflow", "browser_litert").status == "works"
    assert quick.verdict in ("supported", "partly supported", "refuted", "inconclusive")


@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_corrupts_its_targets_without_crashing(quick):
    checks = {c.target: c for c in quick.assessment.corruption}
    assert set(checks) == set(CLAIM.setting("corrupted_targets", True))
    for target, check in checks.items():
        kinds = {o.kind: o for o in check.outcomes}
        assert kinds["truncated"].outcome in {"rejected", "crashed"}, (target, kinds)
        assert kinds["truncated"].error and "kvt-deployment" not in kinds["truncated"].error.message
    assert json.dumps(quick.findings)


def test_blockers_are_named_from_the_errors_and_what_got_past_them():
    errors = [{"type": "OpConversionFailure", "message": "No conversion rule found for operations: XlaCallModule"},
              {"type": "SymbolicValueError", "message": "Failed to export a node (aten::size) because it is not "
                                                        "constant. Please try to make things static"}]
    found = claim.blockers_of(errors)
    assert len(found) == 2 and found[0].startswith("XlaCallModule") and "dynamic batch" in found[1]
    assert claim.blockers_of([{"type": "ValueError", "message": "something else"}]) == []
    assert claim.got_past_by("export_keras_batch1") == "static shape"
    assert claim.got_past_by("tensorflow:export_keras") == claim.CROSS_BACKEND_STEP
    assert claim.got_past_by("export_keras_jax") == "intermediate format" and claim.got_past_by("export_keras") is None
