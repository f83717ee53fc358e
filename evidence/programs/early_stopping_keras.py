"""Train with a validation split, early stopping and a checkpoint of the best weights, with Keras 3's callbacks.

The ``ease_of_use`` experiment runs this file on the tensorflow, jax and torch backends, unchanged, and compares
it with ``early_stopping_tfcore.py``: the same task, data, model, stopping rule and hyper-parameters written
with TensorFlow core.

    KERAS_BACKEND=jax python evidence/programs/early_stopping_keras.py
"""

import os
import tempfile

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 42
EPOCHS = 100
BATCH_SIZE = 64
LEARNING_RATE = 3e-3
HIDDEN_UNITS = 128
VALIDATION_SPLIT = 0.2
PATIENCE = 5


def load_data(seed=SEED):
    """Scikit-learn's bundled 8x8 digits, scaled to [0, 1]: a stratified 80/20 train/test split."""
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    return train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)


def build_model():
    """64 pixels -> 128 ReLU units -> softmax over 10 digits, trained with Adam on the cross-entropy."""
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def run(epochs=EPOCHS, seed=SEED):
    """Train for at most ``epochs``, stopping once the validation loss has not improved for ``PATIENCE`` epochs;
    restore the best weights from their checkpoint and return the test accuracy."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_model()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "best.weights.h5")
        history = model.fit(
            x_train, y_train, validation_split=VALIDATION_SPLIT, epochs=epochs, batch_size=BATCH_SIZE, verbose=0,
            callbacks=[
                keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE),
                keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True,
                                                save_weights_only=True),
            ])
        model.load_weights(path)
    val_losses = history.history["val_loss"]
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return {"accuracy": float(accuracy), "epochs_run": len(val_losses),
            "best_epoch": int(np.argmin(val_losses)) + 1, "best_val_loss": float(min(val_losses))}


if __name__ == "__main__":
    print(run())
