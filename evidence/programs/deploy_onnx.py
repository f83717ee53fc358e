"""Deploy as ONNX, served by ONNX Runtime: no TensorFlow, Keras, JAX or PyTorch at serving time.

Each option reaches ONNX through a different converter, which must be installed where the model is exported:

- Keras on TensorFlow: ``model.export(format="onnx")`` runs ``tf2onnx`` (and ``onnx``).
- Keras on JAX: the same call runs ``jax2onnx``, which brings flax, optax and orbax with it.
- Keras on PyTorch: the same call runs ``torch.onnx``, which needs ``onnxscript`` (and ``onnx``).
- TensorFlow core: ``tf2onnx.convert.from_function`` on the module's ``tf.function``.

Serving needs ``onnxruntime`` only.

    python evidence/programs/deploy_onnx.py model.onnx
"""

from __future__ import annotations

import sys

import numpy as np
import onnxruntime as ort


def export_keras(model, path):
    """Write ``model``'s forward pass as the ONNX file ``path`` (the converter depends on the backend)."""
    model.export(path, format="onnx", verbose=False)


def export_keras_signature(model, path):
    """The same call with the input signature written out (a variable batch): Keras refuses to derive one from a
    model it has never called (``predict`` on JAX does not count)."""
    import keras

    spec = keras.InputSpec(shape=(None, *model.input_shape[1:]), dtype=model.inputs[0].dtype)
    model.export(path, format="onnx", verbose=False, input_signature=[spec])


def export_keras_batch1(model, path):
    """The static-shape route: the ONNX graph traced with a fixed batch of 1."""
    import keras

    spec = keras.InputSpec(shape=(1, *model.input_shape[1:]), dtype=model.inputs[0].dtype)
    model.export(path, format="onnx", verbose=False, input_signature=[spec])


def export_tf_core(module, path):
    """Convert a ``tf.Module``'s ``__call__`` (a ``tf.function`` with an input signature) with tf2onnx."""
    import tf2onnx

    tf2onnx.convert.from_function(
        module.__call__, input_signature=module.__call__.input_signature, output_path=str(path))


def load(path):
    """An inference session on the CPU."""
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"])


def predict(session, x):
    """The model's single output for the batch ``x``."""
    return session.run(None, {session.get_inputs()[0].name: x})[0]


if __name__ == "__main__":
    session = load(sys.argv[1])
    print(predict(session, np.zeros((1, session.get_inputs()[0].shape[1]), "float32")))
