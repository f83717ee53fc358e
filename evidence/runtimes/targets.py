"""The deployment targets: what each one is, which program reaches it from which option, and the export call.

A target is a format plus the runtime that serves it. Each has a program under ``evidence/programs/``
(``deploy_<target>.py``) holding the export function(s) a user writes for each option (``export_keras``, a
backend-specific ``export_keras_<backend>`` where the plain Keras call does not work, ``export_tf_core``) and the
``load``/``predict`` pair a server runs. The browser targets reuse another target's artifact (the ONNX file, the
``.tflite`` file) and serve it with a JavaScript runtime in headless Chromium (:mod:`.browser`).

:func:`export_to` runs one target's routes for *any* Keras model (or ``tf.Module``) in the calling process;
targets whose exporter needs a virtual environment of its own (:mod:`.envs`) are exported from a ``.keras`` file
by a child process in that environment (:func:`export_in_env`).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from evidence.claim import PROGRAMS_DIR, load_program
from evidence.contract import ErrorInfo
from evidence.errors import IssuePattern, error_from_text, error_info, first_line
from evidence.options import KERAS_OPTIONS, OPTIONS, TF_CORE
from evidence.processes import run_process

from . import envs
from .child import imported_distributions

Target = Literal["keras", "savedmodel", "onnx", "litert", "openvino", "torch_pt2", "executorch", "browser_onnx",
                 "browser_litert"]
TargetKind = Literal["native", "server", "edge", "browser"]
#: Every target, in the order of tables.
TARGETS: tuple[str, ...] = Target.__args__
#: Targets whose artifact is written by their own export (the browser targets reuse one of these).
EXPORTED: tuple[str, ...] = ("keras", "savedmodel", "onnx", "litert", "openvino", "torch_pt2", "executorch",
                             "browser_litert")
BROWSER: tuple[str, ...] = ("browser_onnx", "browser_litert")
#: Targets served by a Python process.
SERVED: tuple[str, ...] = tuple(t for t in EXPORTED if t not in BROWSER)
#: The program that runs each browser runtime's load and predict (JavaScript, under ``evidence/programs/``).
BROWSER_PROGRAMS: dict[str, str] = {"browser_onnx": "deploy_onnxruntime_web.js",
                                    "browser_litert": "deploy_litert_js.js"}


@dataclass(frozen=True)
class TargetSpec:
    """One target.

    Attributes:
        name: the target id.
        label: its name in tables.
        kind: ``native`` (the framework's own format), ``server``, ``edge`` (mobile and embedded runtimes),
            ``browser``.
        program: the Python program with its export functions and ``load``/``predict``.
        artifact: the file (or folder) the export writes, inside the cell's folder.
        runtime: what serves it (package names as pip or npm know them).
        serve_packages: distributions a Python server of it needs (empty: the option's own stack).
        corrupt: the files of the artifact folder the corruption checks damage: (cut in half, bytes inverted).
        reuses: for a browser target, the target whose artifact it serves.
        env: the virtual environment (:mod:`.envs`) its export runs in, for the options that need one.
        serve_env: the virtual environment its server runs in, when not the project's.
        same_artifact: options whose artifact for this target is the one they wrote for another target
            (keras-torch's LiteRT file is static-shaped already, so LiteRT.js takes it as it is).
    """

    name: str
    label: str
    kind: str
    program: str
    artifact: str
    runtime: str
    serve_packages: tuple[str, ...] = ()
    corrupt: tuple[str, str] | None = None
    reuses: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    serve_env: str | None = None
    same_artifact: dict[str, str] = field(default_factory=dict)


SPECS: dict[str, TargetSpec] = {s.name: s for s in (
    TargetSpec("keras", "native .keras", "native", "deploy_keras_native.py", "model.keras",
               "Keras and the option's backend", corrupt=("model.keras", "model.keras")),
    TargetSpec("savedmodel", "SavedModel", "server", "deploy_savedmodel.py", "saved_model",
               "TensorFlow (as TF Serving loads it)", serve_packages=("tensorflow",),
               corrupt=("saved_model/saved_model.pb", "saved_model/variables/variables.data-00000-of-00001")),
    TargetSpec("onnx", "ONNX", "server", "deploy_onnx.py", "model.onnx", "onnxruntime",
               serve_packages=("onnxruntime",), corrupt=("model.onnx", "model.onnx")),
    TargetSpec("litert", "LiteRT", "edge", "deploy_litert.py", "model.tflite", "ai-edge-litert",
               serve_packages=("ai-edge-litert",), corrupt=("model.tflite", "model.tflite"),
               env={"keras-torch": "litert-torch"}),
    TargetSpec("openvino", "OpenVINO IR", "server", "deploy_openvino.py", "model.xml", "openvino",
               serve_packages=("openvino",), corrupt=("model.xml", "model.bin")),
    TargetSpec("torch_pt2", "torch.export .pt2", "server", "deploy_torch_pt2.py", "model.pt2", "torch",
               serve_packages=("torch",), corrupt=("model.pt2", "model.pt2")),
    TargetSpec("executorch", "ExecuTorch .pte", "edge", "deploy_executorch.py", "model.pte", "executorch",
               serve_packages=("executorch",), corrupt=("model.pte", "model.pte"),
               env={"keras-torch": "executorch"}, serve_env="executorch"),
    TargetSpec("browser_onnx", "ONNX in the browser", "browser", "deploy_onnx.py", "model.onnx",
               "onnxruntime-web (WebAssembly) in headless Chromium", reuses="onnx"),
    TargetSpec("browser_litert", "LiteRT in the browser", "browser", "deploy_litert.py", "model.tflite",
               "LiteRT.js (@litertjs/core, WebAssembly) in headless Chromium", env={"keras-torch": "litert-torch"},
               same_artifact={"keras-torch": "litert"}),
)}

#: A route that starts with this prefix runs in a fresh process under the TensorFlow backend, from the model saved
#: as a ``.keras`` file: a Keras model is backend-independent, so a backend without an exporter of its own reaches
#: the target by reloading the file under one that has it.
VIA_TENSORFLOW = "tensorflow:"
#: Export functions tried in order, per (target, option): the direct route first, then the documented workaround,
#: then (where the program has one) the static-shape route (``<route>_batch1``, a fixed batch of 1, see
#: :func:`static_routes`) and last the cross-backend route (:data:`VIA_TENSORFLOW`).
ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    **{("keras", o): ("export_keras",) for o in KERAS_OPTIONS},
    ("savedmodel", "keras-tensorflow"): ("export_keras",),
    ("savedmodel", "keras-jax"): ("export_keras",),
    ("savedmodel", "keras-torch"): ("export_keras", "export_keras_batch1", VIA_TENSORFLOW + "export_keras"),
    ("onnx", "keras-tensorflow"): ("export_keras", "export_keras_signature"),
    ("onnx", "keras-jax"): ("export_keras", "export_keras_signature"),
    ("onnx", "keras-torch"): ("export_keras", "export_keras_batch1", VIA_TENSORFLOW + "export_keras"),
    ("litert", "keras-tensorflow"): ("export_keras",),
    ("litert", "keras-jax"): ("export_keras", "export_keras_jax", VIA_TENSORFLOW + "export_keras"),
    ("litert", "keras-torch"): ("export_keras", VIA_TENSORFLOW + "export_keras"),
    ("openvino", "keras-tensorflow"): ("export_keras",),
    ("openvino", "keras-jax"): ("export_keras", "export_keras_jax", VIA_TENSORFLOW + "export_keras"),
    ("openvino", "keras-torch"): ("export_keras", "export_keras_batch1"),
    **{(t, TF_CORE): ("export_tf_core",) for t in ("savedmodel", "onnx", "litert", "openvino")},
    ("torch_pt2", "keras-torch"): ("export_keras", "export_keras_batch1"),
    ("browser_litert", "keras-tensorflow"): ("export_keras_batch1",),
    ("browser_litert", "keras-jax"): ("export_keras_batch1", "export_keras_jax_batch1"),
    ("browser_litert", "keras-torch"): ("export_keras",),
    ("browser_litert", TF_CORE): ("export_tf_core_batch1",),
    ("executorch", "keras-torch"): ("export_keras",),
}
NOT_APPLICABLE: dict[tuple[str, str], str] = {
    ("keras", TF_CORE): ("a tf.Module is not a Keras model: the .keras format stores a Keras model's config and "
                         "weights, and TensorFlow core's own format is the SavedModel"),
    **{("torch_pt2", o): ("a .pt2 file is a torch.export program: Keras writes one from the torch backend only "
                          "(keras/src/export/torch.py); this option's own serving format is the SavedModel")
       for o in ("keras-tensorflow", "keras-jax", TF_CORE)},
    **{("executorch", o): ("ExecuTorch runs torch.export programs: it is PyTorch's on-device runtime, reached from "
                           "the torch backend only; this option's on-device format is LiteRT")
       for o in ("keras-tensorflow", "keras-jax", TF_CORE)},
}

#: What each option installs anyway: its framework (distribution names as pip knows them).
BASE_PACKAGES: dict[str, tuple[str, ...]] = {
    "keras-tensorflow": ("keras", "tensorflow"),
    "keras-jax": ("keras", "jax", "jaxlib"),
    "keras-torch": ("keras", "torch"),
    TF_CORE: ("tensorflow",),
}
#: What a route needs installed where the model is exported (the option's base is subtracted later).
EXPORT_PACKAGES: dict[tuple[str, str], tuple[str, ...]] = {
    ("savedmodel", "export_keras"): ("tensorflow",),
    ("onnx", "export_tf_core"): ("tf2onnx", "onnx"),
    ("litert", "export_keras_jax"): ("tensorflow",),
    ("browser_litert", "export_keras_jax_batch1"): ("tensorflow",),
    ("openvino", "export_keras"): ("openvino",),
    ("openvino", "export_keras_jax"): ("jax2onnx", "onnx", "openvino"),
    ("openvino", "export_keras_batch1"): ("openvino",),
    ("openvino", "export_tf_core"): ("openvino",),
}
#: Routes whose packages depend on the backend under ``export_keras``.
EXPORT_PACKAGES_BY_BACKEND: dict[tuple[str, str], tuple[str, ...]] = {
    ("savedmodel", "keras-torch"): ("tensorflow", "torch_xla"),
    ("onnx", "keras-tensorflow"): ("tf2onnx", "onnx"),
    ("onnx", "keras-jax"): ("jax2onnx", "onnx"),
    ("onnx", "keras-torch"): ("onnxscript", "onnx"),
    ("litert", "keras-torch"): ("litert-torch",),
    ("browser_litert", "keras-torch"): ("litert-torch",),
    ("executorch", "keras-torch"): ("executorch",),
}

#: Public reports that match a recorded failure, read from ``data/known_issues.json`` (each with its address and
#: the date it was read).
KNOWN_ISSUES_FILE = Path(__file__).with_name("data") / "known_issues.json"


def load_known_issues(path: Path = KNOWN_ISSUES_FILE) -> tuple[IssuePattern, ...]:
    """The catalogue of public reports in ``path`` as :class:`~evidence.errors.IssuePattern` objects."""
    raw = json.loads(path.read_text(encoding="utf-8"))["issues"]
    return tuple(IssuePattern(i["pattern"], i["url"], i["title"], **i.get("where", {})) for i in raw)


KNOWN_ISSUES: tuple[IssuePattern, ...] = load_known_issues()
#: Why a package that a route needs is not installed in the project's environment.
NOT_INSTALLED_WHY: dict[str, str] = {
    "torch_xla": "torch_xla is not installed (Keras's torch-to-SavedModel route needs it)",
}


def program_path(name: str) -> Path:
    """The path of a program under ``evidence/programs/``."""
    return PROGRAMS_DIR / name


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


def static_routes(target: str, routes: tuple[str, ...]) -> tuple[str, ...]:
    """The static-shape routes of ``routes`` that are not in it already: ``<route>_batch1`` where the target's
    program defines one (a fixed batch of 1: the documented answer to an exporter that cannot trace a dynamic
    dimension)."""
    tree = ast.parse(program_path(SPECS[target].program).read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    out = []
    for route in routes:
        if route.startswith(VIA_TENSORFLOW) or route.endswith("_batch1"):
            continue
        static = f"{route}_batch1"
        if static in defined and static not in routes and static not in out:
            out.append(static)
    return tuple(out)


#: Environments whose exporter writes static shapes only, with the batch it fixes: litert-torch traces the model
#: at the sample batch of 1 (Keras's LiteRT export from torch, keras/src/export/litert.py).
STATIC_ENVS: dict[str, int] = {"litert-torch": 1}


def _fresh(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def _in_process(program: Any, function: str, model: Any, path: Path) -> dict[str, Any]:
    before = set(sys.modules)
    start = time.perf_counter()
    try:
        getattr(program, function)(model, str(path))
    except Exception as exc:  # a route that does not work is a measurement
        return {"function": function, "ok": False, "seconds": time.perf_counter() - start,
                "error": error_info(exc, program=Path(program.__file__).name).model_dump()}
    return {"function": function, "ok": True, "seconds": time.perf_counter() - start,
            "imported": imported_distributions(set(sys.modules) - before)}


def _in_child(target: str, function: str, python: str, backend: str, keras_file: Path, path: Path,
              timeout_s: float) -> dict[str, Any]:
    spec = SPECS[target]
    log = path.parent.parent / f"{target}-export-{function.replace(':', '-')}"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["KERAS_BACKEND"] = backend
    cmd = [python, str(CHILD), "export", str(program_path(spec.program)), function.removeprefix(VIA_TENSORFLOW),
           str(keras_file), str(path), "--out", f"{log}.json"]
    outcome = run_process(cmd, timeout_s=timeout_s, cwd=path.parent.parent, env=env, stdout=f"{log}.out",
                          stderr=f"{log}.err")
    record = _read_json(Path(f"{log}.json"))
    if outcome.ok and record.get("ok"):
        return {"function": function, "ok": True, "seconds": record["seconds"], "imported": record.get("imported", [])}
    if record.get("type"):
        err = child_error(record)
    else:
        err = error_from_text(outcome.stderr_tail)
        err = err.model_copy(update={"message": f"the export process {outcome.how()}: {err.message}"})
    return {"function": function, "ok": False, "seconds": record.get("seconds", outcome.duration_s),
            "error": err.model_dump()}


def export_routes(target: str, model: Any, folder: Path, routes: tuple[str, ...], *, keras_file: Path | None = None,
                  backend: str | None = None, env_name: str | None = None, build: bool = True,
                  static_retry: bool = True, timeout_s: float = 600) -> dict[str, Any]:
    """Export ``model`` to ``target`` in ``folder`` through ``routes``, in order, until one works.

    A plain route is a function of the target's program called in this process on ``model``; with ``env_name``
    it runs instead in a fresh process of that virtual environment (:mod:`.envs`, built when missing and
    ``build``), which loads ``keras_file`` under ``KERAS_BACKEND=backend``; a :data:`VIA_TENSORFLOW` route runs
    in a fresh process of this Python under the TensorFlow backend, from ``keras_file``. When every route fails
    and ``static_retry`` is true, the static-shape routes (:func:`static_routes`) are tried before the target is
    called failed. Returns ``status`` (``exported``, ``fails``, or ``unavailable`` when a route's package or
    environment is missing), ``attempts`` (function, ok, seconds, error) and, for an export that worked,
    ``function``, ``artifact`` (relative to ``folder``'s parent), ``artifact_files``, ``artifact_bytes``,
    ``export_s``, ``static_batch`` (1 for a static-shape route, else None) and ``imported_by_export``;
    ``environment`` holds the environment's build record when one was needed.
    """
    spec = SPECS[target]
    program = None
    if env_name is None and any(not r.startswith(VIA_TENSORFLOW) for r in routes):
        try:  # routes that run in this process call the program here (a child process loads it itself)
            program = load_program(spec.program)
        except ImportError as exc:
            err = error_info(exc)
            return {"status": "unavailable", "attempts": [], "error": err.model_dump(),
                    "reason": f"{spec.program} cannot be imported: {err.text()}"}
    environment = None
    if env_name is not None:
        environment = envs.ensure(envs.ENVS[env_name], build=build)
    attempts: list[dict[str, Any]] = []
    todo = list(routes)
    retried = False
    while todo:
        function = todo.pop(0)
        _fresh(folder)
        path = folder / spec.artifact
        if function.startswith(VIA_TENSORFLOW) or env_name is not None:
            if keras_file is None or not Path(keras_file).exists():
                attempts.append({"function": function, "ok": False, "seconds": 0.0, "skipped": True,
                                 "error": ErrorInfo(type="FileNotFoundError", message="this route exports the model's "
                                                    ".keras file, which was not written").model_dump()})
                continue
            if function.startswith(VIA_TENSORFLOW):
                attempt = _in_child(target, function, sys.executable, "tensorflow", Path(keras_file), path,
                                    timeout_s)
            elif not environment["ok"]:
                attempts.append({"function": function, "ok": False, "seconds": 0.0, "unavailable": True,
                                 "error": ErrorInfo(type="EnvironmentUnavailable",
                                                    message=environment["why"]).model_dump()})
                continue
            else:
                attempt = _in_child(target, function, environment["python"], backend or "tensorflow",
                                    Path(keras_file), path, timeout_s)
        else:
            attempt = _in_process(program, function, model, path)
        imported = attempt.pop("imported", [])
        attempts.append(attempt)
        if attempt["ok"]:
            out = exported_record(folder, path, function, attempts, imported)
            if env_name in STATIC_ENVS and not function.startswith(VIA_TENSORFLOW):
                out["static_batch"] = STATIC_ENVS[env_name]
            return {**out, **({"environment": environment} if environment else {})}
        if not todo and static_retry and not retried:
            retried = True
            todo += static_routes(target, tuple(a["function"] for a in attempts))
    extra = {"environment": environment} if environment else {}
    tried = [a for a in attempts if not a.get("unavailable") and not a.get("skipped")]
    if not tried:
        why = attempts[-1]["error"]["message"] if attempts else "no route"
        return {"status": "unavailable", "attempts": attempts, "reason": why, **extra}
    last = tried[-1]["error"]
    status = "unavailable" if all(a["error"].get("missing_module") for a in tried) else "fails"
    return {"status": status, "attempts": attempts, "error": last,
            "reason": f"{last['type'].rsplit('.', 1)[-1]}: {last['message']}", **extra}


def export_to(target: str, model: Any, folder: Path, routes: tuple[str, ...] = ("export_keras",)) -> dict[str, Any]:
    """Export ``model`` (a Keras model, or a ``tf.Module`` with ``export_tf_core``) to ``target`` in ``folder``,
    in this process, through ``routes`` only (no static-shape retry): :func:`export_routes`."""
    return export_routes(target, model, folder, routes, static_retry=False)


def exported_record(folder: Path, path: Path, function: str, attempts: list[dict[str, Any]],
                    imported: list[str]) -> dict[str, Any]:
    """The record of an export that worked."""
    files = folder_files(folder)
    return {"status": "exported", "function": function, "attempts": attempts, "export_s": attempts[-1]["seconds"],
            "artifact": str(path.relative_to(folder.parent)), "artifact_files": files,
            "artifact_bytes": sum(files.values()), "imported_by_export": imported,
            "static_batch": 1 if function.endswith("_batch1") else None}


#: The child that runs an export in another environment: a script that needs the standard library, numpy and
#: the exporter's packages only (the project's packages, pydantic among them, are not installed there).
CHILD = Path(__file__).with_name("child.py")


def child_error(record: dict[str, Any]) -> ErrorInfo:
    """The :class:`ErrorInfo` of a child's failure record (from its traceback, with the missing module)."""
    if record.get("type"):
        # The child named the exception: its own type and first informative line beat a parse of the traceback
        # (whose last line may be a type such as ``BadZipFile`` that names no "Error").
        err = ErrorInfo(type=record["type"], message=first_line(record.get("message") or ""))
    else:
        err = error_from_text(record.get("traceback") or record.get("stderr_tail") or "")
    if record.get("missing_module"):
        err = err.model_copy(update={"missing_module": record["missing_module"]})
    if record.get("how"):
        err = err.model_copy(update={"type": "ProcessDied", "message": f"the process {record['how']}: "
                                                                       f"{err.text(300)}"})
    return err


def export_in_env(target: str, env_name: str, keras_file: Path, folder: Path, *, backend: str,
                  routes: tuple[str, ...] = ("export_keras",), build: bool = True,
                  timeout_s: float = 600) -> dict[str, Any]:
    """Export the model saved in ``keras_file`` to ``target`` from the virtual environment ``env_name``
    (:func:`export_routes` with ``env_name``); when the environment cannot be built the target is
    ``unavailable`` with why. The record holds ``environment`` (the build record)."""
    out = export_routes(target, None, folder, routes, keras_file=keras_file, backend=backend, env_name=env_name,
                        build=build, static_retry=False, timeout_s=timeout_s)
    out.setdefault("environment", envs.ensure(envs.ENVS[env_name], build=False))
    return out


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def check_declarations() -> None:
    """Every (target, option) has a route or a reason it does not apply, and every route is in its program."""
    for target in TARGETS:
        for option in OPTIONS:
            if SPECS[target].reuses:
                continue
            if ((target, option) in ROUTES) == ((target, option) in NOT_APPLICABLE):
                raise ValueError(f"({target}, {option}) needs exactly one of a route or a not-applicable reason")
