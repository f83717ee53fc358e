"""Structured data through ``keras.utils.FeatureSpace`` in a ``tf.data`` pipeline.

Modelled on keras.io's example "Structured data classification with FeatureSpace": a ``FeatureSpace`` declares a
numeric feature (normalized), an integer category and a string category (one-hot through lookups) and a crossing,
is adapted on a ``tf.data.Dataset`` of feature dicts, and is applied in the dataset's ``map``, so the lookups run in
TensorFlow and the model sees one float vector per row whatever the backend.

    KERAS_BACKEND=torch python evidence/programs/corpus/feature_space_tf_data.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import tensorflow as tf
from keras.utils import FeatureSpace

TITLE = "Structured data: keras.utils.FeatureSpace (normalization, lookups, crossing) adapted and applied in tf.data"
MODELLED_ON = "https://keras.io/examples/structured_data/structured_data_classification_with_feature_space/"
FEATURES = ("FeatureSpace", "StringLookup / IntegerLookup in tf.data", "feature crossing", "tf.data")
SEED = 71
COLOURS = np.array(["red", "green", "blue", "grey"])


def make_rows(samples: int = 160):
    """A numeric, an integer and a string column; the label depends on all three."""
    rng = np.random.default_rng(SEED)
    age = rng.normal(40, 12, size=samples).astype("float32")
    rooms = rng.integers(1, 6, size=samples).astype("int64")
    colour = COLOURS[rng.integers(0, 4, size=samples)]
    label = (((age > 40).astype(int) + (rooms >= 3) + (colour == "blue")) >= 2).astype("float32")
    return {"age": age, "rooms": rooms, "colour": colour}, label


def run(epochs: int, workdir: str) -> dict:
    """Adapt the feature space, train for ``epochs``; return the loss before and after."""
    rows, label = make_rows()
    space = FeatureSpace(
        features={"age": FeatureSpace.float_normalized(), "rooms": FeatureSpace.integer_categorical(),
                  "colour": FeatureSpace.string_categorical()},
        crosses=[FeatureSpace.cross(feature_names=("rooms", "colour"), crossing_dim=16)],
        output_mode="concat")
    raw = tf.data.Dataset.from_tensor_slices((rows, label))
    space.adapt(raw.map(lambda x, _: x))
    encoded = raw.map(lambda x, y: (space(x), y), num_parallel_calls=tf.data.AUTOTUNE)
    train = encoded.shuffle(160, seed=SEED).batch(16).prefetch(tf.data.AUTOTUNE)
    plain = encoded.batch(64)
    width = int(next(iter(plain))[0].shape[-1])
    model = keras.Sequential([keras.Input(shape=(width,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
    before = model.evaluate(plain, verbose=0)
    model.fit(train, epochs=epochs, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(plain, verbose=0))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
