"""Changing what training minimises the portable way: a ``compute_loss`` override with ``keras.ops``.

Modelled on keras.io's guides to customising ``fit()``: instead of writing the training step (once per backend,
``train_step_jax.py``), the model overrides ``compute_loss`` to add an L2 penalty on its kernels and leaves the
step, the gradients and the optimizer to each backend's own trainer.

    KERAS_BACKEND=jax python evidence/programs/corpus/compute_loss_override.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np

TITLE = "Subclassed model overriding compute_loss (an L2 penalty written with keras.ops)"
MODELLED_ON = "https://keras.io/guides/custom_train_step_in_jax/"
FEATURES = ("subclassed model", "compute_loss override", "keras.ops")
SEED = 11


class PenalisedModel(keras.Model):
    """Two dense layers; the loss adds ``l2`` times the squared kernels."""

    def __init__(self, l2: float = 1e-3, **kwargs):
        super().__init__(**kwargs)
        init = keras.initializers.GlorotUniform
        self.hidden = keras.layers.Dense(8, activation="relu", kernel_initializer=init(seed=SEED))
        self.out = keras.layers.Dense(1, kernel_initializer=init(seed=SEED + 1))
        self.l2 = l2

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        penalty = sum(keras.ops.sum(keras.ops.square(w)) for w in self.trainable_weights if len(w.shape) == 2)
        return loss + self.l2 * penalty


def make_data(samples: int = 64):
    """A linear target of four features."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True).astype("float32")


def run(epochs: int, workdir: str) -> dict:
    """Train; return the penalised loss on the training data before and after."""
    x, y = make_data()
    model = PenalisedModel()
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(x, y, verbose=0))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
