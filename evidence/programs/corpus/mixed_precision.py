"""Mixed-precision training: the global ``mixed_float16`` policy, with the output layer kept in float32.

Modelled on keras.io's mixed precision API pages (the ``DTypePolicy`` and ``LossScaleOptimizer`` they document):
``keras.mixed_precision.set_global_policy("mixed_float16")`` makes layers compute in float16 and keep their variables
in float32; the last activation is given ``dtype="float32"`` for numerically stable outputs, and ``compile`` wraps the
optimizer in a ``LossScaleOptimizer``. The program checks that the policy took effect so on each backend.

    KERAS_BACKEND=torch python evidence/programs/corpus/mixed_precision.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
from keras import layers

TITLE = "Mixed precision: global mixed_float16 policy, float32 output layer, loss scaling"
MODELLED_ON = "https://keras.io/api/mixed_precision/"
FEATURES = ("mixed_float16 policy", "LossScaleOptimizer", "float32 output layer")
SEED = 31


def make_data(samples: int = 128):
    """Four classes in eight features."""
    rng = np.random.default_rng(SEED)
    y = rng.integers(0, 4, size=samples).astype("int32")
    x = (rng.normal(size=(samples, 8)) + 2.0 * np.eye(8)[y * 2]).astype("float32")
    return x, y


def run(epochs: int, workdir: str) -> dict:
    """Train under the mixed policy; return the loss before and after, and check the dtypes."""
    keras.mixed_precision.set_global_policy("mixed_float16")
    x, y = make_data()
    inputs = keras.Input(shape=(8,))
    hidden = layers.Dense(32, activation="relu", name="hidden")(inputs)
    logits = layers.Dense(4, name="logits")(hidden)
    outputs = layers.Activation("softmax", dtype="float32", name="probabilities")(logits)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    hidden_layer = model.get_layer("hidden")
    predictions = model.predict(x, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(x, y, verbose=0)),
            "checks": {"hidden layers compute in float16": hidden_layer.compute_dtype == "float16",
                       "variables stay float32": hidden_layer.kernel.dtype == "float32",
                       "outputs are float32": keras.backend.standardize_dtype(predictions.dtype) == "float32",
                       "the optimizer scales the loss":
                           isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)}}


if __name__ == "__main__":
    try:
        print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
    finally:
        keras.mixed_precision.set_global_policy("float32")
