"""The deployment claim's models: the shared model zoo (``zoo.py``: real architectures from their configurations,
random weights, nothing downloaded) as a server receives them, one input and one output.

- ``resnet50``: ``keras.applications.ResNet50`` at 224x224, 1,000 classes (25.6 M weights); tiny: the same
  builder with one bottleneck block per stage at 32x32 (``zoo.CONFIGS``). Served with a softmax on the logits,
  as ``keras.applications``' default classifier does: probabilities.
- ``mobilenet_v3_small``: ``keras.applications.MobileNetV3Small`` at 224x224 (2.5 M weights), the mobile model
  taken to the phone and browser targets; tiny: the minimalistic variant at 32x32 with 10 classes. Softmax too.
- ``bert_base``: KerasHub's ``BertBackbone`` with BERT-base's configuration (12 layers, 12 heads, width 768,
  30,522-token vocabulary; 109 M weights) at sequence length 128; tiny: 2 layers, width 64, sequence 16. The
  served model takes token ids only (``int32``, batch x sequence): the padding mask is computed inside the graph
  from the ids (pad id 0) and the segment ids are zeros, so that every target sees one input and one output (the
  pooled ``[CLS]`` vector, tanh-bounded). Its embeddings, layer norms and attention are all exported.

``inputs(name, rows, quick)`` makes the inputs every artifact answers for, fixed by the zoo's seed (images from
``zoo.keras_inputs``; token ids with trailing padding).

    KERAS_BACKEND=jax python evidence/programs/deploy_zoo.py bert_base --quick
"""

from __future__ import annotations

import sys

import numpy as np
import zoo

MODELS = ("resnet50", "mobilenet_v3_small", "bert_base")
BUILDERS = {"resnet50": "keras.applications.ResNet50", "mobilenet_v3_small": "keras.applications.MobileNetV3Small",
            "bert_base": "keras_hub.models.BertBackbone"}


def config(name: str, quick: bool = False) -> dict:
    """The zoo's configuration of ``name`` in this mode, with the builder's name."""
    return {"builder": BUILDERS[name], **zoo.config(name, "tiny" if quick else "full")}


def build(name: str, quick: bool = False):
    """The served model ``name`` with the zoo's random weights: one input, one output."""
    import keras

    inner = zoo.build_keras(name, "tiny" if quick else "full")
    if name != "bert_base":
        probabilities = keras.layers.Activation("softmax", name="probabilities")(inner.output)
        return keras.Model(inner.input, probabilities, name=f"{inner.name}_served")
    length = config(name, quick)["sequence_length"]
    token_ids = keras.Input((length,), dtype="int32", name="token_ids")
    outputs = inner({"token_ids": token_ids, "padding_mask": keras.ops.not_equal(token_ids, 0),
                     "segment_ids": keras.ops.zeros_like(token_ids)})
    return keras.Model(token_ids, outputs["pooled_output"], name="bert_base_encoder")


def inputs(name: str, rows: int, quick: bool = False) -> np.ndarray:
    """``rows`` inputs for ``name``: the zoo's images, or token ids (never the pad id 0) with trailing padding."""
    size = "tiny" if quick else "full"
    if name != "bert_base":
        return np.asarray(zoo.keras_inputs(name, size, batch=rows)[0], dtype="float32")
    cfg = zoo.config(name, size)
    rng = np.random.default_rng(zoo.SEED)
    length = cfg["sequence_length"]
    ids = rng.integers(1, cfg["vocabulary_size"], size=(rows, length), dtype="int32")
    for i, keep in enumerate(rng.integers(length // 2, length + 1, size=rows)):
        ids[i, keep:] = 0
    return ids


if __name__ == "__main__":
    model_name = sys.argv[1] if len(sys.argv) > 1 else "resnet50"
    tiny = "--quick" in sys.argv
    m = build(model_name, tiny)
    print(model_name, m.count_params(), m.predict_on_batch(inputs(model_name, 2, tiny)).shape)
