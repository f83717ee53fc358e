"""A Keras layer that calls a TensorFlow op, next to the same layer written with ``keras.ops``.

``TfCumsum.call`` uses ``tf.math.cumsum``: a layer copied from TensorFlow-era code. Keras 3 hands the layer
the tensors of whatever backend runs (a JAX tracer under jax, a ``torch.Tensor`` under torch), and a TensorFlow
op cannot trace or differentiate those. ``OpsCumsum`` computes the same thing with ``keras.ops.cumsum``, which
every backend implements. ``attempt(kind)`` builds a model around one of them and trains it for one epoch on a
few samples, then predicts: the ``backend_portability`` experiment calls it under each backend and records
whether it worked and, if not, the error.

    KERAS_BACKEND=jax python evidence/programs/tf_op_layer.py tf
"""

from __future__ import annotations

import sys

import keras
import numpy as np

SEED = 7


class TfCumsum(keras.layers.Layer):
    """Running sum over the features, with a TensorFlow op: portable to no backend but tensorflow."""

    def call(self, inputs):
        # Imported here, not at the top, so that a missing TensorFlow shows up as this layer's error and the
        # portable layer below still runs without it.
        import tensorflow as tf

        return tf.math.cumsum(inputs, axis=-1)


class OpsCumsum(keras.layers.Layer):
    """The same running sum with ``keras.ops``: runs on every backend."""

    def call(self, inputs):
        return keras.ops.cumsum(inputs, axis=-1)


LAYERS = {"tf": TfCumsum, "ops": OpsCumsum}


def build_model(kind: str, num_features: int = 8) -> keras.Model:
    """Dense -> cumsum layer of ``kind`` -> Dense: a trainable layer sits before the cumsum, so training must
    carry gradients through it."""
    init = keras.initializers.GlorotUniform
    model = keras.Sequential([
        keras.Input(shape=(num_features,)),
        keras.layers.Dense(8, activation="relu", kernel_initializer=init(seed=SEED)),
        LAYERS[kind](name=f"{kind}_cumsum"),
        keras.layers.Dense(1, kernel_initializer=init(seed=SEED + 1)),
    ])
    model.compile(optimizer="sgd", loss="mse")
    return model


def attempt(kind: str, samples: int = 32) -> dict:
    """Train one epoch and predict with the model of ``kind`` on random data; raises whatever the backend raises.

    Returns the loss after the epoch and whether the predictions are finite.
    """
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 8)).astype("float32")
    y = x.sum(axis=1, keepdims=True).astype("float32")
    model = build_model(kind)
    history = model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    predictions = keras.ops.convert_to_numpy(model.predict(x, verbose=0))
    return {"loss": float(history.history["loss"][-1]), "finite": bool(np.isfinite(predictions).all())}


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "tf"
    print(f"backend={keras.backend.backend()} layer={which}: {attempt(which)}")
