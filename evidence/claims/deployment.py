"""Claim ``deployment``: Keras models are lighter and easier to deploy; TensorFlow needs extra steps.

Every option takes the same trained digits classifier to every deployment target, for real, and the artifact
is then loaded and asked for answers in fresh processes, as a server would.

Options (subjects): ``keras-tensorflow``, ``keras-jax``, ``keras-torch`` train ``digits_mlp.py`` under their
backend; ``tensorflow-core`` trains ``digits_mlp_tf_core.py`` (a ``tf.Module``, no Keras).

Targets, one program each under ``evidence/programs/``: native ``.keras`` (``deploy_keras_native.py``),
SavedModel (``deploy_savedmodel.py``), ONNX (``deploy_onnx.py``), LiteRT (``deploy_litert.py``) and OpenVINO IR
(``deploy_openvino.py``). Each program has the export function(s) of the options that reach the target
(``export_keras``, a backend-specific ``export_keras_<backend>`` where the plain Keras call does not work,
``export_tf_core``) and the ``load``/``predict`` pair a server runs.

Two stages, each (stage, option) cell in its own worker process:

``export``
    Train (a few epochs), keep the model's test-set probabilities as the reference, then run each target's
    export function(s) in order: where the direct route raises, the next one is tried and both are recorded.
    Per target: the route that worked, every error, seconds, the artifact's files and bytes, the packages the
    route needs, the distributions first imported by the export call, and the steps and lines of the code a
    user writes (the export function plus ``load`` and ``predict``, counted from the program file by
    :func:`route_metrics` with :mod:`evidence.code_metrics`, as the ease-of-use claim counts). The record is
    written to the run's workdir after every target, so a worker that dies mid-way still leaves what it did.
``serve``
    For each exported artifact, fresh ``python`` processes (this module run as a script, see
    :func:`serve_main`) import the program (its runtime), load the artifact and answer one input: the cold
    start, split into import, load and first answer, repeated, with a warm-up process first in full mode.
    The last process also predicts the whole test set (compared with the reference: max abs difference and
    class agreement) and times ``warm-up`` + N calls at batch 1 and batch 32 (p50/p99). Then, per target,
    copies of one option's artifact are corrupted on purpose, cut to half their length (``truncated``) and
    with 256 bytes of their weights inverted (``garbled``), and loaded the same way: the loader's error, its
    crash, or its silently wrong answers are recorded; the run never stops on them.

``judge`` assembles the matrix (target × option: a number or a recorded reason, never blank), says per target
who gets there at what cost, compares each Keras option with TensorFlow core on the targets both reach, and
decides whether "Keras is easier to deploy" and "lighter" hold today.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, Claim, Context, Verdict, load_program, missing_subjects
from evidence.timing import summarize

OPTIONS: tuple[str, ...] = ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core")
KERAS_OPTIONS: tuple[str, ...] = OPTIONS[:3]
TF_CORE = "tensorflow-core"
BACKENDS: dict[str, str] = {"keras-tensorflow": "tensorflow", "keras-jax": "jax", "keras-torch": "torch"}

TARGETS: tuple[str, ...] = ("keras", "savedmodel", "onnx", "litert", "openvino")
TARGET_NAMES: dict[str, str] = {
    "keras": "native .keras", "savedmodel": "SavedModel", "onnx": "ONNX", "litert": "LiteRT",
    "openvino": "OpenVINO IR",
}
PROGRAMS: dict[str, str] = {
    "keras": "deploy_keras_native.py",
    "savedmodel": "deploy_savedmodel.py",
    "onnx": "deploy_onnx.py",
    "litert": "deploy_litert.py",
    "openvino": "deploy_openvino.py",
}
#: The artifact each program writes, inside a folder of its own per (option, target).
ARTIFACTS: dict[str, str] = {
    "keras": "model.keras", "savedmodel": "saved_model", "onnx": "model.onnx", "litert": "model.tflite",
    "openvino": "model.xml",
}
KERAS_MODEL = "digits_mlp.py"
TF_CORE_MODEL = "digits_mlp_tf_core.py"

#: Export functions tried in order, per (target, option): the direct route first, a workaround after it.
ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    **{("keras", o): ("export_keras",) for o in KERAS_OPTIONS},
    **{(t, o): ("export_keras",) for t in ("savedmodel", "onnx") for o in KERAS_OPTIONS},
    ("litert", "keras-tensorflow"): ("export_keras",),
    ("litert", "keras-jax"): ("export_keras", "export_keras_jax"),
    ("litert", "keras-torch"): ("export_keras",),
    ("openvino", "keras-tensorflow"): ("export_keras",),
    ("openvino", "keras-jax"): ("export_keras", "export_keras_jax"),
    ("openvino", "keras-torch"): ("export_keras",),
    **{(t, TF_CORE): ("export_tf_core",) for t in ("savedmodel", "onnx", "litert", "openvino")},
}
NOT_APPLICABLE: dict[tuple[str, str], str] = {
    ("keras", TF_CORE): ("a tf.Module is not a Keras model: the .keras format stores a Keras model's config and "
                         "weights, and TensorFlow core's own format is the SavedModel"),
}

#: What each option installs anyway: its framework (distribution names as pip knows them).
BASE_PACKAGES: dict[str, tuple[str, ...]] = {
    "keras-tensorflow": ("keras", "tensorflow"),
    "keras-jax": ("keras", "jax", "jaxlib"),
    "keras-torch": ("keras", "torch"),
    TF_CORE: ("tensorflow",),
}
#: What a route needs installed where the model is exported, beyond nothing (the base is subtracted later).
EXPORT_PACKAGES: dict[tuple[str, str], tuple[str, ...]] = {
    ("savedmodel", "export_keras"): ("tensorflow",),
    ("onnx", "export_tf_core"): ("tf2onnx", "onnx"),
    ("litert", "export_keras_jax"): ("tensorflow",),
    ("openvino", "export_keras"): ("openvino",),
    ("openvino", "export_keras_jax"): ("jax2onnx", "onnx", "openvino"),
    ("openvino", "export_tf_core"): ("openvino",),
}
#: Routes whose packages depend on the backend under ``export_keras``.
EXPORT_PACKAGES_BY_BACKEND: dict[tuple[str, str], tuple[str, ...]] = {
    ("savedmodel", "keras-torch"): ("tensorflow", "torch_xla"),
    ("onnx", "keras-tensorflow"): ("tf2onnx", "onnx"),
    ("onnx", "keras-jax"): ("jax2onnx", "onnx"),
    ("onnx", "keras-torch"): ("onnxscript", "onnx"),
    ("litert", "keras-torch"): ("litert-torch",),
}
#: What serving the target needs (the native format needs the option's own stack).
SERVE_PACKAGES: dict[str, tuple[str, ...]] = {
    "savedmodel": ("tensorflow",), "onnx": ("onnxruntime",), "litert": ("ai-edge-litert",),
    "openvino": ("openvino",),
}

#: Files of each artifact folder that the corruption checks damage: (cut in half, bytes inverted).
CORRUPT_FILES: dict[str, tuple[str, str]] = {
    "keras": ("model.keras", "model.keras"),
    "savedmodel": ("saved_model/saved_model.pb", "saved_model/variables/variables.data-00000-of-00001"),
    "onnx": ("model.onnx", "model.onnx"),
    "litert": ("model.tflite", "model.tflite"),
    "openvino": ("model.xml", "model.bin"),
}
GARBLED_BYTES = 256

#: Public reports that match a recorded failure: (target, option or None for any, regex on the error text,
#: url, what it says). Only reports read and found to match are listed.
KNOWN_ISSUES: tuple[tuple[str, str | None, str, str, str], ...] = (
    ("savedmodel", "keras-torch", r"dynamic_shapes|torch_xla|Trackable",
     "https://github.com/keras-team/keras/issues/19017",
     "SavedModel export from the torch backend is a known gap; Keras's route (keras-team/keras#20685) goes "
     "through torch.export and torch_xla"),
    ("litert", "keras-torch", r"litert.torch|litert_torch",
     "https://github.com/keras-team/keras/pull/22758",
     "Keras exports LiteRT from torch through the litert-torch package, with static input shapes only "
     "(keras-team/keras#22996)"),
    ("litert", "keras-jax", r"requires TensorFlow or PyTorch backend",
     "https://github.com/keras-team/keras/pull/20631",
     "by design: from JAX, export a SavedModel and convert it with tf.lite.TFLiteConverter"),
    ("keras", None, r"File not found: filepath=",
     "https://github.com/keras-team/keras/issues/20259",
     "load_model reports an unreadable .keras file as 'File not found' even though it exists "
     "(also keras-team/keras#20146)"),
)
#: Why a package that a route needs was not installed here (a finding, not a defect of the run).
NOT_INSTALLED_WHY: dict[str, str] = {
    "litert-torch": ("litert-torch 0.10.0 pulls xdsl, which pins typing-extensions<4.13; installing it would "
                     "downgrade typing_extensions 4.16.0 to 4.12.2 and pydantic 2.14.4 to 2.11.10 in the "
                     "project's environment, so it was not installed"),
    "torch_xla": "torch_xla is not installed (Keras's torch-to-SavedModel route needs it)",
}

SERVE_HARNESS_TIMEOUT_S = 240
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_BUILTINS = frozenset(dir(builtins))


# -- programs, errors, files ----------------------------------------------------------------------------

def error_record(exc: BaseException) -> dict[str, Any]:
    """An exception as ``type``, its first informative ``message`` line, and the innermost error it wraps.

    OpenVINO's messages start with a chain of ``Exception from src/...`` location lines; the informative line
    is the first one that is not such a location. Keras and TensorFlow re-raise ``from None``; the hidden
    error is kept in ``__context__``.
    """
    def first_line(e: BaseException) -> str:
        lines = [ln.strip() for ln in _ANSI.sub("", str(e)).splitlines() if ln.strip()]
        informative = [ln for ln in lines if not re.match(r"^(Exception from |Check '.*' failed at )", ln)] or lines
        if not informative:
            return ""
        # A line that ends with a colon introduces the detail (OpenVINO's "...OpConversionFailure:" is followed
        # by the unconverted operations): keep the next few lines with it.
        text = informative[0]
        if text.endswith(":"):
            text = " ".join(informative[:5])
        return text[:500]

    chain, seen, current = [], set(), exc
    while current is not None and id(current) not in seen and len(chain) < 8:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    cls = type(exc)
    name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    record = {"type": name, "message": first_line(exc), "root": None, "missing_module": None}
    if chain[-1] is not exc:
        record["root"] = f"{type(chain[-1]).__name__}: {first_line(chain[-1])}"
    for e in chain:
        if isinstance(e, ImportError) and getattr(e, "name", None):
            record["missing_module"] = e.name
            break
    if record["missing_module"] is None and isinstance(exc, ImportError):
        # Keras raises a plain ImportError with "install the `litert-torch` package" and no module name.
        match = re.search(r"install the `([\w.-]+)` package", str(exc))
        record["missing_module"] = match.group(1) if match else "unknown"
    return record


def error_text(record: dict[str, Any]) -> str:
    """One line: ``Type: message`` and what it wraps."""
    text = f"{record['type']}: {record['message']}"
    return text + (f" (wrapping {record['root']})" if record.get("root") else "")


def _write_json(path: Path, payload: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


def _save_npy(path: Path, array) -> None:
    import numpy as np

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array)
    os.replace(tmp, path)


def folder_files(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` with its size in bytes, by relative path."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()}


def package_version(name: str) -> str | None:
    """Installed version of a distribution (``tensorflow`` also answers for ``tensorflow-cpu``)."""
    for candidate in (name, f"{name}-cpu") if name == "tensorflow" else (name,):
        try:
            return metadata.version(candidate)
        except metadata.PackageNotFoundError:
            continue
    return None


def imported_distributions(modules: set[str]) -> list[str]:
    """The distributions that provide the top-level packages of ``modules`` (standard library left out)."""
    tops = {m.split(".")[0] for m in modules} - set(sys.stdlib_module_names)
    tops = {t for t in tops if not t.startswith(("kvt_program_", "evidence", "__"))}
    mapping = metadata.packages_distributions()
    return sorted({d for t in tops for d in mapping.get(t, [])})


# -- code metrics ---------------------------------------------------------------------------------------
#: Modules whose names :mod:`evidence.code_metrics` resolves as API names here: the frameworks and the runtimes.
RUNTIME_ROOTS: tuple[str, ...] = (*code_metrics.FRAMEWORK_ROOTS, "onnxruntime", "openvino", "ai_edge_litert",
                                  "tf2onnx")


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a callee; ``f().g`` and ``a[].b`` where the chain passes through a call or subscript."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = _dotted(node.func)
        return f"{base}()" if base else None
    if isinstance(node, ast.Subscript):
        base = _dotted(node.value)
        return f"{base}[]" if base else None
    return None


def route_metrics(program: str | os.PathLike, functions: Sequence[str]) -> dict[str, Any]:
    """Lines and steps a user writes for ``functions`` of ``program`` (and the program's helpers they call).

    - ``lines``: logical lines of those functions, as :func:`evidence.code_metrics.analyse_symbols` counts
      them for the ease-of-use claim (``def`` lines and imports inside the functions included, docstrings,
      comments, blank lines and the file's top-level imports not).
    - ``steps``: calls in the function bodies to anything but a Python builtin or a helper of the program:
      each library call is one step (``ov.save_model(ov.convert_model(m), p)`` is two). Counted here rather
      than from ``code_metrics``' API names, whose type inference does not follow an unannotated parameter:
      ``model.export(...)`` on the ``model`` a function receives would not count at all.
    - ``api``: the distinct dotted names called; ``framework_api``: the framework and runtime names that
      ``code_metrics`` resolves through the imports.
    """
    path = Path(program)
    if not path.is_absolute() and path.parent == Path("."):
        path = PROGRAMS_DIR / path
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    missing = [f for f in functions if f not in defs]
    if missing:
        raise ValueError(f"Expected functions {missing} in {path.name}; it defines {sorted(defs)}")
    todo, counted = list(functions), []
    while todo:
        name = todo.pop(0)
        if name not in counted:
            counted.append(name)
            todo += [sub.func.id for sub in ast.walk(defs[name])
                     if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in defs]
    steps = 0
    api: set[str] = set()
    for name in counted:
        for sub in ast.walk(defs[name]):
            if isinstance(sub, ast.Call):
                callee = _dotted(sub.func)
                if callee is None or callee in _BUILTINS or callee in defs:
                    continue
                steps += 1
                api.add(callee)
    metrics = code_metrics.analyse_symbols(path, counted, roots=RUNTIME_ROOTS)
    return {"program": path.name, "functions": counted, "lines": metrics.logical_lines, "steps": steps,
            "api": sorted(api), "framework_api": list(metrics.api_names)}


# -- corrupted artifacts --------------------------------------------------------------------------------
def truncate_file(path: Path) -> dict[str, Any]:
    """Cut ``path`` to half its length, as an interrupted copy or download would."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2)
    return {"file": path.name, "bytes_before": size, "bytes_after": size // 2}


def garble_file(path: Path, count: int = GARBLED_BYTES) -> dict[str, Any]:
    """Invert ``count`` bytes from the middle of ``path`` (where a model file keeps its weights)."""
    data = bytearray(path.read_bytes())
    start = len(data) // 2
    end = min(len(data), start + count)
    for i in range(start, end):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return {"file": path.name, "offset": start, "bytes_inverted": end - start, "bytes": len(data)}


def _pick_file(folder: Path, relative: str) -> Path:
    """``folder/relative`` if it exists, else the folder's largest file (a renamed weights shard, say)."""
    candidate = folder / relative
    if candidate.is_file():
        return candidate
    files = [p for p in folder.rglob("*") if p.is_file()]
    if not files:
        raise FileNotFoundError(f"no file to corrupt under {folder}")
    return max(files, key=lambda p: p.stat().st_size)


def corrupt_copy(target_dir: Path, dest: Path, target: str, kind: str) -> dict[str, Any]:
    """Copy an artifact folder to ``dest`` and damage the copy: ``truncated`` or ``garbled``."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(target_dir, dest)
    truncate_rel, garble_rel = CORRUPT_FILES[target]
    if kind == "truncated":
        return truncate_file(_pick_file(dest, truncate_rel))
    if kind == "garbled":
        return garble_file(_pick_file(dest, garble_rel))
    raise ValueError(f"Expected kind 'truncated' or 'garbled'; received: kind={kind!r}")


# -- the serving process --------------------------------------------------------------------------------
def percentiles(samples: Sequence[float]) -> dict[str, Any]:
    """p50/p90/p99, mean, min and max of per-call seconds, in milliseconds."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("Expected at least one sample; received none")

    def at(q: float) -> float:
        # Linear interpolation between order statistics, as numpy.percentile's default.
        pos = q * (len(ordered) - 1)
        lo = int(pos)
        hi = min(lo + 1, len(ordered) - 1)
        return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)

    return {"p50_ms": at(0.5) * 1e3, "p90_ms": at(0.9) * 1e3, "p99_ms": at(0.99) * 1e3,
            "mean_ms": statistics.fmean(ordered) * 1e3, "min_ms": ordered[0] * 1e3, "max_ms": ordered[-1] * 1e3,
            "calls": len(ordered)}


def _latency(program: ModuleType, artifact: Any, x, batch: int, calls: int, warmup: int) -> dict[str, Any]:
    import numpy as np

    starts = range(0, len(x) - batch + 1, batch) if batch > 1 else range(len(x))
    batches = [np.ascontiguousarray(x[s:s + batch]) for s in starts]
    for i in range(warmup):
        program.predict(artifact, batches[i % len(batches)])
    samples = []
    for i in range(calls):
        xb = batches[i % len(batches)]
        start = time.perf_counter()
        program.predict(artifact, xb)
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def serve_main(argv: list[str] | None = None) -> int:
    """A fresh serving process: import the program, load the artifact, answer; write what happened as JSON.

    Timed from just before the program's import (which imports its runtime) to its first answer; numpy and
    this module are imported before the clock starts, since every runtime needs numpy. Any exception is
    recorded with the phase it happened in (``import``, ``load``, ``answer``); a crash of the process itself
    (a segfault in a native loader) leaves no JSON, and the caller records its exit status instead.
    """
    import numpy as np

    parser = argparse.ArgumentParser(prog="python -m evidence.claims.deployment")
    parser.add_argument("program")
    parser.add_argument("artifact")
    parser.add_argument("--inputs", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--predictions", type=Path)
    parser.add_argument("--latency-calls", type=int, default=0)
    parser.add_argument("--latency-warmup", type=int, default=0)
    parser.add_argument("--batch-sizes", default="1,32")
    args = parser.parse_args(argv)

    x = np.load(args.inputs)
    baseline = set(sys.modules)
    result: dict[str, Any] = {"ok": False, "pid": os.getpid()}
    phase = "import"
    try:
        t0 = time.perf_counter()
        program = load_program(args.program)
        t1 = time.perf_counter()
        phase = "load"
        artifact = program.load(args.artifact)
        t2 = time.perf_counter()
        phase = "answer"
        first = np.asarray(program.predict(artifact, x[:1]))
        t3 = time.perf_counter()
        result.update(import_s=t1 - t0, load_s=t2 - t1, first_answer_s=t3 - t2, cold_start_s=t3 - t0,
                      first_answer_shape=list(first.shape))
        if hasattr(program, "describe_signature"):
            result["signature"] = program.describe_signature(artifact)
        if args.predictions:
            predictions = np.concatenate([np.asarray(program.predict(artifact, x[s:s + 32]))
                                          for s in range(0, len(x), 32)])
            _save_npy(args.predictions, predictions)
        if args.latency_calls:
            phase = "latency"
            result["latency"] = {
                str(b): _latency(program, artifact, x, int(b), args.latency_calls, args.latency_warmup)
                for b in args.batch_sizes.split(",")
            }
        result["ok"] = True
    except Exception as exc:  # what the loader says about a bad artifact is the measurement
        result.update(phase=phase, error=error_record(exc))
    result["imported"] = imported_distributions(set(sys.modules) - baseline)
    _write_json(args.out, result)
    return 0


def run_serving_process(program: str | os.PathLike, artifact: Path, inputs: Path, out_dir: Path, tag: str, *,
                        predictions: bool = False, latency_calls: int = 0, latency_warmup: int = 0,
                        batch_sizes: Sequence[int] = (1, 32),
                        timeout_s: float = SERVE_HARNESS_TIMEOUT_S) -> dict[str, Any]:
    """Run :func:`serve_main` in a fresh process and return its JSON, or why it produced none.

    The process inherits this one's environment (``KERAS_BACKEND`` and the runner's settings). A process
    that crashes, is killed or times out returns ``{"ok": False, "phase": "process", ...}`` with its exit
    status and the last line of its stderr.
    """
    out = out_dir / f"{tag}.json"
    pred_path = out_dir / f"{tag}.pred.npy"
    out.unlink(missing_ok=True)
    # Paths relative to the process's folder: loaders quote them in their errors, and a recorded error should
    # not carry the name of a temporary folder.
    cmd = [sys.executable, "-m", "evidence.claims.deployment", str(program), os.path.relpath(artifact, out_dir),
           "--inputs", os.path.relpath(inputs, out_dir), "--out", str(out),
           "--latency-calls", str(latency_calls), "--latency-warmup", str(latency_warmup),
           "--batch-sizes", ",".join(str(b) for b in batch_sizes)]
    if predictions:
        cmd += ["--predictions", str(pred_path)]
    env = dict(os.environ)
    # The project root goes last on the path, as the runner puts it, so that the module is found from any cwd.
    root = str(Path(__file__).resolve().parents[2])
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths + ([root] if root not in paths else []))
    start = time.perf_counter()
    try:
        # Same process group as the worker: a runner that kills a timed-out worker's group kills this too.
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL,
                              cwd=out_dir, env=env)
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"")
        tail = tail.decode(errors="replace") if isinstance(tail, bytes) else tail
        return {"ok": False, "phase": "process", "wall_s": time.perf_counter() - start,
                "error": {"type": "TimeoutExpired", "message": f"no answer within {timeout_s:.0f} s",
                          "root": None, "missing_module": None}, "stderr_tail": tail[-1500:]}
    wall = time.perf_counter() - start
    if proc.returncode != 0 or not out.exists():
        if proc.returncode < 0:
            try:
                name = signal.Signals(-proc.returncode).name
            except ValueError:
                name = "unknown signal"
            how = f"killed by signal {-proc.returncode} ({name})"
        else:
            how = f"exited with status {proc.returncode}"
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        return {"ok": False, "phase": "process", "wall_s": wall,
                "error": {"type": "ProcessDied", "message": f"the serving process {how}: "
                          f"{lines[-1] if lines else 'no output on stderr'}", "root": None,
                          "missing_module": None},
                "stderr_tail": "\n".join(lines[-15:])}
    result = json.loads(out.read_text(encoding="utf-8"))
    result["wall_s"] = wall
    if predictions and result.get("ok"):
        result["predictions_file"] = str(pred_path)
    return result


def compare(predictions, reference) -> dict[str, Any]:
    """Max abs difference from the reference probabilities, and the share of equal predicted classes."""
    import numpy as np

    predictions = np.asarray(predictions, dtype="float64")
    reference = np.asarray(reference, dtype="float64")
    if predictions.shape != reference.shape:
        return {"shape_mismatch": [list(predictions.shape), list(reference.shape)]}
    return {
        "max_abs_diff": float(np.max(np.abs(predictions - reference))),
        "class_agreement": float(np.mean(np.argmax(predictions, -1) == np.argmax(reference, -1))),
    }


def match_issue(target: str, option: str | None, text: str) -> dict[str, str] | None:
    """The public report that matches a failure's text, if one is known."""
    for t, o, pattern, url, note in KNOWN_ISSUES:
        if t == target and (o is None or o == option) and re.search(pattern, text):
            return {"url": url, "note": note}
    return None


def _size_text(n: int | None) -> str:
    if n is None:
        return "?"
    return f"{n / 1024:.0f} KB" if n < 1024 ** 2 else f"{n / 1024 ** 2:.1f} MB"


class DeploymentClaim(Claim):
    """Every option × every target: export, load in a fresh process, answer, time, compare, corrupt."""

    id = "deployment"
    dimension = "Deployment"
    title = "Keras models are lighter and easier to deploy"
    statement = ("A Keras model is smaller and simpler to put into production than a TensorFlow one, which "
                 "needs additional steps before it can be served.")
    sub_claims = {
        "reach": "Which options get the same trained model to each target (native .keras, SavedModel, ONNX, "
                 "LiteRT, OpenVINO IR) as an artifact that loads in a fresh process and answers like the "
                 "original model.",
        "effort": "The steps and lines of code each route takes, and the extra packages it needs.",
        "weight": "Artifact size, cold start (import, load, first answer) and the packages a server imports.",
        "serving": "Latency at batch 1 and 32 (p50/p99) and agreement with the original model's outputs.",
        "corrupted": "What each loader does with a truncated or garbled artifact: a clear error, a crash, or "
                     "silently wrong answers.",
    }
    subjects = OPTIONS
    stages = ("export", "serve")
    programs = (KERAS_MODEL, TF_CORE_MODEL, *PROGRAMS.values())
    thresholds = {
        # Training length: the artifact only has to be a trained model; accuracy is recorded, not judged.
        "epochs_quick": 3,
        "epochs_full": 10,
        "batch_size": 32,
        # Largest max-abs difference of probabilities for an artifact that "answers like the original".
        # Float32 everywhere (OpenVINO is asked for f32 arithmetic): observed differences are ~1e-7.
        "output_tolerance": 1e-4,
        # Keras counts as easier on a target when it needs at most this fraction of TensorFlow core's lines
        # and no more steps; "lighter" when its artifact is at most this fraction of TensorFlow core's.
        "easier_max_lines_ratio": 0.9,
        "lighter_max_size_ratio": 0.9,
        # Serving latency: calls timed per batch size, after untimed warm-up calls.
        "latency_calls_quick": 100,
        "latency_calls_full": 1000,
        "latency_warmup_calls": 20,
        "latency_batch_small": 1,
        "latency_batch_large": 32,
        # Fresh processes before the timed cold starts: in quick mode none (the export stage of the same run
        # has just read the same libraries from disk), in full mode Claim.warmup.
        "cold_start_warmup_processes_quick": 0,
    }
    repeats = (1, 5)  # timed cold starts (fresh processes) per cell
    warmup = 1
    timeout_s = (420, 900)

    # -- runner hooks -------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """Keras options run under their backend; TensorFlow core leaves ``KERAS_BACKEND`` unset."""
        return BACKENDS.get(subject)

    def requirements(self, subject: str) -> tuple[str, ...]:
        """The option's framework; each target's converters and runtimes are checked per cell instead."""
        return ("tensorflow",) if subject == TF_CORE else ("keras", BACKENDS[subject])

    # -- measurement --------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """``export``: train and export to every target; ``serve``: load, answer, time and corrupt."""
        if ctx.stage == "export":
            return {"export": self._export(ctx)}
        if ctx.stage == "serve":
            return {"serve": self._serve(ctx)}
        raise ValueError(f"Unknown stage {ctx.stage!r}; expected one of {self.stages}")

    def _train(self, ctx: Context) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        mode = "quick" if ctx.quick else "full"
        epochs, batch = int(self.thresholds[f"epochs_{mode}"]), int(self.thresholds["batch_size"])
        if ctx.subject == TF_CORE:
            program = load_program(TF_CORE_MODEL)
            model = program.DigitsMLP(seed=program.SEED)
        else:
            program = load_program(KERAS_MODEL)
            model = program.build_model(program.SEED)
        data = program.load_data(program.SEED)
        start = time.perf_counter()
        trained = program.train(model, data, epochs=epochs, batch_size=batch, seed=program.SEED)
        info = {"program": TF_CORE_MODEL if ctx.subject == TF_CORE else KERAS_MODEL, "epochs": epochs,
                "train_s": time.perf_counter() - start, "test_accuracy": trained["test_accuracy"],
                "test_samples": len(data["x_test"])}
        return model, data, {"info": info, "reference": trained["test_probabilities"]}

    def _export(self, ctx: Context) -> dict[str, Any]:
        import numpy as np

        base = ctx.workdir / ctx.subject
        base.mkdir(parents=True, exist_ok=True)
        model, data, trained = self._train(ctx)
        inputs = ctx.workdir / "inputs.npy"
        if inputs.exists():
            same_inputs = bool(np.array_equal(np.load(inputs), data["x_test"]))
        else:
            _save_npy(inputs, data["x_test"])
            same_inputs = True
        _save_npy(base / "reference.npy", np.asarray(trained["reference"], dtype="float32"))
        record: dict[str, Any] = {"model": {**trained["info"], "inputs_identical": same_inputs},
                                  "targets": {}}
        for target in TARGETS:
            record["targets"][target] = {"status": "in progress"}
            _write_json(base / "export.json", record)
            record["targets"][target] = self._export_target(ctx.subject, target, model, base / target)
            _write_json(base / "export.json", record)
        return record

    def _export_target(self, option: str, target: str, model: Any, folder: Path) -> dict[str, Any]:
        if (target, option) in NOT_APPLICABLE:
            return {"status": "not applicable", "reason": NOT_APPLICABLE[(target, option)]}
        functions = ROUTES[(target, option)]
        program_name = PROGRAMS[target]
        try:
            program = load_program(program_name)
        except ImportError as exc:
            err = error_record(exc)
            return {"status": "unavailable", "stage": "export", "attempts": [],
                    "reason": f"{program_name} cannot be imported: {error_text(err)}", "error": err}
        attempts: list[dict[str, Any]] = []
        for function in functions:
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            path = folder / ARTIFACTS[target]
            before = set(sys.modules)
            start = time.perf_counter()
            try:
                getattr(program, function)(model, str(path))
            except Exception as exc:  # a route that does not work is a measurement
                attempts.append({"function": function, "ok": False, "seconds": time.perf_counter() - start,
                                 "error": error_record(exc)})
                continue
            attempts.append({"function": function, "ok": True, "seconds": time.perf_counter() - start})
            files = folder_files(folder)
            return {
                "status": "exported", "function": function, "attempts": attempts,
                "export_s": attempts[-1]["seconds"],
                "artifact": str(path.relative_to(folder.parent)), "artifact_files": files,
                "artifact_bytes": sum(files.values()),
                "imported_by_export": imported_distributions(set(sys.modules) - before),
                **self._route_facts(option, target, function),
            }
        last = attempts[-1]["error"]
        status = "unavailable" if last.get("missing_module") else "fails"
        return {"status": status, "stage": "export", "attempts": attempts,
                "reason": error_text(last), **self._route_facts(option, target, functions[-1])}

    def _route_facts(self, option: str, target: str, function: str) -> dict[str, Any]:
        """Code metrics of the route (export function + load + predict) and the packages it needs."""
        program = PROGRAMS[target]
        needs_export = EXPORT_PACKAGES_BY_BACKEND.get((target, option)) if function == "export_keras" else None
        if needs_export is None:
            needs_export = EXPORT_PACKAGES.get((target, function), ())
        needs_serve = SERVE_PACKAGES.get(target, BASE_PACKAGES[option])
        base = set(BASE_PACKAGES[option])
        extra = sorted({*needs_export, *needs_serve} - base)
        return {
            "code": {"export": route_metrics(program, [function]),
                     "serve": route_metrics(program, ["load", "predict"]),
                     "total": route_metrics(program, [function, "load", "predict"])},
            "packages": {"export": list(needs_export), "serve": list(needs_serve), "extra": extra,
                         "versions": {p: package_version(p) for p in sorted({*needs_export, *needs_serve})}},
        }

    def _serve(self, ctx: Context) -> dict[str, Any]:
        base = ctx.workdir / ctx.subject
        export_file = base / "export.json"
        if not export_file.exists():
            return {"status": "no export", "targets": {}, "corrupted": {},
                    "reason": "the export stage left no record (it stopped before its first target)"}
        record = json.loads(export_file.read_text(encoding="utf-8"))
        exported = record["targets"]
        mode = "quick" if ctx.quick else "full"
        settings = {
            "cold_start_processes": ctx.repeats,
            "cold_start_warmup_processes": (int(self.thresholds["cold_start_warmup_processes_quick"])
                                            if ctx.quick else ctx.warmup),
            "latency_calls": int(self.thresholds[f"latency_calls_{mode}"]),
            "latency_warmup_calls": int(self.thresholds["latency_warmup_calls"]),
            "batch_sizes": [int(self.thresholds["latency_batch_small"]), int(self.thresholds["latency_batch_large"])],
        }
        targets: dict[str, Any] = {}
        for target in TARGETS:
            entry = exported.get(target)
            if entry is None or entry["status"] == "in progress":
                targets[target] = {"status": "fails", "stage": "export",
                                   "reason": "the export worker stopped before finishing this target"}
            elif entry["status"] == "exported":
                targets[target] = self._serve_target(ctx, target, base, entry, settings)
        corrupted = {t: self._corruption_checks(ctx, t, base, settings)
                     for t in TARGETS if corruption_owner(ctx.workdir, t) == ctx.subject}
        out = {"settings": settings, "targets": targets, "corrupted": corrupted}
        if any(e["status"] == "in progress" for e in exported.values()):
            # The export worker died mid-way, so its measurements are lost to the runner: keep what it wrote.
            out["export_record"] = record
        return out

    def _serve_target(self, ctx: Context, target: str, base: Path, entry: dict[str, Any],
                      settings: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        artifact = base / entry["artifact"]
        runs_dir = base / f"{target}-runs"
        runs_dir.mkdir(exist_ok=True)
        warm, timed = settings["cold_start_warmup_processes"], settings["cold_start_processes"]
        cold: list[dict[str, Any]] = []
        last: dict[str, Any] = {}
        for i in range(warm + timed):
            final = i == warm + timed - 1
            last = run_serving_process(
                PROGRAMS[target], artifact, ctx.workdir / "inputs.npy", runs_dir, f"run{i}",
                predictions=final, latency_calls=settings["latency_calls"] if final else 0,
                latency_warmup=settings["latency_warmup_calls"], batch_sizes=settings["batch_sizes"])
            if not last.get("ok"):
                err = last["error"]
                unavailable = last.get("phase") == "import" and err.get("missing_module")
                return {"status": "unavailable" if unavailable else "fails", "stage": last.get("phase"),
                        "reason": error_text(err), "error": err, "stderr_tail": last.get("stderr_tail")}
            if i >= warm:
                cold.append(last)
        out: dict[str, Any] = {
            "cold_start": summarize([r["cold_start_s"] for r in cold]),
            "import_s": statistics.median(r["import_s"] for r in cold),
            "load_s": statistics.median(r["load_s"] for r in cold),
            "first_answer_s": statistics.median(r["first_answer_s"] for r in cold),
            "process_wall_s": statistics.median(r["wall_s"] for r in cold),
            "warmup_processes": warm,
            "latency": last["latency"],
            "serving_distributions": last["imported"],
        }
        agreement = compare(np.load(last["predictions_file"]), np.load(base / "reference.npy"))
        out.update(agreement)
        if "signature" in last:
            out["signature"] = last["signature"]
            out["signature_ok"] = signature_ok(last["signature"])
        tol = self.thresholds["output_tolerance"]
        if "max_abs_diff" not in agreement:
            out.update(status="fails", stage="compare",
                       reason=f"output shape {agreement['shape_mismatch'][0]} instead of "
                              f"{agreement['shape_mismatch'][1]}")
        elif agreement["max_abs_diff"] > tol:
            out.update(status="fails", stage="compare",
                       reason=f"outputs differ from the original model by {agreement['max_abs_diff']:.1e} "
                              f"(tolerance {tol:g})")
        elif out.get("signature_ok") is False:
            out.update(status="fails", stage="signature",
                       reason=f"serving signature is not one float32 [None, 64] input and one float32 [None, 10] "
                              f"output: {last['signature']}")
        else:
            out["status"] = "works"
        return out

    def _corruption_checks(self, ctx: Context, target: str, base: Path,
                           settings: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        checks: dict[str, Any] = {"option": ctx.subject}
        reference = np.load(base / "reference.npy")
        for kind in ("truncated", "garbled"):
            dest = base / f"{target}-{kind}"
            damage = corrupt_copy(base / target, dest, target, kind)
            artifact = dest / ARTIFACTS[target]
            res = run_serving_process(PROGRAMS[target], artifact, ctx.workdir / "inputs.npy", base,
                                      f"{target}-{kind}", predictions=True)
            checks[kind] = classify_corruption(res, damage, reference, self.thresholds["output_tolerance"],
                                               target, ctx.subject)
        return checks

    # -- verdict ------------------------------------------------------------------------------------------
    def judge(self, results) -> Verdict:
        """Build the matrix, then weigh each Keras option against TensorFlow core on the targets both reach.

        "Easier" (per Keras option): it reaches every target TensorFlow core reaches, and on at least half
        of the targets both reach it needs at most ``easier_max_lines_ratio`` of TF core's lines and no more
        steps, and more on none. "Lighter": on the targets both Keras on TensorFlow and TF core reach, the
        median ratio of artifact sizes is at most ``lighter_max_size_ratio``. ``supported`` when every Keras
        option is easier and Keras is lighter; ``partly supported`` when Keras on TensorFlow is easier or
        Keras is lighter; ``refuted`` when neither; ``inconclusive`` when Keras on TensorFlow and TF core
        share no working target. Options without a complete result are named in the summary.
        """
        t = self.thresholds
        matrix = build_matrix(results)
        missing = missing_subjects(results, self.subjects)
        findings: dict[str, Any] = {"matrix": matrix}
        for target in TARGETS:
            findings[f"target_{target}"] = target_text(target, matrix[target])
        comparison = compare_with_tf_core(matrix, t["easier_max_lines_ratio"], t["lighter_max_size_ratio"])
        findings["effort"] = comparison["easier_text"]
        findings["weight"] = comparison["lighter_text"]
        findings["serving"] = serving_text(matrix, t["output_tolerance"])
        findings["corrupted"] = corrupted_text(results)
        findings["accuracy"] = "; ".join(
            f"{o} {r.measurements['export']['model']['test_accuracy']:.3f} after "
            f"{r.measurements['export']['model']['epochs']} epochs"
            for o, r in results.items() if "export" in r.measurements) or "no model trained"
        if missing:
            findings["missing"] = "Options without a complete result: " + "; ".join(missing) + "."
        missing_text = f" Not measured: {'; '.join(missing)}." if missing else ""

        reach = {o: [tg for tg in TARGETS if matrix[tg][o]["status"] == "works"] for o in OPTIONS}
        applicable = {o: sum(1 for tg in TARGETS if matrix[tg][o]["status"] != "not applicable") for o in OPTIONS}
        reach_text = "; ".join(f"{o} reaches {len(reach[o])}/{applicable[o]}"
                               f" ({', '.join(TARGET_NAMES[tg] for tg in reach[o]) or 'none'})" for o in OPTIONS)
        findings["reach"] = reach_text + "."
        if not comparison["comparable"]:
            return Verdict("inconclusive",
                           f"Keras on TensorFlow and TensorFlow core could not be compared on any target "
                           f"({reach_text}).{missing_text}", findings)
        easier_tf = comparison["easier"].get("keras-tensorflow", False)
        easier_all = all(comparison["easier"].get(o, False) for o in KERAS_OPTIONS)
        lighter = comparison["lighter"]
        if easier_all and lighter:
            verdict = "supported"
        elif easier_tf or lighter:
            verdict = "partly supported"
        else:
            verdict = "refuted"
        not_easier = [o for o in KERAS_OPTIONS[1:] if not comparison["easier"].get(o, False)]
        summary = (f"{comparison['easier_short']}"
                   + (f"; Keras on its other backends is not ("
                      f"{'; '.join(comparison['shortfall'][o] for o in not_easier)})"
                      if not_easier else "; so is Keras on JAX and on PyTorch")
                   + f"; {comparison['lighter_short']}.{missing_text}")
        return Verdict(verdict, summary[0].upper() + summary[1:], findings)


# -- helpers of the serve stage and of judge (module level: unit-testable without a run) --------------------
def corruption_owner(workdir: Path, target: str) -> str | None:
    """The first option (in subject order) whose export of ``target`` succeeded: it runs the corruption checks."""
    for option in OPTIONS:
        path = workdir / option / "export.json"
        if not path.exists():
            continue
        with contextlib.suppress(json.JSONDecodeError, KeyError):
            if json.loads(path.read_text(encoding="utf-8"))["targets"][target]["status"] == "exported":
                return option
    return None


def classify_corruption(res: dict[str, Any], damage: dict[str, Any], reference, tolerance: float,
                        target: str, option: str | None) -> dict[str, Any]:
    """What loading a damaged artifact did: ``rejected`` (an error), ``crashed``, or ``answered``.

    An artifact that loads and answers is compared with the original model: answers beyond ``tolerance`` are
    silent corruption, the worst outcome for a server (it keeps answering, wrongly).
    """
    import numpy as np

    out: dict[str, Any] = {"damage": damage}
    if res.get("ok"):
        agreement = compare(np.load(res["predictions_file"]), reference)
        silent = "max_abs_diff" not in agreement or agreement["max_abs_diff"] > tolerance
        out.update(outcome="answered", silent_corruption=silent, **agreement)
        out["reason"] = ("loaded and answered without an error, "
                         + (f"outputs off by {agreement['max_abs_diff']:.2g} (silent corruption)" if silent
                            and "max_abs_diff" in agreement else "with wrongly shaped outputs" if silent
                            else "outputs unchanged (the damaged bytes are not used)"))
        return out
    err = res["error"]
    crashed = res.get("phase") == "process"
    out.update(outcome="crashed" if crashed else "rejected", phase=res.get("phase"), error=err,
               reason=error_text(err))
    issue = match_issue(target, option, out["reason"])
    if issue:
        out["issue"] = issue
    return out


def signature_ok(signature: dict[str, Any]) -> bool:
    """One float32 input of shape [None, 64] and one float32 output of shape [None, 10]."""
    ins, outs = list(signature.get("inputs", {}).values()), list(signature.get("outputs", {}).values())
    return (len(ins) == 1 and len(outs) == 1
            and ins[0] == {"shape": [None, 64], "dtype": "float32"}
            and outs[0] == {"shape": [None, 10], "dtype": "float32"})


def build_matrix(results) -> dict[str, dict[str, dict[str, Any]]]:
    """Target → option → one cell with a status (``works``, ``fails``, ``unavailable``, ``not applicable``,
    ``not run``) and, where measured, every number; a cell without numbers has a reason."""
    matrix: dict[str, dict[str, dict[str, Any]]] = {}
    for target in TARGETS:
        row: dict[str, dict[str, Any]] = {}
        for option in OPTIONS:
            row[option] = build_cell(results.get(option), option, target)
        matrix[target] = row
    return matrix


def build_cell(res, option: str, target: str) -> dict[str, Any]:
    """One (option, target) cell from the option's export and serve records."""
    if (target, option) in NOT_APPLICABLE:
        return {"status": "not applicable", "reason": NOT_APPLICABLE[(target, option)]}
    if res is None:
        return {"status": "not run", "reason": f"{option} was not part of this run"}
    export = res.measurements.get("export") or res.measurements.get("serve", {}).get("export_record") or {}
    exported = export.get("targets", {}).get(target)
    if exported is None:
        status = "unavailable" if res.status == "unavailable" else "fails"
        return {"status": status, "stage": "export", "reason": f"{option} {res.status}: {res.short_reason()}"}
    cell: dict[str, Any] = {"route": None, "stage": None, "reason": None}
    if "code" in exported:
        total = exported["code"]["total"]
        cell.update(steps=total["steps"], lines=total["lines"], export_steps=exported["code"]["export"]["steps"],
                    export_lines=exported["code"]["export"]["lines"], api=total["api"],
                    extra_packages=exported["packages"]["extra"],
                    missing_packages=[p for p, v in exported["packages"]["versions"].items() if v is None])
    failed_attempts = [a for a in exported.get("attempts", []) if not a["ok"]]
    if exported["status"] != "exported":
        if exported["status"] == "in progress":
            cell.update(status="fails", stage="export",
                        reason=f"the export worker died during this target ({res.short_reason()})")
            return cell
        cell.update(status=exported["status"], stage="export", reason=exported["reason"],
                    attempts=[{"function": a["function"], "error": error_text(a["error"])} for a in failed_attempts])
        missing = (failed_attempts[-1]["error"].get("missing_module") if failed_attempts else None)
        if missing:
            why = NOT_INSTALLED_WHY.get(missing) or NOT_INSTALLED_WHY.get(missing.replace("_", "-"))
            if why:
                cell["why_not_installed"] = why
    else:
        cell.update(route=exported["function"], artifact_bytes=exported["artifact_bytes"],
                    export_s=exported["export_s"], imported_by_export=exported.get("imported_by_export", []))
        if failed_attempts:
            cell["direct_route_error"] = error_text(failed_attempts[0]["error"])
        served = res.measurements.get("serve", {}).get("targets", {}).get(target)
        if served is None:
            cell.update(status="fails", stage="serve",
                        reason=f"the serve stage did not run for {option} ({res.short_reason()})")
        else:
            cell.update(status=served["status"], stage=served.get("stage"), reason=served.get("reason"))
            if "cold_start" in served:
                lat = served["latency"]
                cell.update(
                    cold_start_s=served["cold_start"]["median_s"], cold_start_iqr_s=served["cold_start"]["iqr_s"],
                    cold_start_repeats=served["cold_start"]["repeats"], import_s=served["import_s"],
                    load_s=served["load_s"], first_answer_s=served["first_answer_s"],
                    latency_ms={b: {"p50": v["p50_ms"], "p99": v["p99_ms"], "calls": v["calls"]}
                                for b, v in lat.items()},
                    serving_distributions=len(served["serving_distributions"]),
                    max_abs_diff=served.get("max_abs_diff"), class_agreement=served.get("class_agreement"))
                if "signature" in served:
                    cell.update(signature=served["signature"], signature_ok=served["signature_ok"])
    text = " ".join(filter(None, [cell.get("reason"), cell.get("direct_route_error")]))
    issue = match_issue(target, option, text) if text else None
    if issue:
        cell["issue"] = issue
    return cell


def _cost_text(cell: dict[str, Any]) -> str:
    parts = [f"{cell['lines']} lines/{cell['steps']} steps"]
    if cell.get("route") and cell["route"] not in ("export_keras", "export_tf_core"):
        parts.append(f"via {cell['route']}, since the direct export failed: "
                     f"{(cell.get('direct_route_error') or '?')[:160]}")
    if cell.get("extra_packages"):
        parts.append("+" + "+".join(cell["extra_packages"]))
    parts.append(_size_text(cell.get("artifact_bytes")))
    if "cold_start_s" in cell:
        lat1, lat32 = cell["latency_ms"].get("1", {}), cell["latency_ms"].get("32", {})
        parts.append(f"cold start {cell['cold_start_s']:.2f} s (import {cell['import_s']:.2f} s)")
        parts.append(f"p50/p99 {lat1.get('p50', float('nan')):.3f}/{lat1.get('p99', float('nan')):.3f} ms at "
                     f"batch 1, {lat32.get('p50', float('nan')):.3f}/{lat32.get('p99', float('nan')):.3f} ms at 32")
        parts.append(f"max diff {cell['max_abs_diff']:.1e}")
    return ", ".join(parts)


def target_text(target: str, row: dict[str, dict[str, Any]]) -> str:
    """Who reaches ``target`` and at what cost; who does not, and why."""
    works = [f"{o} ({_cost_text(c)})" for o, c in row.items() if c["status"] == "works"]
    others = []
    for o, c in row.items():
        if c["status"] == "works":
            continue
        text = f"{o}: {c['status']}"
        if c.get("stage") and c["status"] == "fails":
            text += f" at {c['stage']}"
        text += f" ({c.get('reason') or 'no reason recorded'})"
        if c.get("why_not_installed"):
            text += f" [{c['why_not_installed']}]"
        if c.get("issue"):
            text += f" [see {c['issue']['url']}: {c['issue']['note']}]"
        others.append(text)
    return (f"{TARGET_NAMES[target]}: reached by {'; '.join(works) or 'no option'}."
            + (f" Not reached: {'; '.join(others)}." if others else ""))


def compare_with_tf_core(matrix, max_lines_ratio: float, max_size_ratio: float) -> dict[str, Any]:
    """Each Keras option against TensorFlow core, target by target.

    A Keras option counts as easier when it reaches every target TensorFlow core reaches, needs at most
    ``max_lines_ratio`` of TF core's lines and no more steps on at least half of the targets both reach, and
    more lines or steps on none of them. Keras counts as lighter when, on the targets both Keras on
    TensorFlow and TF core reach, the median artifact-size ratio is at most ``max_size_ratio``.
    """
    tf_works = {tg for tg in TARGETS if matrix[tg][TF_CORE]["status"] == "works"}
    easier: dict[str, bool] = {}
    per_option: dict[str, list[str]] = {}
    shortfall: dict[str, str] = {}
    for option in KERAS_OPTIONS:
        works = {tg for tg in TARGETS if matrix[tg][option]["status"] == "works"}
        shared = [tg for tg in TARGETS if tg in works and tg in tf_works]
        better = 0
        notes, heavier = [], []
        for tg in shared:
            k, c = matrix[tg][option], matrix[tg][TF_CORE]
            ratio = k["lines"] / c["lines"] if c["lines"] else float("inf")
            if ratio <= max_lines_ratio and k["steps"] <= c["steps"]:
                better += 1
                word = "fewer"
            elif k["lines"] > c["lines"] or k["steps"] > c["steps"]:
                via = f", via {k['route']}" if k.get("route") != "export_keras" else ""
                heavier.append(f"{TARGET_NAMES[tg]} ({k['lines']} vs {c['lines']} lines, {k['steps']} vs "
                               f"{c['steps']} steps{via})")
                word = "more"
            else:
                word = "about the same"
            notes.append(f"{TARGET_NAMES[tg]} {k['lines']}/{k['steps']} vs {c['lines']}/{c['steps']} ({word})")
        lacks = sorted(tf_works - works, key=TARGETS.index)
        easier[option] = bool(shared) and not lacks and not heavier and better * 2 >= len(shared)
        per_option[option] = notes
        reasons = []
        if lacks:
            reasons.append(f"it does not reach {', '.join(TARGET_NAMES[tg] for tg in lacks)}, which TF core reaches")
        if heavier:
            reasons.append(f"it needs more code for {', '.join(heavier)}")
        if shared and better * 2 < len(shared):
            reasons.append(f"it needs fewer lines on only {better} of {len(shared)} shared targets")
        if not shared:
            reasons.append("no target that both reach")
        shortfall[option] = f"{option}: {'; '.join(reasons)}" if reasons else f"{option}: no shortfall"
    comparable = bool(tf_works) and any(matrix[tg]["keras-tensorflow"]["status"] == "works" for tg in tf_works)
    easier_text = (
        "Lines/steps of the code a user writes per target (export + load + predict), Keras option vs "
        "TensorFlow core: "
        + " ".join(f"{o}: {'; '.join(per_option[o]) or 'no shared target'} -> "
                   + ("easier." if easier[o] else f"not easier ({shortfall[o].split(': ', 1)[1]}).")
                   for o in KERAS_OPTIONS)
        + " Only Keras options have a native format of their own to deploy (.keras)."
        + " TF core's model must also declare a tf.function input signature before any export "
          "(digits_mlp_tf_core.py); a Keras model carries it in its Input.")
    kt = "keras-tensorflow"
    kt_notes = per_option.get(kt, [])
    easier_short = (f"Keras on TensorFlow {'is' if easier.get(kt) else 'is not'} easier to deploy than "
                    f"TensorFlow core by the code it takes (lines/steps: {'; '.join(kt_notes) or 'none shared'}; "
                    f"native .keras only for Keras)")

    pairs = []
    for tg in TARGETS:
        k, c = matrix[tg][kt], matrix[tg][TF_CORE]
        if k["status"] == "works" and c["status"] == "works" and k.get("artifact_bytes") and c.get("artifact_bytes"):
            pairs.append((tg, k["artifact_bytes"], c["artifact_bytes"]))
    ratios = [kb / cb for _, kb, cb in pairs]
    median_ratio = statistics.median(ratios) if ratios else None
    lighter = median_ratio is not None and median_ratio <= max_size_ratio
    native_k, sm_c = matrix["keras"][kt], matrix["savedmodel"][TF_CORE]
    native_text = ""
    if native_k.get("artifact_bytes") and sm_c.get("artifact_bytes"):
        native_text = (f" Each side's own format: .keras {_size_text(native_k['artifact_bytes'])} (it keeps the "
                       f"optimizer state too) vs TF core's SavedModel {_size_text(sm_c['artifact_bytes'])}.")
    cold_pairs = [
        f"{TARGET_NAMES[tg]} {matrix[tg][kt]['cold_start_s']:.2f} vs {matrix[tg][TF_CORE]['cold_start_s']:.2f} s"
        for tg in TARGETS if "cold_start_s" in matrix[tg][kt] and "cold_start_s" in matrix[tg][TF_CORE]]
    native_cold = (f" Serving the native .keras file means importing Keras and its backend: cold start "
                   f"{native_k['cold_start_s']:.2f} s." if "cold_start_s" in native_k else "")
    lighter_text = (
        "Artifact size, Keras on TensorFlow vs TensorFlow core, same target: "
        + ("; ".join(f"{TARGET_NAMES[tg]} {_size_text(kb)} vs {_size_text(cb)}" for tg, kb, cb in pairs) or "none")
        + (f" (median ratio {median_ratio:.2f}; lighter needs <= {max_size_ratio})" if median_ratio else "")
        + f".{native_text} Cold start, same target: {'; '.join(cold_pairs) or 'none'}.{native_cold}")
    lighter_short = (f"Keras artifacts are {'lighter' if lighter else 'not lighter'} "
                     + (f"(median size ratio {median_ratio:.2f} against TensorFlow core's on the same targets)"
                        if median_ratio else "(no target to compare sizes on)"))
    free = [(matrix[tg][kt]["cold_start_s"], tg) for tg in ("onnx", "litert") if "cold_start_s" in matrix[tg][kt]]
    if free and "cold_start_s" in native_k and min(free)[0] < native_k["cold_start_s"]:
        fastest, where = min(free)
        lighter_short += (f", and the lightest server is a framework-free runtime, open to Keras on TensorFlow and "
                          f"TF core alike ({TARGET_NAMES[where]} cold start {fastest:.2f} s against "
                          f"{native_k['cold_start_s']:.2f} s for the .keras file, which needs Keras and its backend)")
    return {"comparable": comparable, "easier": easier, "lighter": lighter, "easier_text": easier_text,
            "lighter_text": lighter_text, "easier_short": easier_short, "lighter_short": lighter_short,
            "shortfall": shortfall, "size_ratio": median_ratio}


def serving_text(matrix, tolerance: float) -> str:
    """Per target, p50/p99 latency at each batch size for every working option, and the worst output difference."""
    parts, worst = [], []
    for target in TARGETS:
        cells = [(o, c) for o, c in matrix[target].items() if c["status"] == "works" and "latency_ms" in c]
        if not cells:
            continue
        per_option = []
        for option, c in cells:
            lat = "; ".join(f"batch {b} {v['p50']:.3f}/{v['p99']:.3f}" for b, v in c["latency_ms"].items())
            per_option.append(f"{option} {lat}")
            worst.append((c["max_abs_diff"], target, option))
        parts.append(f"{TARGET_NAMES[target]}: {', '.join(per_option)}")
    if not parts:
        return "No artifact was served."
    diff, target, option = max(worst)
    return ("p50/p99 milliseconds per call, warm-up excluded: " + ". ".join(parts)
            + f". Every working artifact answers like the original model: the largest max-abs difference of "
              f"probabilities is {diff:.1e} ({option}, {TARGET_NAMES[target]}; tolerance {tolerance:g}). "
              "Latencies are for a 64-64-10 perceptron, where per-call overhead dominates: they rank runtimes' "
              "overheads, not their arithmetic.")


def corrupted_text(results) -> str:
    """One sentence per target on what its loader did with the damaged copies."""
    parts = []
    for target in TARGETS:
        for option, res in results.items():
            checks = res.measurements.get("serve", {}).get("corrupted", {}).get(target)
            if not checks:
                continue
            words = []
            for kind in ("truncated", "garbled"):
                c = checks.get(kind)
                if c:
                    issue = f" [see {c['issue']['url']}]" if c.get("issue") else ""
                    words.append(f"{kind}: {c['outcome']} ({c['reason']}){issue}")
            parts.append(f"{TARGET_NAMES[target]} (copy of {option}'s artifact): {'; '.join(words)}.")
    return " ".join(parts) or "No corruption check ran (no artifact was exported)."


CLAIM = DeploymentClaim()

if __name__ == "__main__":
    sys.exit(serve_main())
