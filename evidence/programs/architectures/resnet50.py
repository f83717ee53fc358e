"""ResNet-50 as Keras ships it: ``keras.applications.ResNet50(weights=None)``, library code used unchanged.

The whole architecture (50 layers, the 1,000-class head, 25.6 M weights) with random weights; nothing is
downloaded. ``keras.applications`` models come uncompiled, so this program compiles it (Adam, sparse categorical
cross-entropy on its softmax). Only the batch and the resolution are cut (see ``INPUTS``; the architecture is
defined at 224x224).

    KERAS_BACKEND=tensorflow python evidence/programs/architectures/resnet50.py
"""

from __future__ import annotations

import keras
import numpy as np

TITLE = "ResNet-50: keras.applications.ResNet50(weights=None)"
LIBRARY = "keras.applications"
SOURCE = "keras.applications.ResNet50(weights=None)"
REFERENCE = "https://keras.io/api/applications/resnet/#resnet50-function"
REQUIRES = ()
#: ResNet50's arguments (the input shape carries the resolution).
CONFIGS = {"full": {"input_shape": [224, 224, 3], "classes": 1000},
           "quick": {"input_shape": [32, 32, 3], "classes": 1000}}
PRESETS = {"full": None, "quick": None}
INPUTS = {"full": {"batch": 2}, "quick": {"batch": 2}}


def build(config: dict, seed: int) -> keras.Model:
    """ResNet-50 with random weights, compiled for its 1,000-way softmax."""
    keras.utils.set_random_seed(seed)
    model = keras.applications.ResNet50(weights=None, input_shape=tuple(config["input_shape"]),
                                        classes=config["classes"])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def data(config: dict, batch: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Images with pixel values in [0, 255] and class labels, the same in every process for the same arguments."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 255, (batch, *config["input_shape"])).astype("float32")
    return x, rng.integers(0, config["classes"], batch).astype("int32")


if __name__ == "__main__":
    model = build(CONFIGS["quick"], seed=1)
    x, y = data(CONFIGS["quick"], seed=1, **INPUTS["quick"])
    model.fit(x, y, epochs=2, verbose=0)
    top = model.predict(x, verbose=0).argmax(-1)
    print(f"backend={keras.backend.backend()} params={model.count_params()} top={top}")
