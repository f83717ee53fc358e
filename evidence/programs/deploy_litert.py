"""Deploy for mobile and edge devices as LiteRT (formerly TensorFlow Lite): one ``.tflite`` flatbuffer.

Conversion runs TensorFlow's converter (``tf.lite.TFLiteConverter``) on every option but PyTorch:

- Keras on TensorFlow: ``model.export(format="litert")``.
- Keras on JAX: ``model.export(format="litert")`` refuses the JAX backend, so the model goes through a
  SavedModel (``jax2tf``) and the converter: ``export_keras_jax``.
- Keras on PyTorch: ``model.export(format="litert")`` needs the ``litert-torch`` package.
- TensorFlow core: the converter on the module's concrete function.

LiteRT.js (LiteRT in a web page) takes static shapes only: it refuses a model whose batch dimension is
variable (``-1``), as the converter writes it by default. The ``*_batch1`` routes write a model with a fixed batch
of 1 for it (``litert-torch`` writes static shapes already, so the torch route serves both).

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


def export_keras_batch1(model, path):
    """Write ``model`` as ``path`` with a fixed batch of 1 (TensorFlow backend), for static-shape runtimes."""
    import keras

    spec = keras.InputSpec(shape=(1, *model.input_shape[1:]), dtype=model.inputs[0].dtype)
    model.export(path, format="litert", verbose=False, input_signature=[spec])


def export_keras_jax_batch1(model, path):
    """On the JAX backend: a SavedModel with a fixed batch of 1, converted with TensorFlow."""
    import keras
    import tensorflow as tf

    spec = keras.InputSpec(shape=(1, *model.input_shape[1:]), dtype=model.inputs[0].dtype)
    with tempfile.TemporaryDirectory() as saved:
        model.export(saved, format="tf_saved_model", verbose=False, input_signature=[spec])
        Path(path).write_bytes(tf.lite.TFLiteConverter.from_saved_model(saved).convert())


def export_tf_core(module, path):
    """Convert a ``tf.Module``'s ``__call__`` (a ``tf.function`` with an input signature)."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.__call__.get_concrete_function()], module)
    Path(path).write_bytes(converter.convert())


def export_tf_core_batch1(module, path):
    """Convert a ``tf.Module``'s ``__call__`` traced with a fixed batch of 1, for static-shape runtimes."""
    import tensorflow as tf

    (spec,) = module.__call__.input_signature
    fixed = tf.TensorSpec([1, *spec.shape[1:]], spec.dtype)
    function = tf.function(lambda x: module(x)).get_concrete_function(fixed)
    Path(path).write_bytes(tf.lite.TFLiteConverter.from_concrete_functions([function], module).convert())


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
