"""A small classifier of handwritten digits, written once with the Keras 3 API and run unchanged on every backend.

This is the file the ``backend_portability`` experiment runs: the same code trains under
``KERAS_BACKEND=tensorflow``, ``jax`` and ``torch``; no line below imports or names a backend. Run it standalone:

    KERAS_BACKEND=jax python evidence/programs/digits_mlp.py --epochs 20 --save /tmp/digits.keras

Randomness: ``keras.utils.set_random_seed`` is not used, because it imports TensorFlow whenever TensorFlow is
installed, even under jax or torch (measured here: about 2 s, and TensorFlow's log lines, in a process that
should not touch TensorFlow). Instead every random draw has its own seed: the initializers take one, and the
batches are shuffled by a seeded NumPy generator (``fit(shuffle=True)`` would draw from each backend's own
global generator: ``tf.random`` under tensorflow, ``torch.randperm`` under torch, NumPy under jax). Each
backend's random generator draws different numbers from the same seed, so runs on two backends start from
different initial weights: the accuracies agree to within training noise, not to the last digit.
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np

SEED = 1337
NUM_FEATURES = 64  # 8x8 pixels
NUM_CLASSES = 10


def load_data(seed: int = SEED, test_fraction: float = 0.2) -> dict[str, np.ndarray]:
    """The digits data set bundled with scikit-learn (nothing is downloaded), scaled to [0, 1] and split.

    The split is stratified and fixed by ``seed``, so every process that calls this gets the same test set.
    Returns ``x_train``, ``y_train``, ``x_test``, ``y_test`` (float32 features, int32 labels).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")  # pixel values are 0..16
    y = digits.target.astype("int32")
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def build_model(seed: int = SEED, hidden: tuple[int, ...] = (64,), learning_rate: float = 1e-3) -> keras.Model:
    """A compiled multilayer perceptron: ``hidden`` ReLU layers, then a softmax over the ten digits."""
    layers: list[keras.layers.Layer] = [keras.Input(shape=(NUM_FEATURES,))]
    for i, units in enumerate(hidden):
        layers.append(keras.layers.Dense(
            units, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(seed=seed + i),
            name=f"hidden_{i}"))
    layers.append(keras.layers.Dense(
        NUM_CLASSES, activation="softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed + len(hidden)), name="digits"))
    model = keras.Sequential(layers, name="digits_mlp")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


class ShuffledBatches(keras.utils.PyDataset):
    """Mini-batches of ``(x, y)`` in an order drawn by a seeded NumPy generator, redrawn after every epoch.

    Keras reads a ``PyDataset`` the same way on every backend, so the batch order is the same everywhere and
    the same from one run to the next.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, batch_size: int, seed: int = SEED, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(x))

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)  # ceiling division: the last batch may be short

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.x[rows], self.y[rows]

    def on_epoch_end(self) -> None:
        self.order = self.rng.permutation(len(self.x))


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch. The first one includes tracing and compiling the train step."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def train(model: keras.Model, data: dict[str, np.ndarray], epochs: int, batch_size: int = 32,
          seed: int = SEED) -> dict:
    """Fit ``model`` on the training split; return per-epoch losses and seconds, and the test accuracy."""
    timer = EpochTimer()
    # shuffle=False: the batches already come in a seeded order, and fit's default (True) would also reorder
    # a PyDataset's batches with Python's unseeded `random`, making runs differ from one another.
    history = model.fit(ShuffledBatches(data["x_train"], data["y_train"], batch_size, seed),
                        epochs=epochs, shuffle=False, verbose=0, callbacks=[timer])
    probabilities = predict(model, data["x_test"])
    accuracy = float(np.mean(np.argmax(probabilities, axis=-1) == data["y_test"]))
    return {
        "loss": [float(v) for v in history.history["loss"]],
        "epoch_seconds": timer.seconds,
        "test_accuracy": accuracy,
        "test_probabilities": probabilities,
    }


def predict(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Class probabilities as a NumPy array (``convert_to_numpy``: a torch tensor is not safe in ``np.asarray``)."""
    return keras.ops.convert_to_numpy(model.predict(x, batch_size=256, verbose=0))


def main(argv: list[str] | None = None) -> None:
    """Train, report the test accuracy, and optionally save the model as a ``.keras`` file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--save", help="path of a .keras file to write")
    args = parser.parse_args(argv)
    data = load_data()
    model = build_model()
    out = train(model, data, epochs=args.epochs, batch_size=args.batch_size)
    print(f"backend={keras.backend.backend()} epochs={args.epochs} final_loss={out['loss'][-1]:.4f} "
          f"test_accuracy={out['test_accuracy']:.4f}")
    if args.save:
        model.save(args.save)
        print(f"saved {args.save}")


if __name__ == "__main__":
    main()
