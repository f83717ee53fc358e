"""Classify handwritten digits with a small convolutional network: Keras layers, a custom ``tf.GradientTape`` loop.

The style most TensorFlow users write when they want their own training loop (TensorFlow's guide "Writing a
training loop from scratch"): the model, optimizer, loss and metric come from Keras, and the loop is TensorFlow's
(``tf.data`` batches, ``tf.GradientTape``, a ``tf.function`` step). It needs Keras's TensorFlow backend. The
``ease_of_use`` experiment compares it with ``cnn_keras.py`` (``fit``) and ``cnn_tfcore.py`` (no Keras): the same
task, data, model and hyper-parameters.

    python evidence/programs/cnn_gradienttape.py
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # tf.GradientTape differentiates TensorFlow tensors only

import keras
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 42
EPOCHS = 15
BATCH_SIZE = 64
LEARNING_RATE = 2e-3
FILTERS = (16, 32)


def load_data(seed=SEED):
    """Scikit-learn's bundled digits as 8x8x1 images in [0, 1]: a stratified 80/20 train/test split."""
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    y = digits.target.astype("int32")
    return train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)


def build_model():
    """Two 3x3 convolutions (ReLU), each followed by 2x2 max-pooling, then a softmax over 10 digits."""
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(FILTERS[0], 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(FILTERS[1], 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    return model


def accuracy_of(model, x, y):
    """Fraction of ``x`` whose most likely class is ``y``."""
    metric = keras.metrics.SparseCategoricalAccuracy()
    metric.update_state(y, model(x, training=False))
    return float(metric.result())


def run(epochs=EPOCHS, seed=SEED):
    """Train for ``epochs`` and return the test accuracy."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_model()
    optimizer = keras.optimizers.Adam(LEARNING_RATE)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    batches = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
               .shuffle(len(x_train), seed=seed).batch(BATCH_SIZE))

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss

    for _ in range(epochs):
        for x, y in batches:
            train_step(x, y)
    return {"accuracy": accuracy_of(model, x_test, y_test), "epochs_run": epochs}


if __name__ == "__main__":
    print(run())
