"""A ``Lambda`` layer holding TensorFlow code: the one-line custom layer of tf.keras-era models.

Modelled on keras.io's ``Lambda`` layer page and the many tf.keras models that wrap a TensorFlow function in
``keras.layers.Lambda`` (here ``tf.math.l2_normalize`` and ``tf.nn.relu6`` on an embedding). The Lambda runs on the
backend's tensors like any layer, so under jax or torch the TensorFlow functions receive tensors they cannot take.

    KERAS_BACKEND=jax python evidence/programs/corpus/lambda_tf.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import tensorflow as tf

TITLE = "Lambda layer wrapping TensorFlow functions (tf.math.l2_normalize, tf.nn.relu6)"
MODELLED_ON = "https://keras.io/api/layers/core_layers/lambda/"
FEATURES = ("Lambda layer", "TensorFlow functions in a Lambda", "Sequential")
SEED = 47


def make_data(samples: int = 128):
    """Three classes in six features."""
    rng = np.random.default_rng(SEED)
    y = rng.integers(0, 3, size=samples).astype("int32")
    x = (rng.normal(size=(samples, 6)) + 2.5 * np.eye(6)[y * 2]).astype("float32")
    return x, y


def run(epochs: int, workdir: str) -> dict:
    """Train for ``epochs``; return the loss before and after."""
    x, y = make_data()
    model = keras.Sequential([
        keras.Input(shape=(6,)),
        keras.layers.Dense(16),
        keras.layers.Lambda(lambda t: tf.nn.relu6(tf.math.l2_normalize(t, axis=-1) * 4.0)),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(x, y, verbose=0))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
