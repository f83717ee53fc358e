"""The performance claim's zoo models on TensorFlow without Keras's trainer: ``tf.function``, ``GradientTape``, XLA.

TensorFlow's own model libraries for these architectures are Keras (``tf.keras.applications``, KerasHub), and
writing ResNet-50, BERT and GPT-2 again in ``tf.Module`` is out of proportion for this experiment; so this
program drives the *same Keras-defined graph* (``zoo.py``) with TensorFlow's own custom-training-loop recipe
(the "Writing a training loop from scratch" and ``tf.function`` guides): a ``tf.function`` training step with
``tf.GradientTape``, Adam written out with TensorFlow ops on the model's ``tf.Variable`` objects, and with
``jit_compile=True`` for XLA, TensorFlow's documented route to fused kernels; inference is a ``tf.function`` of
the forward pass; generation is a greedy ``tf.while_loop`` over KerasHub GPT-2's cached forward
(``call_with_cache``) inside one ``tf.function``. What this measures against Keras-on-TensorFlow is Keras's
trainer, not its layers. Run it standalone (``KERAS_BACKEND=tensorflow``):

    KERAS_BACKEND=tensorflow python evidence/programs/perf_zoo_tf.py bert_base train --size tiny --xla
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
import zoo
from perf_zoo_keras import LEARNING_RATE, _classifier


class Adam:
    """Adam with Keras's defaults (beta_1 0.9, beta_2 0.999, epsilon 1e-7), written with TensorFlow ops."""

    def __init__(self, variables: list[tf.Variable], learning_rate: float):
        self.variables = variables
        self.lr, self.b1, self.b2, self.eps = learning_rate, 0.9, 0.999, 1e-7
        self.m = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.t = tf.Variable(0.0)

    def apply(self, grads: list[tf.Tensor]) -> None:
        """One update; runs inside the compiled step."""
        self.t.assign_add(1.0)
        scale = self.lr * tf.sqrt(1.0 - self.b2 ** self.t) / (1.0 - self.b1 ** self.t)
        for var, g, m, v in zip(self.variables, grads, self.m, self.v, strict=True):
            m.assign(self.b1 * m + (1.0 - self.b1) * g)
            v.assign(self.b2 * v + (1.0 - self.b2) * tf.square(g))
            var.assign_sub(scale * m / (tf.sqrt(v) + self.eps))


def prepare(name: str, size: str, phase: str, *, batch: int, shape: dict[str, int], xla: bool = False,
            new_tokens: int = 0) -> tuple[Callable[[], Any], dict[str, Any]]:
    """One step of ``phase`` (``train``, ``inference``, ``generate``) on ``name``, ready to time; ``xla`` is
    ``tf.function``'s ``jit_compile``."""
    keras.backend.clear_session()
    keras.config.set_image_data_format("channels_last")
    info = {"jit_compile": xla}
    if phase == "generate":
        lm = zoo.build_keras(name, size)
        prompt, _ = zoo.keras_inputs(name, size, batch, **shape)
        length = prompt["token_ids"].shape[1]
        ids = tf.constant(np.pad(prompt["token_ids"], ((0, 0), (0, new_tokens))))
        positions = tf.range(ids.shape[1])[None, :]

        @tf.function(jit_compile=xla)
        def generate(ids):
            _, cache = lm._build_cache(ids)  # KerasHub's cache over the whole buffer (prompt and padding)

            def body(i, ids, cache):
                token = tf.slice(ids, [0, i - 1], [batch, 1])
                logits, _, cache = lm.call_with_cache(token, cache, i - 1)
                best = tf.cast(tf.argmax(logits[:, 0, :], axis=-1), ids.dtype)
                return i + 1, tf.where(positions == i, best[:, None], ids), cache

            _, ids, _ = tf.while_loop(lambda i, ids, cache: i < length + new_tokens, body,
                                      (tf.constant(length), ids, cache))
            return ids

        info["parameters"] = zoo.count_parameters(lm)

        def step():
            return generate(ids).numpy()

        return step, info
    model = _classifier(name, size, shape)
    x, y = zoo.keras_inputs(name, size, batch, **shape)
    x = tf.nest.map_structure(tf.constant, x)
    y = tf.constant(y)
    info["parameters"] = zoo.count_parameters(model)
    if phase == "inference":
        forward = tf.function(lambda x: model(x, training=False), jit_compile=xla)

        def step():
            return forward(x).numpy()

        return step, info
    if phase != "train":
        raise ValueError(f"Expected a phase in ('train', 'inference', 'generate'); received: {phase!r}")
    variables = [v.value for v in model.trainable_variables]  # the tf.Variable under each Keras variable
    optimizer = Adam(variables, LEARNING_RATE)

    @tf.function(jit_compile=xla)
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
        # Embedding gradients come as IndexedSlices: densified, as Keras's own Adam does without sparse updates.
        optimizer.apply([tf.convert_to_tensor(g) for g in tape.gradient(loss, variables)])
        return loss

    def step():
        return float(train_step(x, y))  # waits for the step

    return step, info


def main(argv: list[str] | None = None) -> None:
    """Time one model and phase and print the median step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=("resnet50", "bert_base", "gpt2_small"))
    parser.add_argument("phase", choices=("train", "inference", "generate"))
    parser.add_argument("--size", choices=zoo.SIZES, default="tiny")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--xla", action="store_true")
    args = parser.parse_args(argv)
    step, info = prepare(args.model, args.size, args.phase, batch=args.batch, shape={}, xla=args.xla,
                         new_tokens=8)
    start = time.perf_counter()
    out = step()
    first = time.perf_counter() - start
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print(f"tensorflow {args.model} {args.phase} first={first:.2f}s median={float(np.median(times)):.4f}s {info}")
    if args.phase == "generate":
        print(np.asarray(out)[:, -10:])


if __name__ == "__main__":
    main()
