"""What every trial of ``kvt check`` shares (:mod:`evidence.check.trial` runs the jobs): the trial's record, the
names of the files trials leave for each other, and the helpers that need Keras (imported by the caller first):
the user's module and custom classes, the model's inputs and synthetic data, predictions as NumPy arrays."""

from __future__ import annotations

import contextlib
import inspect
import json
import re
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evidence.errors import BadInputError, error_info

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
        except BadInputError as exc:
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
        BadInputError: the model has no loss, no declared outputs, or several outputs with one loss for each.
    """
    import numpy as np

    loss = getattr(model, "loss", None)
    if loss is None:
        raise BadInputError("cannot derive targets: the model is compiled without a loss (a custom train_step?); "
                       "define make_data() returning (x, y)")
    try:
        outputs = list(model.outputs or [])
    except (AttributeError, ValueError):
        outputs = []
    if not outputs:
        raise BadInputError("cannot derive targets: the model declares no outputs (a subclassed model); "
                       "define make_data() returning (x, y)")
    if len(outputs) > 1 or isinstance(loss, dict | list | tuple):
        raise BadInputError("cannot derive targets for a model with several outputs or losses; "
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
