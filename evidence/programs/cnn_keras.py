"""Classify handwritten digits with a small convolutional network, written with Keras 3's high-level API.

The ``ease_of_use`` experiment runs this file on the tensorflow, jax and torch backends, unchanged, and compares
it with ``cnn_tfcore.py``: the same task, data, model and hyper-parameters written with TensorFlow core.

    KERAS_BACKEND=torch python evidence/programs/cnn_keras.py
"""

import keras
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
