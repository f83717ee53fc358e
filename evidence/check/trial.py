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

import json
import math
import sys
from pathlib import Path
from typing import Any

from evidence.check.arrays import digest, load_arrays, save_arrays
from evidence.check.trial_common import (
    DATA,
    FREE_DIM,
    INIT_WEIGHTS,
    MODEL,
    PRED_INPUTS,
    PREDICTIONS,
    Record,
    custom_objects,
    first,
    generate_inputs,
    import_user_module,
    input_specs,
    predict,
    save_model_info,
    synthetic_targets,
    to_numpy,
)
from evidence.errors import BadInputError, error_info


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
            raise BadInputError(f"build_model() returned {type(model).__name__}, not a Keras model")
        if not getattr(model, "compiled", False):
            raise BadInputError("build_model() returned a model that is not compiled: call model.compile(...) in it")
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
                raise BadInputError("cannot derive inputs: the model declares none (a subclassed model); "
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
            raise BadInputError(f"the file holds a {type(model).__name__}, not a Keras model")
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
                raise BadInputError("cannot derive inputs: the saved model declares no input shapes")
            x = generate_inputs(model, specs, int(job["batch_size"]), np.random.default_rng(int(job.get("seed", 0))))
            entry["inputs"] = "generated from the model's input shapes and dtypes"
        entry["digest"] = digest(x)
        save_arrays(here / PRED_INPUTS, x)
        save_arrays(here / PREDICTIONS, predict(model, x))

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
        from evidence.check.trial_export import run_export

        run_export(rec, job)
    else:
        run_module(rec, job)
    rec.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
