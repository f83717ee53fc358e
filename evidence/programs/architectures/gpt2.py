"""The GPT-2 decoder as KerasHub ships it: ``GPT2Backbone`` under ``GPT2CausalLM``, library code used unchanged.

Built from the configuration of KerasHub's ``gpt2_base_en`` preset (GPT-2 small, 124 M weights; quick mode: a
two-layer configuration of the same class), written out below, with random weights: no preset, weight file or
vocabulary is downloaded, and no tokenizer runs (``preprocessor=None``); the model is fed integer token ids drawn
with NumPy and learns to predict each next one. The language model compiles itself with KerasHub's defaults. Only
the batch and the sequence length are cut (see ``INPUTS``).

    KERAS_BACKEND=jax python evidence/programs/architectures/gpt2.py
"""

from __future__ import annotations

import keras
import numpy as np

TITLE = "GPT-2 decoder: KerasHub GPT2Backbone under GPT2CausalLM"
LIBRARY = "keras-hub"
SOURCE = "keras_hub.models.GPT2Backbone, keras_hub.models.GPT2CausalLM (preprocessor=None)"
REFERENCE = "https://keras.io/keras_hub/api/models/gpt2/gpt2_backbone/"
REQUIRES = ("keras_hub",)
#: The backbone's arguments: KerasHub's gpt2_base_en configuration; quick: two narrow layers, a small vocabulary.
CONFIGS = {
    "full": {"vocabulary_size": 50257, "num_layers": 12, "num_heads": 12, "hidden_dim": 768,
             "intermediate_dim": 3072, "max_sequence_length": 1024},
    "quick": {"vocabulary_size": 1000, "num_layers": 2, "num_heads": 2, "hidden_dim": 64,
              "intermediate_dim": 256, "max_sequence_length": 128},
}
PRESETS = {"full": "gpt2_base_en", "quick": None}
#: What is fed: batch and sequence length (the cut: GPT-2 trains on 1,024-token windows).
INPUTS = {"full": {"batch": 2, "length": 32}, "quick": {"batch": 2, "length": 16}}


def build(config: dict, seed: int) -> keras.Model:
    """The compiled causal language model around a backbone built from ``config``, with random weights."""
    import keras_hub

    keras.utils.set_random_seed(seed)
    backbone = keras_hub.models.GPT2Backbone(**config)
    return keras_hub.models.GPT2CausalLM(backbone, preprocessor=None)


def data(config: dict, batch: int, length: int, seed: int) -> tuple[dict, np.ndarray]:
    """Token ids and, as labels, each position's next token; the same in every process for the same arguments."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, config["vocabulary_size"], (batch, length + 1)).astype("int32")
    x = {"token_ids": tokens[:, :-1], "padding_mask": np.ones((batch, length), "int32")}
    return x, tokens[:, 1:]


if __name__ == "__main__":
    model = build(CONFIGS["quick"], seed=1)
    x, y = data(CONFIGS["quick"], seed=1, **INPUTS["quick"])
    model.fit(x, y, epochs=2, verbose=0)
    print(f"backend={keras.backend.backend()} params={model.count_params()} logits={model.predict(x, verbose=0).shape}")
