"""``dist_single_keras.py`` made data-parallel over worker processes with ``MultiWorkerMirroredStrategy``.

What changed from the single-device program: import TensorFlow, create the strategy (it reads the cluster and
this worker's index from ``TF_CONFIG``, which whoever starts the workers sets; see ``dist_launch.py``), build
and compile the model inside ``strategy.scope()``. This is the recipe of TensorFlow's multi-worker tutorial
for Keras. Every worker runs this same file; the experiment starts two on loopback ports:

    TF_CONFIG='{"cluster": {"worker": ["127.0.0.1:2222", "127.0.0.1:2223"]}, "task": {"type": "worker", "index": 0}}' \\
        KERAS_BACKEND=tensorflow python evidence/programs/dist_multiworker_keras.py   # and index 1 beside it
"""

from __future__ import annotations

import time

import keras
import tensorflow as tf
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
    """Fit for ``epochs`` epochs of ``steps`` global batches, shared by every worker of ``TF_CONFIG``."""
    start = time.perf_counter()
    x, y = make_data(steps)
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = build_model()
    setup_s = time.perf_counter() - start
    marks = []
    clock = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: marks.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: marks.append((float(logs["loss"]), time.perf_counter())))
    model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=epochs, shuffle=False, verbose=0, callbacks=[clock])
    return {"losses": [end[0] for end in marks[1::2]],  # measurement
            "epoch_seconds": [end[1] - begin for begin, end in zip(marks[::2], marks[1::2], strict=True)],
            "setup_s": setup_s, "replicas": strategy.num_replicas_in_sync,
            "workers": strategy.cluster_resolver.cluster_spec().num_tasks("worker")}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    report(train(args.steps, args.epochs), args.out)
