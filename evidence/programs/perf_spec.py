"""The models of the ``performance`` experiment, as numbers: their sizes, size classes, data and FLOPs.

Both implementations (``perf_models_keras.py`` for the three Keras backends, ``perf_models_tfcore.py`` for
TensorFlow's own low-level API) build their models from the sizes below, so every option trains the very same
architectures on the very same arrays. This file imports no framework: the FLOP counts are arithmetic on the
sizes, checked by the unit tests, and the data are NumPy arrays drawn from a fixed seed (nothing is downloaded).

The models come in two size classes. The *dispatch-bound* models (a multilayer perceptron, a small
convolutional network and a small transformer encoder block, 26k to 400k weights) do so little arithmetic per
step that the time goes to launching operations from Python: they measure a framework's overhead. The
*compute-bound* models (a convolutional network with 128-512 filters on batches of 128 images and a
transformer block with d=512 over 128 tokens) are sized so that the matrix products and convolutions take most
of the time: they measure the engine's kernels and fusion, which is what "an engine tuned for performance" is
about.

FLOPs are counted analytically, as two per multiply-add, for the matrix products and convolutions only; bias
adds, activations, softmax, normalisation and the optimizer's update are element-wise and left out (they are a
few per cent of the total here). A training step costs the forward pass, plus the gradient with respect to each
weight (the same FLOPs again), plus the gradient with respect to each op's input (again the same), except for an
op whose input is the data itself, which needs no gradient.
"""

from __future__ import annotations

import itertools

import numpy as np

SEED = 20261125
NUM_CLASSES = 10
LEARNING_RATE = 1e-3

#: The two size classes, and what each one measures.
SIZE_CLASSES = ("dispatch-bound", "compute-bound")

#: Every model's kind (the builder that makes it), size class and sizes; both implementations read them here.
SPECS: dict[str, dict] = {
    "mlp": {"kind": "mlp", "size_class": "dispatch-bound", "features": 256, "hidden": (512, 512)},
    "cnn": {"kind": "cnn", "size_class": "dispatch-bound", "height": 32, "width": 32, "channels": 3,
            "filters": (16, 32), "kernel": 3},
    "attention": {"kind": "attention", "size_class": "dispatch-bound", "length": 32, "dim": 64, "heads": 4,
                  "ffn": 128},
    "cnn_wide": {"kind": "cnn", "size_class": "compute-bound", "height": 32, "width": 32, "channels": 3,
                 "filters": (128, 256, 512), "kernel": 3},
    "transformer": {"kind": "attention", "size_class": "compute-bound", "length": 128, "dim": 512, "heads": 8,
                    "ffn": 2048},
}
MODELS = tuple(SPECS)
#: Kept for the programs' readers: the sizes of the three dispatch-bound models under their old names.
MLP, CNN, ATTENTION = SPECS["mlp"], SPECS["cnn"], SPECS["attention"]


def spec_of(model: str) -> dict:
    """The sizes of ``model``.

    Raises:
        ValueError: an unknown model; the message lists the known ones.
    """
    try:
        return SPECS[model]
    except KeyError:
        raise ValueError(f"Expected a model in {MODELS}; received: model={model!r}") from None


def size_class(model: str) -> str:
    """``dispatch-bound`` or ``compute-bound``."""
    return spec_of(model)["size_class"]


def models_of(size_class_name: str) -> tuple[str, ...]:
    """The models of one size class, in :data:`MODELS` order."""
    if size_class_name not in SIZE_CLASSES:
        raise ValueError(f"Expected a size class in {SIZE_CLASSES}; received: {size_class_name!r}")
    return tuple(m for m in MODELS if SPECS[m]["size_class"] == size_class_name)


def input_shape(model: str) -> tuple[int, ...]:
    """The shape of one sample (no batch axis) of ``model``'s input."""
    spec = spec_of(model)
    if spec["kind"] == "mlp":
        return (spec["features"],)
    if spec["kind"] == "cnn":
        return (spec["height"], spec["width"], spec["channels"])
    return (spec["length"], spec["dim"])


def _op(flops: int, input_grad: bool) -> tuple[int, int]:
    """(forward FLOPs, training FLOPs) of one weight-carrying product."""
    return flops, flops * (3 if input_grad else 2)


def layer_flops(model: str) -> list[tuple[str, int, int]]:
    """Per product of ``model``: (name, forward FLOPs, training FLOPs), per sample."""
    spec = spec_of(model)
    if spec["kind"] == "mlp":
        sizes = (spec["features"], *spec["hidden"], NUM_CLASSES)
        return [(f"dense_{i}", *_op(2 * a * b, input_grad=i > 0)) for i, (a, b) in enumerate(itertools.pairwise(sizes))]
    if spec["kind"] == "cnn":
        h, w, c, k = spec["height"], spec["width"], spec["channels"], spec["kernel"]
        out = []
        for i, filters in enumerate(spec["filters"]):
            # 'same' padding keeps h x w; each output value is a k*k*c dot product; 2x2 max-pooling follows.
            out.append((f"conv_{i}", *_op(2 * h * w * k * k * c * filters, input_grad=i > 0)))
            h, w, c = h // 2, w // 2, filters
        out.append(("dense", *_op(2 * h * w * c * NUM_CLASSES, input_grad=True)))
        return out
    length, dim, ffn = spec["length"], spec["dim"], spec["ffn"]
    proj = 2 * length * dim * dim
    # Scores (Q K^T) and the weighted sum (A V) multiply two activations: both operands need a gradient,
    # so their backward pass costs twice the forward, like a weight layer whose input needs a gradient.
    mix = 2 * length * length * dim  # summed over heads: heads * L * L * (dim / heads)
    return [
        ("query", *_op(proj, input_grad=False)),
        ("key", *_op(proj, input_grad=False)),
        ("value", *_op(proj, input_grad=False)),
        ("scores", *_op(mix, input_grad=True)),
        ("weighted_sum", *_op(mix, input_grad=True)),
        ("attention_output", *_op(proj, input_grad=True)),
        ("ffn_in", *_op(2 * length * dim * ffn, input_grad=True)),
        ("ffn_out", *_op(2 * length * ffn * dim, input_grad=True)),
        ("head", *_op(2 * dim * NUM_CLASSES, input_grad=True)),
    ]


def flops_per_sample(model: str) -> dict[str, int]:
    """Forward (inference) and training FLOPs of one sample of ``model``."""
    layers = layer_flops(model)
    return {"forward": sum(f for _, f, _ in layers), "train": sum(t for _, _, t in layers)}


def make_data(model: str, samples: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Inputs drawn from a normal distribution and labels from a fixed random linear teacher.

    The labels are a deterministic function of the inputs, so the models can learn them and the loss falls;
    the data are the same, array for array, in every process that asks for the same ``samples``.
    """
    rng = np.random.default_rng(seed)
    shape = input_shape(model)
    x = rng.standard_normal((samples, *shape), dtype=np.float32)
    teacher = rng.standard_normal((int(np.prod(shape)), NUM_CLASSES), dtype=np.float32)
    y = np.argmax(x.reshape(samples, -1) @ teacher, axis=1).astype("int32")
    return x, y
