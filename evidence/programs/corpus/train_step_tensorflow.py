"""A custom ``train_step`` written for the TensorFlow backend, as keras.io's TensorFlow guide to customising ``fit()``
shows.

Following "Customizing what happens in fit() with TensorFlow": the step runs the forward pass under
``tf.GradientTape``, takes the gradients of ``compute_loss`` with ``tape.gradient``, applies them with
``optimizer.apply`` and updates the metrics. keras.io has a guide of its own for each backend's step, since the JAX
trainer calls a stateless ``train_step(state, data)`` and the PyTorch one differentiates with ``loss.backward()``.

    KERAS_BACKEND=torch python evidence/programs/corpus/train_step_tensorflow.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import tensorflow as tf

TITLE = "Custom train_step with tf.GradientTape (TensorFlow's guide to customising fit)"
MODELLED_ON = "https://keras.io/guides/custom_train_step_in_tensorflow/"
FEATURES = ("subclassed model", "custom train_step", "tf.GradientTape", "optimizer.apply")
SEED = 53


class TapeModel(keras.Model):
    """A two-layer regressor trained by its own TensorFlow step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(16, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def make_data(samples: int = 96):
    """A linear target of four features."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True).astype("float32")


def run(epochs: int, workdir: str) -> dict:
    """Train with the tape step; return the loss before and after."""
    x, y = make_data()
    model = TapeModel()
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse", metrics=["mae"])
    before = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    return {"loss_before": float(before), "loss_after": float(after)}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
