"""Training from a ``keras.utils.PyDataset`` and validating from a Python generator.

Modelled on keras.io's guide "Training & evaluation with the built-in methods", sections on ``PyDataset`` and
generators: ``Batches`` yields mini-batches from ``__getitem__`` and reshuffles in ``on_epoch_end`` with a seeded
NumPy generator; validation reads an endless Python generator for ``validation_steps`` batches per epoch. Keras reads
both the same way on every backend.

    KERAS_BACKEND=torch python evidence/programs/corpus/pydataset_generator.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np

TITLE = "fit() on a keras.utils.PyDataset, with validation from a Python generator"
MODELLED_ON = "https://keras.io/guides/training_with_built_in_methods/"
FEATURES = ("keras.utils.PyDataset", "Python generator", "validation_steps", "Sequential")
SEED = 19


class Batches(keras.utils.PyDataset):
    """Mini-batches of ``(x, y)`` in an order a seeded generator redraws after every epoch."""

    def __init__(self, x, y, batch_size: int, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.rng = np.random.default_rng(SEED)
        self.order = np.arange(len(x))

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.order = self.rng.permutation(len(self.x))


def endless(x, y, batch_size: int):
    """Batches of ``(x, y)`` in order, over and over."""
    while True:
        for start in range(0, len(x), batch_size):
            yield x[start:start + batch_size], y[start:start + batch_size]


def make_data(samples: int = 128):
    """Three classes separated along two directions."""
    rng = np.random.default_rng(SEED)
    y = rng.integers(0, 3, size=samples).astype("int32")
    centres = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.5]])
    x = (centres[y] + rng.normal(scale=0.6, size=(samples, 2))).astype("float32")
    return x, y


def run(epochs: int, workdir: str) -> dict:
    """Train from the PyDataset for ``epochs`` with generator validation; return the loss before and after."""
    x, y = make_data()
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    train = Batches(x[:96], y[:96], batch_size=16)
    before = model.evaluate(Batches(x[:96], y[:96], batch_size=32), verbose=0)
    history = model.fit(train, epochs=epochs, validation_data=endless(x[96:], y[96:], 16), validation_steps=2,
                        verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(Batches(x[:96], y[:96], 32), verbose=0)),
            "checks": {"validated every epoch": len(history.history.get("val_loss", [])) == epochs}}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
