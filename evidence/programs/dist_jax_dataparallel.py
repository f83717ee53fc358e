"""``dist_single_keras.py`` made data-parallel with Keras 3's own distribution API, on the JAX backend.

What changed from the single-device program: one line, ``set_distribution(DataParallel())``, before the model
is built. Keras then places a copy of the weights on every device JAX sees, splits each global batch across
them and averages the gradients, inside the same ``model.fit``. The API is implemented for the JAX backend only
(under torch ``keras.distribution`` has no backend; under TensorFlow its module is a prototype marked "DO NOT
USE").

Without several accelerators, XLA can present the CPU as several host devices; the flag must be in the
environment before JAX starts, so it is set where the process is started, not in this file:

    XLA_FLAGS=--xla_force_host_platform_device_count=2 KERAS_BACKEND=jax \\
        python evidence/programs/dist_jax_dataparallel.py --epochs 4
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
    """Fit on every device JAX sees for ``epochs`` epochs of ``steps`` global batches."""
    start = time.perf_counter()
    x, y = make_data(steps)
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    model = build_model()
    setup_s = time.perf_counter() - start
    marks = []
    clock = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: marks.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: marks.append((float(logs["loss"]), time.perf_counter())))
    model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=epochs, shuffle=False, verbose=0, callbacks=[clock])
    return {"losses": [end[0] for end in marks[1::2]],  # measurement
            "epoch_seconds": [end[1] - begin for begin, end in zip(marks[::2], marks[1::2], strict=True)],
            "setup_s": setup_s, "replicas": len(keras.distribution.list_devices()), "workers": 1}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    report(train(args.steps, args.epochs), args.out)
