"""A custom loss and a custom metric, both written with ``keras.ops``.

Modelled on keras.io's guide "Training & evaluation with the built-in methods", sections "Custom losses" and "Custom
metrics": ``FocalLoss`` subclasses ``keras.losses.Loss`` (binary focal loss with a ``gamma`` parameter and
``get_config``), and ``Recall`` subclasses ``keras.metrics.Metric`` with state variables made by ``add_variable``
and updated in ``update_state``.

    KERAS_BACKEND=jax python evidence/programs/corpus/custom_loss_metric.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
from keras import ops

TITLE = "Custom loss (keras.losses.Loss subclass) and custom stateful metric (keras.metrics.Metric subclass)"
MODELLED_ON = "https://keras.io/guides/training_with_built_in_methods/"
FEATURES = ("keras.losses.Loss subclass", "keras.metrics.Metric subclass", "add_variable", "keras.ops")
SEED = 23


class FocalLoss(keras.losses.Loss):
    """Binary focal loss: cross-entropy down-weighted on examples already classified well."""

    def __init__(self, gamma: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.gamma = gamma

    def call(self, y_true, y_pred):
        y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)
        p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
        return ops.mean(-((1 - p_t) ** self.gamma) * ops.log(p_t), axis=-1)

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma}


class Recall(keras.metrics.Metric):
    """True positives over actual positives, accumulated over batches."""

    def __init__(self, name="recall", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")
        self.positives = self.add_variable(shape=(), initializer="zeros", name="positives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, "float32")
        predicted = ops.cast(y_pred > 0.5, "float32")
        self.true_positives.assign(self.true_positives + ops.sum(y_true * predicted))
        self.positives.assign(self.positives + ops.sum(y_true))

    def result(self):
        return self.true_positives / ops.maximum(self.positives, 1.0)

    def reset_state(self):
        self.true_positives.assign(0.0)
        self.positives.assign(0.0)


def make_data(samples: int = 128):
    """Two features; label 1 inside a band."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 2)).astype("float32")
    y = (np.abs(x[:, 0] + 0.5 * x[:, 1]) < 0.8).astype("float32")[:, None]
    return x, y


def run(epochs: int, workdir: str) -> dict:
    """Train with the focal loss and the recall metric; return the loss before and after, and check the metric."""
    x, y = make_data()
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=FocalLoss(gamma=2.0), metrics=[Recall()])
    before = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(x, y, verbose=0, return_dict=True)
    predicted = keras.ops.convert_to_numpy(model.predict(x, verbose=0)) > 0.5
    expected = float((predicted & (y > 0.5)).sum() / max(float((y > 0.5).sum()), 1.0))
    return {"loss_before": float(before), "loss_after": float(after["loss"]),
            "checks": {"the metric equals recall computed by hand": abs(float(after["recall"]) - expected) < 1e-6}}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
