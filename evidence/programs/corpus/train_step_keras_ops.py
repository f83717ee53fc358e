"""A ``train_step`` override written with ``keras.ops`` only, delegating the step itself to Keras.

Written the way a Keras user reaches for when the training data needs a change only during training (here, input
noise), after keras.io's guides to customising ``fit()``: ``train_step(self, data)`` perturbs the inputs with
``keras.random.normal`` and calls ``super().train_step``. No framework is imported; whether the override itself is
portable is what the program tests, since keras.io documents a different ``train_step`` signature for the JAX trainer
(``train_step(self, state, data)``).

    KERAS_BACKEND=jax python evidence/programs/corpus/train_step_keras_ops.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
from keras import ops

TITLE = "train_step override with keras.ops only (input noise), delegating to super().train_step"
MODELLED_ON = "https://keras.io/guides/custom_train_step_in_tensorflow/"
FEATURES = ("subclassed model", "train_step override", "keras.random", "super().train_step")
SEED = 41


class NoisyInputs(keras.Model):
    """A two-layer regressor whose training inputs get a little Gaussian noise."""

    def __init__(self, stddev: float = 0.05, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(16, activation="relu")
        self.out = keras.layers.Dense(1)
        self.stddev = stddev
        self.noise_seed = keras.random.SeedGenerator(SEED)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def train_step(self, data):
        x, y = data
        noisy = x + keras.random.normal(ops.shape(x), stddev=self.stddev, seed=self.noise_seed)
        return super().train_step((noisy, y))


def make_data(samples: int = 96):
    """A linear target of four features."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True).astype("float32")


def run(epochs: int, workdir: str) -> dict:
    """Train with the noisy step; return the loss before and after."""
    x, y = make_data()
    model = NoisyInputs()
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(x, y, verbose=0))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
