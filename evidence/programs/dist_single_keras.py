"""The Keras starting point of the distributed experiment: train the task's classifier on one device with fit.

Every distributed Keras program (``dist_mirrored_keras.py``, ``dist_multiworker_keras.py``,
``dist_dataparallel_keras.py``) is this file plus what going distributed needs; the experiment counts the
difference. Runs unchanged on every Keras backend:

    KERAS_BACKEND=jax python evidence/programs/dist_single_keras.py --epochs 4
"""

from __future__ import annotations

import time

import keras
from dist_task import CLASSES, FEATURES, GLOBAL_BATCH, HIDDEN, LEARNING_RATE, SEED, make_data, parse_args, report


def build_model() -> keras.Model:
    """The task's classifier, compiled with plain SGD; seeded initializers give the same weights every run."""
    init = keras.initializers.GlorotUniform
    model = keras.Sequential([
        keras.Input(shape=(FEATURES,)),
        keras.layers.Dense(HIDDEN, activation="relu", kernel_initializer=init(seed=SEED)),
        keras.layers.Dense(HIDDEN, activation="relu", kernel_initializer=init(seed=SEED + 1)),
        keras.layers.Dense(CLASSES, kernel_initializer=init(seed=SEED + 2)),
    ])
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def train(steps: int, epochs: int) -> dict:
    """Fit for ``epochs`` epochs of ``steps`` global batches; return losses and seconds per epoch."""
    start = time.perf_counter()
    x, y = make_data(steps)
    model = build_model()
    setup_s = time.perf_counter() - start
    marks = []
    clock = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: marks.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: marks.append((float(logs["loss"]), time.perf_counter())))
    model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=epochs, shuffle=False, verbose=0, callbacks=[clock])
    return {"losses": [end[0] for end in marks[1::2]],  # measurement
            "epoch_seconds": [end[1] - begin for begin, end in zip(marks[::2], marks[1::2], strict=True)],
            "setup_s": setup_s, "replicas": 1, "workers": 1}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    report(train(args.steps, args.epochs), args.out)
