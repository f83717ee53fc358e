"""The performance experiment's models written once with Keras 3, timed the way a Keras user trains.

The same file runs under ``KERAS_BACKEND=tensorflow``, ``jax`` and ``torch``; no line names a backend. Sizes and
data come from ``perf_spec.py``, shared with the TensorFlow-core version of the same models
(``perf_models_tfcore.py``). Training is ``model.fit`` on in-memory arrays, timed per epoch by a callback;
inference is ``model.predict_on_batch`` batch by batch over the same arrays, timed per pass (Keras documents
``predict`` for large inputs and a direct call for inputs that fit in a batch: on TensorFlow each ``predict``
call costs about a tenth of a second of set-up, more than a whole pass of a small model). Training takes the two
settings of ``Model.compile`` that Keras documents for speed: ``jit_compile`` (XLA on TensorFlow and JAX,
``torch.compile`` on PyTorch; ``"auto"`` is the default) and ``steps_per_execution`` (several batches per
compiled call; Keras documents that it is not supported on PyTorch); ``jit_compile`` applies to inference too.
The first epochs and passes include tracing and compiling; the experiment reports them apart. Run it
standalone:

    KERAS_BACKEND=jax python evidence/programs/perf_models_keras.py attention --epochs 4 --steps-per-execution 4
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np
from perf_spec import LEARNING_RATE, MODELS, NUM_CLASSES, SEED, input_shape, make_data, spec_of


def _init(offset: int) -> keras.initializers.Initializer:
    # A seed per layer: the weights are the same on every run of one backend (backends draw different numbers).
    return keras.initializers.GlorotUniform(seed=SEED + offset)


def build(name: str) -> keras.Model:
    """The uncompiled Keras model ``name`` (one of ``perf_spec.MODELS``); it outputs logits."""
    spec = spec_of(name)
    inputs = keras.Input(shape=input_shape(name))
    if spec["kind"] == "mlp":
        x = inputs
        for i, units in enumerate(spec["hidden"]):
            x = keras.layers.Dense(units, activation="relu", kernel_initializer=_init(i))(x)
    elif spec["kind"] == "cnn":
        x = inputs
        for i, filters in enumerate(spec["filters"]):
            x = keras.layers.Conv2D(filters, spec["kernel"], padding="same", activation="relu",
                                    kernel_initializer=_init(i))(x)
            x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Flatten()(x)
    else:
        dim = spec["dim"]
        attended = keras.layers.MultiHeadAttention(
            num_heads=spec["heads"], key_dim=dim // spec["heads"], kernel_initializer=_init(0)
        )(inputs, inputs)
        x = keras.layers.LayerNormalization()(inputs + attended)
        hidden = keras.layers.Dense(spec["ffn"], activation="relu", kernel_initializer=_init(1))(x)
        x = keras.layers.LayerNormalization()(x + keras.layers.Dense(dim, kernel_initializer=_init(2))(hidden))
        x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(NUM_CLASSES, kernel_initializer=_init(9))(x)
    return keras.Model(inputs, outputs, name=name)


def compile_model(model: keras.Model, jit_compile: bool | str = "auto", steps_per_execution: int = 1
                  ) -> keras.Model:
    """Adam and cross-entropy on logits; ``jit_compile`` and ``steps_per_execution`` as ``Model.compile`` takes
    them (``"auto"`` and 1 are its defaults)."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )
    return model


class EpochTimer(keras.callbacks.Callback):
    """Seconds and mean loss of every epoch. Reading the loss as a float waits for the epoch's last step."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []
        self.losses: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.losses.append(float(logs["loss"]))
        self.seconds.append(time.perf_counter() - self._start)


def benchmark(name: str, x: np.ndarray, y: np.ndarray, *, batch_size: int, epochs: int,
              jit_compile: bool | str = "auto", steps_per_execution: int = 1) -> dict:
    """Train ``name`` for ``epochs`` epochs over ``(x, y)``, then make ``epochs`` inference passes over ``x``.

    Returns per-epoch seconds and losses, per-pass inference seconds, the seconds to build and compile the
    model, and the ``jit_compile`` and ``steps_per_execution`` settings Keras resolved.
    """
    start = time.perf_counter()
    model = compile_model(build(name), jit_compile, steps_per_execution)
    build_s = time.perf_counter() - start
    timer = EpochTimer()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0, callbacks=[timer])
    batches = [x[i:i + batch_size] for i in range(0, len(x), batch_size)]
    infer_seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for batch in batches:
            model.predict_on_batch(batch)  # returns NumPy: each call waits for its result
        infer_seconds.append(time.perf_counter() - start)
    return {
        "epoch_seconds": timer.seconds,
        "epoch_loss": timer.losses,
        "infer_seconds": infer_seconds,
        "build_s": build_s,
        "jit_compile": model.jit_compile,
        "steps_per_execution": int(model.steps_per_execution),
        "parameters": int(model.count_params()),
    }


def main(argv: list[str] | None = None) -> None:
    """Time one model under the current backend and print the median epoch and inference-pass seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--jit-compile", choices=("auto", "true", "false"), default="auto")
    parser.add_argument("--steps-per-execution", type=int, default=1)
    args = parser.parse_args(argv)
    jit = {"auto": "auto", "true": True, "false": False}[args.jit_compile]
    x, y = make_data(args.model, args.steps * args.batch_size)
    out = benchmark(args.model, x, y, batch_size=args.batch_size, epochs=args.epochs, jit_compile=jit,
                    steps_per_execution=args.steps_per_execution)
    print(f"backend={keras.backend.backend()} model={args.model} jit_compile={out['jit_compile']} "
          f"steps_per_execution={out['steps_per_execution']} "
          f"epoch_s={np.median(out['epoch_seconds'][1:]):.4f} infer_pass_s={np.median(out['infer_seconds'][1:]):.4f} "
          f"first_epoch_s={out['epoch_seconds'][0]:.3f} loss={out['epoch_loss'][-1]:.4f}")


if __name__ == "__main__":
    main()
