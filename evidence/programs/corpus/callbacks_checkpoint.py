"""Training with callbacks: ``EarlyStopping``, ``ModelCheckpoint`` (best model as a ``.keras`` file),
``ReduceLROnPlateau`` and a custom callback; then the checkpoint is loaded back.

Modelled on keras.io's guide "Writing your own callbacks" and the callbacks API pages: the built-in callbacks watch
``val_loss``; ``EpochLog`` records what ``logs`` holds at every epoch's end. The checkpoint of the best epoch,
loaded with ``keras.saving.load_model``, must reproduce that epoch's validation loss.

    KERAS_BACKEND=jax python evidence/programs/corpus/callbacks_checkpoint.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import keras
import numpy as np

TITLE = "Callbacks: EarlyStopping, ModelCheckpoint of the best model, ReduceLROnPlateau and a custom Callback"
MODELLED_ON = "https://keras.io/guides/writing_your_own_callbacks/"
FEATURES = ("EarlyStopping", "ModelCheckpoint (.keras, save_best_only)", "ReduceLROnPlateau", "custom Callback",
            "load_model")
SEED = 29


class EpochLog(keras.callbacks.Callback):
    """Keeps each epoch's logs."""

    def __init__(self):
        super().__init__()
        self.epochs: list[dict] = []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(dict(logs or {}))


def make_data(samples: int = 160):
    """A noisy quadratic target of three features, split 128 for training and 32 for validation."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 3)).astype("float32")
    y = (x[:, :1] ** 2 + 0.5 * x[:, 1:2] + 0.1 * rng.normal(size=(samples, 1))).astype("float32")
    return (x[:128], y[:128]), (x[128:], y[128:])


def run(epochs: int, workdir: str) -> dict:
    """Train with the callbacks, load the best checkpoint, and check it."""
    (x, y), (xv, yv) = make_data()
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    best = Path(workdir) / "best.keras"
    log = EpochLog()
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True),
                 keras.callbacks.ModelCheckpoint(best, monitor="val_loss", save_best_only=True),
                 keras.callbacks.ReduceLROnPlateau(monitor="val_loss", patience=1, factor=0.5), log]
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, validation_data=(xv, yv), epochs=epochs, batch_size=16, shuffle=False, verbose=0,
                        callbacks=callbacks)
    best_val = min(history.history["val_loss"])
    reloaded = keras.saving.load_model(best)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(x, y, verbose=0)),
            "checks": {"the checkpoint reproduces the best validation loss":
                       abs(float(reloaded.evaluate(xv, yv, verbose=0)) - best_val) <= 1e-4 * max(best_val, 1.0),
                       "the custom callback saw every epoch": len(log.epochs) == len(history.history["loss"])}}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
