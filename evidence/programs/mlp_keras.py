"""Classify handwritten digits with a multilayer perceptron, written with Keras 3's high-level API.

The ``ease_of_use`` experiment runs this file on the tensorflow, jax and torch backends, unchanged, and compares
it with ``mlp_tfcore.py``: the same task, data, model and hyper-parameters written with TensorFlow core.

    KERAS_BACKEND=jax python evidence/programs/mlp_keras.py
"""

import keras
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
    """64 pixels -> 64 ReLU units -> softmax over 10 digits, trained with Adam on the cross-entropy."""
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def run(epochs=EPOCHS, seed=SEED):
    """Train for ``epochs`` and return the test accuracy."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_model()
    model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return {"accuracy": float(accuracy), "epochs_run": epochs}


if __name__ == "__main__":
    print(run())
