"""Deploy as a TensorFlow SavedModel: the format TensorFlow Serving, TF.js and the LiteRT converter read.

A SavedModel is a folder: the computation graph (``saved_model.pb``) and the weights (``variables/``). It is
served through a *signature*, a function with named, typed inputs and outputs; ``serving_default`` is the one
a server calls.

- A Keras model exports one with ``model.export`` on the TensorFlow and JAX backends (JAX goes through
  ``jax2tf``; TensorFlow must be installed). On the PyTorch backend Keras's path needs ``torch_xla``.
- A ``tf.Module`` is saved with ``tf.saved_model.save``; its ``serving_default`` signature comes from a
  ``tf.function`` with a declared ``input_signature`` (see ``digits_mlp_tf_core.py``): without one there is
  no signature to serve.

Serving needs TensorFlow only, not Keras. ``describe_signature`` is what the experiment checks: the inputs,
outputs and dtypes a client must send and will receive.

    python evidence/programs/deploy_savedmodel.py path/to/saved_model
"""

from __future__ import annotations

import sys

import tensorflow as tf

SIGNATURE = "serving_default"


def export_keras(model, path):
    """Write ``model``'s forward pass as a SavedModel folder with a ``serve`` endpoint and signature."""
    model.export(path, format="tf_saved_model", verbose=False)


def export_keras_batch1(model, path):
    """The static-shape route: a SavedModel whose signature has a fixed batch of 1 (``input_signature``), as
    Keras's docstring asks for on the torch backend ("you must fully define the shapes of the inputs")."""
    import keras

    spec = keras.InputSpec(shape=(1, *model.input_shape[1:]), dtype=model.inputs[0].dtype)
    model.export(path, format="tf_saved_model", verbose=False, input_signature=[spec])


def export_tf_core(module, path):
    """Write a ``tf.Module`` whose ``__call__`` has an input signature as a SavedModel folder."""
    tf.saved_model.save(module, path)


def load(path):
    """The loaded SavedModel. Its signatures hold no reference to it, so the caller keeps this object."""
    return tf.saved_model.load(path)


def predict(loaded, x):
    """The signature's single output for the batch ``x``, as a NumPy array."""
    outputs = loaded.signatures[SIGNATURE](tf.constant(x))
    return next(iter(outputs.values())).numpy()


def describe_signature(loaded):
    """Names, shapes and dtypes of the serving signature's inputs and outputs."""
    serve = loaded.signatures[SIGNATURE]

    def spec(s):
        return {"shape": s.shape.as_list(), "dtype": s.dtype.name}

    return {
        "inputs": {name: spec(s) for name, s in serve.structured_input_signature[1].items()},
        "outputs": {name: spec(s) for name, s in serve.structured_outputs.items()},
    }


if __name__ == "__main__":
    loaded = load(sys.argv[1])
    print(describe_signature(loaded))
