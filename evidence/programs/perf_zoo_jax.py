"""The performance claim's zoo models on JAX without Keras's trainer: ``jax.jit`` over pure functions, optax.

JAX has no model library of its own with these architectures, and writing ResNet-50, BERT and GPT-2 again in
flax is out of proportion for this experiment; so this program drives the *same Keras-defined graph* (``zoo.py``)
the way JAX's own documentation trains: the model is a pure function of its weights
(``Model.stateless_call``), the training step is one ``jax.jit``-compiled function of (weights, optimizer state,
batch) with ``jax.value_and_grad`` and ``optax.adam``, its buffers donated (``donate_argnums``); inference is the
jitted pure forward; generation is a greedy loop in ``jax.lax.fori_loop`` over KerasHub GPT-2's cached forward
(``call_with_cache``) inside one ``jax.jit``. What this measures against Keras-on-JAX is Keras's trainer, not its
layers. Run it standalone (``KERAS_BACKEND=jax``):

    KERAS_BACKEND=jax python evidence/programs/perf_zoo_jax.py bert_base train --size tiny
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import keras
import numpy as np
import optax
import zoo
from perf_zoo_keras import LEARNING_RATE, _classifier


def _greedy(lm, length: int, new_tokens: int):
    """A jitted function (variable values, padded token ids) -> token ids with ``new_tokens`` greedy tokens."""
    variables = lm.variables

    @jax.jit
    def generate(values, ids):
        with keras.StatelessScope(state_mapping=list(zip(variables, values, strict=True))):
            _, cache = lm._build_cache(ids)  # KerasHub's cache over the whole buffer (prompt and padding)
            positions = jnp.arange(ids.shape[1])[None, :]

            def body(i, carry):
                ids, cache = carry
                token = jax.lax.dynamic_slice_in_dim(ids, i - 1, 1, axis=1)
                logits, _, cache = lm.call_with_cache(token, cache, i - 1)
                best = jnp.argmax(logits[:, 0, :], axis=-1).astype(ids.dtype)
                return jnp.where(positions == i, best[:, None], ids), cache

            ids, _ = jax.lax.fori_loop(length, length + new_tokens, body, (ids, cache))
        return ids

    return generate


def prepare(name: str, size: str, phase: str, *, batch: int, shape: dict[str, int], new_tokens: int = 0
            ) -> tuple[Callable[[], Any], dict[str, Any]]:
    """One step of ``phase`` (``train``, ``inference``, ``generate``) on ``name``, ready to time."""
    keras.backend.clear_session()
    keras.config.set_image_data_format("channels_last")
    if phase == "generate":
        lm = zoo.build_keras(name, size)
        prompt, _ = zoo.keras_inputs(name, size, batch, **shape)
        length = prompt["token_ids"].shape[1]
        ids = jnp.asarray(np.pad(prompt["token_ids"], ((0, 0), (0, new_tokens))))
        generate = _greedy(lm, length, new_tokens)
        values = [v.value for v in lm.variables]

        def step():
            return generate(values, ids).block_until_ready()

        return step, {"parameters": zoo.count_parameters(lm), "jit": True}
    model = _classifier(name, size, shape)
    x, y = zoo.keras_inputs(name, size, batch, **shape)
    x = jax.tree_util.tree_map(jnp.asarray, x)
    y = jnp.asarray(y)
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    info = {"parameters": zoo.count_parameters(model), "jit": True}
    if phase == "inference":
        forward = jax.jit(lambda tv, ntv, x: model.stateless_call(tv, ntv, x, training=False)[0])

        def step():
            return forward(trainable, non_trainable, x).block_until_ready()

        return step, info
    if phase != "train":
        raise ValueError(f"Expected a phase in ('train', 'inference', 'generate'); received: {phase!r}")
    optimizer = optax.adam(LEARNING_RATE)

    def loss_fn(tv, ntv, x, y):
        logits, ntv = model.stateless_call(tv, ntv, x, training=True)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean(), ntv

    @functools.partial(jax.jit, donate_argnums=(0, 1, 2))
    def train_step(tv, ntv, opt_state, x, y):
        (loss, ntv), grads = jax.value_and_grad(loss_fn, has_aux=True)(tv, ntv, x, y)
        updates, opt_state = optimizer.update(grads, opt_state, tv)
        return optax.apply_updates(tv, updates), ntv, opt_state, loss

    state = [trainable, non_trainable, optimizer.init(trainable)]

    def step():
        state[0], state[1], state[2], loss = train_step(*state, x, y)
        return float(loss)  # waits for the step

    return step, info


def main(argv: list[str] | None = None) -> None:
    """Time one model and phase and print the median step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=("resnet50", "bert_base", "gpt2_small"))
    parser.add_argument("phase", choices=("train", "inference", "generate"))
    parser.add_argument("--size", choices=zoo.SIZES, default="tiny")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args(argv)
    step, info = prepare(args.model, args.size, args.phase, batch=args.batch, shape={}, new_tokens=8)
    start = time.perf_counter()
    out = step()
    first = time.perf_counter() - start
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print(f"jax {args.model} {args.phase} first={first:.2f}s median={float(np.median(times)):.4f}s {info}")
    if args.phase == "generate":
        print(np.asarray(out)[:, -10:])


if __name__ == "__main__":
    main()
