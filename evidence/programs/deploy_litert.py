"""Deploy for mobile and edge devices as LiteRT (formerly TensorFlow Lite): one ``.tflite`` flatbuffer.

Conversion runs TensorFlow's converter (``tf.lite.TFLiteConverter``) on every option but PyTorch:

- Keras on TensorFlow: ``model.export(format="litert")``.
- Keras on JAX: ``model.export(format="litert")`` refuses the JAX backend, so the model goes through a
  SavedModel (``jax2tf``) and the converter: ``export_keras_jax``.
- Keras on PyTorch: ``model.export(format="litert")`` needs the ``litert-torch`` package.
- TensorFlow core: the converter on the module's concrete function.

Serving needs ``ai-edge-litert`` only: its interpreter is the LiteRT runtime without TensorFlow
(``tf.lite.Interpreter`` would import all of TensorFlow, and is deprecated). Inputs of a new batch size are
resized by the signature runner.

    python evidence/programs/deploy_litert.py model.tflite
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter


def export_keras(model, path):
    """Write ``model`` as the ``.tflite`` file ``path`` (TensorFlow and PyTorch backends)."""
    model.export(path, format="litert", verbose=False)


def export_keras_jax(model, path):
    """On the JAX backend: export a SavedModel to a temporary folder, then convert it with TensorFlow."""
    import tensorflow as tf

    with tempfile.TemporaryDirectory() as saved:
        model.export(saved, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved)
        Path(path).write_bytes(converter.convert())


def export_tf_core(module, path):
    """Convert a ``tf.Module``'s ``__call__`` (a ``tf.function`` with an input signature)."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.__call__.get_concrete_function()], module)
    Path(path).write_bytes(converter.convert())


def load(path):
    """A runner for the model's one signature; it allocates tensors for each new input shape."""
    return Interpreter(model_path=str(path)).get_signature_runner()


def predict(runner, x):
    """The model's single output for the batch ``x``."""
    (name,) = runner.get_input_details()
    return next(iter(runner(**{name: x}).values()))


if __name__ == "__main__":
    runner = load(sys.argv[1])
    (details,) = runner.get_input_details().values()
    print(predict(runner, np.zeros((1, *details["shape"][1:]), "float32")))
