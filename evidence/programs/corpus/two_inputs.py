"""A functional model with two inputs and two outputs, with ``Normalization`` adapted on the numeric input.

Modelled on keras.io's guide "The Functional API", section "Models with multiple inputs and outputs": named inputs
(four numeric features, normalized by an adapted ``Normalization`` layer, and a short sequence of category ids,
embedded and averaged) are merged with ``concatenate`` and feed two named heads, a binary label and a score, trained
with a loss per output and loss weights, from dicts of arrays.

    KERAS_BACKEND=jax python evidence/programs/corpus/two_inputs.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
from keras import layers

TITLE = "Functional model with two named inputs and two outputs, Normalization adapted on the numeric input"
MODELLED_ON = "https://keras.io/guides/functional_api/"
FEATURES = ("functional API", "multiple inputs and outputs", "Normalization.adapt", "Embedding", "loss_weights")
SEED = 17


def make_data(samples: int = 128):
    """Numbers on very different scales and category ids; the label and the score depend on both."""
    rng = np.random.default_rng(SEED)
    numbers = (rng.normal(size=(samples, 4)) * np.array([1.0, 10.0, 100.0, 0.1]) + 50).astype("float32")
    ids = rng.integers(0, 10, size=(samples, 6)).astype("int32")
    z = (numbers[:, 0] - 50) + (ids < 3).sum(axis=1) - 1.5
    label = (z > 0).astype("float32")[:, None]
    score = (0.5 * z).astype("float32")[:, None]
    return {"numbers": numbers, "ids": ids}, {"label": label, "score": score}


def build_model(numbers: np.ndarray) -> keras.Model:
    """Two input branches, concatenated, two heads."""
    normalize = layers.Normalization()
    normalize.adapt(numbers)
    numbers_in = keras.Input(shape=(4,), name="numbers")
    ids_in = keras.Input(shape=(6,), dtype="int32", name="ids")
    a = layers.Dense(16, activation="relu")(normalize(numbers_in))
    b = layers.GlobalAveragePooling1D()(layers.Embedding(10, 8)(ids_in))
    x = layers.Dense(16, activation="relu")(layers.concatenate([a, b]))
    label = layers.Dense(1, activation="sigmoid", name="label")(x)
    score = layers.Dense(1, name="score")(x)
    model = keras.Model(inputs={"numbers": numbers_in, "ids": ids_in}, outputs={"label": label, "score": score})
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss={"label": "binary_crossentropy", "score": "mse"}, loss_weights={"label": 1.0, "score": 0.5})
    return model


def run(epochs: int, workdir: str) -> dict:
    """Train for ``epochs``; return the weighted total loss before and after."""
    x, y = make_data()
    model = build_model(x["numbers"])
    before = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    return {"loss_before": float(before), "loss_after": float(after)}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
