"""The performance claim's zoo models in PyTorch without Keras: the engine's own model libraries and practice.

``torchvision.models.resnet50`` and transformers' ``BertModel`` (with a linear head on its pooled output) and
``GPT2LMHeadModel``, built from configurations by ``zoo.py``. Training is the loop PyTorch's tutorials write:
forward, cross-entropy, ``backward``, ``torch.optim.Adam.step``, ``zero_grad(set_to_none=True)``; inference runs
under ``torch.inference_mode``; generation is transformers' ``generate`` (greedy, a fixed number of new tokens,
the key-value cache on). Settings: ``compile`` wraps the module in ``torch.compile`` (inductor, the documented
way to speed a model up; for generation transformers documents a static key-value cache with a compiled forward);
``channels_last`` puts images and weights in PyTorch's channels-last memory format, which its tutorial recommends
for convolutions with oneDNN on CPUs. Run it standalone:

    python evidence/programs/perf_zoo_torch.py bert_base train --size tiny --compile
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import zoo

LEARNING_RATE = 1e-4


class BertClassifier(torch.nn.Module):
    """transformers' BertModel with a linear head on the pooled output: the Keras program's model."""

    def __init__(self, bert: torch.nn.Module, labels: int):
        super().__init__()
        self.bert = bert
        self.classifier = torch.nn.Linear(bert.config.hidden_size, labels)

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.bert(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask)
        return self.classifier(out.pooler_output)


def prepare(name: str, size: str, phase: str, *, batch: int, shape: dict[str, int], compile: bool = False,
            channels_last: bool = False, new_tokens: int = 0) -> tuple[Callable[[], Any], dict[str, Any]]:
    """One step of ``phase`` (``train``, ``inference``, ``generate``) on ``name``, ready to time, and what it ran
    with (weights, settings)."""
    torch._dynamo.reset()
    model = zoo.build_torch(name, size, **shape)
    info: dict[str, Any] = {"compile": compile, "channels_last": channels_last}
    if phase == "generate":
        model.eval()
        prompt, _ = zoo.torch_inputs(name, size, batch, **shape)
        kwargs: dict[str, Any] = {"max_new_tokens": new_tokens, "min_new_tokens": new_tokens, "do_sample": False,
                                  "pad_token_id": 0}
        if compile:
            # transformers' documented route for a compiled generate: a static key-value cache (fixed shapes)
            # and torch.compile on the forward.
            kwargs["cache_implementation"] = "static"
            model.forward = torch.compile(model.forward)
        info["parameters"] = zoo.count_parameters(model)

        def step():
            with torch.inference_mode():
                return model.generate(**prompt, **kwargs)

        return step, info
    if name == "bert_base":
        model = BertClassifier(model, zoo.BERT_LABELS)
    x, y = zoo.torch_inputs(name, size, batch, channels_last=channels_last, **shape)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    info["parameters"] = zoo.count_parameters(model)
    forward = torch.compile(model) if compile else model

    def call():
        return forward(**x) if isinstance(x, dict) else forward(x)

    if phase == "train":
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
        loss_fn = torch.nn.CrossEntropyLoss()

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(call(), y)
            loss.backward()
            optimizer.step()
            return loss.item()
    elif phase == "inference":
        model.eval()

        def step():
            with torch.inference_mode():
                return call()
    else:
        raise ValueError(f"Expected a phase in ('train', 'inference', 'generate'); received: {phase!r}")
    return step, info


def outputs(name: str, size: str, batch: int, shape: dict[str, int]) -> np.ndarray:
    """The untrained model's outputs on the zoo's inputs (BERT: the last hidden state)."""
    model = zoo.build_torch(name, size, **shape).eval()
    x, _ = zoo.torch_inputs(name, size, batch, **shape)
    with torch.inference_mode():
        out = model(**x) if isinstance(x, dict) else model(x)
    return (out.last_hidden_state if name == "bert_base" else out).numpy()


def main(argv: list[str] | None = None) -> None:
    """Time one model and phase and print the median step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=("resnet50", "bert_base", "gpt2_small"))
    parser.add_argument("phase", choices=("train", "inference", "generate"))
    parser.add_argument("--size", choices=zoo.SIZES, default="tiny")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--compile", action="store_true")
    args = parser.parse_args(argv)
    step, info = prepare(args.model, args.size, args.phase, batch=args.batch, shape={}, compile=args.compile,
                         new_tokens=8)
    start = time.perf_counter()
    step()
    first = time.perf_counter() - start
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print(f"torch {args.model} {args.phase} first={first:.2f}s median={float(np.median(times)):.4f}s {info}")


if __name__ == "__main__":
    main()
