"""A functional convolutional classifier with data augmentation layers inside the model.

Modelled on keras.io's example "Image classification from scratch": augmentation (``RandomFlip``, ``RandomRotation``)
and ``Rescaling`` are the model's first layers, so they run on the backend's own tensors during training and switch
themselves off at inference; convolutions, pooling, dropout and a softmax follow. The images are drawn here: 16x16
grey squares holding one vertical or one horizontal bar.

    KERAS_BACKEND=torch python evidence/programs/corpus/cnn_augment.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
from keras import layers

TITLE = "Functional CNN with augmentation layers (RandomFlip, RandomRotation) and Rescaling in the model"
MODELLED_ON = "https://keras.io/examples/vision/image_classification_from_scratch/"
FEATURES = ("functional API", "Conv2D", "MaxPooling2D", "augmentation layers", "Rescaling", "Dropout")
SEED = 3
SIZE = 16


def make_images(samples: int = 128):
    """Grey 16x16 images (uint8) with one bright bar: class 0 vertical, class 1 horizontal, anywhere, plus noise."""
    rng = np.random.default_rng(SEED)
    x = rng.integers(0, 60, size=(samples, SIZE, SIZE, 1)).astype("float32")
    y = rng.integers(0, 2, size=samples).astype("int32")
    for i in range(samples):
        at = rng.integers(3, SIZE - 3)
        if y[i] == 0:
            x[i, 2:-2, at - 1:at + 1, 0] = 230
        else:
            x[i, at - 1:at + 1, 2:-2, 0] = 230
    return x, y


def build_model() -> keras.Model:
    """Augmentation -> rescaling -> two conv blocks -> global pooling -> dropout -> softmax."""
    inputs = keras.Input(shape=(SIZE, SIZE, 1))
    x = layers.RandomFlip("horizontal", seed=SEED)(inputs)
    x = layers.RandomRotation(0.03, seed=SEED + 1)(x)
    x = layers.Rescaling(1.0 / 255)(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(16, 3, activation="relu", padding="same")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2, seed=SEED + 3)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="bars_cnn")
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def run(epochs: int, workdir: str) -> dict:
    """Train for ``epochs``; return the loss on the training images before and after."""
    x, y = make_images()
    model = build_model()
    before = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    return {"loss_before": float(before), "loss_after": float(after)}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
