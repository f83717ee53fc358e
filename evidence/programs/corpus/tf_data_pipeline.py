"""A ``tf.data`` input pipeline feeding ``fit``: shuffling, a map with TensorFlow image ops and a Keras
augmentation layer, batching and prefetching.

Modelled on keras.io's examples that load data with ``tf.data`` (for instance "Image classification from scratch",
its option of augmenting in the dataset): the pipeline runs in TensorFlow whatever the backend. Keras 3's
announcement (https://keras.io/keras_3/) presents ``tf.data`` pipelines as usable with every backend, and Keras's
README says TensorFlow must be installed for them; Keras preprocessing layers used in a ``tf.data`` map run with
TensorFlow there. The model is a small CNN on the bar images of ``cnn_augment.py``.

    KERAS_BACKEND=torch python evidence/programs/corpus/tf_data_pipeline.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import tensorflow as tf
from keras import layers

TITLE = "tf.data pipeline (shuffle, map with tf.image ops and a Keras augmentation layer, batch, prefetch) into fit"
MODELLED_ON = "https://keras.io/examples/vision/image_classification_from_scratch/"
FEATURES = ("tf.data.Dataset", "tf.image in map", "Keras preprocessing layer in a tf.data map", "prefetch")
SEED = 43
SIZE = 16


def make_images(samples: int = 128):
    """Grey 16x16 images with one bright bar: class 0 vertical, class 1 horizontal."""
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


def pipelines(x, y, batch_size: int = 16):
    """A shuffled, augmented training dataset, and the plain one for evaluation."""
    flip = layers.RandomFlip("vertical", seed=SEED)

    def augment(image, label):
        image = tf.image.random_flip_left_right(image, seed=SEED)
        image = tf.image.random_brightness(image, max_delta=10.0, seed=SEED)
        return flip(image), label

    train = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=SEED)
             .map(augment, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size).prefetch(tf.data.AUTOTUNE))
    plain = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
    return train, plain


def run(epochs: int, workdir: str) -> dict:
    """Train from the pipeline for ``epochs``; return the loss on the plain images before and after."""
    x, y = make_images()
    train, plain = pipelines(x, y)
    model = keras.Sequential([keras.Input(shape=(SIZE, SIZE, 1)), layers.Rescaling(1.0 / 255),
                              layers.Conv2D(8, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
                              layers.Conv2D(16, 3, activation="relu", padding="same"),
                              layers.GlobalAveragePooling2D(), layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    before = model.evaluate(plain, verbose=0)
    model.fit(train, epochs=epochs, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(plain, verbose=0))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
