"""The model zoo: real architectures built from configurations with random weights (nothing is downloaded).

Four architectures people ship, each in two sizes: ``full`` (the published architecture: every layer, the real
widths) and ``tiny`` (the same architecture family, shrunk, for quick mode and CI):

``resnet50``
    Keras: ``keras.applications.ResNet50(weights=None)`` (ResNet v1: the stride sits in each stage's first 1x1
    convolution, convolutions carry biases: 25,636,712 weights at 1,000 classes). PyTorch:
    ``torchvision.models.resnet50()`` (v1.5: the stride sits in the 3x3 convolution, no convolution biases:
    25,557,032 weights). The two are the same network family, not the same function: outputs cannot be compared
    after a weight copy (:func:`architecture_notes`). ``tiny``: one bottleneck block per stage (ResNet-14) at 32x32.
``mobilenet_v3_small``
    Keras: ``keras.applications.MobileNetV3Small(weights=None)``; PyTorch: ``torchvision.models.mobilenet_v3_small``.
    ``tiny``: the minimalistic variant at 32x32 with 10 classes (Keras only; torchvision has no minimalistic one).
``bert_base``
    Keras: KerasHub ``BertBackbone`` from BERT-base's configuration (12 layers, 12 heads, 768 wide, 3072 in the
    feed-forward, vocabulary 30,522: 109,482,240 weights with the pooler); PyTorch: ``transformers.BertModel``
    from the equivalent ``BertConfig``. Same function: weights copy across (:func:`keras_from_torch`).
``gpt2_small``
    Keras: KerasHub ``GPT2CausalLM`` over ``GPT2Backbone`` (12 layers, 768 wide, vocabulary 50,257, tied output
    embedding: 124,439,808 weights); PyTorch: ``transformers.GPT2LMHeadModel`` from ``GPT2Config``. Same function.

Functions other programs use (their names are stable): :func:`config`, :func:`build_keras`, :func:`build_torch`,
:func:`keras_inputs`, :func:`torch_inputs`, :func:`count_parameters`, :func:`flops`, :func:`keras_from_torch`,
:func:`import_torchvision`, :func:`availability`. This module imports no framework at top level: the configs
and FLOP counts are plain Python, and each builder imports its framework when called. A missing package raises
:class:`ZooUnavailable` naming it (a caller records the cell ``unavailable``).
"""

from __future__ import annotations

import contextlib
import copy
import importlib
from typing import Any

MODELS: tuple[str, ...] = ("resnet50", "mobilenet_v3_small", "bert_base", "gpt2_small")
SIZES: tuple[str, ...] = ("full", "tiny")
SEED = 20261207

#: Per model and size, the architecture's configuration (the keys KerasHub / transformers / keras.applications
#: take) and its default input shape (``image_size``; ``sequence_length``; ``prompt_length`` for generation).
CONFIGS: dict[str, dict[str, dict[str, Any]]] = {
    "resnet50": {
        "full": {"blocks": [3, 4, 6, 3], "classes": 1000, "image_size": 224},
        "tiny": {"blocks": [1, 1, 1, 1], "classes": 10, "image_size": 32},
    },
    "mobilenet_v3_small": {
        "full": {"classes": 1000, "image_size": 224, "minimalistic": False},
        "tiny": {"classes": 10, "image_size": 32, "minimalistic": True},
    },
    "bert_base": {
        "full": {"vocabulary_size": 30522, "num_layers": 12, "num_heads": 12, "hidden_dim": 768,
                 "intermediate_dim": 3072, "max_sequence_length": 512, "num_segments": 2, "sequence_length": 128},
        "tiny": {"vocabulary_size": 1024, "num_layers": 2, "num_heads": 2, "hidden_dim": 64,
                 "intermediate_dim": 128, "max_sequence_length": 64, "num_segments": 2, "sequence_length": 16},
    },
    "gpt2_small": {
        "full": {"vocabulary_size": 50257, "num_layers": 12, "num_heads": 12, "hidden_dim": 768,
                 "intermediate_dim": 3072, "max_sequence_length": 1024, "prompt_length": 32},
        # KerasHub's GPT-2 checkpoint converter takes the feed-forward width as 4x the hidden width.
        "tiny": {"vocabulary_size": 1024, "num_layers": 2, "num_heads": 2, "hidden_dim": 64,
                 "intermediate_dim": 256, "max_sequence_length": 64, "prompt_length": 8},
    },
}
#: What each model's Keras and PyTorch builds need.
PACKAGES: dict[str, dict[str, tuple[str, ...]]] = {
    "resnet50": {"keras": ("keras",), "torch": ("torch", "torchvision")},
    "mobilenet_v3_small": {"keras": ("keras",), "torch": ("torch", "torchvision")},
    "bert_base": {"keras": ("keras", "keras_hub"), "torch": ("torch", "transformers")},
    "gpt2_small": {"keras": ("keras", "keras_hub"), "torch": ("torch", "transformers")},
}
#: Classes of the BERT encoder's training head (a dense layer on the pooled output, as a sentence classifier).
BERT_LABELS = 2


class ZooUnavailable(Exception):
    """A package a build needs is missing (or cannot be imported); the message names it."""


def config(name: str, size: str = "full") -> dict[str, Any]:
    """A copy of ``name``'s configuration at ``size``.

    Raises:
        ValueError: an unknown model or size; the message lists the known ones.
    """
    if name not in CONFIGS:
        raise ValueError(f"Expected a model in {MODELS}; received: {name!r}")
    if size not in SIZES:
        raise ValueError(f"Expected a size in {SIZES}; received: {size!r}")
    return copy.deepcopy(CONFIGS[name][size])


def availability(name: str, framework: str) -> str | None:
    """None when ``name`` can be built with ``framework`` (``keras`` or ``torch``), else why not (one line)."""
    for module in PACKAGES[name][framework]:
        try:
            if module == "torchvision":
                import_torchvision()
            else:
                importlib.import_module(module)
        except ZooUnavailable as exc:
            return str(exc)
        except Exception as exc:  # an installed package that cannot be imported is as missing as an absent one
            return f"{module} cannot be imported ({type(exc).__name__}: {str(exc)[:200]})"
    return None


def _need(module: str):
    try:
        return importlib.import_module(module)
    except Exception as exc:
        raise ZooUnavailable(f"{module} cannot be imported ({type(exc).__name__}: {str(exc)[:200]})") from exc


def import_torchvision():
    """``torchvision``, imported beside the CPU build of PyTorch.

    PyPI's torchvision wheels are built against PyPI's (CUDA) torch: beside a CPU build of the same version their
    compiled operators (``torchvision::nms`` and friends) fail to load, and ``import torchvision`` then fails
    while registering fake kernels for those operators. The models (pure Python) do not need them: when the
    import fails that way, the operators' schemas are declared (no kernels) and the import is retried; the
    detection operators stay unusable, which nothing here calls. Records nothing; :data:`TORCHVISION_SHIM` says
    whether the shim was needed.
    """
    global TORCHVISION_SHIM
    try:
        return importlib.import_module("torchvision")
    except ModuleNotFoundError as exc:
        raise ZooUnavailable(f"torchvision is not installed ({exc})") from exc
    except RuntimeError as exc:
        if "torchvision::" not in str(exc):
            raise ZooUnavailable(f"torchvision cannot be imported ({exc})") from exc
    import sys

    import torch

    for key in [k for k in sys.modules if k == "torchvision" or k.startswith("torchvision.")]:
        del sys.modules[key]
    try:
        lib = torch.library.Library("torchvision", "DEF")
        lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        _LIBRARIES.append(lib)  # keep the definitions alive
    except RuntimeError:
        pass  # already declared by an earlier call
    try:
        module = importlib.import_module("torchvision")
    except Exception as exc:
        raise ZooUnavailable(f"torchvision cannot be imported beside this torch ({exc})") from exc
    TORCHVISION_SHIM = True
    return module


TORCHVISION_SHIM = False
_LIBRARIES: list[Any] = []


# -- Keras -------------------------------------------------------------------------------------------------------------
def build_keras(name: str, size: str = "full", **overrides: Any):
    """The Keras model ``name`` at ``size`` with random weights (seeded); ``overrides`` change config keys
    (``image_size=96``, ``sequence_length=64``).

    ``resnet50`` / ``mobilenet_v3_small``: a functional image classifier returning logits, input
    ``(image_size, image_size, 3)`` in the current image data format. ``bert_base``: KerasHub ``BertBackbone``
    (inputs ``token_ids``, ``segment_ids``, ``padding_mask``; outputs ``sequence_output``, ``pooled_output``).
    ``gpt2_small``: KerasHub ``GPT2CausalLM`` without a preprocessor (inputs ``token_ids``, ``padding_mask``).
    """
    cfg = {**config(name, size), **overrides}
    keras = _need("keras")
    keras.utils.set_random_seed(SEED)
    if name == "resnet50":
        shape = _image_shape(keras, cfg["image_size"])
        if cfg["blocks"] == [3, 4, 6, 3]:
            return keras.applications.ResNet50(weights=None, input_shape=shape, classes=cfg["classes"],
                                               classifier_activation=None)
        # The tiny size: keras.applications' own ResNet builder with one bottleneck block per stage.
        from keras.src.applications import resnet

        def stack_fn(x):
            for i, (filters, blocks) in enumerate(zip((64, 128, 256, 512), cfg["blocks"], strict=True)):
                x = resnet.stack_residual_blocks_v1(x, filters, blocks, stride1=1 if i == 0 else 2,
                                                    name=f"conv{i + 2}")
            return x

        return resnet.ResNet(stack_fn, False, True, name="resnet_tiny", weights=None, input_shape=shape,
                             classes=cfg["classes"], classifier_activation=None)
    if name == "mobilenet_v3_small":
        return keras.applications.MobileNetV3Small(
            weights=None, input_shape=_image_shape(keras, cfg["image_size"]), classes=cfg["classes"],
            minimalistic=cfg["minimalistic"], classifier_activation=None)
    hub = _need("keras_hub")
    arch = {k: cfg[k] for k in ("vocabulary_size", "num_layers", "num_heads", "hidden_dim", "intermediate_dim",
                                "max_sequence_length")}
    if name == "bert_base":
        return hub.models.BertBackbone(**arch, num_segments=cfg["num_segments"])
    if name == "gpt2_small":
        return hub.models.GPT2CausalLM(backbone=hub.models.GPT2Backbone(**arch), preprocessor=None)
    raise ValueError(f"Expected a model in {MODELS}; received: {name!r}")


def _image_shape(keras, image_size: int) -> tuple[int, int, int]:
    if keras.config.image_data_format() == "channels_first":
        return (3, image_size, image_size)
    return (image_size, image_size, 3)


def keras_inputs(name: str, size: str = "full", batch: int = 1, seed: int = SEED, **overrides: Any):
    """NumPy inputs for the Keras model (and labels for training): ``(x, y)``; for ``gpt2_small``, ``y`` is None
    and ``x`` holds a prompt of ``prompt_length`` tokens."""
    import numpy as np

    cfg = {**config(name, size), **overrides}
    rng = np.random.default_rng(seed)
    if name in ("resnet50", "mobilenet_v3_small"):
        s = cfg["image_size"]
        x = rng.standard_normal((batch, s, s, 3), dtype=np.float32)
        import keras

        if keras.config.image_data_format() == "channels_first":
            x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        return x, rng.integers(0, cfg["classes"], size=(batch,)).astype("int32")
    if name == "bert_base":
        length = cfg["sequence_length"]
        x = {"token_ids": rng.integers(0, cfg["vocabulary_size"], (batch, length)).astype("int32"),
             "segment_ids": np.zeros((batch, length), "int32"),
             "padding_mask": np.ones((batch, length), "int32")}
        return x, rng.integers(0, BERT_LABELS, size=(batch,)).astype("int32")
    length = cfg["prompt_length"]
    return {"token_ids": rng.integers(0, cfg["vocabulary_size"], (batch, length)).astype("int32"),
            "padding_mask": np.ones((batch, length), "int32")}, None


# -- PyTorch -----------------------------------------------------------------------------------------------------------
def build_torch(name: str, size: str = "full", **overrides: Any):
    """The PyTorch model ``name`` at ``size`` with random weights (seeded), from the engine's own model library:
    torchvision (``resnet50``, ``mobilenet_v3_small``), transformers (``BertModel``, ``GPT2LMHeadModel``)."""
    cfg = {**config(name, size), **overrides}
    torch = _need("torch")
    torch.manual_seed(SEED)
    if name == "resnet50":
        tv = import_torchvision()
        if cfg["blocks"] == [3, 4, 6, 3]:
            return tv.models.resnet50(num_classes=cfg["classes"])
        from torchvision.models.resnet import Bottleneck, ResNet

        return ResNet(Bottleneck, cfg["blocks"], num_classes=cfg["classes"])
    if name == "mobilenet_v3_small":
        tv = import_torchvision()
        return tv.models.mobilenet_v3_small(num_classes=cfg["classes"])
    # transformers imports torchvision when it is installed: make that import work first (see there).
    with contextlib.suppress(ZooUnavailable):
        import_torchvision()
    tr = _need("transformers")
    common = {"vocab_size": cfg["vocabulary_size"], "num_hidden_layers": cfg["num_layers"],
              "num_attention_heads": cfg["num_heads"], "hidden_size": cfg["hidden_dim"],
              "intermediate_size": cfg["intermediate_dim"], "max_position_embeddings": cfg["max_sequence_length"]}
    if name == "bert_base":
        # KerasHub's BERT: GELU (erf), layer-norm epsilon 1e-12, dropout 0.1: BertConfig's defaults.
        return tr.BertModel(tr.BertConfig(**common, type_vocab_size=cfg["num_segments"]))
    if name == "gpt2_small":
        g = tr.GPT2Config(vocab_size=cfg["vocabulary_size"], n_layer=cfg["num_layers"], n_head=cfg["num_heads"],
                          n_embd=cfg["hidden_dim"], n_inner=cfg["intermediate_dim"],
                          n_positions=cfg["max_sequence_length"], activation_function="gelu_new",
                          layer_norm_epsilon=1e-5)
        return tr.GPT2LMHeadModel(g)
    raise ValueError(f"Expected a model in {MODELS}; received: {name!r}")


def torch_inputs(name: str, size: str = "full", batch: int = 1, seed: int = SEED, channels_last: bool = False,
                 **overrides: Any):
    """The same arrays as :func:`keras_inputs` as torch tensors, images channels-first (``channels_last``: in
    PyTorch's channels-last memory format), token inputs under transformers' names."""
    import numpy as np
    import torch

    cfg = {**config(name, size), **overrides}
    rng = np.random.default_rng(seed)
    if name in ("resnet50", "mobilenet_v3_small"):
        s = cfg["image_size"]
        x = torch.from_numpy(rng.standard_normal((batch, s, s, 3), dtype=np.float32)).permute(0, 3, 1, 2)
        x = x.contiguous(memory_format=torch.channels_last if channels_last else torch.contiguous_format)
        return x, torch.from_numpy(rng.integers(0, cfg["classes"], size=(batch,)).astype("int64"))
    if name == "bert_base":
        length = cfg["sequence_length"]
        ids = torch.from_numpy(rng.integers(0, cfg["vocabulary_size"], (batch, length)).astype("int64"))
        x = {"input_ids": ids, "token_type_ids": torch.zeros_like(ids), "attention_mask": torch.ones_like(ids)}
        return x, torch.from_numpy(rng.integers(0, BERT_LABELS, size=(batch,)).astype("int64"))
    length = cfg["prompt_length"]
    ids = torch.from_numpy(rng.integers(0, cfg["vocabulary_size"], (batch, length)).astype("int64"))
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}, None


# -- counts ------------------------------------------------------------------------------------------------------------
def count_parameters(model) -> int:
    """Weights of a Keras model (``count_params``) or a torch module (its parameters; tied ones counted once)."""
    if hasattr(model, "count_params"):
        return int(model.count_params())
    return int(sum(p.numel() for p in model.parameters()))


def flops(name: str, size: str = "full", phase: str = "forward", **overrides: Any) -> int:
    """Matrix-product and convolution FLOPs (two per multiply-add) of one sample, counted from the configuration
    once, for every implementation (the Keras architecture's count for ResNet-50, whose torchvision variant
    places a stride differently: :func:`architecture_notes`).

    ``phase``: ``forward`` (inference), ``train`` (forward, weight gradients and input gradients: three times the
    forward, less the input gradient of the first convolution), or ``token`` (``gpt2_small``: one generated token
    with the key-value cache, at the prompt's end plus half the new tokens, ``new_tokens`` overridable).
    Element-wise work (normalisation, activations, softmax, the optimizer) is left out: a few per cent here.
    """
    cfg = {**config(name, size), **overrides}
    if name == "resnet50":
        fwd, first = _resnet_v1_flops(cfg["image_size"], cfg["blocks"], cfg["classes"])
        return fwd if phase == "forward" else 3 * fwd - first
    if name == "mobilenet_v3_small":
        raise ValueError("FLOPs are not counted for mobilenet_v3_small (not timed by the performance claim)")
    d, ff, layers = cfg["hidden_dim"], cfg["intermediate_dim"], cfg["num_layers"]
    if name == "bert_base":
        length = cfg["sequence_length"]
        per_layer = 2 * length * (4 * d * d + 2 * d * ff) + 2 * 2 * length * length * d
        fwd = layers * per_layer + 2 * d * d + 2 * d * BERT_LABELS  # the pooler and the classifier head
        return fwd if phase == "forward" else 3 * fwd
    if name == "gpt2_small":
        context = cfg["prompt_length"] + int(overrides.get("new_tokens", 0)) // 2
        per_token = layers * (2 * (4 * d * d + 2 * d * ff) + 2 * 2 * context * d) + 2 * d * cfg["vocabulary_size"]
        if phase == "token":
            return per_token
        length = cfg["prompt_length"]
        fwd = layers * (2 * length * (4 * d * d + 2 * d * ff) + 2 * 2 * length * length * d)
        return fwd + 2 * length * d * cfg["vocabulary_size"]
    raise ValueError(f"Expected a model in {MODELS}; received: {name!r}")


def _resnet_v1_flops(image: int, blocks: list[int], classes: int) -> tuple[int, int]:
    """(forward FLOPs, the stem convolution's) of keras.applications' ResNet v1 (stride in the first 1x1)."""

    def conv(h: int, cin: int, cout: int, k: int, stride: int) -> tuple[int, int]:
        out = -(-h // stride)
        return 2 * out * out * k * k * cin * cout, out

    total, h = 0, image
    stem, h = conv(h, 3, 64, 7, 2)
    total += stem
    h = -(-h // 2)  # 3x3 max-pool, stride 2
    cin = 64
    for i, (filters, n) in enumerate(zip((64, 128, 256, 512), blocks, strict=True)):
        for b in range(n):
            stride = 2 if (i > 0 and b == 0) else 1
            if b == 0:
                total += conv(h, cin, 4 * filters, 1, stride)[0]  # the projection shortcut
            f1, h = conv(h, cin, filters, 1, stride)
            f2, _ = conv(h, filters, filters, 3, 1)
            f3, _ = conv(h, filters, 4 * filters, 1, 1)
            total += f1 + f2 + f3
            cin = 4 * filters
    return total + 2 * cin * classes, stem


def architecture_notes(name: str) -> str:
    """How the Keras and PyTorch builds of ``name`` relate: same function, or same family only (and why)."""
    if name == "resnet50":
        return ("same family, not the same function: keras.applications' ResNet50 is ResNet v1 (stride 2 in each "
                "stage's first 1x1 convolution, convolutions with biases); torchvision's resnet50 is v1.5 (stride "
                "in the 3x3 convolution, no convolution biases), so the weight counts differ by 0.3% and a "
                "weight copy cannot make the outputs equal; FLOPs are counted once, on the v1 layout")
    if name == "mobilenet_v3_small":
        return ("same family: keras.applications' MobileNetV3Small and torchvision's mobilenet_v3_small differ in "
                "details of their heads; not compared output for output")
    return ("same function: KerasHub's and transformers' implementations of the same configuration; weights copy "
            "across (keras_from_torch) and the outputs agree to float32 round-off")


# -- parity ------------------------------------------------------------------------------------------------------------
def keras_from_torch(name: str, torch_model, workdir) -> Any:
    """The KerasHub model (``bert_base``: ``BertBackbone``; ``gpt2_small``: ``GPT2Backbone``) holding
    ``torch_model``'s weights, through KerasHub's own transformers-checkpoint converter (the model is saved
    with ``save_pretrained`` into ``workdir`` and loaded with ``from_preset``): nothing is downloaded."""
    from pathlib import Path

    hub = _need("keras_hub")
    folder = Path(workdir) / f"{name}-hf"
    torch_model.save_pretrained(folder, safe_serialization=True)
    backbone = {"bert_base": hub.models.BertBackbone, "gpt2_small": hub.models.GPT2Backbone}[name]
    return backbone.from_preset(str(folder))


__all__ = [
    "CONFIGS",
    "MODELS",
    "SIZES",
    "ZooUnavailable",
    "architecture_notes",
    "availability",
    "build_keras",
    "build_torch",
    "config",
    "count_parameters",
    "flops",
    "import_torchvision",
    "keras_from_torch",
    "keras_inputs",
    "torch_inputs",
]
