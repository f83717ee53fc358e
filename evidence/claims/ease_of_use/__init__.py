"""Claim ``ease_of_use``: Keras is simpler and faster to prototype with; TensorFlow needs more code for the same task.

Method: three tasks, each written three ways as real programs under ``evidence/programs/``, with the same data
(scikit-learn's bundled digits), model, optimizer settings and seed:

``keras_fit`` (``<task>_keras.py``), "Keras fit"
    Keras 3's high-level API: ``Sequential``, ``compile``, ``fit``, callbacks. Run unchanged on the tensorflow,
    jax and torch backends.
``keras_gradienttape`` (``<task>_gradienttape.py``), "Keras with a custom training loop"
    Keras layers, optimizer, loss and metric with a hand-written loop over ``tf.data``, ``tf.GradientTape`` and a
    ``tf.function`` step, as Keras's own guide "Writing a training loop from scratch in TensorFlow" writes it: a
    Keras workflow (on Keras's TensorFlow backend, which it needs), so it is compared with Keras fit as Keras's
    own alternative, not counted as TensorFlow's side of the claim.
``tf_core`` (``<task>_tfcore.py``), "TensorFlow without Keras"
    TensorFlow without Keras: ``tf.Module``, ``tf.Variable``, ``tf.GradientTape``, ``tf.function``, ``tf.data`` and
    a hand-written loop. TensorFlow has no optimizer outside Keras (``tf.keras.optimizers`` is Keras 3), so these
    programs write Adam themselves, as TensorFlow's own Core API guides do; its lines are reported apart.

The tasks: ``mlp`` (a multilayer perceptron classifier), ``cnn`` (a small convolutional network on the 8x8
images), ``early_stopping`` (a validation split, early stopping on the validation loss, and a checkpoint of the
best weights restored at the end).

Each program runs for real and records its test accuracy, so that the comparison is between programs that do the
same job: a task counts only when every style reaches the declared accuracy floor and lies within the declared
tolerance of the ``keras_fit`` program's accuracy (on the TensorFlow backend, the engine the other two run on).
Each program is measured with :mod:`evidence.code_metrics` (``ast`` and ``tokenize``): logical lines, distinct
framework API names resolved through the imports, branches and cyclomatic complexity, and the concepts, counted by
code from the API names the program uses (:func:`evidence.code_metrics.api_surface`: each class with its methods
folded in, each function), no hand-made table involved; the declared table's grouping (:data:`code_metrics.CONCEPTS`)
is reported beside them as a reading aid. Every number names its program file and sha256.

The package's parts: ``claim`` (declarations), ``measure`` (the worker's runs and program records),
``assessment`` (the vocabulary and what readers read), ``assess``, ``verdict`` (the decision), ``report`` (prose),
``synthetic`` (made-up runs for the family test). Importing the package imports the declarations and the
assessment only; the measurement's names are loaded when first used.
"""

from __future__ import annotations

from typing import Any

from .assessment import (
    COST_METRICS,
    KERAS_ALTERNATIVES,
    STYLE_OPTIONS,
    STYLE_SUFFIX,
    STYLE_TITLES,
    STYLES,
    TASKS,
    TENSORFLOW_STYLES,
    EaseOfUseAssessment,
    Metrics,
    OptionCost,
    Program,
    Run,
    Style,
    Task,
    TaskCost,
    TaskResult,
    program_name,
)
from .claim import EaseOfUseClaim

CLAIM = EaseOfUseClaim()

_LAZY = ("limit_torch_threads", "measure_program")


def __getattr__(name: str) -> Any:
    """The worker's helpers, loaded from :mod:`.measure` when first asked for (importing the package imports no
    measurement code)."""
    if name in _LAZY:
        from . import measure

        return getattr(measure, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CLAIM", "COST_METRICS", "KERAS_ALTERNATIVES", "STYLES", "STYLE_OPTIONS", "STYLE_SUFFIX", "STYLE_TITLES",
           "TASKS", "TENSORFLOW_STYLES", "EaseOfUseAssessment", "EaseOfUseClaim", "Metrics", "OptionCost", "Program",
           "Run", "Style", "Task", "TaskCost", "TaskResult", "program_name", *_LAZY]
