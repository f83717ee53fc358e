"""Claim ``extensibility``: TensorFlow extends through low-level APIs; Keras is limited beyond its built-in blocks.

Method: every extension of the matrix below is attempted for real on every option, and each (extension,
option) cell is recorded as ``works``, ``fails`` (with the error, or the check that failed) or ``unavailable``
(a framework or the C++ compiler is missing), with the logical lines of the extension's own code and, for Keras
code, on which backends the very same code worked.

The rows, with the Keras code (``extensions_keras.py``, run unchanged on tensorflow, jax and torch) and the
TensorFlow-core code (``extensions_tfcore.py``):

- ``layer_keras_ops``: a ``keras.layers.Layer`` written with ``keras.ops``; TF core: a ``tf.Module`` with ``tf`` ops.
- ``layer_tf_ops``: a ``keras.layers.Layer`` calling ``tf`` ops; TF core: the same ``tf.Module``.
- ``loss``: a loss function of ``keras.ops``; TF core: a function of ``tf`` ops.
- ``metric``: a ``keras.metrics.Metric`` subclass; TF core: a ``tf.Module`` holding ``tf.Variable`` state.
- ``train_step``: a ``train_step`` override, one per backend as Keras's guides write them; the cell runs its own
  backend's version, and every version is also tried on the other backends. TF core: a ``tf.function`` step
  with ``tf.GradientTape``.
- ``gradient_tape_loop``: a ``tf.GradientTape`` loop around a Keras model; TF core: the same step.
- ``custom_gradient_keras``: ``keras.ops.custom_gradient``; TF core: ``tf.custom_gradient``.
- ``custom_gradient_tf``: ``tf.custom_gradient`` inside a Keras model; TF core: the same.
- ``cpp_op``: a compiled C++ op (``swish_op.cc``) inside a Keras layer; TF core: the op inside a ``tf.Module``.

TensorFlow core has one form of a layer, a training step and a custom gradient, so that form fills the rows
that Keras splits by API. Each attempt trains a tiny model for a few steps and checks numbers against NumPy:
the layer's output, the loss's value, the metric's batch-accumulated value, that the loss went down, a custom
gradient equal to sigmoid(x) and finite at x = 100, the op's values and gradient; and that the weights
*before or inside* the extension moved, so that an extension which runs but silently stops gradients counts as
failing (a layer of TensorFlow ops under torch does exactly that).

The C++ op is compiled at run time, in a ``build`` stage of the ``tensorflow-core`` subject, with ``g++``
against the installed TensorFlow's headers (``tf.sysconfig.get_compile_flags()``/``get_link_flags()``) into
the run's temporary folder; no binary is committed. Every option's ``cpp_op`` cell loads that library with
``tf.load_op_library``. Without a compiler the cells are ``unavailable``. Quick and full mode run the same
matrix: every cell is a real attempt in both.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, Claim, Context, Verdict, missing_subjects
from evidence.claims.ease_of_use import error_text, limit_torch_threads, load_program

KERAS_SUBJECTS: dict[str, str] = {"keras-tensorflow": "tensorflow", "keras-jax": "jax", "keras-torch": "torch"}
TFCORE_SUBJECT = "tensorflow-core"
KERAS_PROGRAM = "extensions_keras.py"
TFCORE_PROGRAM = "extensions_tfcore.py"
CPP_SOURCE = "swish_op.cc"
LIBRARY = "swish_op.so"
BUILD_RECORD = "cpp_build.json"
#: Modules whose absence makes an attempt ``unavailable`` rather than ``fails``.
FRAMEWORKS = ("tensorflow", "jax", "jaxlib", "torch", "keras")
#: The custom ``train_step`` of each backend, in ``extensions_keras.py``.
STEP_MODELS: dict[str, str] = {"tensorflow": "TfStepModel", "jax": "JaxStepModel", "torch": "TorchStepModel"}
#: The compiler invocation, besides TensorFlow's own flags. -Wno-deprecated-declarations and
#: -Wno-interference-size silence warnings that TensorFlow's and Eigen's headers trigger with GCC 12.
CXX = "g++"
CXX_FLAGS = ("-shared", "-fPIC", "-O2")
CXX_QUIET = ("-Wno-deprecated-declarations", "-Wno-interference-size")


#: What a failed check of an attempt means (the checks are named by the programs' ``attempt_*`` functions).
CHECKS: dict[str, str] = {
    "trained": "the weights before or inside the extension did not change: no gradient flowed through it",
    "finite": "the training loss was not finite",
    "output": "the layer's output differs from NumPy's",
    "value": "the value differs from NumPy's",
    "values": "the function's values differ from NumPy's",
    "gradient": "the gradient differs from the intended one",
    "loss_decreased": "the loss did not go down",
    "reset": "the metric did not reset",
}


@dataclass(frozen=True)
class Extension:
    """One row of the matrix.

    Attributes:
        title: what is extended, for tables.
        keras: the attempt of ``extensions_keras.py`` (``{backend}`` is filled in per subject).
        keras_symbols: the classes/functions that make the extension on the Keras side (their lines count).
        tfcore: the attempt of ``extensions_tfcore.py``.
        tfcore_symbols: the same on the TensorFlow-core side.
        kind: ``portable`` (Keras code meant to run on every backend), ``per-backend`` (one version per
            backend) or ``tensorflow`` (Keras code that calls TensorFlow itself).
    """

    title: str
    keras: str
    keras_symbols: tuple[str, ...]
    tfcore: str
    tfcore_symbols: tuple[str, ...]
    kind: str


EXTENSIONS: dict[str, Extension] = {
    "layer_keras_ops": Extension("custom layer with keras.ops", "layer_ops", ("OpsDense",),
                                 "layer", ("Dense",), "portable"),
    "layer_tf_ops": Extension("custom layer with raw tf ops", "layer_tf", ("TfDense",),
                              "layer", ("Dense",), "tensorflow"),
    "loss": Extension("custom loss", "loss", ("log_cosh",), "loss", ("log_cosh",), "portable"),
    "metric": Extension("custom metric", "metric", ("WithinTolerance",), "metric", ("WithinTolerance",),
                        "portable"),
    "train_step": Extension("custom training step (train_step override)", "train_step_{backend}",
                            ("{step_model}",), "train_step", ("make_train_step",), "per-backend"),
    "gradient_tape_loop": Extension("TensorFlow GradientTape training loop", "tape_loop", ("tape_loop",),
                                    "train_step", ("make_train_step",), "tensorflow"),
    "custom_gradient_keras": Extension("custom gradient with keras.ops.custom_gradient", "custom_gradient_keras",
                                       ("log1pexp",), "custom_gradient", ("log1pexp",), "portable"),
    "custom_gradient_tf": Extension("custom gradient with tf.custom_gradient", "custom_gradient_tf",
                                    ("tf_log1pexp",), "custom_gradient", ("log1pexp",), "tensorflow"),
    "cpp_op": Extension("compiled C++ op (g++, tf.load_op_library)", "cpp_op", ("load_swish_op", "CppSwish"),
                        "cpp_op", ("load_swish_op",), "tensorflow"),
}


def _program_line(exc: BaseException, program: str) -> str | None:
    """``file:line in function: code`` of the innermost frame of ``program`` in the exception's traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).name == program]
    if not frames:
        return None
    frame = frames[-1]
    return f"{program}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}"


def attempt(fn, program: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one attempt; return (the cell's outcome, the attempt's numbers). Never raises.

    ``works``: it ran and every check passed. ``fails``: it raised (the error is recorded, with the program
    line where it arose) or a check failed (named). ``unavailable``: a framework it imports is not installed.
    """
    start = time.perf_counter()
    details: dict[str, Any] = {}
    try:
        out = fn()
    except ModuleNotFoundError as exc:
        root = (exc.name or "").split(".")[0]
        status = "unavailable" if root in FRAMEWORKS else "fails"
        cell = {"status": status, "error": error_text(exc), "error_at": _program_line(exc, program)}
    except Exception as exc:  # the failure is the measurement
        cell = {"status": "fails", "error": error_text(exc), "error_at": _program_line(exc, program)}
    else:
        checks = out.get("checks", {})
        failed = [name for name, passed in checks.items() if not passed]
        cell = {"status": "fails" if failed or not checks else "works",
                "error": ("check(s) failed: " + "; ".join(f"{name} ({CHECKS.get(name, 'see details')})"
                                                          for name in failed) if failed
                          else None if checks else "the attempt reported no checks"),
                "error_at": None}
        details = {k: v for k, v in out.items() if k != "checks"}
        details.update({f"check_{k}": bool(v) for k, v in checks.items()})
    cell["seconds"] = round(time.perf_counter() - start, 3)
    return cell, details


def extension_lines(program: str, symbols: tuple[str, ...], cpp: bool = False) -> dict[str, Any]:
    """Logical lines of an extension's own code (its classes/functions, and the C++ source for the op)."""
    python = code_metrics.analyse_symbols(PROGRAMS_DIR / program, symbols)
    cpp_lines = code_metrics.cpp_logical_lines((PROGRAMS_DIR / CPP_SOURCE).read_text(encoding="utf-8")) if cpp \
        else 0
    return {"implementation": f"{program}::{'+'.join(symbols)}" + (f" + {CPP_SOURCE}" if cpp else ""),
            "lines": python.logical_lines + cpp_lines, "python_lines": python.logical_lines,
            "cpp_lines": cpp_lines, "api_names": len(python.api_names)}


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


class ExtensibilityClaim(Claim):
    """Every extension attempted on every option: works, fails or unavailable, lines, portability."""

    id = "extensibility"
    dimension = "Extensibility"
    title = "TensorFlow is extensible through low-level APIs; Keras is limited"
    statement = ("TensorFlow's low-level APIs let you add custom operations and other extensions, whereas Keras "
                 "offers little beyond the building blocks it ships with.")
    sub_claims = {
        "layers": "A custom layer, written with keras.ops and with raw TensorFlow ops, on every option.",
        "losses_metrics": "A custom loss and a custom metric on every option.",
        "training_steps": "A custom training step: a train_step override per backend, and a TensorFlow "
                          "GradientTape loop.",
        "gradients": "A custom gradient with keras.ops.custom_gradient and with tf.custom_gradient.",
        "compiled_ops": "A C++ op compiled with g++ against the installed TensorFlow, loaded with "
                        "tf.load_op_library and used inside a model.",
        "portability": "Whether the same extension code runs on the other backends.",
        "lines": "Lines of code each extension needs on each option.",
    }
    subjects = (*KERAS_SUBJECTS, TFCORE_SUBJECT)
    stages = ("build", "measure")
    pairs: ClassVar[dict[str, tuple[str, str]]] = {"extensions": (KERAS_PROGRAM, TFCORE_PROGRAM)}
    programs = (KERAS_PROGRAM, TFCORE_PROGRAM, CPP_SOURCE)
    thresholds = {
        # Keras counts as "not limited" when at least this fraction of the extensions written with Keras's own
        # API (layer with keras.ops, loss, metric, the per-backend train_step, keras.ops.custom_gradient) works
        # on every Keras backend that ran.
        "not_limited_min_fraction": 1.0,
        # Seconds the C++ compilation may take before it is stopped and recorded as failed.
        "build_timeout_s": 300,
    }
    repeats = (1, 1)  # each cell is one attempt: works or not is judged, not speed
    warmup = 0
    timeout_s = (300, 600)

    # -- runner hooks ---------------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """A Keras option runs under its backend; TensorFlow core imports no Keras."""
        return KERAS_SUBJECTS.get(subject)

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras and the backend's framework; TensorFlow core needs tensorflow.

        TensorFlow is not required of the jax and torch options: the extensions that call it record their
        own ``unavailable`` when it is missing, and the others still run.
        """
        return ("keras", KERAS_SUBJECTS[subject]) if subject in KERAS_SUBJECTS else ("tensorflow",)

    def stage_subjects(self, stage: str) -> tuple[str, ...]:
        """The C++ op is built once, by the TensorFlow-core worker; every option measures."""
        return (TFCORE_SUBJECT,) if stage == "build" else self.subjects

    # -- measurement ----------------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """``build``: compile the C++ op into the run's folder. ``measure``: attempt every extension."""
        if ctx.stage == "build":
            return {"cpp_build": self._build(ctx.workdir)}
        if ctx.stage != "measure":
            raise ValueError(f"Unknown stage {ctx.stage!r}; expected one of {self.stages}")
        if ctx.subject in KERAS_SUBJECTS:
            return self._measure_keras(ctx)
        return self._measure_tfcore(ctx)

    def _build(self, workdir: Path) -> dict[str, Any]:
        """Compile ``swish_op.cc`` with g++ against the installed TensorFlow; record how it went (never raises)."""
        source = PROGRAMS_DIR / CPP_SOURCE
        info: dict[str, Any] = {
            "source": code_metrics.display_path(source), "sha256": code_metrics.file_sha256(source),
            "cpp_lines": code_metrics.cpp_logical_lines(source.read_text(encoding="utf-8")),
        }
        compiler = shutil.which(CXX)
        if compiler is None:
            info.update(status="unavailable", reason=f"{CXX} not found on PATH: no C++ compiler to build the op "
                                                     f"(install one, e.g. apt-get install g++)")
            _write_json(workdir / BUILD_RECORD, info)
            return info
        try:
            import tensorflow as tf

            version = subprocess.run([compiler, "--version"], capture_output=True, text=True, timeout=30)
            info["compiler"] = (version.stdout.strip().splitlines() or ["?"])[0]
            library = workdir / LIBRARY
            cmd = [compiler, *CXX_FLAGS, str(source), "-o", str(library), *tf.sysconfig.get_compile_flags(),
                   *tf.sysconfig.get_link_flags(), *CXX_QUIET]
            tf_dir = str(Path(tf.__file__).parent)
            info["command"] = (shlex.join(cmd).replace(tf_dir, "<tensorflow>").replace(str(workdir), "<run>")
                               .replace(str(PROGRAMS_DIR), "evidence/programs"))
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=self.thresholds["build_timeout_s"], cwd=workdir)
            info["seconds"] = round(time.perf_counter() - start, 3)
            info["returncode"] = proc.returncode
            info["warnings"] = sum("warning:" in line for line in proc.stderr.splitlines())
            if proc.returncode == 0 and library.exists():
                info.update(status="built", library=LIBRARY, library_bytes=library.stat().st_size)
            else:
                errors = [ln for ln in proc.stderr.splitlines() if "error" in ln] or proc.stderr.splitlines()
                info.update(status="failed", reason="compilation failed: " + " | ".join(errors[:3]))
        except subprocess.TimeoutExpired:
            info.update(status="failed", reason=f"compilation took over {self.thresholds['build_timeout_s']} s")
        except Exception as exc:  # a build that cannot even start is recorded, the run goes on
            info.update(status="failed", reason=error_text(exc))
        _write_json(workdir / BUILD_RECORD, info)
        return info

    @staticmethod
    def _library(workdir: Path) -> tuple[Path | None, dict[str, Any] | None]:
        """(the built library, None) or (None, the cell to record instead of an attempt)."""
        record_path = workdir / BUILD_RECORD
        if not record_path.exists():
            return None, {"status": "unavailable", "error": "the C++ op was not built in this run (it is built by "
                                                           "the tensorflow-core subject, which did not run)",
                          "error_at": None, "seconds": 0.0}
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if record["status"] == "built":
            return workdir / record["library"], None
        status = "unavailable" if record["status"] == "unavailable" else "fails"
        return None, {"status": status, "error": record.get("reason"), "error_at": None, "seconds": 0.0}

    def _measure_keras(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {"api": "keras"}
        if ctx.subject == "keras-torch":
            out["torch_threads"] = limit_torch_threads()
        import keras

        backend = keras.backend.backend()
        program = load_program(KERAS_PROGRAM)
        path = PROGRAMS_DIR / KERAS_PROGRAM
        out.update(backend=backend, program=code_metrics.display_path(path), sha256=code_metrics.file_sha256(path))
        cells: dict[str, Any] = {}
        details: dict[str, Any] = {}
        versions: dict[str, Any] = {}
        # Every backend's train_step is tried here, so that each version's portability is measured.
        for version, symbol in STEP_MODELS.items():
            cell, numbers = attempt(program.ATTEMPTS[f"train_step_{version}"], KERAS_PROGRAM)
            versions[version] = {**cell, **extension_lines(KERAS_PROGRAM, (symbol,))}
            if version == backend:
                details["train_step"] = numbers
        for ext_id, ext in EXTENSIONS.items():
            symbols = tuple(s.format(step_model=STEP_MODELS.get(backend, "?")) for s in ext.keras_symbols)
            lines = extension_lines(KERAS_PROGRAM, symbols, cpp=ext_id == "cpp_op")
            if ext_id == "train_step":
                cell = {k: v for k, v in versions.get(backend, {}).items() if k in ("status", "error", "error_at",
                                                                                    "seconds")}
            elif ext_id == "cpp_op":
                library, cell = self._library(ctx.workdir)
                if library is not None:
                    cell, details[ext_id] = attempt(lambda lib=library: program.attempt_cpp_op(str(lib)),
                                                    KERAS_PROGRAM)
            else:
                cell, details[ext_id] = attempt(program.ATTEMPTS[ext.keras.format(backend=backend)], KERAS_PROGRAM)
            cells[ext_id] = {**cell, **lines, "kind": ext.kind}
        out.update(cells=cells, train_step_versions=versions, details=details)
        return out

    def _measure_tfcore(self, ctx: Context) -> dict[str, Any]:
        program = load_program(TFCORE_PROGRAM)
        path = PROGRAMS_DIR / TFCORE_PROGRAM
        out: dict[str, Any] = {"api": "tensorflow-core", "program": code_metrics.display_path(path),
                               "sha256": code_metrics.file_sha256(path)}
        cells: dict[str, Any] = {}
        details: dict[str, Any] = {}
        done: dict[str, dict[str, Any]] = {}  # TensorFlow core's one form fills several rows: attempt it once
        for ext_id, ext in EXTENSIONS.items():
            lines = extension_lines(TFCORE_PROGRAM, ext.tfcore_symbols, cpp=ext_id == "cpp_op")
            if ext.tfcore not in done:
                if ext_id == "cpp_op":
                    library, cell = self._library(ctx.workdir)
                    if library is not None:
                        cell, details[ext.tfcore] = attempt(lambda lib=library: program.attempt_cpp_op(str(lib)),
                                                            TFCORE_PROGRAM)
                else:
                    cell, details[ext.tfcore] = attempt(program.ATTEMPTS[ext.tfcore], TFCORE_PROGRAM)
                done[ext.tfcore] = cell
            cells[ext_id] = {**done[ext.tfcore], **lines, "kind": "tensorflow-core", "attempt": ext.tfcore}
        out.update(cells=cells, details=details)
        return out

    # -- verdict --------------------------------------------------------------------------------------------------
    def matrix(self, results) -> dict[str, dict[str, dict[str, Any]]]:
        """Extension -> option -> cell, with every cell filled: an option without a result gives each of its
        cells ``unavailable`` and the subject's reason."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for ext_id in EXTENSIONS:
            row = {}
            for subject in self.subjects:
                res = results.get(subject)
                if res is not None and res.status == "ok" and ext_id in res.measurements.get("cells", {}):
                    row[subject] = res.measurements["cells"][ext_id]
                else:
                    why = "not run" if res is None else f"{res.status}: {res.short_reason()}"
                    row[subject] = {"status": "unavailable", "error": f"{subject} has no result ({why})",
                                    "lines": None}
            out[ext_id] = row
        return out

    def judge(self, results) -> Verdict:
        """Where TensorFlow core works and a Keras option fails, TensorFlow is more extensible; where the
        extensions written with Keras's own API work on every Keras backend, Keras is not limited. Supported when
        Keras's own extensions fall short of the declared fraction and TensorFlow does more; partly supported
        when Keras's own extensions all work but some TensorFlow-only ones (the compiled op, TensorFlow-op code)
        fail on other backends; refuted when Keras does all that TensorFlow core does; inconclusive without a
        TensorFlow-core result or any Keras result."""
        t = self.thresholds
        missing = missing_subjects(results, self.subjects)
        ok = {s: r.measurements for s, r in results.items() if r.status == "ok"}
        keras_ok = [s for s in KERAS_SUBJECTS if s in ok]
        grid = self.matrix(results)
        findings: dict[str, Any] = {}
        if missing:
            findings["not_measured"] = "Subjects without a result: " + "; ".join(missing) + "."
        if TFCORE_SUBJECT not in ok or not keras_ok:
            lacking = [s for s in self.subjects if s not in ok]
            return Verdict("inconclusive", f"No comparison possible: no result for {', '.join(lacking)} "
                                           f"({'; '.join(missing) or 'not run'}).", findings)

        def works(ext_id: str, subject: str) -> bool:
            return grid[ext_id][subject]["status"] == "works"

        own_api = [e for e, ext in EXTENSIONS.items() if ext.kind in ("portable", "per-backend")]
        everywhere = [e for e in own_api if all(works(e, s) for s in keras_ok)]
        fraction = len(everywhere) / len(own_api)
        tf_more = {e: [s for s in keras_ok if not works(e, s)] for e in EXTENSIONS
                   if works(e, TFCORE_SUBJECT) and any(not works(e, s) for s in keras_ok)}
        keras_more = [e for e in EXTENSIONS if not works(e, TFCORE_SUBJECT) and any(works(e, s) for s in keras_ok)]

        findings.update(self._row_findings(grid, ok, keras_ok))
        findings["caveat"] = ("The compiled op tried here is a TensorFlow op. JAX (XLA FFI custom calls) and PyTorch "
                              "(torch.utils.cpp_extension, custom operators) have compiled-extension mechanisms of "
                              "their own, which a keras-jax or keras-torch user can call from a layer; they are not "
                              "attempted here, and they do not port across backends either. Each attempt is a tiny "
                              "model trained for a few steps: it shows that an extension works, not how well it "
                              "scales.")
        findings["tensorflow_more_extensible"] = (
            "TensorFlow core ran " + f"{sum(works(e, TFCORE_SUBJECT) for e in EXTENSIONS)} of {len(EXTENSIONS)} "
            "extensions; Keras on the TensorFlow backend ran "
            + (f"{sum(works(e, 'keras-tensorflow') for e in EXTENSIONS)}" if "keras-tensorflow" in ok else "?")
            + ". Where TensorFlow core works and a Keras option does not: "
            + ("; ".join(f"{e} ({', '.join(s.removeprefix('keras-') for s in subjects)})"
                         for e, subjects in tf_more.items()) or "nowhere") + ".")
        findings["keras_not_limited"] = (
            f"Extensions written with Keras's own API that worked on every Keras backend that ran "
            f"({', '.join(s.removeprefix('keras-') for s in keras_ok)}): {len(everywhere)} of {len(own_api)} "
            f"({', '.join(everywhere) or 'none'}; threshold {t['not_limited_min_fraction']:.0%})."
            + (f" Working on a Keras option but not on TensorFlow core: {', '.join(keras_more)}." if keras_more
               else ""))

        not_limited = fraction >= t["not_limited_min_fraction"]
        if not not_limited and tf_more:
            verdict = "supported"
        elif tf_more:
            verdict = "partly supported"
        else:
            verdict = "refuted"
        summary = self._summary(grid, ok, keras_ok, everywhere, own_api, tf_more, not_limited, missing)
        return Verdict(verdict, summary, findings)

    # -- judge helpers --------------------------------------------------------------------------------------------
    @staticmethod
    def _cell_text(cell: dict[str, Any]) -> str:
        status = cell["status"]
        lines = f", {cell['lines']} lines" if cell.get("lines") is not None else ""
        if status == "works":
            return f"works{lines}"
        return f"{status}{lines} ({cell.get('error') or 'no reason recorded'})"

    def _row_findings(self, grid, ok, keras_ok) -> dict[str, str]:
        def row(ext_id: str) -> str:
            cells = grid[ext_id]
            same = [s.removeprefix("keras-") for s in keras_ok if cells[s]["status"] == "works"]
            portable = (f" The same Keras code worked on {len(same)} of {len(keras_ok)} backends"
                        f"{' (' + ', '.join(same) + ')' if same else ''}."
                        if EXTENSIONS[ext_id].kind != "per-backend" else "")
            return (f"{EXTENSIONS[ext_id].title}: " + "; ".join(f"{s} {self._cell_text(c)}" for s, c in cells.items())
                    + "." + portable)

        versions = []
        for s in keras_ok:
            for version, cell in ok[s].get("train_step_versions", {}).items():
                versions.append((version, s.removeprefix("keras-"), cell["status"]))
        by_version: dict[str, list[str]] = {}
        for version, backend, status in versions:
            if status == "works":
                by_version.setdefault(version, []).append(backend)
        version_text = (" Each backend's train_step, tried on every backend, worked on: "
                        + "; ".join(f"the {v} version on {', '.join(by_version.get(v, [])) or 'none'}"
                                    for v in STEP_MODELS) + ".")
        portability = []
        for ext_id, ext in EXTENSIONS.items():
            if ext.kind == "per-backend":
                continue
            same = [s.removeprefix("keras-") for s in keras_ok if grid[ext_id][s]["status"] == "works"]
            portability.append(f"{ext_id} {len(same)}/{len(keras_ok)}")
        lines = []
        for ext_id in EXTENSIONS:
            k = grid[ext_id].get("keras-tensorflow", {}).get("lines")
            tf = grid[ext_id][TFCORE_SUBJECT].get("lines")
            lines.append(f"{ext_id} {k if k is not None else '?'} vs {tf if tf is not None else '?'}")
        build = ok.get(TFCORE_SUBJECT, {}).get("cpp_build", {})
        if not build:
            build_text = ""
        elif "seconds" in build:
            build_text = (f" Build: {build['status']} with {build.get('compiler', CXX)} in {build['seconds']:.1f} s "
                          f"({build.get('cpp_lines')} lines of C++, {build.get('warnings', 0)} warning lines)"
                          + (f": {build['reason']}" if build.get("reason") else "") + ".")
        else:
            build_text = f" Build: {build['status']}: {build.get('reason')}."
        return {
            "layers": row("layer_keras_ops") + " " + row("layer_tf_ops"),
            "losses_metrics": row("loss") + " " + row("metric"),
            "training_steps": row("train_step") + version_text + " " + row("gradient_tape_loop"),
            "gradients": row("custom_gradient_keras") + " " + row("custom_gradient_tf"),
            "compiled_ops": row("cpp_op") + build_text,
            "portability": ("Keras code that ran unchanged on n of the Keras backends that ran: "
                            + ", ".join(portability) + ". TensorFlow-core code runs on TensorFlow only, by "
                            "definition; a train_step is written once per backend."),
            "lines": ("Logical lines of each extension's own code, Keras (keras-tensorflow's version) vs "
                      "TensorFlow core: " + "; ".join(lines) + " (the C++ op counts its C++ source too)."),
        }

    @staticmethod
    def _summary(grid, ok, keras_ok, everywhere, own_api, tf_more, not_limited, missing) -> str:
        backends = ", ".join(s.removeprefix("keras-") for s in keras_ok)
        tf_count = sum(grid[e][TFCORE_SUBJECT]["status"] == "works" for e in EXTENSIONS)
        keras_tf = ("keras-tensorflow" in ok
                    and all(grid[e]["keras-tensorflow"]["status"] == "works" for e in EXTENSIONS
                            if grid[e][TFCORE_SUBJECT]["status"] == "works"))
        text = f"TensorFlow core ran {tf_count} of {len(EXTENSIONS)} extensions"
        not_run = {e: grid[e][TFCORE_SUBJECT] for e in EXTENSIONS if grid[e][TFCORE_SUBJECT]["status"] != "works"}
        if not_run:
            text += " (" + "; ".join(f"{e} {c['status']}: {c.get('error')}" for e, c in not_run.items()) + ")"
        if keras_tf:
            text += ", and so did Keras on the TensorFlow backend"
        if not_limited:
            text += (f"; Keras 3 is not limited to its built-in blocks: custom layers, losses, metrics, training "
                     f"steps and gradients written with its own API ran on {backends} ({len(everywhere)} of "
                     f"{len(own_api)}; the train_step is written once per backend)")
        else:
            text += (f"; only {len(everywhere)} of {len(own_api)} extensions written with Keras's own API ran on "
                     f"every backend ({backends})")
        if tf_more:
            text += ("; TensorFlow is more extensible where code calls TensorFlow itself — "
                     + ", ".join(f"{e} failed on {'/'.join(s.removeprefix('keras-') for s in subjects)}"
                                 for e, subjects in tf_more.items()))
        if missing:
            text += f" (not measured: {', '.join(m.split(' ')[0] for m in missing)})"
        return text + "."


CLAIM = ExtensibilityClaim()
