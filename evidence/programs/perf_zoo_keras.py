"""The performance claim's zoo models through Keras 3: the way a Keras user trains, predicts and generates.

The same file runs under ``KERAS_BACKEND=tensorflow``, ``jax`` and ``torch``; no line names a backend. The models
come from ``zoo.py`` (``keras.applications``' ResNet50, KerasHub's BERT and GPT-2 from their configurations).
Training is ``Model.train_on_batch`` (one optimizer step of the compiled train function, the step ``fit`` runs,
without ``fit``'s epoch machinery inside the timed window), inference ``Model.predict_on_batch`` (the compiled
predict function on one batch), generation KerasHub's ``CausalLM.generate`` (greedy, a fixed number of new tokens,
no stop token). Each returned step waits for its result. ``jit_compile`` is ``Model.compile``'s (``"auto"``, its
default: XLA on JAX, none on TensorFlow without a GPU, eager on PyTorch; ``True``: XLA on TensorFlow,
``torch.compile`` on PyTorch). Run it standalone:

    KERAS_BACKEND=jax python evidence/programs/perf_zoo_keras.py bert_base train --size tiny
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import zoo

LEARNING_RATE = 1e-4


def _classifier(name: str, size: str, shape: dict[str, int]) -> keras.Model:
    """The trainable model: the image classifier, or BERT's backbone with a dense head on its pooled output."""
    model = zoo.build_keras(name, size, **shape)
    if name == "bert_base":
        inputs = model.input
        logits = keras.layers.Dense(zoo.BERT_LABELS, name="classifier")(model(inputs)["pooled_output"])
        model = keras.Model(inputs, logits, name="bert_classifier")
    return model


def prepare(name: str, size: str, phase: str, *, batch: int, shape: dict[str, int], jit_compile: bool | str,
            data_format: str = "channels_last", new_tokens: int = 0) -> tuple[Callable[[], Any], dict[str, Any]]:
    """One step of ``phase`` (``train``, ``inference``, ``generate``) on ``name``, ready to time, and what it ran
    with (weights, the ``jit_compile`` Keras resolved).

    ``data_format`` is Keras's image data format for the image models (``channels_first`` lays PyTorch's
    convolutions out natively); ``new_tokens`` is how many tokens one generation step makes.
    """
    keras.backend.clear_session()
    keras.config.set_image_data_format(data_format)
    if phase == "generate":
        lm = zoo.build_keras(name, size)
        lm.compile(sampler="greedy", jit_compile=jit_compile)  # greedy: the native programs decode greedily
        prompt, _ = zoo.keras_inputs(name, size, batch, **shape)
        length = prompt["token_ids"].shape[1]
        # generate() fills a fixed buffer of max_length tokens: the prompt, padded with masked positions.
        padded = {"token_ids": np.pad(prompt["token_ids"], ((0, 0), (0, new_tokens))),
                  "padding_mask": np.pad(prompt["padding_mask"], ((0, 0), (0, new_tokens)))}

        def step():
            out = lm.generate(padded, max_length=length + new_tokens, stop_token_ids=None)
            return np.asarray(out["token_ids"])

        return step, {"parameters": zoo.count_parameters(lm), "jit_compile": lm.jit_compile}
    model = _classifier(name, size, shape)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=jit_compile)
    x, y = zoo.keras_inputs(name, size, batch, **shape)
    if phase == "train":
        def step():
            return model.train_on_batch(x, y)  # returns the loss as a NumPy value: waits for the step
    elif phase == "inference":
        def step():
            return model.predict_on_batch(x)  # NumPy: waits
    else:
        raise ValueError(f"Expected a phase in ('train', 'inference', 'generate'); received: {phase!r}")
    return step, {"parameters": zoo.count_parameters(model), "jit_compile": model.jit_compile}


def outputs(name: str, size: str, batch: int, shape: dict[str, int]) -> np.ndarray:
    """The untrained model's outputs on the zoo's inputs (the parity check compares them across engines)."""
    model = zoo.build_keras(name, size, **shape)
    x, _ = zoo.keras_inputs(name, size, batch, **shape)
    out = model(x, training=False)
    return keras.ops.convert_to_numpy(out["sequence_output"] if isinstance(out, dict) else out)


def main(argv: list[str] | None = None) -> None:
    """Time one model and phase under the current backend and print the median step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=("resnet50", "bert_base", "gpt2_small"))
    parser.add_argument("phase", choices=("train", "inference", "generate"))
    parser.add_argument("--size", choices=zoo.SIZES, default="tiny")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--jit-compile", choices=("auto", "true", "false"), default="auto")
    args = parser.parse_args(argv)
    jit = {"auto": "auto", "true": True, "false": False}[args.jit_compile]
    step, info = prepare(args.model, args.size, args.phase, batch=args.batch, shape={}, jit_compile=jit,
                         new_tokens=8)
    start = time.perf_counter()
    step()
    first = time.perf_counter() - start
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print(f"backend={keras.backend.backend()} {args.model} {args.phase} first={first:.2f}s "
          f"median={float(np.median(times)):.4f}s {info}")


if __name__ == "__main__":
    main()
