"""Classify handwritten digits with a multilayer perceptron: Keras layers, a custom ``tf.GradientTape`` loop.

The style most TensorFlow users write when they want their own training loop (TensorFlow's guide "Writing a
training loop from scratch"): the model, optimizer, loss and metric come from Keras, and the loop is TensorFlow's
(``tf.data`` batches, ``tf.GradientTape``, a ``tf.function`` step). It needs Keras's TensorFlow backend. The
``ease_of_use`` experiment compares it with ``mlp_keras.py`` (``fit``) and ``mlp_tfcore.py`` (no Keras): the same
task, data, model and hyper-parameters.

    python evidence/programs/mlp_gradienttape.py
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # tf.GradientTape differentiates TensorFlow tensors only

import keras
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 42
EPOCHS = 30
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
HIDDEN_UNITS = 64


def load_data(seed=SEED):
    """Scikit-learn's bundled 8x8 digits, scaled to [0, 1]: a stratified 80/20 train/test split."""
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    return train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)


def build_model():
    """64 pixels -> 64 ReLU units -> softmax over 10 digits."""
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
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
