"""A custom ``train_step`` written for the PyTorch backend, as keras.io's PyTorch guide to customising ``fit()``
shows.

Following "Customizing what happens in fit() with PyTorch": the step clears the gradients with ``self.zero_grad()``,
runs the forward pass, calls ``loss.backward()``, reads each variable's ``.value.grad`` and applies the gradients
with ``optimizer.apply`` under ``torch.no_grad()``. Only the PyTorch backend's models are ``torch.nn.Module``\\ s
with ``zero_grad`` and tensors with ``backward``.

    KERAS_BACKEND=tensorflow python evidence/programs/corpus/train_step_torch.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import torch

TITLE = "Custom train_step with loss.backward() (PyTorch's guide to customising fit)"
MODELLED_ON = "https://keras.io/guides/custom_train_step_in_torch/"
FEATURES = ("subclassed model", "custom train_step", "loss.backward()", "zero_grad", "torch.no_grad")
SEED = 59


class BackwardModel(keras.Model):
    """A two-layer regressor trained by its own PyTorch step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(16, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable = list(self.trainable_weights)
        gradients = [v.value.grad for v in trainable]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable)
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
    """Train with the backward step; return the loss before and after."""
    x, y = make_data()
    model = BackwardModel()
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse", metrics=["mae"])
    before = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    return {"loss_before": float(before), "loss_after": float(after)}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
