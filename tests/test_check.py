"""``kvt check PATH``: the static scan, bad input (exit 2), the judge, and the corpus of tests/check_corpus/.

The fast tests need no framework. The corpus test runs every program of ``tests/check_corpus/expected.toml``
for real (two checks at a time, ``--steps 2``, no export targets) and compares each backend's outcome with the
one written down there; one more slow test exports a model to two targets.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evidence.check import scan
from evidence.check.report import (
    TOLERANCES,
    BackendResult,
    CheckReport,
    Comparison,
    Load,
    ScriptRun,
    Step,
    Training,
    first_change,
    first_failure,
    judged,
)
from evidence.contract import ErrorInfo
from tests.conftest import ROOT, kvt, needs_frameworks

CORPUS = ROOT / "tests" / "check_corpus"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))["program"]
EXAMPLE = ROOT / "kvt_docs" / "check_example.json"
#: The corpus program the site's example output comes from, and its arguments.
EXAMPLE_PROGRAM = "tf_op_layer"
FRAMEWORKS = ("tensorflow", "jax", "torch", "keras")


# -- the static scan ---------------------------------------------------------------------------------------------
def test_scan_resolves_aliases_and_scopes():
    source = textwrap.dedent("""
        import keras
        import tensorflow as tf
        import jax.numpy as jnp
        from torch.nn import functional as F
        from keras import layers
        from tensorflow.math import cumsum

        def helper(x):
            return tf.math.reduce_sum(x, axis=-1)

        class Cum(layers.Layer):
            def call(self, x):
                return cumsum(x) + helper(x)

        class Sub(Cum):
            def call(self, x):
                return F.gelu(x)

        def my_loss(y, p):
            return tf.square(y - p)

        def build_model():
            m = keras.Sequential([keras.layers.Lambda(lambda t: tf.nn.relu(t))])
            m.compile("adam", loss=my_loss)
            return m

        def make_data():
            return tf.data.Dataset.range(3)

        unused = jnp.zeros(3)
    """)
    found = {f.call: f for f in scan.scan_source(source, "m.py")}
    assert found["tf.math.reduce_sum"].scope == "model"
    assert found["tf.math.reduce_sum"].where == "Cum.call → helper"  # reached through a call
    assert found["cumsum"].resolved == "tensorflow.math.cumsum"  # `from tensorflow.math import cumsum`
    assert found["F.gelu"].resolved == "torch.nn.functional.gelu"
    assert found["F.gelu"].where == "Sub.call"  # a subclass of a Keras class of the file
    assert found["tf.square"].where.startswith("my_loss")  # handed to compile(loss=...)
    assert found["tf.nn.relu"].scope == "model"
    assert found["tf.data.Dataset.range"].scope == "data"
    assert found["jnp.zeros"].scope == "other"
    assert found["jnp.zeros"].framework == "jax"


@pytest.mark.skipif(not scan.keras_ops_names(), reason="keras is not installed")
def test_keras_ops_equivalents_come_from_the_installed_keras():
    names = scan.keras_ops_names()
    assert "cumsum" in names[""] and "resize" in names["image"]
    assert scan.keras_ops_equivalent("tensorflow.math.cumsum") == "keras.ops.cumsum"
    assert scan.keras_ops_equivalent("tensorflow.math.reduce_sum") == "keras.ops.sum"  # TF's reduce_ prefix
    assert scan.keras_ops_equivalent("tensorflow.image.resize") == "keras.ops.image.resize"
    assert scan.keras_ops_equivalent("tensorflow.GradientTape") is None
    assert scan.advice_for("tensorflow.GradientTape")


def test_keras_ops_names_are_read_from_the_files_not_a_list(tmp_path, monkeypatch):
    """A Keras whose keras/ops exports only `frobnicate` has exactly that equivalent, and no `cumsum`."""
    ops = tmp_path / "keras" / "ops"
    (ops / "nn").mkdir(parents=True)
    (tmp_path / "keras" / "__init__.py").write_text("")
    (ops / "__init__.py").write_text("from keras.ops import nn as nn\n"
                                     "from keras.src.ops.x import frobnicate as frobnicate\n")
    (ops / "nn" / "__init__.py").write_text("from keras.src.ops.nn import wobble as wobble\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "keras" or m.startswith("keras.")]:
        monkeypatch.delitem(sys.modules, name)
    from evidence.check import keras_api

    scan.keras_ops_names.cache_clear()
    keras_api.api.cache_clear()
    try:
        assert scan.keras_ops_names() == {"": frozenset({"frobnicate"}), "nn": frozenset({"wobble"})}
        assert scan.keras_ops_equivalent("tensorflow.frobnicate") == "keras.ops.frobnicate"
        assert scan.keras_ops_equivalent("torch.nn.functional.wobble") == "keras.ops.nn.wobble"
        assert scan.keras_ops_equivalent("tensorflow.math.cumsum") is None
    finally:
        scan.keras_ops_names.cache_clear()
        keras_api.api.cache_clear()


def test_scan_of_the_corpus_finds_what_the_corpus_says():
    for entry in EXPECTED:
        if "file" not in entry or not entry["file"].endswith(".py"):
            continue
        findings = scan.scan_file(CORPUS / entry["file"])
        in_model = {f.call for f in findings if f.in_model}
        outside = {f.call for f in findings if not f.in_model}
        assert set(entry.get("calls", [])) <= in_model, (entry["name"], findings)
        assert set(entry.get("outside", [])) <= outside, (entry["name"], findings)
        if not entry.get("calls"):
            assert not in_model, (entry["name"], in_model)


# -- bad input: one line, exit 2, no framework started ------------------------------------------------------------
BAD_INPUTS = ("missing file", "a folder", "not a Keras model (text)", "not a Keras model (h5)",
              "malformed .keras (not a zip)", "malformed .keras (no config.json)",
              "malformed .keras (config not an object)", "no build_model", "not valid Python", "unknown backend",
              "no backend", "unknown target", "--out not empty", "--custom-objects for a module", "bad --steps",
              "bad --timeout", "h5 of weights only", "h5 holding no model", "h5 with a Lambda layer",
              "folder not a SavedModel")


def _bad_input(case: str, tmp: Path) -> list[str]:
    """The arguments of ``kvt check`` for bad-input ``case``, its files made in ``tmp``."""
    (tmp / "notes.txt").write_text("hello")
    (tmp / "weights.h5").write_bytes(b"\x89HDF\r\n\x1a\n")
    (tmp / "garbage.keras").write_bytes(os.urandom(256))
    with zipfile.ZipFile(tmp / "noconfig.keras", "w") as z:
        z.writestr("metadata.json", "{}")
    with zipfile.ZipFile(tmp / "badconfig.keras", "w") as z:
        z.writestr("config.json", "[1, 2]")
    (tmp / "no_build.py").write_text("import keras\n\ndef make_model():\n    return None\n")
    (tmp / "broken.py").write_text("def build_model(:\n")
    (tmp / "full").mkdir()
    (tmp / "full" / "x").write_text("previous result")
    ok = str(CORPUS / "ops_layer.py")
    if case in ("h5 of weights only", "h5 holding no model"):
        h5py = pytest.importorskip("h5py")
        with h5py.File(tmp / "weights_only.h5", "w") as f:  # what Keras 2's model.save_weights("x.h5") writes
            f.attrs["layer_names"] = [b"dense"]
            f.create_group("dense")
        with h5py.File(tmp / "data.h5", "w") as f:
            f.create_dataset("x", data=[1, 2, 3])
    (tmp / "not_saved_model").mkdir()
    (tmp / "not_saved_model" / "variables.index").write_bytes(b"")
    return {
        "h5 of weights only": [str(tmp / "weights_only.h5")],
        "h5 holding no model": [str(tmp / "data.h5")],
        "h5 with a Lambda layer": [str(CORPUS / "keras2" / "lambda.h5")],
        "folder not a SavedModel": [str(tmp / "not_saved_model")],
        "missing file": [str(tmp / "nope.py")],
        "a folder": [str(tmp)],
        "not a Keras model (text)": [str(tmp / "notes.txt")],
        "not a Keras model (h5)": [str(tmp / "weights.h5")],
        "malformed .keras (not a zip)": [str(tmp / "garbage.keras")],
        "malformed .keras (no config.json)": [str(tmp / "noconfig.keras")],
        "malformed .keras (config not an object)": [str(tmp / "badconfig.keras")],
        "no build_model": [str(tmp / "no_build.py")],
        "not valid Python": [str(tmp / "broken.py")],
        "unknown backend": [ok, "--backends", "tensorflow,theano"],
        "no backend": [ok, "--backends", ","],
        "unknown target": [ok, "--targets", "onnx,coreml"],
        "--out not empty": [ok, "--out", str(tmp / "full")],
        "--custom-objects for a module": [ok, "--custom-objects", ok],
        "bad --steps": [ok, "--steps", "0"],
        "bad --timeout": [ok, "--timeout", "-1"],
    }[case]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line(case, tmp_path):
    if case == "h5 with a Lambda layer":
        pytest.importorskip("h5py")
    args = _bad_input(case, tmp_path)
    before = _snapshot(tmp_path)
    proc = kvt("check", *args, timeout=120)
    assert proc.returncode == 2, (case, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("kvt: error:"), (case, proc.stderr)
    assert "Traceback" not in proc.stderr and not proc.stdout
    assert _snapshot(tmp_path) == before  # nothing written, a previous result never touched


def test_a_missing_h5py_is_bad_input_not_a_traceback(tmp_path):
    shim = tmp_path / "shim" / "h5py"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError(\"No module named 'h5py' (hidden by the test)\")\n")
    proc = kvt("check", str(CORPUS / "keras2" / "dense.h5"), env={"PYTHONPATH": f"{shim.parent}{os.pathsep}{ROOT}"},
               timeout=120)
    assert proc.returncode == 2 and "h5py" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_the_inputs_are_told_apart_without_a_framework():
    pytest.importorskip("h5py")
    from evidence.check.inputs import classify
    from evidence.check.legacy import inspect_h5, inspect_saved_model

    assert classify(CORPUS / "keras2" / "dense.h5", script=False) == "h5_file"
    assert classify(CORPUS / "keras2" / "saved_model", script=False) == "saved_model"
    assert inspect_h5(CORPUS / "keras2" / "dense.h5")["saved_by"] == "Keras 2.15.0 (tensorflow)"
    assert inspect_saved_model(CORPUS / "keras2" / "saved_model")["keras_metadata"] is True


# -- Keras's namespaces, Keras 2 APIs, the advice ------------------------------------------------------------------
@pytest.mark.skipif(not scan.keras_ops_names(), reason="keras is not installed")
def test_equivalents_come_from_every_keras_namespace_and_none_that_fails_the_same_way():
    from evidence.check import keras_api

    assert keras_api.equivalent("tensorflow.random.normal") == "keras.random.normal"
    assert keras_api.equivalent("torch.randn") == "keras.random.normal"
    assert keras_api.equivalent("tensorflow.nn.conv2d") == "keras.ops.conv"
    assert keras_api.equivalent("torch.nn.LSTM") == "keras.layers.LSTM"
    assert keras_api.equivalent("tensorflow.strings.split") is None  # keras.ops.split splits numbers
    assert keras_api.equivalent("jax.random.split") is None  # keys, not arrays
    found = {f.call: f for f in scan.scan_source(  # the last tf.convert_to_tensor (line 6) is of numbers
        "import keras\nimport tensorflow as tf\nw = ['a', 'b']\nt = tf.convert_to_tensor(w)\n"
        "u = keras.ops.convert_to_tensor(['c'])\nv = tf.convert_to_tensor([1.0])\n", "s.py")}
    assert found["tf.convert_to_tensor"].category == "op"
    assert found["tf.convert_to_tensor"].keras_ops == "keras.ops.convert_to_tensor"
    strings = next(f for f in scan.scan_source("import tensorflow as tf\nw = ['a']\nt = tf.convert_to_tensor(w)\n",
                                               "s.py"))
    assert strings.category == "strings" and strings.keras_ops is None  # never the op that fails the same way
    assert found["keras.ops.convert_to_tensor"].category == "strings"
    assert keras_api.STRING_ADVICE in found["keras.ops.convert_to_tensor"].advice


@pytest.mark.skipif(not scan.keras_ops_names(), reason="keras is not installed")
def test_keras2_apis_are_named_with_their_replacement():
    found = {f.call: f for f in scan.scan_file(CORPUS / "keras2" / "train_keras2.py")}
    keras2 = {c: f for c, f in found.items() if f.category == "keras2"}
    assert keras2["keras.optimizers.legacy.Adam"].keras_ops == "keras.optimizers.Adam"  # a stub in Keras 3
    assert keras2["preprocessing.Rescaling"].keras_ops == "keras.layers.Rescaling"  # gone from experimental
    assert keras2["K.mean"].keras_ops == "keras.ops.mean" and keras2["K.mean"].scope == "model"  # compile(metrics=)
    assert "model.fit_generator" in keras2 and "model.save" in keras2
    assert any(c.startswith("from tensorflow.keras.layers.experimental") for c in keras2)
    assert "keras.layers.Dense" not in keras2  # exists in Keras 3


def test_code_reached_through_compile_and_callbacks_is_model_code():
    source = textwrap.dedent("""
        import keras
        import tensorflow as tf

        def my_loss(y, p):
            return tf.square(y - p)

        class Ratio:
            def __call__(self, y, p):
                return tf.math.divide_no_nan(y, p)

        class Logger:
            def on_epoch_end(self, epoch, logs=None):
                tf.print(epoch)

        model = keras.Sequential([keras.layers.Dense(1)])
        model.compile("adam", my_loss, metrics=[Ratio()])
        model.fit([[1.0]], [[1.0]], callbacks=[Logger()])
    """)
    found = {f.call: f for f in scan.scan_source(source, "s.py")}
    assert found["tf.square"].scope == "model"  # a loss passed positionally
    assert found["tf.math.divide_no_nan"].where.startswith("Ratio.__call__")  # a plain class as a metric
    assert found["tf.print"].scope == "model" and "fit" in found["tf.print"].where  # a callback


def test_first_change_follows_the_failing_frame_and_the_classes_not_line_order():
    from evidence.check.advice import choose

    source = textwrap.dedent("""
        import keras
        import tensorflow as tf

        x = tf.random.normal((8, 4))

        class M(keras.Model):
            def train_step(self, data):
                with tf.GradientTape() as tape:
                    loss = self.compute_loss(y=data[1], y_pred=self(data[0]))
                return {"loss": loss}
    """)
    findings = scan.scan_source(source, "s.py")
    assert findings[0].call == "tf.random.normal"  # first in line order
    err = ErrorInfo(type="ValueError", message="No gradients provided for any variable")
    change = choose(err, [(10, "train_step"), (14, "<module>")], findings, "torch")
    assert change.failure_class == "framework_autodiff" and change.call == "tf.GradientTape"
    # With no frame at all the model's autodiff still outranks a data op outside the model.
    assert choose(err, [], findings, "torch").call == "tf.GradientTape"
    sig = ErrorInfo(type="TypeError", message="M.train_step() takes 2 positional arguments but 3 were given")
    assert choose(sig, [], findings, "jax").failure_class == "train_step_for_other_backend"
    numpy = ErrorInfo(type="AttributeError", message="'ArrayImpl' object has no attribute 'numpy'")
    assert choose(numpy, [], [], "jax").failure_class == "numpy_on_tensor"
    # A TensorFlow op on the failing line asked a torch tensor for NumPy: the op is the change, not .numpy().
    layer = scan.scan_file(CORPUS / "tf_op_layer.py")
    refused = ErrorInfo(type="RuntimeError", message="Can't call numpy() on Tensor that requires grad.")
    change = choose(refused, [(12, "call")], layer, "torch")
    assert (change.failure_class, change.call) == ("framework_op_in_layer", "tf.math.cumsum")
    config = ErrorInfo(type="NotImplementedError",
                       message="Layer Scale has arguments ['factor'] in `__init__()` and therefore must override "
                               "`get_config()`.")
    assert choose(config, [], [], "torch").failure_class == "missing_get_config"


def test_export_diagnosis_reads_each_converters_message():
    from evidence.check.export_diagnosis import diagnose

    layers = {"spectral_norm": "SpectralNorm", "head": "Dense"}
    litert = ('Could not translate MLIR to FlatBuffer.<unknown>:0: error: loc(callsite(fused["Svd:", '
              '"functional_1/spectral_norm_1/Svd@__inference_function_227"] at callsite(fused["x", "y"]))): '
              "'tf.Svd' op is neither a custom op nor a flex op")
    b = diagnose("litert", litert, layers)
    assert (b.op, b.layer, b.layer_class, b.converter) == ("Svd", "spectral_norm", "SpectralNorm", "LiteRT converter")
    onnx = ('[ONNXRuntimeError] : 10 : INVALID_GRAPH : Load model from m.onnx failed:This is an invalid model. In '
            'Node, ("functional_1/spectral_norm_1/Svd", Svd, "", -1) : ("x": tensor(float),) -> ("y",) , Error No '
            "Op registered for Svd with domain_version of 15")
    b = diagnose("onnx", onnx, layers)
    assert (b.op, b.layer, b.opset) == ("Svd", "spectral_norm", 15)
    b = diagnose("onnx", "Exporting the operator 'aten::unique_dim' to ONNX opset version 17 is not supported", {})
    assert (b.op, b.opset, b.converter) == ("aten::unique_dim", 17, "torch.onnx")
    b = diagnose("torch_pt2", "Could not guard on data-dependent expression u0 > 1", {})
    assert b.op == "data-dependent shape" and "static input shape" in b.fix
    assert diagnose("onnx", "something else entirely", layers) is None


def test_a_timeout_is_a_timeout_and_a_program_failing_everywhere_is_broken():
    from evidence.check.changes import with_changes

    killed = BackendResult(backend="jax", imports=_works(),
                           build=Step(status="fails", reason="timed out after 12 s and was killed"))
    result = judged(killed, "module", False)
    assert result.ports is None and result.timed_out
    assert "timed out" in first_change({"jax": result}, [], "module")
    err = ErrorInfo(type="KeyError", message="'accuracy'", at="s.py:12 in <module>")
    fails = {b: judged(BackendResult(backend=b, script=ScriptRun(status="fails", wall_s=1.0, error=err,
                                                                   reason="exited with status 1")), "script", False)
             for b in ("tensorflow", "jax")}
    changed = with_changes(fails, [], "script", "s.py", {}, {}, "import keras\n")
    assert {r.change.failure_class for r in changed.values()} == {"broken"}
    assert "broken" in first_change(changed, [], "script")
    # A Keras 2 API explains a failure everywhere: a porting problem, not a broken program.
    k2 = scan.Finding(file="s.py", line=12, call="model.fit_generator", resolved="keras.Model.fit_generator",
                      framework="keras 2", scope="other", where="top level", category="keras2", advice="use fit")
    changed = with_changes(fails, [k2], "script", "s.py", {}, {}, "")
    assert {r.change.failure_class for r in changed.values()} == {"keras2_api"}


# -- the judge, from the report's fields --------------------------------------------------------------------------
def _works(**kw) -> Step:
    return Step(status="works", seconds=0.1, **kw)


def test_judge_reads_the_fields_and_names_the_first_change():
    err = ErrorInfo(type="TypeError", message="train_step() takes 2 positional arguments but 3 were given",
                    at="m.py:12 in train_step")
    tol = TOLERANCES["prediction"].value
    good = BackendResult(backend="tensorflow", imports=_works(), build=_works(),
                         trains=Training(status="works", losses=[1.0, 0.9]), saves=_works(),
                         loads={"tensorflow": Load(status="works", saved_under="tensorflow", difference=0.0)},
                         predicts_same=Comparison(status="works", difference=0.0, tolerance=tol))
    bad = BackendResult(backend="jax", imports=_works(), build=_works(),
                        trains=Training(status="fails", error=err),
                        loads={"tensorflow": Load(status="works", saved_under="tensorflow", difference=1e-2)},
                        predicts_same=Comparison(status="fails", reference="tensorflow", difference=1e-2,
                                                 tolerance=tol))
    results = {r.backend: judged(r, "module", False) for r in (good, bad)}
    assert results["tensorflow"].ports is True and not results["tensorflow"].problems
    assert results["jax"].ports is False
    problems = results["jax"].problems
    assert len(problems) == 2 and problems[0].startswith("training: TypeError: train_step()")
    assert problems[1].startswith("predictions differ from tensorflow's by 0.01")
    assert first_failure(results["jax"]) == "training"
    finding = scan.Finding(file="m.py", line=12, call="tf.GradientTape", resolved="tensorflow.GradientTape",
                           framework="tensorflow", scope="model", where="M.train_step",
                           advice=scan.advice_for("tensorflow.GradientTape"))
    line = first_change(results, [finding], "module")
    assert line.startswith("tf.GradientTape at m.py:12 (in M.train_step)") and "under jax" in line
    # An unavailable backend is neither ports nor does-not-port.
    missing = judged(BackendResult(backend="torch", imports=Step(status="unavailable", reason="no torch")),
                     "module", False)
    assert missing.ports is None and "could not be tried" in first_change({"torch": missing}, [], "module")


def test_exports_count_only_when_asked():
    from evidence.check.report import Export

    result = BackendResult(backend="torch", imports=_works(), build=_works(),
                           trains=Training(status="works", losses=[1.0]), saves=_works(),
                           exports={"savedmodel": Export(target="savedmodel", status="fails",
                                                         error=ErrorInfo(type="UserError", message="dynamic_shapes"))})
    assert judged(result, "module", targets_asked=False).ports is True
    assert judged(result, "module", targets_asked=True).ports is False


# -- the corpus, for real -----------------------------------------------------------------------------------------
def _snapshot(folder: Path) -> dict[str, tuple[int, float, str]]:
    """Every file and folder under ``folder``: size, modification time and content digest."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime,
                                         hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
            for p in sorted(folder.rglob("*"))}


#: Runs `kvt check` in a fresh interpreter and says on stderr which frameworks the CLI process imported.
_WATCHED = ("import sys\nfrom kvt.cli import main\nrc = main(sys.argv[1:])\n"
            f"print('KVT-CHECK-FRAMEWORKS', [m for m in {FRAMEWORKS!r} if m in sys.modules], file=sys.stderr)\n"
            "sys.exit(rc)\n")


def _run_entry(entry: dict, tmp: Path, keras_files: dict[str, Path]) -> tuple[subprocess.CompletedProcess, Path]:
    # Corpus paths relative to the repository root, as a user in it would type them (the report shows them).
    path = keras_files[entry["name"]] if "keras_file_from" in entry else CORPUS.relative_to(ROOT) / entry["file"]
    args = [a.replace("{corpus}", str(CORPUS)) for a in entry.get("args", [])]
    if "--targets" not in args:
        args += ["--targets", "none"]
    out = tmp / f"out-{entry['name']}"
    cmd = [sys.executable, "-c", _WATCHED, "check", str(path), *args, "--steps", "2", "--format", "json",
           "--out", str(out)]
    # Bytecode writing left on, as most users have it: the check itself must keep __pycache__ out of the corpus.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600, env=env)
    return proc, out


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory):
    """Every corpus program checked once (two checks at a time), with the corpus folder's state before and after."""
    tmp = tmp_path_factory.mktemp("check-corpus")
    before = _snapshot(CORPUS)
    keras_files = {}
    for entry in EXPECTED:
        if "keras_file_from" in entry:
            target = tmp / f"{entry['name']}.keras"
            subprocess.run([sys.executable, str(CORPUS / entry["keras_file_from"]), str(target)], check=True,
                           capture_output=True, env={**os.environ, "KERAS_BACKEND": "tensorflow",
                                                     "PYTHONDONTWRITEBYTECODE": "1"}, timeout=300)
            keras_files[entry["name"]] = target
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip([e["name"] for e in EXPECTED],
                        pool.map(lambda e: _run_entry(e, tmp, keras_files), EXPECTED), strict=True))
    return {"runs": runs, "before": before, "after": _snapshot(CORPUS)}


def _report(corpus_runs, name: str) -> CheckReport:
    proc, _ = corpus_runs["runs"][name]
    assert proc.returncode in (0, 1), (name, proc.stderr[-2000:])
    return CheckReport.model_validate_json(proc.stdout)


@needs_frameworks
@pytest.mark.slow
@pytest.mark.parametrize("entry", EXPECTED, ids=[e["name"] for e in EXPECTED])
def test_corpus_outcome_matches_the_expectation(corpus_runs, entry):
    report = _report(corpus_runs, entry["name"])
    proc, out = corpus_runs["runs"][entry["name"]]
    assert list(report.results) == list(entry["expect"]), "the backends that ran"
    for backend, expect in entry["expect"].items():
        result = report.results[backend]
        outcome = {True: "ports", False: "does not port", None: "unavailable"}[result.ports]
        if result.ports is None and result.timed_out:
            outcome = "timed out"
        assert outcome == expect["outcome"], (backend, expect["why"], result.problems)
        if outcome in ("does not port", "timed out"):
            assert first_failure(result) == expect["fails_while"], (backend, result.problems)
        if "change" in expect:  # the first change: its failure class and the call it names
            assert result.change is not None, (backend, report.first_change)
            assert result.change.failure_class == expect["change"], (backend, result.change)
            assert expect.get("change_call", "") in (result.change.call or ""), (backend, result.change)
    assert proc.returncode == (0 if all(e["outcome"] == "ports" for e in entry["expect"].values()) else 1)
    first = next((r for r in report.results.values() if r.ports is False), None)
    if first is not None and first.change is not None and first.change.call:
        assert first.change.call.split(" (")[0] in report.first_change  # the line names what the change names
    assert report.ports is (proc.returncode == 0)
    in_model = {f.call for f in report.findings if f.in_model}
    assert set(entry.get("calls", [])) <= in_model
    # --out keeps the report that was printed, and every trial's files.
    assert json.loads((out / "report.json").read_text()) == json.loads(proc.stdout)
    assert (out / "trials").is_dir()
    # The CLI process itself imported no framework.
    marker = [ln for ln in proc.stderr.splitlines() if ln.startswith("KVT-CHECK-FRAMEWORKS")]
    assert marker == ["KVT-CHECK-FRAMEWORKS []"], proc.stderr[-1000:]


@needs_frameworks
@pytest.mark.slow
def test_keras2_files_predict_what_keras2_predicted(corpus_runs):
    """The Keras 2.15 .h5 file and SavedModel, loaded by Keras 3, predict what Keras 2.15 itself predicted on the
    same inputs (committed by keras2/make_fixtures.py), under every backend that loads them."""
    import numpy as np

    reference = np.load(CORPUS / "keras2" / "keras2_reference.npz")
    tol = TOLERANCES["prediction"].value
    for name, key, loaded in (("keras2_h5", "dense_h5", ("tensorflow", "jax", "torch")),
                              ("keras2_saved_model", "saved_model", ("tensorflow",))):
        report = _report(corpus_runs, name)
        _, out = corpus_runs["runs"][name]
        assert report.kind == ("h5_file" if name == "keras2_h5" else "saved_model")
        assert report.legacy is not None and report.legacy["saved_by"]
        for backend in loaded:
            folder = out / "trials" / backend
            x = np.load(folder / "pred_inputs.npz")
            inputs = x[x.files[0]]
            assert np.array_equal(inputs, reference["x"]), "the generated inputs changed: rerun make_fixtures.py"
            pred = np.load(folder / "pred.npz")
            assert np.abs(pred[pred.files[0]] - reference[key]).max() <= tol, (name, backend)
    saved = _report(corpus_runs, "keras2_saved_model").legacy
    assert saved["endpoint"] == "serving_default" and saved["keras_metadata"] is True and saved["loses"]


@needs_frameworks
@pytest.mark.slow
def test_keras2_reports_of_the_site_are_current(corpus_runs):
    """The site's Keras 2 reports (kvt_docs/check_keras2/) say per backend what a fresh run says
    (``KVT_REGENERATE_EXAMPLES=1`` rewrites them; the comparison with Keras 2.15's own predictions needs the
    keras-2.15 environment and is left out of the comparison)."""
    from kvt_docs.check_migration import CASES, FOLDER, load

    for name, _, _ in CASES:
        fresh = _report(corpus_runs, name)
        if os.environ.get("KVT_REGENERATE_EXAMPLES") == "1":
            (FOLDER / f"{name}.json").write_text(corpus_runs["runs"][name][0].stdout, encoding="utf-8")
        committed = load(name)

        def outline(report: CheckReport):
            return ({b: (r.ports, first_failure(r), r.change.failure_class if r.change else None)
                     for b, r in report.results.items()}, report.kind,
                    sorted((f.call, f.line) for f in report.findings if f.category == "keras2"))

        assert outline(committed) == outline(fresh), f"regenerate {name}: KVT_REGENERATE_EXAMPLES=1"


@needs_frameworks
@pytest.mark.slow
def test_export_report_names_the_blocking_op_and_layer(corpus_runs):
    report = _report(corpus_runs, "export_blocked_op")
    exports = report.results["tensorflow"].exports
    assert exports["litert"].blocker.op == "Svd" and exports["litert"].blocker.layer == "spectral_norm"
    assert exports["onnx"].blocker.op == "Svd" and exports["onnx"].blocker.layer == "spectral_norm"
    assert exports["onnx"].blocker.opset is not None
    assert "Svd" in report.first_change and "spectral_norm" in report.first_change


@needs_frameworks
@pytest.mark.slow
def test_a_train_step_without_a_loss_trains(corpus_runs):
    result = _report(corpus_runs, "train_step_no_loss").results["torch"]
    assert result.trains.status == "works" and result.trains.losses == []
    assert result.same_loss.status == "not_applicable" and "mae" in result.same_loss.reason


@needs_frameworks
@pytest.mark.slow
def test_corpus_folder_is_left_unchanged(corpus_runs):
    assert corpus_runs["after"] == corpus_runs["before"]


@needs_frameworks
@pytest.mark.slow
def test_a_hanging_model_is_stopped_at_the_timeout(corpus_runs):
    result = _report(corpus_runs, "hangs").results["jax"]
    assert result.build is not None and result.build.reason == "timed out after 12 s and was killed"


@needs_frameworks
@pytest.mark.slow
def test_example_output_of_the_site_is_current(corpus_runs):
    """The site's example is a real `kvt check` output: the committed one says what a fresh run says.

    ``KVT_REGENERATE_EXAMPLES=1`` rewrites it from the fresh run.
    """
    fresh = _report(corpus_runs, EXAMPLE_PROGRAM)
    if os.environ.get("KVT_REGENERATE_EXAMPLES") == "1":
        proc, _ = corpus_runs["runs"][EXAMPLE_PROGRAM]
        EXAMPLE.write_text(proc.stdout, encoding="utf-8")
    committed = CheckReport.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))

    def outline(report: CheckReport):
        return ({b: (r.ports, first_failure(r), {t: e.status for t, e in r.exports.items()})
                 for b, r in report.results.items()},
                [(f.call, f.line, f.scope) for f in report.findings], report.first_change.split(" with ")[0],
                report.path, report.targets)

    assert outline(committed) == outline(fresh), "regenerate it: KVT_REGENERATE_EXAMPLES=1 pytest tests/test_check.py"


# -- checks a trial makes itself ----------------------------------------------------------------------------------
@needs_frameworks
@pytest.mark.slow
@pytest.mark.parametrize("source, message", [
    ("def build_model():\n    return 42\n", "build_model() returned int, not a Keras model"),
    ("import keras\n\nclass M(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
     "        self.d = keras.layers.Dense(1)\n\n    def call(self, x):\n        return self.d(x)\n\n"
     "def build_model():\n    m = M()\n    m.compile('sgd', 'mse')\n    return m\n",
     "cannot derive inputs"),
], ids=["not a Keras model", "no data derivable"])
def test_input_a_trial_finds_unusable_exits_2(tmp_path, source, message):
    (tmp_path / "user.py").write_text(source)
    proc = kvt("check", str(tmp_path / "user.py"), "--backends", "jax", "--targets", "none", timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["user.py"]  # nothing written beside it


@needs_frameworks
@pytest.mark.slow
def test_exports_with_parity(tmp_path):
    """A model of built-in layers exported to ONNX and the native format under two backends, answers compared."""
    proc = kvt("check", str(CORPUS / "custom_loss_metric.py"), "--backends", "tensorflow,torch", "--steps", "2",
               "--targets", "keras,onnx", "--format", "json", timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = CheckReport.model_validate_json(proc.stdout)
    assert report.targets_asked and report.targets == ["keras", "onnx"]
    for backend in ("tensorflow", "torch"):
        for target in ("keras", "onnx"):
            cell = report.results[backend].exports[target]
            assert cell.status == "works", (backend, target, cell)
            assert cell.parity is not None and cell.parity <= 1e-4


# -- the site page ------------------------------------------------------------------------------------------------
def test_check_page_shows_the_example_and_the_corpus():
    from kvt_docs.check_page import render_check_page

    page = render_check_page()
    example = CheckReport.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))
    assert page.startswith("# Check your own model")
    for backend, result in example.results.items():
        assert f"| {backend} |" in page
        for problem in result.problems[:1]:
            assert problem.split(":")[0] in page
    assert example.first_change.split(" at ")[0] in page  # the closing line, from the report
    for entry in EXPECTED:
        assert entry["expect"][next(iter(entry["expect"]))]["why"].split(" (")[0][:40] in page.replace("\\", "")
    assert "<class '" not in page  # error text is escaped, never raw HTML
    # Moving from Keras 2: the real reports of the Keras 2.15 .h5, SavedModel and script, per backend.
    from evidence.labels import label
    from kvt_docs.check_migration import CASES, load

    migration = page[page.index("## Moving from Keras 2"):page.index("## What the check is tested on")]
    for name, command, _ in CASES:
        report = load(name)
        assert command in migration
        for backend, result in report.results.items():
            verdict = "ports" if result.ports else "does not port"
            assert f"| {label(backend)} | {verdict}" in migration, (name, backend)  # labels, not ids
    plain = page.replace("\\", "")
    assert f"first change: {label('export_blocked')}" in plain
    assert f"first change: {label('framework_autodiff')}" in plain


@needs_frameworks
@pytest.mark.slow
def test_a_missing_framework_is_unavailable_not_a_failure(tmp_path):
    """A backend whose framework cannot be imported is not tried (unavailable), and the other backends run."""
    shim = tmp_path / "shim" / "torch"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'torch' (hidden by the test)\", name='torch')\n")
    proc = kvt("check", str(CORPUS / "ops_layer.py"), "--backends", "jax,torch", "--steps", "2", "--targets",
               "none", "--format", "json", env={"PYTHONPATH": str(shim.parent)}, timeout=600)
    assert proc.returncode == 1, proc.stderr[-2000:]  # not every backend asked could be confirmed
    report = CheckReport.model_validate_json(proc.stdout)
    torch = report.results["torch"]
    assert torch.ports is None and torch.imports.status == "unavailable" and not torch.problems
    assert torch.imports.error.missing_module == "torch"
    assert report.results["jax"].ports is True
    assert "torch could not be tried" in report.first_change
