"""``dist_single_keras.py`` made data-parallel across processes with Keras 3's distribution API on JAX.

What changed from the single-device program: join the cluster with ``keras.distribution.initialize()`` (it
reads the coordinator's address, the number of processes and this process's id from
``KERAS_DISTRIBUTION_JOB_ADDRESSES``, ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and
``KERAS_DISTRIBUTION_PROCESS_ID``, which whoever starts the processes sets; see ``dist_launch.py``, and calls
``jax.distributed.initialize``), set ``DataParallel`` over every device of every process, and feed each
process its own share of every global batch: Keras assembles the global batch from the processes' local
batches (``jax.make_array_from_process_local_data``), and ``auto_shard_dataset=False`` tells it the NumPy
arrays are already sharded (it shards only a ``tf.data`` dataset itself, and rejects arrays otherwise).
Collectives between CPU processes need JAX's ``gloo`` implementation, chosen before the cluster starts. Every
process runs this same file; the experiment starts two on loopback:

    KERAS_DISTRIBUTION_JOB_ADDRESSES=127.0.0.1:12345 KERAS_DISTRIBUTION_NUM_PROCESSES=2 \\
        KERAS_DISTRIBUTION_PROCESS_ID=0 KERAS_BACKEND=jax python evidence/programs/dist_jax_multiprocess.py
    # and KERAS_DISTRIBUTION_PROCESS_ID=1 beside it
"""

from __future__ import annotations

import time

import jax
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
    """Fit on every device of every process for ``epochs`` epochs of ``steps`` global batches."""
    start = time.perf_counter()
    x, y = make_data(steps)
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    keras.distribution.initialize()
    keras.distribution.set_distribution(keras.distribution.DataParallel(auto_shard_dataset=False))
    rank, world = jax.process_index(), jax.process_count()
    share = GLOBAL_BATCH // world
    x = x.reshape(steps, world, share, FEATURES)[:, rank].reshape(-1, FEATURES)
    y = y.reshape(steps, world, share)[:, rank].reshape(-1)
    model = build_model()
    setup_s = time.perf_counter() - start
    marks = []
    clock = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: marks.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: marks.append((float(logs["loss"]), time.perf_counter())))
    model.fit(x, y, batch_size=share, epochs=epochs, shuffle=False, verbose=0, callbacks=[clock])
    return {"losses": [end[0] for end in marks[1::2]],  # measurement
            "epoch_seconds": [end[1] - begin for begin, end in zip(marks[::2], marks[1::2], strict=True)],
            "setup_s": setup_s, "replicas": len(keras.distribution.list_devices()), "workers": world}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    report(train(args.steps, args.epochs), args.out)
