"""A trial of ``kvt check``: one backend, in its own worker process (``python -m evidence.check.trial JOB.json``).

Started by :mod:`evidence.check.run` with ``KERAS_BACKEND`` set. The job file says what to do:

``module``
    import the user's module, ``build_model()``, get data (``make_data()`` or synthetic data derived from the
    model's inputs and loss), start from the reference backend's initial weights when there is one (so losses
    compare), train ``steps`` steps with ``fit``, predict one batch, save ``model.keras``, load it back, load the
    files other backends saved before this one and predict their inputs, export to the targets asked;
``load``
    only the loads (of the files saved by backends that ran after this one);
``keras_file``
    load a ``.keras`` file (``safe_mode=True``, ``compile=False``), predict generated inputs of the model's own
    input shapes and dtypes (the reference backend's inputs when there is one);
``export``
    load the saved (or given) ``.keras`` file and take it to each target through the deployment claim's own
    routes, then serve each artifact and compare its answers with the model's (:func:`run_export`).

Every step is written to the job's ``out`` file as soon as it starts and ends, so a trial killed at its timeout
or crashed still tells how far it got. A step that raises is recorded (:func:`evidence.errors.error_info`) and
the trial goes on with what does not depend on it. Input the trial finds unusable (``build_model()`` returns no
Keras model, data cannot be derived) is recorded as ``bad_input``: the CLI exits 2 with that message.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import re
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evidence.check.arrays import digest, load_arrays, save_arrays
from evidence.errors import error_info

#: Modules whose absence means "we could not try this backend" (``unavailable``), not "the model fails".
FRAMEWORK_MODULES = ("keras", "tensorflow", "jax", "jaxlib", "torch")
#: Size of a dimension the model leaves free (other than the batch), in generated inputs.
FREE_DIM = 8
#: Integer inputs are drawn below this bound (or below the smallest Embedding's ``input_dim``).
INT_BOUND = 10
#: An error saying that a process lacked the user's custom classes (the deployment claim's serving and export
#: children load a .keras file without them).
NEEDS_USER_CODE = re.compile(r"Could not locate (class|function)|could not be deserialized properly")
#: File names inside a trial's folder.
INIT_WEIGHTS, DATA, PRED_INPUTS, PREDICTIONS, MODEL = (
    "init.weights.h5", "data.npz", "pred_inputs.npz", "pred.npz", "model.keras")


class BadInput(Exception):
    """What the user gave cannot be checked (not a Keras model, data that cannot be derived)."""


class Record:
    """The trial's record, rewritten to ``path`` (atomically) after every change."""

    def __init__(self, path: Path, program: str | None):
        self.path, self.program = path, program
        self.data: dict[str, Any] = {"steps": {}, "bad_input": None}

    def write(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, default=str), encoding="utf-8")
        tmp.replace(self.path)

    @contextlib.contextmanager
    def step(self, name: str, group: str | None = None) -> Iterator[dict[str, Any]]:
        """Record the step ``name`` (inside ``group``, e.g. ``loads``): ``running``, then ``works`` or ``fails``.

        The exception of a failed step is recorded and swallowed; the caller reads ``entry["status"]``.
        """
        entry: dict[str, Any] = {"status": "running"}
        holder = self.data["steps"].setdefault(group, {}) if group else self.data["steps"]
        holder[name] = entry
        self.write()
        start = time.perf_counter()
        try:
            yield entry
        except BadInput as exc:
            entry.update(status="fails", error=error_info(exc, self.program).model_dump())
            self.data["bad_input"] = str(exc)
        except Exception as exc:  # a step that breaks is a measurement
            info = error_info(exc, self.program)
            missing = (info.missing_module or "").split(".")[0]
            entry.update(status="unavailable" if missing in FRAMEWORK_MODULES else "fails",
                         error=info.model_dump())
            if self.program:  # every frame of the user's file, innermost first, for the advice
                entry["frames"] = [[f.lineno, f.name] for f in reversed(traceback.extract_tb(exc.__traceback__))
                                   if Path(f.filename).name == self.program]
        else:
            if entry["status"] == "running":
                entry["status"] = "works"
        finally:
            entry["seconds"] = round(time.perf_counter() - start, 3)
            self.write()

    def skip(self, name: str, reason: str, group: str | None = None) -> None:
        """Record ``name`` as not tried, because of ``reason``."""
        holder = self.data["steps"].setdefault(group, {}) if group else self.data["steps"]
        holder[name] = {"status": "not_applicable", "reason": reason}
        self.write()


# -- helpers that need Keras (imported by the caller first) ----------------------------------------------------
def import_user_module(path: Path):
    """The user's module, imported from its file, with its own folder first on ``sys.path`` (so its sibling
    modules win over anything of ours)."""
    from evidence.claim import PROGRAMS_DIR, load_program

    # load_program puts our programs folder at the front of sys.path unless it is already there; keep it
    # behind the user's folder, where a user module of the same name as one of our programs still wins.
    if str(PROGRAMS_DIR) not in sys.path:
        sys.path.append(str(PROGRAMS_DIR))
    sys.path.insert(0, str(path.parent))
    return load_program(path)


def custom_objects(module) -> dict[str, Any]:
    """The Keras classes and functions a module defines, as ``load_model(custom_objects=...)`` takes them."""
    import keras

    kinds = (keras.layers.Layer, keras.losses.Loss, keras.metrics.Metric, keras.optimizers.Optimizer)
    out = {}
    for name, obj in vars(module).items():
        if getattr(obj, "__module__", None) != module.__name__:
            continue  # imported, not defined here
        if (inspect.isclass(obj) and issubclass(obj, kinds)) or inspect.isfunction(obj):
            out[name] = obj
    return out


def _layers(model) -> list:
    out, stack = [], [model]
    while stack:
        layer = stack.pop()
        out.append(layer)
        stack.extend(getattr(layer, "layers", []) or [])
    return out


def input_specs(model) -> Any:
    """The model's declared inputs as a structure of ``(name, shape, dtype)`` (dict or list), or None when the
    model declares none (a subclassed model never called)."""
    struct = getattr(model, "_inputs_struct", None)  # a functional model's inputs, in the user's structure
    try:
        flat = list(model.inputs or [])
    except (AttributeError, ValueError):
        flat = []
    if isinstance(struct, dict):
        return {k: (k, tuple(t.shape), str(t.dtype)) for k, t in struct.items()}
    if flat:
        return [(t.name, tuple(t.shape), str(t.dtype)) for t in flat]
    with contextlib.suppress(Exception):
        shape = (model.get_build_config() or {}).get("input_shape")
        if shape:
            return [("input", tuple(shape), "float32")]
    return None


def generate_inputs(model, specs: Any, n: int, rng) -> Any:
    """Inputs of ``specs``'s shapes and dtypes for ``n`` samples, drawn from ``rng``."""
    bounds = [int(layer.input_dim) for layer in _layers(model) if hasattr(layer, "input_dim")]
    bound = max(1, min([INT_BOUND, *bounds]))

    def one(spec):
        _, shape, dtype = spec
        full = (n, *(FREE_DIM if d is None else int(d) for d in shape[1:]))
        if "int" in dtype:
            return rng.integers(0, bound, size=full).astype(dtype)
        if dtype == "bool":
            return rng.random(full) < 0.5
        return rng.standard_normal(full).astype(dtype)

    if isinstance(specs, dict):
        return {k: one(v) for k, v in specs.items()}
    arrays = [one(s) for s in specs]
    return arrays[0] if len(arrays) == 1 else arrays


def _loss_label(loss) -> str:
    """The loss as its user wrote it: the string, the function's name or the class's name."""
    if isinstance(loss, str):
        return loss
    if inspect.isfunction(loss):
        return loss.__name__
    return type(loss).__name__


def _loss_name(loss) -> str:
    """:func:`_loss_label` in lower case without separators (``SparseCategoricalCrossentropy`` and
    ``sparse_categorical_crossentropy`` alike), to recognise its kind."""
    return re.sub(r"[^a-z]", "", _loss_label(loss).lower())


def synthetic_targets(model, n: int, rng) -> tuple[Any, str]:
    """Targets for ``n`` samples that the model's loss accepts, derived from the loss's kind and the model's
    output shapes, and a sentence saying how.

    Raises:
        BadInput: the model has no loss, no declared outputs, or several outputs with one loss for each.
    """
    import numpy as np

    loss = getattr(model, "loss", None)
    if loss is None:
        raise BadInput("cannot derive targets: the model is compiled without a loss (a custom train_step?); "
                       "define make_data() returning (x, y)")
    try:
        outputs = list(model.outputs or [])
    except (AttributeError, ValueError):
        outputs = []
    if not outputs:
        raise BadInput("cannot derive targets: the model declares no outputs (a subclassed model); "
                       "define make_data() returning (x, y)")
    if len(outputs) > 1 or isinstance(loss, dict | list | tuple):
        raise BadInput("cannot derive targets for a model with several outputs or losses; "
                       "define make_data() returning (x, y)")
    shape = (n, *(FREE_DIM if d is None else int(d) for d in tuple(outputs[0].shape)[1:]))
    name, label = _loss_name(loss), _loss_label(loss)
    if "sparsecategorical" in name:
        return rng.integers(0, shape[-1], size=shape[:-1]), f"integer class labels in [0, {shape[-1]}) (loss {label})"
    if "categorical" in name or "kld" in name or "kldivergence" in name:
        y = np.eye(shape[-1], dtype="float32")[rng.integers(0, shape[-1], size=shape[:-1])]
        return y, f"one-hot targets over {shape[-1]} classes (loss {label})"
    if "binary" in name or "hinge" in name:
        return (rng.random(shape) < 0.5).astype("float32"), f"0/1 targets of the output's shape (loss {label})"
    if "poisson" in name:
        return rng.poisson(1.0, size=shape).astype("float32"), f"counts of the output's shape (loss {label})"
    return rng.standard_normal(shape).astype("float32"), f"float targets of the output's shape (loss {label})"


def to_numpy(value: Any) -> Any:
    """A structure of tensors (any backend's, or TensorFlow's from a tf.data pipeline) as NumPy arrays."""
    import keras
    import numpy as np

    def one(t):
        with contextlib.suppress(Exception):
            return keras.ops.convert_to_numpy(t)
        return np.asarray(t)

    return keras.tree.map_structure(one, value)


def first(value: Any, n: int) -> Any:
    """The first ``n`` samples of every array of a structure."""
    import keras

    return keras.tree.map_structure(lambda a: a[:n], value)


def predict(model, x) -> Any:
    """``model.predict(x)`` as NumPy arrays (Keras's own conversion, which torch tensors need)."""
    return to_numpy(model.predict(x, verbose=0))


def save_model_info(rec: Record, model, specs) -> None:
    with contextlib.suppress(Exception):
        rec.data["model"] = {
            "class": type(model).__name__,
            "inputs": [list(map(str, s)) for s in (specs.values() if isinstance(specs, dict) else specs or [])],
            "params": int(model.count_params()),
            "loss": None if getattr(model, "loss", None) is None else _loss_label(model.loss),
        }


# -- the jobs ----------------------------------------------------------------------------------------------------
def _load_others(rec: Record, job: dict[str, Any], objects: dict[str, Any]) -> None:
    """Load each ``.keras`` file of ``job["load_from"]`` and predict the inputs of the trial that saved it."""
    import keras

    here = Path(job["dir"])
    for other, folder in job.get("load_from", {}).items():
        folder = Path(folder)
        with rec.step(other, group="loads") as entry:
            entry["saved_under"] = other
            loaded = keras.saving.load_model(folder / MODEL, custom_objects=objects, compile=False,
                                             safe_mode=True)
            save_arrays(here / f"loaded_{other}.npz", predict(loaded, load_arrays(folder / PRED_INPUTS)))


def run_module(rec: Record, job: dict[str, Any]) -> None:
    """The ``module`` and ``load`` jobs."""
    import numpy as np

    path, here = Path(job["path"]), Path(job["dir"])
    with rec.step("import") as entry:
        import keras

        entry.update(keras_version=keras.__version__, backend=keras.backend.backend())
    if rec.data["steps"]["import"]["status"] != "works":
        return
    module = None
    with rec.step("module"):
        module = import_user_module(path)
    if rec.data["steps"]["module"]["status"] != "works":
        return
    objects = custom_objects(module)
    if job["mode"] == "load":
        _load_others(rec, job, objects)
        return

    steps, batch = int(job["steps"]), int(job["batch_size"])
    reference = Path(job["reference"]) if job.get("reference") else None
    rng = np.random.default_rng(int(job.get("seed", 0)))
    model = x = y = dataset = None
    with rec.step("build") as entry:
        model = module.build_model()
        if not isinstance(model, keras.Model):
            raise BadInput(f"build_model() returned {type(model).__name__}, not a Keras model")
        if not getattr(model, "compiled", False):
            raise BadInput("build_model() returned a model that is not compiled: call model.compile(...) in it")
    if rec.data["steps"]["build"]["status"] != "works":
        return
    specs = input_specs(model)
    save_model_info(rec, model, specs)

    with rec.step("data") as entry:
        if hasattr(module, "make_data"):
            data = module.make_data()
            if isinstance(data, tuple) and len(data) == 2:
                x, y = to_numpy(data[0]), to_numpy(data[1])
                entry.update(source="make_data() arrays", digest=digest([x, y]))
            else:
                dataset = data
                xb = next(iter(dataset))
                entry.update(source=f"make_data() {type(data).__module__}.{type(data).__name__}")
                x = to_numpy(xb[0] if isinstance(xb, tuple | list) else xb)
                entry["digest"] = digest(first(x, batch))
        elif reference is not None and (reference / DATA).exists():
            x, y = load_arrays(reference / DATA)
            entry.update(source=f"synthetic, from the {job['reference_backend']} trial", digest=digest([x, y]))
        else:
            if specs is None:
                raise BadInput("cannot derive inputs: the model declares none (a subclassed model); "
                               "define make_data() returning (x, y)")
            x = generate_inputs(model, specs, steps * batch, rng)
            y, how = synthetic_targets(model, steps * batch, rng)
            entry.update(source=f"synthetic: inputs of the model's shapes, {how}", digest=digest([x, y]))
            save_arrays(here / DATA, [x, y])
    if rec.data["steps"]["data"]["status"] != "works":
        return
    pred_x = first(x, batch)
    save_arrays(here / PRED_INPUTS, pred_x)

    with rec.step("trains") as entry:
        losses: list[float] = []

        logged: list[str] = []

        class StepLosses(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                # Keras's own reading: the "loss" entry of the logs train_step returned (what fit prints).
                logged[:] = sorted(logs or {})
                if logs and "loss" in logs:
                    losses.append(float(logs["loss"]))

        if not model.built:  # a subclassed model gets its variables on its first call
            model(pred_x)
        start_from = None
        if reference is not None and (reference / INIT_WEIGHTS).exists():
            try:
                model.load_weights(reference / INIT_WEIGHTS)
                start_from = job["reference_backend"]
            except Exception as exc:  # the run goes on from this backend's own initial weights
                entry["init_error"] = error_info(exc, rec.program).model_dump()
        else:
            model.save_weights(here / INIT_WEIGHTS)
        entry["start_from"] = start_from
        if dataset is not None:
            model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[StepLosses()])
        else:
            n = steps * batch
            model.fit(first(x, n), first(y, n), batch_size=batch, epochs=1, shuffle=False, verbose=0,
                      callbacks=[StepLosses()])
        entry["losses"] = losses
        if not losses and logged:  # it trained; its train_step returns no "loss" to compare
            entry["no_loss"] = (f"its train_step returns no 'loss' entry (it returned {', '.join(logged)}), so "
                                "its loss cannot be compared across backends")
        elif not losses and steps:
            entry["no_loss"] = "its train_step returns no logs, so its loss cannot be compared across backends"
        elif not all(math.isfinite(v) for v in losses):
            raise FloatingPointError(f"the loss is not finite after {len(losses)} steps: {losses[-3:]}")
    trained = rec.data["steps"]["trains"]["status"] == "works"

    if trained:
        with rec.step("predicts"):
            save_arrays(here / PREDICTIONS, predict(model, pred_x))
        with rec.step("saves"):
            model.save(here / MODEL)
    else:
        rec.skip("predicts", "it did not train")
        rec.skip("saves", "it did not train")
    loads = dict(job.get("load_from", {}))
    if rec.data["steps"]["saves"]["status"] == "works":  # its own file first: the round trip on one backend
        loads = {job["backend"]: str(here), **loads}
    _load_others(rec, {**job, "load_from": loads}, objects)


def run_keras_file(rec: Record, job: dict[str, Any]) -> None:
    """The ``keras_file`` job."""
    import numpy as np

    here = Path(job["dir"])
    reference = Path(job["reference"]) if job.get("reference") else None
    with rec.step("import") as entry:
        import keras

        entry.update(keras_version=keras.__version__, backend=keras.backend.backend())
    if rec.data["steps"]["import"]["status"] != "works":
        return
    objects: dict[str, Any] = {}
    if job.get("custom_objects"):
        with rec.step("module"):
            objects = custom_objects(import_user_module(Path(job["custom_objects"])))
        if rec.data["steps"]["module"]["status"] != "works":
            return
    model = None
    with rec.step("loads", group=None):
        model = keras.saving.load_model(job["path"], custom_objects=objects or None, compile=False,
                                        safe_mode=True)
        if not isinstance(model, keras.Model):
            raise BadInput(f"the file holds a {type(model).__name__}, not a Keras model")
    if rec.data["steps"]["loads"]["status"] != "works":
        rec.skip("predicts", "the file did not load")
        return
    specs = input_specs(model)
    save_model_info(rec, model, specs)
    with rec.step("predicts") as entry:
        if reference is not None and (reference / PRED_INPUTS).exists():
            x = load_arrays(reference / PRED_INPUTS)
            entry["inputs"] = f"the {job['reference_backend']} trial's"
        else:
            if specs is None:
                raise BadInput("cannot derive inputs: the saved model declares no input shapes")
            x = generate_inputs(model, specs, int(job["batch_size"]), np.random.default_rng(int(job.get("seed", 0))))
            entry["inputs"] = "generated from the model's input shapes and dtypes"
        entry["digest"] = digest(x)
        save_arrays(here / PRED_INPUTS, x)
        save_arrays(here / PREDICTIONS, predict(model, x))


def run_export(rec: Record, job: dict[str, Any]) -> None:
    """The ``export`` job: load the saved model and take it to each target with the deployment claim's own
    routes (:mod:`evidence.claims.deployment.targets`), then serve each artifact in a fresh process (or a
    browser page) and compare its answers with the model's on the same inputs."""
    import numpy as np

    from evidence.claims.deployment import CLAIM as DEPLOYMENT
    from evidence.errors import known_issues
    from evidence.options import BACKEND_OPTION
    from evidence.runtimes import browser
    from evidence.runtimes.browser import BROWSER_BATCHES
    from evidence.runtimes.serving import judge_parity, parity, serve_artifact
    from evidence.runtimes.targets import (
        BROWSER,
        KNOWN_ISSUES,
        NOT_APPLICABLE,
        ROUTES,
        SPECS,
        export_in_env,
        export_to,
    )

    backend, here = job["backend"], Path(job["dir"]) / "export"
    option = BACKEND_OPTION[backend]
    here.mkdir(parents=True, exist_ok=True)
    with rec.step("import") as entry:
        import keras

        entry.update(keras_version=keras.__version__, backend=keras.backend.backend())
    if rec.data["steps"]["import"]["status"] != "works":
        return
    objects: dict[str, Any] = {}
    if job.get("module"):
        with rec.step("module"):
            objects = custom_objects(import_user_module(Path(job["module"])))
        if rec.data["steps"]["module"]["status"] != "works":
            return
    model = None
    with rec.step("model"):
        model = keras.saving.load_model(job["model_file"], custom_objects=objects or None, compile=False,
                                        safe_mode=True)
        x = load_arrays(job["inputs"])
        reference = predict(model, x)
    if rec.data["steps"]["model"]["status"] != "works":
        return
    servable = isinstance(x, np.ndarray) and isinstance(reference, np.ndarray)
    if servable:
        np.save(here / "inputs.npy", np.asarray(x, dtype="float32"))
        np.save(here / "reference.npy", reference)
    tolerance = DEPLOYMENT.threshold("output_tolerance")
    artifacts: dict[str, Path] = {}
    pages: list[str] = []
    for target in job["targets"]:
        spec = SPECS[target]
        with rec.step(target, group="exports") as entry:
            entry["target"] = target
            source = spec.same_artifact.get(option) or spec.reuses
            route_of = source if spec.reuses else target  # a browser target serves another target's artifact
            if (target, option) in NOT_APPLICABLE or (route_of, option) not in ROUTES:
                entry.update(status="not_applicable",
                             reason=NOT_APPLICABLE.get((target, option), f"no route to {target} from {backend}"))
                continue
            routes = ROUTES[(route_of, option)]
            python = None
            if source and source in artifacts:
                artifacts[target] = artifacts[source]
                entry["reused"] = source
            else:
                folder = here / route_of
                env_name = spec.env.get(option)
                if env_name:
                    out = export_in_env(route_of, env_name, Path(job["model_file"]), folder, backend=backend,
                                        routes=routes, build=False)
                    python = (out.get("environment") or {}).get("python")
                    if not (out.get("environment") or {}).get("ok"):
                        out["reason"] = (f"the {env_name} environment this route needs is not built here "
                                         "(`kvt evidence run deployment` builds it)")
                    elif out["status"] == "fails" and objects and NEEDS_USER_CODE.search(str(out.get("error"))):
                        out = {"status": "unavailable", "reason": f"the export runs in the {env_name} environment "
                               "from the saved .keras file, where the module's custom classes cannot be imported"}
                else:
                    out = export_to(route_of, model, folder, routes)
                    if out["status"] == "fails":  # the static-shape route, before the target is called failed
                        out = _static_shape_retry(out, route_of, model, folder, routes, export_to, entry)
                if out["status"] != "exported":
                    entry.update(status="unavailable" if out["status"] == "unavailable" else "fails",
                                 reason=out.get("reason"), error=out.get("error"))
                    issues = known_issues(str(out.get("reason")), KNOWN_ISSUES, target=target, option=option)
                    if issues:
                        entry["known_issue"] = issues[0].model_dump()
                    continue
                artifacts[target] = artifacts[route_of] = folder.parent / out["artifact"]
                entry["artifact_bytes"] = out.get("artifact_bytes")
            if not servable:
                entry["reason"] = "exported; parity not measured (the serving harness takes one input and one output)"
            elif target in BROWSER:
                pages.append(target)
            else:
                served = serve_artifact(spec.program, artifacts[target], here / "inputs.npy", here / "reference.npy",
                                        here / f"{target}-runs", processes=1, warmup_processes=0, latency_calls=1,
                                        latency_warmup=0, batch_sizes=(1,), tolerance=tolerance,
                                        python=python if spec.serve_env else None)
                if served["status"] == "fails" and objects and NEEDS_USER_CODE.search(str(served.get("error"))):
                    served = {"status": "unavailable", "reason": "exported; the serving process loads the artifact "
                              "without the module's custom classes, so its answers could not be compared"}
                entry.update(status=served["status"], parity=served.get("max_abs_diff"),
                             reason=served.get("reason"), error=served.get("error"))
    if pages:
        _serve_pages(rec, pages, artifacts, here, tolerance, browser, BROWSER_BATCHES, parity, judge_parity)


def _static_shape_retry(failed: dict[str, Any], target: str, model, folder: Path, routes: tuple[str, ...],
                        export_to, entry: dict[str, Any]) -> dict[str, Any]:
    """Export again through the target program's static-shape routes (``export_keras_batch1``: a fixed batch of
    1), where it has them, after the dynamic-shape export failed; the record says it was tried and how it went.
    Returns the static export's record when it worked, else the first failure's."""
    from evidence.claim import load_program
    from evidence.runtimes.targets import SPECS

    program = load_program(SPECS[target].program)
    static = tuple(f"{r}_batch1" for r in routes if hasattr(program, f"{r}_batch1"))
    if not static or len(getattr(model, "inputs", None) or []) != 1:
        return failed
    out = export_to(target, model, folder, static)
    entry["static_shape"] = ("exported with a static input shape (batch 1) only: the dynamic-shape export failed"
                             if out["status"] == "exported" else "the static-shape route (batch 1) failed too")
    return out if out["status"] == "exported" else failed


def _serve_pages(rec: Record, pages: list[str], artifacts: dict[str, Path], here: Path, tolerance: float,
                 browser, batches, parity, judge_parity) -> None:
    """Serve the browser targets' artifacts in headless Chromium (one driver process) and judge their answers."""
    import numpy as np

    entries = rec.data["steps"]["exports"]
    available = browser.browser_available()
    npm = browser.ensure_npm() if available["ok"] else None
    missing = available.get("why") or (npm or {}).get("why")
    if missing:
        for target in pages:
            entries[target].update(status="unavailable", reason=f"exported; no browser to serve it: {missing}")
        rec.write()
        return
    jobs = [browser.Job(target=t, artifact=artifacts[t], predict_batch=batches[t][0], batch_sizes=batches[t][1])
            for t in pages]
    records = browser.run_browser_process(jobs, here / "inputs.npy", here, "pages", npm=Path(npm["path"]),
                                          page_loads=1, latency_calls=0, latency_warmup=0)
    reference = np.load(here / "reference.npy")
    for target in pages:
        res = records[target]
        if not res.get("ok"):
            entries[target].update(status="fails", error=res.get("error"), reason=res.get("phase"))
            continue
        predictions = np.asarray(res["predictions"], dtype="float32").reshape(res["rows"], -1)
        agreement = parity(predictions, reference.reshape(len(reference), -1))
        status, why = judge_parity(agreement, tolerance)
        entries[target].update(status=status, parity=agreement.get("max_abs_diff"), reason=why)
    rec.write()


def main(argv: list[str] | None = None) -> int:
    """Run the job file named on the command line; the record goes to the job's ``out``."""
    argv = sys.argv[1:] if argv is None else argv
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    sys.dont_write_bytecode = True  # importing the user's module must not write __pycache__ beside it
    rec = Record(Path(job["out"]), Path(job["path"]).name if job["mode"] in ("module", "load", "export") else None)
    rec.data.update(mode=job["mode"], backend=job["backend"])
    rec.write()
    if job["mode"] == "keras_file":
        run_keras_file(rec, job)
    elif job["mode"] in ("saved_model", "keras2_reference"):  # Keras 2 files: evidence.check.legacy
        from evidence.check import legacy

        if job["mode"] == "saved_model":
            legacy.run_saved_model(rec, job, free_dim=FREE_DIM)
        else:
            legacy.run_keras2_reference(rec, job)
    elif job["mode"] == "export":
        run_export(rec, job)
    else:
        run_module(rec, job)
    rec.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
