"""``dist_jax_multiprocess.py`` made to survive a lost process: Keras's ``BackupAndRestore`` callback, and a restart.

Multi-controller JAX is not fault tolerant: when a process dies the others fail too (JAX's fault-tolerance
guide). What Keras offers on every backend is ``keras.callbacks.BackupAndRestore``: it saves the weights and
the epoch reached at the end of every epoch and, when ``fit`` starts again with the same backup folder, restores
them and goes on from there; bringing the job back is the scheduler's part. What changed from
``dist_jax_multiprocess.py``: the callback, with a backup folder per process (each process holds the whole
replicated model; on separate machines each would write to its own disk) and ``double_checkpoint=True``, which
keeps the previous backup and falls back to it when the latest cannot be read (a survivor that reaches the end of
its epoch after its peer died fails in the middle of writing its backup, and leaves it truncated), and the step
counter the experiment
reads to kill a process part-way through training (marked ``measurement``). Started like
``dist_jax_multiprocess.py``, with ``--run-dir`` and ``--checkpoint-dir``; run it again after a failure and it
resumes.
"""

from __future__ import annotations

import time
from pathlib import Path

import jax
import keras
from dist_task import (
    CLASSES,
    FEATURES,
    GLOBAL_BATCH,
    HIDDEN,
    LEARNING_RATE,
    SEED,
    make_data,
    parse_args,
    progress,
    report,
)


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


def train(steps: int, epochs: int, run_dir: Path, checkpoint_dir: Path) -> dict:
    """Fit for ``epochs`` epochs of ``steps`` global batches, backing up after every epoch; resume a backup."""
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
    backup = keras.callbacks.BackupAndRestore(checkpoint_dir / f"process{rank}", double_checkpoint=True)
    marks = []
    first_epoch = []  # measurement
    clock = keras.callbacks.LambdaCallback(  # measurement
        on_epoch_begin=lambda epoch, logs: (first_epoch.append(epoch), marks.append(time.perf_counter())),
        on_train_batch_end=lambda batch, logs: progress(run_dir, rank, first_epoch[-1] * steps + batch + 1),
        on_epoch_end=lambda epoch, logs: marks.append((float(logs["loss"]), time.perf_counter())))
    model.fit(x, y, batch_size=share, epochs=epochs, shuffle=False, verbose=0, callbacks=[backup, clock])
    return {"losses": [end[0] for end in marks[1::2]],  # measurement
            "epoch_seconds": [end[1] - begin for begin, end in zip(marks[::2], marks[1::2], strict=True)],
            "setup_s": setup_s, "replicas": len(keras.distribution.list_devices()), "workers": world,
            "rank": rank, "resumed_at_step": first_epoch[0] * steps, "epochs_run": len(first_epoch)}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    record = train(args.steps, args.epochs, args.run_dir, args.checkpoint_dir)
    report(record, args.run_dir / f"report{record['rank']}.json")
