"""Saving mid-training and resuming: the whole model, optimizer state included, to a ``.keras`` file and back.

Modelled on keras.io's guide "Save, serialize, and export models": after a first stretch of training the model is
saved with ``model.save``; ``keras.saving.load_model`` brings it back compiled, with its optimizer's state. Training
both the original and the reloaded model one more epoch on the same batches must give the same weights, which holds
only if the optimizer's moments and step count came back too.

    KERAS_BACKEND=jax python evidence/programs/corpus/save_resume.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import keras
import numpy as np

TITLE = "Save mid-training to .keras (optimizer state included), reload, and resume training"
MODELLED_ON = "https://keras.io/guides/serialization_and_saving/"
FEATURES = ("model.save (.keras)", "load_model", "optimizer state", "resumed fit")
SEED = 37


def make_data(samples: int = 96):
    """A smooth target of four features."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 4)).astype("float32")
    return x, np.tanh(x @ np.array([[1.0], [-0.5], [0.3], [0.0]], dtype="float32"))


def run(epochs: int, workdir: str) -> dict:
    """Train, save, reload, and train both one more epoch; compare."""
    x, y = make_data()
    init = keras.initializers.GlorotUniform
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(16, activation="relu",
                                                                          kernel_initializer=init(SEED)),
                              keras.layers.Dense(1, kernel_initializer=init(SEED + 1))])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    path = Path(workdir) / "mid_training.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    same_predictions = np.allclose(keras.ops.convert_to_numpy(reloaded.predict(x, verbose=0)),
                                   keras.ops.convert_to_numpy(model.predict(x, verbose=0)), atol=1e-6)
    same_step = int(keras.ops.convert_to_numpy(reloaded.optimizer.iterations)) == epochs * len(x) // 16
    for m in (model, reloaded):
        m.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    same_weights = all(np.allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), atol=1e-5)
                       for a, b in zip(model.weights, reloaded.weights, strict=True))
    return {"loss_before": float(before), "loss_after": float(reloaded.evaluate(x, y, verbose=0)),
            "checks": {"the reloaded model predicts the same": bool(same_predictions),
                       "the optimizer's step count came back": same_step,
                       "resumed training matches uninterrupted training": same_weights}}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
