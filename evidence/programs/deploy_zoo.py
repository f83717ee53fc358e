"""The deployment claim's models: real architectures built from their configurations, with random weights.

Nothing is downloaded: ``keras.applications`` with ``weights=None`` and KerasHub backbones from their configs.
Each model has a full configuration (the architecture as published: every layer, real widths) and a tiny one of
the same family for quick mode and CI. The same code builds the model under every Keras backend.

- ``resnet50``: ``keras.applications.ResNet50`` at 224x224, 1000 classes (25.6 M weights). Tiny: KerasHub's
  ``ResNetBackbone`` with two bottleneck stages (64 and 128 filters) of one block each at 32x32, then
  pooling and a softmax head.
- ``mobilenet_v3_small``: ``keras.applications.MobileNetV3Small`` at 224x224 (2.5 M weights), the mobile
  model taken to the phone and browser targets. Tiny: the same at 64x64 with ``alpha=0.75`` and 10 classes.
- ``bert_base``: KerasHub's ``BertBackbone`` with BERT-base's configuration (12 layers, 12 heads, width 768,
  30,522-token vocabulary; 109 M weights), sequence length 128. The served model takes token ids only
  (``int32``, batch x sequence): the padding mask is computed inside the graph from the ids (pad id 0) and the
  segment ids are zeros, so that every target sees one input and one output (the pooled ``[CLS]`` vector).
  Tiny: 2 layers, 2 heads, width 64, 1,000 tokens, sequence 16.

``inputs(name, rows, seed, quick)`` makes the inputs every artifact answers for (images of the model's size,
token ids with trailing padding), fixed by the seed.

    KERAS_BACKEND=jax python evidence/programs/deploy_zoo.py bert_base --quick
"""

from __future__ import annotations

import sys

import keras
import numpy as np

SEED = 1337
MODELS = ("resnet50", "mobilenet_v3_small", "bert_base")

#: Every model's configuration, full and tiny. Recorded in the claim's result.
CONFIGS: dict[str, dict[str, dict]] = {
    "resnet50": {
        "full": {"builder": "keras.applications.ResNet50", "image_size": 224, "classes": 1000},
        "tiny": {"builder": "keras_hub.models.ResNetBackbone", "image_size": 32, "classes": 10,
                 "input_conv_filters": [64], "input_conv_kernel_sizes": [7], "stackwise_num_filters": [64, 128],
                 "stackwise_num_blocks": [1, 1], "stackwise_num_strides": [1, 2],
                 "block_type": "bottleneck_block"},
    },
    "mobilenet_v3_small": {
        "full": {"builder": "keras.applications.MobileNetV3Small", "image_size": 224, "classes": 1000,
                 "alpha": 1.0},
        "tiny": {"builder": "keras.applications.MobileNetV3Small", "image_size": 64, "classes": 10, "alpha": 0.75},
    },
    "bert_base": {
        "full": {"builder": "keras_hub.models.BertBackbone", "vocabulary_size": 30522, "num_layers": 12,
                 "num_heads": 12, "hidden_dim": 768, "intermediate_dim": 3072, "max_sequence_length": 512,
                 "sequence_length": 128},
        "tiny": {"builder": "keras_hub.models.BertBackbone", "vocabulary_size": 1000, "num_layers": 2,
                 "num_heads": 2, "hidden_dim": 64, "intermediate_dim": 128, "max_sequence_length": 64,
                 "sequence_length": 16},
    },
}


def config(name: str, quick: bool = False) -> dict:
    """The configuration ``name`` is built from in this mode."""
    return dict(CONFIGS[name]["tiny" if quick else "full"])


def _resnet50(cfg: dict) -> keras.Model:
    size = cfg["image_size"]
    if cfg["builder"] == "keras.applications.ResNet50":
        return keras.applications.ResNet50(weights=None, input_shape=(size, size, 3), classes=cfg["classes"])
    import keras_hub

    backbone = keras_hub.models.ResNetBackbone(
        input_conv_filters=cfg["input_conv_filters"], input_conv_kernel_sizes=cfg["input_conv_kernel_sizes"],
        stackwise_num_filters=cfg["stackwise_num_filters"], stackwise_num_blocks=cfg["stackwise_num_blocks"],
        stackwise_num_strides=cfg["stackwise_num_strides"], block_type=cfg["block_type"],
        image_shape=(size, size, 3))
    images = keras.Input((size, size, 3), name="images")
    pooled = keras.layers.GlobalAveragePooling2D()(backbone(images))
    return keras.Model(images, keras.layers.Dense(cfg["classes"], activation="softmax")(pooled), name="resnet_tiny")


def _mobilenet(cfg: dict) -> keras.Model:
    size = cfg["image_size"]
    return keras.applications.MobileNetV3Small(weights=None, input_shape=(size, size, 3), classes=cfg["classes"],
                                               alpha=cfg["alpha"])


def _bert(cfg: dict) -> keras.Model:
    import keras_hub

    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=cfg["vocabulary_size"], num_layers=cfg["num_layers"], num_heads=cfg["num_heads"],
        hidden_dim=cfg["hidden_dim"], intermediate_dim=cfg["intermediate_dim"],
        max_sequence_length=cfg["max_sequence_length"])
    token_ids = keras.Input((cfg["sequence_length"],), dtype="int32", name="token_ids")
    outputs = backbone({"token_ids": token_ids, "padding_mask": keras.ops.not_equal(token_ids, 0),
                        "segment_ids": keras.ops.zeros_like(token_ids)})
    return keras.Model(token_ids, outputs["pooled_output"], name="bert_base_encoder")


def build(name: str, quick: bool = False, seed: int = SEED) -> keras.Model:
    """The model ``name`` with random weights (seeded), ready to predict."""
    keras.utils.set_random_seed(seed)
    cfg = config(name, quick)
    return {"resnet50": _resnet50, "mobilenet_v3_small": _mobilenet, "bert_base": _bert}[name](cfg)


def inputs(name: str, rows: int, seed: int = SEED, quick: bool = False) -> np.ndarray:
    """``rows`` inputs for ``name``: images in [0, 255) (MobileNetV3 rescales them itself; ResNet-50's
    caffe-style preprocessing is a constant shift, left out) or token ids with trailing padding."""
    cfg = config(name, quick)
    rng = np.random.default_rng(seed)
    if name == "bert_base":
        length = cfg["sequence_length"]
        ids = rng.integers(1, cfg["vocabulary_size"], size=(rows, length), dtype="int32")
        for i, keep in enumerate(rng.integers(length // 2, length + 1, size=rows)):
            ids[i, keep:] = 0
        return ids
    size = cfg["image_size"]
    scale = 1.0 if name == "resnet50" else 255.0
    return (rng.random((rows, size, size, 3), dtype="float32") * scale).astype("float32")


if __name__ == "__main__":
    model_name = sys.argv[1] if len(sys.argv) > 1 else "resnet50"
    tiny = "--quick" in sys.argv
    m = build(model_name, tiny)
    print(model_name, m.count_params(), m.predict_on_batch(inputs(model_name, 2, quick=tiny)).shape)
