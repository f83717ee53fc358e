"""The performance experiment's models written with TensorFlow's own low-level API, no Keras.

``tf.Module`` and ``tf.Variable`` hold the weights, ``tf.GradientTape`` takes the gradients, Adam is written out,
and the training step is a ``tf.function`` (with ``jit_compile=True`` for the XLA variant). The architectures,
sizes, initial-weight scheme (Glorot uniform, zero biases) and data are those of ``perf_models_keras.py``, read
from ``perf_spec.py``. Training iterates a ``tf.data`` pipeline over in-memory arrays, timed per epoch;
inference calls the compiled forward pass batch by batch. With ``steps_per_execution`` above 1, one
``tf.function`` call runs that many training steps in a ``tf.range`` loop over the dataset's iterator, the
pattern TensorFlow's custom-training guides use to cut per-step overhead (and what Keras's own
``steps_per_execution`` does on TensorFlow). Run it standalone:

    python evidence/programs/perf_models_tfcore.py cnn --jit-compile
"""

from __future__ import annotations

import argparse
import itertools
import math
import time

import numpy as np
import tensorflow as tf
from perf_spec import LEARNING_RATE, MODELS, NUM_CLASSES, SEED, make_data, spec_of


def _glorot(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int, fan_out: int) -> tf.Variable:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return tf.Variable(rng.uniform(-limit, limit, shape).astype("float32"))


class Dense(tf.Module):
    """``x @ w + b``, then an optional ReLU; works on the last axis of inputs of any rank."""

    def __init__(self, fan_in: int, fan_out: int, rng: np.random.Generator, relu: bool = False):
        super().__init__()
        self.w = _glorot(rng, (fan_in, fan_out), fan_in, fan_out)
        self.b = tf.Variable(tf.zeros([fan_out]))
        self.relu = relu

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y) if self.relu else y


class Conv(tf.Module):
    """A 'same'-padded 2-D convolution with ReLU."""

    def __init__(self, kernel: int, channels: int, filters: int, rng: np.random.Generator):
        super().__init__()
        self.w = _glorot(rng, (kernel, kernel, channels, filters), kernel * kernel * channels,
                         kernel * kernel * filters)
        self.b = tf.Variable(tf.zeros([filters]))

    def __call__(self, x):
        return tf.nn.relu(tf.nn.conv2d(x, self.w, strides=1, padding="SAME") + self.b)


class LayerNorm(tf.Module):
    """Normalisation over the last axis with a learned scale and offset (epsilon as Keras's default)."""

    def __init__(self, dim: int):
        super().__init__()
        self.gamma = tf.Variable(tf.ones([dim]))
        self.beta = tf.Variable(tf.zeros([dim]))

    def __call__(self, x):
        mean, variance = tf.nn.moments(x, axes=[-1], keepdims=True)
        return (x - mean) * tf.math.rsqrt(variance + 1e-3) * self.gamma + self.beta


class MLPModel(tf.Module):
    """Dense ReLU layers, then a linear layer to the class logits."""

    def __init__(self, spec: dict, rng: np.random.Generator):
        super().__init__()
        sizes = (spec["features"], *spec["hidden"])
        self.hidden = [Dense(a, b, rng, relu=True) for a, b in itertools.pairwise(sizes)]
        self.head = Dense(sizes[-1], NUM_CLASSES, rng)

    def __call__(self, x):
        for layer in self.hidden:
            x = layer(x)
        return self.head(x)


class CNNModel(tf.Module):
    """Convolution and 2x2 max-pooling blocks, then a linear layer to the class logits."""

    def __init__(self, spec: dict, rng: np.random.Generator):
        super().__init__()
        channels, self.convs = spec["channels"], []
        for filters in spec["filters"]:
            self.convs.append(Conv(spec["kernel"], channels, filters, rng))
            channels = filters
        cells = (spec["height"] // 2 ** len(spec["filters"])) * (spec["width"] // 2 ** len(spec["filters"]))
        self.head = Dense(cells * channels, NUM_CLASSES, rng)

    def __call__(self, x):
        for conv in self.convs:
            x = tf.nn.max_pool2d(conv(x), ksize=2, strides=2, padding="VALID")
        return self.head(tf.reshape(x, [tf.shape(x)[0], -1]))


class AttentionModel(tf.Module):
    """One post-norm transformer encoder block (multi-head self-attention, feed-forward), mean-pooled."""

    def __init__(self, spec: dict, rng: np.random.Generator):
        super().__init__()
        dim, self.heads = spec["dim"], spec["heads"]
        self.scale = 1.0 / math.sqrt(dim // self.heads)
        self.query, self.key, self.value, self.out = (Dense(dim, dim, rng) for _ in range(4))
        self.norm1, self.norm2 = LayerNorm(dim), LayerNorm(dim)
        self.ffn_in = Dense(dim, spec["ffn"], rng, relu=True)
        self.ffn_out = Dense(spec["ffn"], dim, rng)
        self.head = Dense(dim, NUM_CLASSES, rng)

    def _split(self, x):
        # (batch, length, dim) -> (batch, heads, length, dim / heads)
        batch, length = tf.shape(x)[0], tf.shape(x)[1]
        return tf.transpose(tf.reshape(x, [batch, length, self.heads, -1]), [0, 2, 1, 3])

    def __call__(self, x):
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        weights = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) * self.scale, axis=-1)
        mixed = tf.transpose(tf.matmul(weights, v), [0, 2, 1, 3])
        mixed = tf.reshape(mixed, tf.shape(x))
        x = self.norm1(x + self.out(mixed))
        x = self.norm2(x + self.ffn_out(self.ffn_in(x)))
        return self.head(tf.reduce_mean(x, axis=1))


MODEL_CLASSES = {"mlp": MLPModel, "cnn": CNNModel, "attention": AttentionModel}


def build(name: str, seed: int = SEED) -> tf.Module:
    """The TensorFlow-core model ``name``, its weights drawn from a NumPy generator seeded with ``seed``."""
    spec = spec_of(name)
    return MODEL_CLASSES[spec["kind"]](spec, np.random.default_rng(seed))


class Adam(tf.Module):
    """Adam with Keras's defaults (beta_1 0.9, beta_2 0.999, epsilon 1e-7), written with TensorFlow ops."""

    def __init__(self, variables, learning_rate: float = LEARNING_RATE):
        super().__init__()
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = learning_rate, 0.9, 0.999, 1e-7
        self.step = tf.Variable(0.0)
        self.m = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v)) for v in variables]

    def apply(self, grads, variables) -> None:
        """One update of ``variables`` from ``grads``."""
        self.step.assign_add(1.0)
        lr = (self.learning_rate * tf.sqrt(1.0 - self.beta_2 ** self.step)
              / (1.0 - self.beta_1 ** self.step))
        for var, grad, m, v in zip(variables, grads, self.m, self.v, strict=True):
            m.assign_add((grad - m) * (1.0 - self.beta_1))
            v.assign_add((tf.square(grad) - v) * (1.0 - self.beta_2))
            var.assign_sub(lr * m / (tf.sqrt(v) + self.epsilon))


def make_train_step(model: tf.Module, optimizer: Adam, jit_compile: bool):
    """The compiled training step: forward, cross-entropy on logits, gradients, Adam update; returns the loss."""
    variables = model.trainable_variables

    def step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    return tf.function(step, jit_compile=jit_compile), step


def make_multi_step(step, steps: int, jit_compile: bool):
    """A ``tf.function`` that runs ``steps`` training steps on batches drawn from an iterator; returns their summed
    loss. The step itself is compiled with XLA when asked (a ``tf.range`` loop over an iterator cannot be)."""
    inner = tf.function(step, jit_compile=jit_compile)

    @tf.function
    def multi_step(iterator):
        total = tf.constant(0.0)
        for _ in tf.range(steps):
            x, y = next(iterator)
            total += inner(x, y)
        return total

    return multi_step


def benchmark(name: str, x: np.ndarray, y: np.ndarray, *, batch_size: int, epochs: int,
              jit_compile: bool = False, steps_per_execution: int = 1) -> dict:
    """Train ``name`` for ``epochs`` epochs over ``(x, y)``, then make ``epochs`` inference passes over ``x``.

    Returns the same record as ``perf_models_keras.benchmark``.
    """
    start = time.perf_counter()
    model = build(name)
    optimizer = Adam(model.trainable_variables)
    train_step, step = make_train_step(model, optimizer, jit_compile)
    steps = math.ceil(len(x) / batch_size)
    if steps_per_execution > 1 and steps % steps_per_execution:
        raise ValueError(f"Expected steps per epoch ({steps}) to be a multiple of steps_per_execution; "
                         f"received: steps_per_execution={steps_per_execution}")
    multi_step = make_multi_step(step, steps_per_execution, jit_compile) if steps_per_execution > 1 else None
    predict = tf.function(model.__call__, jit_compile=jit_compile)
    build_s = time.perf_counter() - start
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    seconds, losses = [], []
    for _ in range(epochs):
        start = time.perf_counter()
        if multi_step is None:
            step_losses = [train_step(xb, yb) for xb, yb in dataset]
        else:
            iterator = iter(dataset)
            step_losses = [multi_step(iterator) / steps_per_execution
                           for _ in range(steps // steps_per_execution)]
        losses.append(float(tf.add_n(step_losses)) / len(step_losses))  # float() waits for the last step
        seconds.append(time.perf_counter() - start)
    batches = [x[i:i + batch_size] for i in range(0, len(x), batch_size)]
    infer_seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for batch in batches:
            predict(batch).numpy()  # to NumPy, as Keras's predict_on_batch returns
        infer_seconds.append(time.perf_counter() - start)
    return {
        "epoch_seconds": seconds,
        "epoch_loss": losses,
        "infer_seconds": infer_seconds,
        "build_s": build_s,
        "jit_compile": jit_compile,
        "steps_per_execution": steps_per_execution,
        "parameters": int(sum(int(np.prod(v.shape)) for v in model.trainable_variables)),
    }


def main(argv: list[str] | None = None) -> None:
    """Time one model and print the median epoch and inference-pass seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--jit-compile", action="store_true")
    parser.add_argument("--steps-per-execution", type=int, default=1)
    args = parser.parse_args(argv)
    x, y = make_data(args.model, args.steps * args.batch_size)
    out = benchmark(args.model, x, y, batch_size=args.batch_size, epochs=args.epochs, jit_compile=args.jit_compile,
                    steps_per_execution=args.steps_per_execution)
    print(f"tensorflow-core model={args.model} jit_compile={out['jit_compile']} "
          f"epoch_s={np.median(out['epoch_seconds'][1:]):.4f} infer_pass_s={np.median(out['infer_seconds'][1:]):.4f} "
          f"first_epoch_s={out['epoch_seconds'][0]:.3f} loss={out['epoch_loss'][-1]:.4f}")


if __name__ == "__main__":
    main()
