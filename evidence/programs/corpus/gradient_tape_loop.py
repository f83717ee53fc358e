"""A training loop written from scratch with ``tf.GradientTape`` around a Keras model.

Following keras.io's guide "Writing a training loop from scratch in TensorFlow": a ``tf.function``-compiled
``train_step`` computes the loss under a ``GradientTape``, and the loop over a ``tf.data`` dataset applies the
gradients with a Keras optimizer and updates a Keras metric. keras.io has the same guide for JAX (``jax.grad`` over
``stateless_call``) and PyTorch (``loss.backward()``), each for its own backend.

    KERAS_BACKEND=jax python evidence/programs/corpus/gradient_tape_loop.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import tensorflow as tf

TITLE = "Training loop from scratch with tf.GradientTape and tf.function around a Keras model"
MODELLED_ON = "https://keras.io/guides/writing_a_custom_training_loop_in_tensorflow/"
FEATURES = ("custom training loop", "tf.GradientTape", "tf.function", "tf.data", "Keras optimizer and metric")
SEED = 61


def make_data(samples: int = 128):
    """Three classes in four features."""
    rng = np.random.default_rng(SEED)
    y = rng.integers(0, 3, size=samples).astype("int32")
    x = (rng.normal(size=(samples, 4)) + 2.0 * np.eye(4)[y]).astype("float32")
    return x, y


def run(epochs: int, workdir: str) -> dict:
    """Train with the loop for ``epochs``; return the mean loss over the data before and after."""
    x, y = make_data()
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3)])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam(1e-2)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            logits = model(xb, training=True)
            loss = loss_fn(yb, logits)
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply(gradients, model.trainable_weights)
        accuracy.update_state(yb, logits)
        return loss

    def mean_loss() -> float:
        return float(np.mean([float(loss_fn(yb, model(xb))) for xb, yb in dataset]))

    before = mean_loss()
    for _ in range(epochs):
        for xb, yb in dataset:
            train_step(xb, yb)
    return {"loss_before": before, "loss_after": mean_loss()}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
