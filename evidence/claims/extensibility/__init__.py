"""Claim ``extensibility``: TensorFlow extends through low-level APIs; Keras is limited beyond its built-in blocks.

Method: each option is extended through its own tools, inside a model, and each attempt is recorded as a cell
(option, kind, mechanism) that ``works``, ``fails`` (with the error or the check that failed) or is
``unavailable`` (a framework, compiler or build tool is missing):

- Keras's portable API on every Keras option (``extensions_keras.py``): a ``keras.ops`` layer, a loss, a
  ``keras.metrics.Metric``, ``keras.ops.custom_gradient``;
- each backend's own framework inside a Keras model: TensorFlow (``extensions_tensorflow.py``: tf ops, a
  ``tf.GradientTape`` train_step and loop, ``tf.custom_gradient``, a C++ op built with g++ and loaded with
  ``tf.load_op_library``); JAX (``extensions_jax.py``: ``jax.numpy``, a stateless train_step and a jitted loop,
  ``jax.custom_vjp``, a C++ kernel through XLA's FFI, a Pallas kernel in interpret mode); PyTorch
  (``extensions_torch.py``: torch ops, a ``loss.backward()`` train_step and a ``torch.optim`` loop,
  ``torch.autograd.Function``, ``torch.library.custom_op``, a C++ op built with ``torch.utils.cpp_extension``);
- TensorFlow core without Keras (``extensions_tfcore.py``): ``tf.Module``, a ``tf.function`` GradientTape step,
  ``tf.custom_gradient``, the TensorFlow C++ op.

Every attempt trains a small model for a few steps through the extension (the weights before it must move),
compares its values with NumPy, and checks its gradient, taken with the framework's own autodiff through the
extension's backward, against central finite differences of its forward (``extensions_check.py``). The three C++
sources are compiled at run time, in a ``build`` stage, by the worker that has the framework whose headers they
need, into the run's temporary folder; nothing is cached across runs or committed.

In full mode every backend's Keras-side routes are also run on the other two backends: that measures portability
(code written with one framework's API run on another), reported apart, never as the other option's capability.
The verdict answers the article's sentence from what each option extends with its own tools.

The package's parts: ``claim`` (declarations), ``routes`` (the routes and needs, declared), ``measure`` and
``build`` (the worker's attempts and builds), ``assessment``, ``assess``, ``verdict`` (the decision), ``report``
(prose), ``synthetic`` (made-up attempts for the family test).
"""

from evidence.claims.extensibility.assessment import (
    BuildRecord,
    Cell,
    Coverage,
    ExtensibilityAssessment,
    GradientCheck,
)
from evidence.claims.extensibility.claim import ExtensibilityClaim

CLAIM = ExtensibilityClaim()


def __getattr__(name: str):
    """``attempt`` (the worker's runner of one attempt) is loaded from :mod:`.measure` when first asked for, so
    importing the package imports no measurement code."""
    if name == "attempt":
        from evidence.claims.extensibility.measure import attempt

        return attempt
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CLAIM", "BuildRecord", "Cell", "Coverage", "ExtensibilityAssessment", "ExtensibilityClaim",
           "GradientCheck", "attempt"]
