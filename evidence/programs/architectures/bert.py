"""The BERT encoder as KerasHub ships it: ``BertBackbone`` under ``BertTextClassifier``, library code used unchanged.

Built from the configuration of KerasHub's ``bert_base_en_uncased`` preset (quick mode: ``bert_tiny_en_uncased``),
written out below, with random weights: no preset, weight file or vocabulary is downloaded, and no tokenizer runs
(``preprocessor=None``); the model is fed integer token ids drawn with NumPy. The classifier compiles itself with
KerasHub's defaults. Only the batch and the sequence length are cut (see ``INPUTS``); layers and widths are the
preset's.

    KERAS_BACKEND=torch python evidence/programs/architectures/bert.py
"""

from __future__ import annotations

import keras
import numpy as np

TITLE = "BERT encoder: KerasHub BertBackbone under BertTextClassifier"
LIBRARY = "keras-hub"
SOURCE = "keras_hub.models.BertBackbone, keras_hub.models.BertTextClassifier (preprocessor=None)"
REFERENCE = "https://keras.io/keras_hub/api/models/bert/bert_backbone/"
REQUIRES = ("keras_hub",)
#: The backbone's arguments: KerasHub's preset configurations (bert_base_en_uncased; bert_tiny_en_uncased).
CONFIGS = {
    "full": {"vocabulary_size": 30522, "num_layers": 12, "num_heads": 12, "hidden_dim": 768,
             "intermediate_dim": 3072, "max_sequence_length": 512, "num_segments": 2},
    "quick": {"vocabulary_size": 30522, "num_layers": 2, "num_heads": 2, "hidden_dim": 128,
              "intermediate_dim": 512, "max_sequence_length": 512, "num_segments": 2},
}
PRESETS = {"full": "bert_base_en_uncased", "quick": "bert_tiny_en_uncased"}
#: What is fed: batch and sequence length (the cut: BERT-base is usually fine-tuned at 128 to 512 tokens).
INPUTS = {"full": {"batch": 2, "length": 32}, "quick": {"batch": 2, "length": 16}}
NUM_CLASSES = 2


def build(config: dict, seed: int) -> keras.Model:
    """The compiled classifier around a backbone built from ``config``, with random weights."""
    import keras_hub

    keras.utils.set_random_seed(seed)
    backbone = keras_hub.models.BertBackbone(**config)
    return keras_hub.models.BertTextClassifier(backbone, num_classes=NUM_CLASSES, preprocessor=None)


def data(config: dict, batch: int, length: int, seed: int) -> tuple[dict, np.ndarray]:
    """Token ids (no padding, one segment) and class labels, the same in every process for the same arguments."""
    rng = np.random.default_rng(seed)
    x = {"token_ids": rng.integers(1, config["vocabulary_size"], (batch, length)).astype("int32"),
         "segment_ids": np.zeros((batch, length), "int32"), "padding_mask": np.ones((batch, length), "int32")}
    return x, rng.integers(0, NUM_CLASSES, batch).astype("int32")


if __name__ == "__main__":
    model = build(CONFIGS["quick"], seed=1)
    x, y = data(CONFIGS["quick"], seed=1, **INPUTS["quick"])
    model.fit(x, y, epochs=2, verbose=0)
    print(f"backend={keras.backend.backend()} params={model.count_params()} logits={model.predict(x, verbose=0)}")
