"""A PyTorch module inside a Keras model, through ``keras.layers.TorchModuleWrapper``.

Modelled on keras.io's ``TorchModuleWrapper`` page and its guide to using PyTorch modules in Keras: a
``torch.nn.Sequential`` (``Linear``, ``ReLU``, ``Linear``) is wrapped as a Keras layer, whose parameters Keras
tracks and trains with ``fit``. The wrapper's docstring says it works with the PyTorch backend only.

    KERAS_BACKEND=jax python evidence/programs/corpus/torch_module_wrapper.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import torch

TITLE = "PyTorch module (torch.nn.Sequential) in a Keras model via TorchModuleWrapper"
MODELLED_ON = "https://keras.io/api/layers/backend_specific_layers/torch_module_wrapper/"
FEATURES = ("TorchModuleWrapper", "torch.nn.Module", "subclassed model")
SEED = 67


class WithTorchModule(keras.Model):
    """A torch MLP, wrapped, followed by a Keras Dense layer."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        torch.manual_seed(SEED)
        module = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 8))
        self.torch_part = keras.layers.TorchModuleWrapper(module)
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.torch_part(inputs))


def make_data(samples: int = 96):
    """A linear target of four features."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True).astype("float32")


def run(epochs: int, workdir: str) -> dict:
    """Train for ``epochs``; return the loss before and after."""
    x, y = make_data()
    model = WithTorchModule()
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(x, y, verbose=0))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
