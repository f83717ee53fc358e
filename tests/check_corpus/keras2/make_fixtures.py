"""Make the Keras 2 fixtures of the check corpus, in the keras-2.15 release-set environment (TensorFlow 2.15,
Keras 2.15), once; the files are committed beside this script.

    python -m evidence.releases run keras-2.15 --claims community   # builds the environment (about a minute)
    ~/.cache/kvt/releases/keras-2.15-*/bin/python tests/check_corpus/keras2/make_fixtures.py tests/check_corpus/keras2

Writes:

- ``dense.h5``: a small functional model (Dense, BatchNormalization, Dropout, softmax), compiled and trained
  three steps, saved by Keras 2's ``model.save("dense.h5")`` (the legacy HDF5 format, optimizer state included);
- ``lambda.h5``: a model with a ``Lambda`` layer holding a Python lambda (its bytecode is in the file);
- ``saved_model/``: the same model as ``dense.h5``, saved by Keras 2's ``model.save(folder)``, whose default
  format in Keras 2 is the TensorFlow SavedModel (``keras_metadata.pb`` and the ``serving_default`` signature);
- ``keras2_reference.npz``: the inputs ``kvt check`` generates for these models (8 rows drawn with NumPy's
  ``default_rng(0)``, see ``evidence.check.trial.generate_inputs``) and Keras 2.15's own predictions on them, so a
  test compares Keras 3's predictions with Keras 2's without the release-set environment.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow import keras

KERAS_VERSION = importlib.metadata.version("keras")
assert KERAS_VERSION.startswith("2."), f"run this under Keras 2 (found {KERAS_VERSION})"


def dense_model() -> keras.Model:
    """Input(8) → Dense(16, relu) → BatchNormalization → Dropout → Dense(3, softmax)."""
    inputs = keras.Input((8,), name="features")
    x = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
    x = keras.layers.BatchNormalization(name="norm")(x)
    x = keras.layers.Dropout(0.1, name="drop")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="classes")(x)
    model = keras.Model(inputs, outputs, name="dense_keras2")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main(folder: Path) -> None:
    """Write the fixtures into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    tf.random.set_seed(0)
    rng = np.random.default_rng(1)
    x_train = rng.standard_normal((48, 8)).astype("float32")
    y_train = rng.integers(0, 3, size=48)
    model = dense_model()
    model.fit(x_train, y_train, batch_size=16, epochs=1, verbose=0)  # moving statistics and optimizer state
    model.save(folder / "dense.h5")
    model.save(folder / "saved_model")  # Keras 2's default for a path without extension: a SavedModel

    inputs = keras.Input((8,), name="features")
    doubled = keras.layers.Lambda(lambda t: t * 2.0, name="double")(inputs)
    lam = keras.Model(inputs, keras.layers.Dense(2, name="out")(doubled))
    lam.save(folder / "lambda.h5")

    x = np.random.default_rng(0).standard_normal((8, 8)).astype("float32")  # what kvt check generates
    signature = tf.saved_model.load(str(folder / "saved_model")).signatures["serving_default"]
    served = signature(features=tf.constant(x))
    np.savez(folder / "keras2_reference.npz", x=x, dense_h5=model.predict(x, verbose=0),
             saved_model=next(iter(served.values())).numpy(), keras_version=np.array(KERAS_VERSION),
             tensorflow_version=np.array(tf.__version__))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent))
