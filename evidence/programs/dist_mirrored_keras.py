"""``dist_single_keras.py`` made data-parallel over several devices of one machine with ``MirroredStrategy``.

What changed from the single-device program: import TensorFlow, create the strategy, build (and compile) the
model inside ``strategy.scope()``. ``model.fit`` splits every global batch across the replicas and adds their
gradients. Keras's TensorFlow backend only: the strategy is a TensorFlow object.

On a machine without several GPUs, ``split_cpu`` turns the CPU into logical devices first (marked
``simulation``: not part of going distributed on real devices, and not counted by the experiment):

    KERAS_BACKEND=tensorflow python evidence/programs/dist_mirrored_keras.py --devices 4 --epochs 4
"""

from __future__ import annotations

import time

import keras
import tensorflow as tf
from dist_task import CLASSES, FEATURES, GLOBAL_BATCH, HIDDEN, LEARNING_RATE, SEED, make_data, parse_args, report


def split_cpu(count: int) -> None:  # simulation
    """Split the CPU into ``count`` logical devices; must run before TensorFlow starts its runtime."""
    cpu = tf.config.list_physical_devices("CPU")[0]  # simulation
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)  # simulation


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


def train(steps: int, epochs: int, devices: int) -> dict:
    """Fit on the first ``devices`` CPU devices for ``epochs`` epochs of ``steps`` global batches."""
    start = time.perf_counter()
    x, y = make_data(steps)
    strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(devices)])
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
            "setup_s": setup_s, "replicas": strategy.num_replicas_in_sync, "workers": 1}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    split_cpu(args.devices)  # simulation
    report(train(args.steps, args.epochs, args.devices), args.out)
