"""``dist_single_keras.py`` made model-parallel with Keras 3's distribution API on JAX: weights sharded.

What changed from the single-device program: a ``DeviceMesh`` whose ``model`` axis spans the devices (its
``batch`` axis has size 1: no data parallelism, so every device sees the whole batch), a
``LayoutMap`` that splits the two hidden layers' kernels and biases along their output dimension (Megatron's
column split: each device holds half of each layer's units), and ``set_distribution(ModelParallel(...))``
before the model is built. Keras then creates each matched variable as a JAX array sharded over the mesh, and
XLA inserts the collectives the sharded matmuls need, inside the same ``model.fit``. A ``LayoutMap`` key is a
regular expression searched in the variable's *path* (``sequential/dense/kernel``): a key that does not match
leaves the variable replicated, with no warning, so the program reads each variable's sharding back and reports
it (marked ``measurement``).

Without several accelerators, XLA can present the CPU as several host devices; the flag must be in the
environment before JAX starts, so it is set where the process is started, not in this file:

    XLA_FLAGS=--xla_force_host_platform_device_count=2 KERAS_BACKEND=jax \\
        python evidence/programs/dist_jax_modelparallel.py --epochs 4
"""

from __future__ import annotations

import time

import keras
from dist_task import CLASSES, FEATURES, GLOBAL_BATCH, HIDDEN, LEARNING_RATE, SEED, make_data, parse_args, report

#: Variable-path patterns -> the layout of each dimension (None: not split; "model": split over the mesh).
SHARDED = {"dense/kernel": (None, "model"), "dense/bias": ("model",),
           "dense_1/kernel": (None, "model"), "dense_1/bias": ("model",)}


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


def shardings(model: keras.Model) -> list[dict]:  # measurement
    """How each variable the layout map names is laid out, read from the JAX arrays themselves."""
    out = []  # measurement
    for var in model.weights:  # measurement
        if not any(var.path.endswith(key) for key in SHARDED):  # measurement
            continue  # measurement
        sharding = var.value.sharding  # measurement
        out.append({"variable": var.path, "spec": str(getattr(sharding, "spec", sharding)),  # measurement
                    "devices": len(sharding.device_set), "global_shape": list(var.value.shape),
                    "shard_shape": list(sharding.shard_shape(var.value.shape))})
    return out  # measurement


def train(steps: int, epochs: int) -> dict:
    """Fit with the hidden layers split over every device JAX sees, for ``epochs`` epochs of ``steps`` batches."""
    start = time.perf_counter()
    x, y = make_data(steps)
    mesh = keras.distribution.DeviceMesh((1, len(keras.distribution.list_devices())), ["batch", "model"])
    layout_map = keras.distribution.LayoutMap(mesh)
    for key, axes in SHARDED.items():
        layout_map[f"^sequential/{key}$"] = axes
    keras.distribution.set_distribution(keras.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch"))
    model = build_model()
    setup_s = time.perf_counter() - start
    marks = []
    clock = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: marks.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: marks.append((float(logs["loss"]), time.perf_counter())))
    model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=epochs, shuffle=False, verbose=0, callbacks=[clock])
    return {"losses": [end[0] for end in marks[1::2]],  # measurement
            "epoch_seconds": [end[1] - begin for begin, end in zip(marks[::2], marks[1::2], strict=True)],
            "setup_s": setup_s, "replicas": len(keras.distribution.list_devices()), "workers": 1,
            "sharding": shardings(model)}  # measurement


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    report(train(args.steps, args.epochs), args.out)
