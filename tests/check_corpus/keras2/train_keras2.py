"""A Keras 2 training script as TensorFlow 2.15 users wrote it (``from tensorflow import keras``, the Keras 2 API):
it runs on Keras 2.15 (the keras-2.15 release set) and breaks on Keras 3, under every backend, at its first
Keras 2 API. Its data is synthetic; it writes nothing outside a temporary folder."""

import tempfile

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K
from tensorflow.keras.layers.experimental import preprocessing


def batches():
    """An endless generator of (x, y) batches, as fit_generator took them."""
    rng = np.random.default_rng(0)
    while True:
        x = rng.standard_normal((16, 8)).astype("float32")
        yield x, (x.sum(axis=1, keepdims=True) > 0).astype("float32")


def rmse(y_true, y_pred):
    """A metric written with the Keras 2 backend functions."""
    return K.sqrt(K.mean(K.square(y_pred - y_true)))


inputs = keras.Input((8,))
x = preprocessing.Rescaling(0.5)(inputs)
x = keras.layers.Dense(16, activation="relu")(x)
outputs = keras.layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.legacy.Adam(1e-3), loss="binary_crossentropy", metrics=[rmse])
model.fit_generator(batches(), steps_per_epoch=3, epochs=1, verbose=0)
with tempfile.TemporaryDirectory() as folder:
    model.save(f"{folder}/model")  # Keras 2 writes a SavedModel; Keras 3 needs a .keras or .h5 name
    print("saved", tf.__version__)
