"""Training from a PyTorch ``DataLoader``: a ``torch.utils.data.Dataset`` batched and shuffled by torch, fed to ``fit``.

Modelled on keras.io's guide "Training & evaluation with the built-in methods" and Keras 3's announcement
(https://keras.io/keras_3/), which present a PyTorch ``DataLoader`` as an input ``fit`` takes whatever the backend:
the data side of a PyTorch user's code, kept as it is. The loader yields torch tensors; Keras converts each batch
for the backend that runs.

    KERAS_BACKEND=jax python evidence/programs/corpus/torch_dataloader.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import torch

TITLE = "fit() on a PyTorch DataLoader over a torch Dataset (shuffled with a seeded torch generator)"
MODELLED_ON = "https://keras.io/guides/training_with_built_in_methods/"
FEATURES = ("torch.utils.data.DataLoader", "torch.utils.data.Dataset", "Sequential")
SEED = 73


class Points(torch.utils.data.Dataset):
    """Three classes of points in the plane, as float32 tensors and int64 labels."""

    def __init__(self, samples: int = 128):
        rng = np.random.default_rng(SEED)
        self.y = rng.integers(0, 3, size=samples)
        centres = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.5]])
        self.x = (centres[self.y] + rng.normal(scale=0.6, size=(samples, 2))).astype("float32")

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        return torch.from_numpy(self.x[index]), torch.tensor(self.y[index])


def run(epochs: int, workdir: str) -> dict:
    """Train from the loader for ``epochs``; return the loss on the whole set before and after."""
    data = Points()
    train = torch.utils.data.DataLoader(data, batch_size=16, shuffle=True,
                                        generator=torch.Generator().manual_seed(SEED))
    plain = torch.utils.data.DataLoader(data, batch_size=64)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    before = model.evaluate(plain, verbose=0)
    model.fit(train, epochs=epochs, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(plain, verbose=0))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
