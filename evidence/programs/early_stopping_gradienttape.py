"""Train with a validation split, early stopping and a checkpoint of the best weights: Keras layers, a custom
``tf.GradientTape`` loop.

The style most TensorFlow users write when they want their own training loop: the model, optimizer and loss come
from Keras, the loop is TensorFlow's, and the validation split, the stopping rule and the checkpointing are
written out (the best weights saved with ``save_weights`` when the validation loss improves, training stopped after
``PATIENCE`` epochs without improvement, the best weights loaded back). It needs Keras's TensorFlow backend. The
``ease_of_use`` experiment compares it with ``early_stopping_keras.py`` (callbacks) and
``early_stopping_tfcore.py`` (no Keras): the same task, data, model, stopping rule and hyper-parameters.

    python evidence/programs/early_stopping_gradienttape.py
"""

import os
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # tf.GradientTape differentiates TensorFlow tensors only

import keras
import numpy as np
import tensorflow as tf
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
    """64 pixels -> 128 ReLU units -> softmax over 10 digits."""
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
    """Train for at most ``epochs``, stopping once the validation loss has not improved for ``PATIENCE`` epochs;
    restore the best weights from their checkpoint and return the test accuracy."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    # The last fifth of the training data validates, as Keras's validation_split takes it.
    split = int(len(x_train) * (1 - VALIDATION_SPLIT))
    x_train, x_val, y_train, y_val = x_train[:split], x_train[split:], y_train[:split], y_train[split:]
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

    val_losses = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "best.weights.h5")
        best_loss, wait = float("inf"), 0
        for _ in range(epochs):
            for x, y in batches:
                train_step(x, y)
            val_losses.append(float(loss_fn(y_val, model(x_val, training=False))))
            if val_losses[-1] < best_loss:
                best_loss, wait = val_losses[-1], 0
                model.save_weights(path)
            else:
                wait += 1
                if wait >= PATIENCE:
                    break
        model.load_weights(path)
    return {"accuracy": accuracy_of(model, x_test, y_test), "epochs_run": len(val_losses),
            "best_epoch": int(np.argmin(val_losses)) + 1, "best_val_loss": float(min(val_losses))}


if __name__ == "__main__":
    print(run())
