"""What the advisor knows about the options beyond the evidence: which code and models a user can bring to each.

The options themselves, their Keras backends and their frameworks come from :mod:`evidence.options`, the one
option map. This module holds only the advisor's own facts, each with the public source that states it:

- which options run code written for an *ecosystem* the user names (``--ecosystem pytorch,tensorflow``);
- which options load the *pretrained models* of a hub the user names (``--pretrained huggingface``);
- which venues (kinds of machine a result holds for) stand for the *accelerator* the user trains on.

None of this is measured by the project; the output says so (``basis: public record``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence.options import FRAMEWORK, OPTIONS


@dataclass(frozen=True)
class Reach:
    """How far an option can use what the user brings (their code, or a hub's models), and why.

    Attributes:
        share: 1 when the option uses it directly, 0.5 when only part of it (some architectures), 0 when not.
        why: one line for the output.
    """

    share: float
    why: str


#: The ``ecosystem`` question's values, and the framework (of :data:`evidence.options.FRAMEWORK`) each names.
ECOSYSTEM_FRAMEWORK: dict[str, str] = {"tensorflow": "tensorflow", "jax": "jax", "pytorch": "torch"}


def ecosystem_reach(ecosystem: str, option: str) -> Reach:
    """Whether ``option``'s code executes on the framework the user's existing code is written for.

    An option on the same framework can call that code and its tools directly (a Keras model on the torch backend
    is a ``torch.nn.Module``; on JAX its functions are JAX functions); an option on another framework cannot.

    Examples:
        >>> ecosystem_reach("pytorch", "keras-torch").share, ecosystem_reach("pytorch", "keras-jax").share
        (1.0, 0.0)
    """
    framework = ECOSYSTEM_FRAMEWORK[ecosystem]
    if FRAMEWORK[option] == framework:
        return Reach(1.0, f"runs on {framework}, the framework of your {ecosystem} code")
    return Reach(0.0, f"runs on {FRAMEWORK[option]}, not on your {ecosystem} code's framework")


#: The hubs of the ``pretrained`` question: per option, how much of the hub's models it loads, and the source.
PRETRAINED: dict[str, dict[str, Reach]] = {
    # KerasHub's README: "All models support JAX, TensorFlow, and PyTorch from a single model definition"
    # (https://github.com/keras-team/keras-hub). Its models are Keras models: TensorFlow's low-level APIs would
    # have to adopt Keras to use them.
    "kerashub": {
        "keras-tensorflow": Reach(1.0, "KerasHub models run on every Keras backend (keras-hub README)"),
        "keras-jax": Reach(1.0, "KerasHub models run on every Keras backend (keras-hub README)"),
        "keras-torch": Reach(1.0, "KerasHub models run on every Keras backend (keras-hub README)"),
        "tensorflow-core": Reach(0.0, "KerasHub models are Keras models, not TensorFlow core modules"),
    },
    # Transformers v5 removed its TensorFlow and JAX code ("Removal of TensorFlow and Jax", MIGRATION_GUIDE_V5.md
    # of huggingface/transformers): its models are PyTorch modules, which the torch backend wraps as Keras layers
    # (keras.layers.TorchModuleWrapper). KerasHub converts the checkpoints of some architectures (Llama, Gemma,
    # Mistral, Qwen, BERT, ...: keras_hub/src/utils/transformers/) for every backend: part of the hub.
    "huggingface": {
        "keras-torch": Reach(1.0, "Transformers models are PyTorch modules; the torch backend wraps them"),
        "keras-jax": Reach(0.5, "only the architectures KerasHub converts from Transformers checkpoints"),
        "keras-tensorflow": Reach(0.5, "only the architectures KerasHub converts from Transformers checkpoints"),
        "tensorflow-core": Reach(0.0, "Transformers v5 removed its TensorFlow models"),
    },
}

#: The ``accelerator`` question's values -> the venue names that stand for it (see :mod:`evidence.venue`: a GPU
#: venue is ``gpu-`` and the GPU's model without its vendor's words). NVIDIA's data-centre and desktop families
#: (H100/H200, A100, V100, L4, T4, RTX, GeForce, Quadro, B200, GB200), AMD's Instinct and Radeon families
#: (MI300X -> ``gpu-mi300x``). No venue stands for a TPU or Apple silicon yet: the runner has none.
ACCELERATOR_VENUES: dict[str, re.Pattern[str]] = {
    "cpu": re.compile(r"^cpu-"),
    "nvidia_gpu": re.compile(r"^gpu-(h\d|a\d|v\d|l\d|t4|p\d|k\d|b\d|gb\d|rtx|gtx|titan|quadro|tesla)"),
    "amd_gpu": re.compile(r"^gpu-(mi\d|rx\d|radeon|w\d)"),
    "tpu": re.compile(r"^tpu-"),
    "apple_silicon": re.compile(r"^(gpu|cpu)-apple"),
}

#: The accelerators in words, for the output.
ACCELERATOR_NAMES: dict[str, str] = {"cpu": "a CPU", "nvidia_gpu": "an NVIDIA GPU", "amd_gpu": "an AMD GPU",
                                     "tpu": "a TPU", "apple_silicon": "Apple silicon"}


def venue_for(accelerator: str, venues: list[str]) -> str | None:
    """The first of ``venues`` (in the order given: CPU venues first) that stands for ``accelerator``, or None.

    Examples:
        >>> venue_for("nvidia_gpu", ["cpu-2core", "gpu-h200"]), venue_for("amd_gpu", ["cpu-2core", "gpu-h200"])
        ('gpu-h200', None)
    """
    pattern = ACCELERATOR_VENUES[accelerator]
    return next((v for v in venues if pattern.match(v)), None)


__all__ = ["ACCELERATOR_NAMES", "ACCELERATOR_VENUES", "ECOSYSTEM_FRAMEWORK", "OPTIONS", "PRETRAINED", "Reach",
           "ecosystem_reach", "venue_for"]
