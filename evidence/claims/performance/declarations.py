"""The performance claim's declarations as data: its subjects (worker processes), their settings (read from the
package's ``data/`` tables, each with what the framework's documentation says), the zoo's timed cells and the
published benchmark. Plain Python and JSON, read by the claim, its judge and ``kvt check --time``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evidence.options import TF_CORE

DATA = Path(__file__).parent / "data"
SPEC_PROGRAM = "perf_spec.py"
KERAS_PROGRAM = "perf_models_keras.py"
TFCORE_PROGRAM = "perf_models_tfcore.py"
ZOO_PROGRAMS = {"keras": "perf_zoo_keras.py", "tensorflow": "perf_zoo_tf.py", "jax": "perf_zoo_jax.py",
                "torch": "perf_zoo_torch.py"}

#: The dispatch-bound class's settings per Keras option and TensorFlow core (first design; read by kvt check).
OPTION_SETTINGS: dict[str, dict[str, dict[str, Any]]] = json.loads((DATA / "option_settings.json").read_text())
#: The zoo class's settings per option: the program's keyword arguments, what the documentation says, and the
#: models or phases a setting is limited to.
ZOO_SETTINGS: dict[str, dict[str, dict[str, Any]]] = json.loads((DATA / "zoo_settings.json").read_text())

#: The worker processes. ``zoo``: the program and settings of the zoo class; ``small``: the dispatch-bound class's
#: program and settings (the first design's), or None.
SUBJECTS: dict[str, dict[str, Any]] = {
    "keras-tensorflow": {"option": "keras-tensorflow", "framework": "tensorflow", "backend": "tensorflow",
                         "zoo": ("keras", ("default", "xla")),
                         "small": (KERAS_PROGRAM, ("default", "xla", "xla_spe"))},
    "keras-jax": {"option": "keras-jax", "framework": "jax", "backend": "jax", "zoo": ("keras", ("default",)),
                  "small": (KERAS_PROGRAM, ("default", "spe"))},
    "keras-torch": {"option": "keras-torch", "framework": "torch", "backend": "torch",
                    "zoo": ("keras", ("default", "channels_first")), "small": (KERAS_PROGRAM, ("default",))},
    # torch.compile in workers of their own: it compiles for tens of seconds per model and phase.
    "keras-torch-compile": {"option": "keras-torch", "framework": "torch", "backend": "torch",
                            "zoo": ("keras", ("torch_compile",)), "small": None},
    TF_CORE: {"option": TF_CORE, "framework": "tensorflow", "backend": "tensorflow",
              "zoo": ("tensorflow", ("default", "xla")), "small": (TFCORE_PROGRAM, ("default", "xla", "xla_spe"))},
    "jax-native": {"option": "jax-native", "framework": "jax", "backend": "jax", "zoo": ("jax", ("default",)),
                   "small": None},
    "torch-native": {"option": "torch-native", "framework": "torch", "backend": "torch",
                     "zoo": ("torch", ("default", "channels_last")), "small": None, "parity": True},
    "torch-native-compile": {"option": "torch-native", "framework": "torch", "backend": "torch",
                             "zoo": ("torch", ("compile",)), "small": None},
}
#: Each engine's native option, and its Keras option.
NATIVE: dict[str, str] = {"tensorflow": TF_CORE, "jax": "jax-native", "torch": "torch-native"}
KERAS_ON: dict[str, str] = {"tensorflow": "keras-tensorflow", "jax": "keras-jax", "torch": "keras-torch"}
#: The zoo's timed (model, phase) cells; ``generate_b1`` and ``generate_batch`` are GPT-2 generation at batch 1
#: and at the larger batch.
ZOO_PHASES: tuple[tuple[str, str], ...] = (("resnet50", "train"), ("resnet50", "inference"), ("bert_base", "train"),
                                           ("bert_base", "inference"), ("gpt2_small", "generate_b1"),
                                           ("gpt2_small", "generate_batch"))

CPU_CAVEAT = ("Measured on the CPU: relative speeds on a CPU say little about a GPU or TPU, where XLA fusion, "
              "kernel libraries and input pipelines weigh differently.")


def load_public_record() -> dict[str, Any]:
    """keras.io's Keras 3 benchmark as published (``data/keras_io_benchmark.json``)."""
    return json.loads((DATA / "keras_io_benchmark.json").read_text())
