"""What to change first, per backend that does not port (``kvt check``): chosen from the failing frames in the
user's own file and the known failure classes, not from line order.

The order of the search, for the first thing that broke under a backend:

1. the error's own class, when its text says it (:data:`ERROR_CLASSES`: the trainer called ``train_step`` with
   another backend's signature; ``.numpy()`` on a tensor; a string tensor on JAX or PyTorch; a layer that needs
   ``get_config()``; a ``Lambda`` refused on load; an unregistered custom object);
2. a backend-specific call on a failing frame's line (innermost frame of the user's file first);
3. a backend-specific call inside the function of a failing frame (``train_step``: its ``tf.GradientTape``), the
   framework's autodiff first, then string tensors, ops, ``.numpy()``;
4. anywhere in the model (scope ``model`` or ``train step``), by the same rank; a Keras 2 API anywhere (it fails
   under every backend);
5. else the error itself, with a known cause where one matches.

A backend that fails while its own framework's calls are the ones found is not told to replace them: a call is a
candidate only under a backend of another framework (or, for Keras 2 APIs and strings, any backend).
"""

from __future__ import annotations

import re
from typing import Literal

from evidence.check.scan import Finding
from evidence.contract import ContractModel, ErrorInfo

FailureClass = Literal["framework_autodiff", "framework_op_in_layer", "strings", "train_step_for_other_backend",
                       "numpy_on_tensor", "missing_get_config", "keras2_api", "lambda_layer", "custom_object",
                       "export_blocked", "broken", "timeout", "other"]

#: Error texts that name their class whatever the source says: (class, pattern, fix).
ERROR_CLASSES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple((c, re.compile(p), f) for c, p, f in (
    ("train_step_for_other_backend",
     r"train_step\(\) (takes \d+ positional arguments? but \d+ were given|missing \d+ required positional argument)",
     "the trainer of this backend calls train_step with its own signature (TensorFlow and PyTorch: "
     "train_step(data); JAX: train_step(state, data)): override compute_loss() and let Keras take the gradients, "
     "or write one train_step per backend as in Keras's guide 'Customizing what happens in fit()'"),
    ("numpy_on_tensor", r"has no attribute 'numpy'|Can't call numpy\(\) on Tensor",
     "a tensor's .numpy() is TensorFlow's (a JAX array has none; torch refuses it for a tensor that requires grad): "
     "call keras.ops.convert_to_numpy(x)"),
    ("strings", r"dtype[=: ]*'?(<U\d+|str|object|string)'?|string tensors?|Unsupported dtype.*str|numpy\.str_|"
                r"not supported for dtype.*(str|U\d)|could not convert string",
     "string tensors exist on TensorFlow only: turn strings into integer ids before the model (keras.layers."
     "StringLookup or TextVectorization in the tf.data pipeline) and feed the model numbers"),
    ("missing_get_config", r"must override `?get_config\(\)`?|Object \w+ was created by passing|"
                           r"could not be deserialized properly|"
                           r"__init__\(\) missing \d+ required (positional|keyword-only) argument",
     "the layer's __init__ takes arguments that its config does not hold: define get_config() returning them "
     "(and register the class with @keras.saving.register_keras_serializable())"),
    ("lambda_layer", r"deserialization of a `?Lambda`? layer|safe_mode=False",
     "a Lambda layer holding a Python lambda is refused by safe_mode on load: write it as a Layer subclass with "
     "keras.ops"),
    ("custom_object", r"Could not locate (class|function)|Unknown (layer|loss|metric)",
     "the file names a custom object whose code is not registered: decorate it with "
     "@keras.saving.register_keras_serializable() (and give it get_config()), or pass its module with "
     "--custom-objects"),
))
#: Rank of a finding's category when several are candidates (lower first): autodiff breaks training outright,
#: strings have no op at all, then ops, then the rest.
CATEGORY_RANK: dict[str, int] = {"keras2": 0, "autodiff": 1, "strings": 2, "numpy": 3, "op": 4, "state": 5,
                                 "callback": 6, "compile": 7, "keras": 8, "data": 9}
#: The failure class of a finding's category, where it is the change.
CATEGORY_CLASS: dict[str, str] = {"autodiff": "framework_autodiff", "strings": "strings",
                                  "numpy": "numpy_on_tensor", "keras2": "keras2_api"}
#: Frames of a Python traceback: file, line, function.
FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


class Change(ContractModel):
    """The first change for one backend, typed (the report's line is its rendering)."""

    failure_class: FailureClass
    """What kind of failure it is (see :data:`FailureClass`)."""
    call: str | None = None
    """The call or definition to change, as written (``tf.GradientTape``, ``TapeModel.train_step``)."""
    location: str | None = None
    """``file:line`` of it."""
    fix: str
    """What to do."""
    everywhere: bool = False
    """It fails under every backend tried, the one it was written for included (not a porting problem)."""


def frames_of(text: str, file: str) -> list[tuple[int, str]]:
    """(line, function) of the frames of ``file`` in a traceback ``text``, innermost first."""
    return [(int(line), fn) for f, line, fn in reversed(FRAME.findall(text or "")) if f.rsplit("/", 1)[-1] == file]


def _candidate(f: Finding, backend: str) -> bool:
    """Whether ``f`` can be what breaks under ``backend``: another framework's call, or one that fails anywhere."""
    return f.category in ("keras2", "strings", "numpy") or f.framework != backend


def _rank(f: Finding) -> tuple[int, int, int]:
    return (0 if f.in_model else 1, CATEGORY_RANK.get(f.category, 5), f.line)


def _from_finding(f: Finding) -> Change:
    fix = (f"replace it with {f.keras_ops}" if f.keras_ops and f.category in ("op", "numpy", "keras2")
           else f.advice or "rewrite it with keras.ops")
    if f.category == "keras2" and f.keras_ops and f.advice:
        fix = f.advice
    cls = CATEGORY_CLASS.get(f.category) or ("framework_op_in_layer" if f.in_model else "other")
    return Change(failure_class=cls, call=f.call, location=f.location, fix=fix)


def choose(error: ErrorInfo | None, frames: list[tuple[int, str]], findings: list[Finding],
           backend: str) -> Change | None:
    """The first change for a backend whose first failure raised ``error`` in the user's ``frames`` (line,
    function; innermost first), from the ``findings`` of the user's file; None when nothing is known."""
    text = f"{error.type}: {error.message} {error.root or ''}" if error is not None else ""
    frames = list(frames)
    if error is not None and error.at:
        line, _, fn = error.at.partition(" in ")
        at = (int(line.rsplit(":", 1)[-1]), fn) if line.rsplit(":", 1)[-1].isdigit() else None
        if at and at not in frames:
            frames.insert(0, at)
    candidates = [f for f in findings if _candidate(f, backend)]
    for cls, pattern, fix in ERROR_CLASSES:
        if pattern.search(text):
            if cls == "train_step_for_other_backend":
                step = next((f for f in candidates if f.where.endswith("train_step") and f.category == "autodiff"),
                            None)
                where = next((f.where for f in findings if f.where.endswith("train_step")), "train_step")
                call = f"{where} (it uses {step.call})" if step else where
                return Change(failure_class=cls, call=call, location=step.location if step else None, fix=fix)
            on_line = next((f for line, _ in frames for f in candidates if f.line == line), None)
            if cls in ("numpy_on_tensor", "strings") and on_line is not None and on_line.category == "op":
                # Another framework's op on the failing line converted the tensor (tf.math.cumsum asks a torch
                # tensor for NumPy): the op is what to change, not a .numpy() of the user's.
                return _from_finding(on_line)
            return Change(failure_class=cls, call=on_line.call if on_line else None,
                          location=on_line.location if on_line else None, fix=fix)
    for line, _ in frames:  # a call on a failing frame's line
        here = sorted((f for f in candidates if f.line == line), key=_rank)
        if here:
            return _from_finding(here[0])
    for _, fn in frames:  # a call inside a failing frame's function
        inside = sorted((f for f in candidates if f.where.split(" → ")[0].rsplit(".", 1)[-1] == fn), key=_rank)
        if inside:
            return _from_finding(inside[0])
    keras2 = sorted((f for f in candidates if f.category == "keras2"), key=lambda f: f.line)
    if keras2:
        return _from_finding(keras2[0])
    in_model = sorted((f for f in candidates if f.in_model), key=_rank)
    if in_model:
        return _from_finding(in_model[0])
    return None
