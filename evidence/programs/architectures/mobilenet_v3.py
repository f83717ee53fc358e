"""MobileNetV3-Small as Keras ships it: ``keras.applications.MobileNetV3Small(weights=None)``, unchanged.

The mobile model of the zoo: the whole architecture (its built-in rescaling, hard-swish blocks, squeeze-and-excite
and the 1,000-class head, 2.6 M weights) with random weights; nothing is downloaded. ``keras.applications`` models
come uncompiled, so this program compiles it (Adam, sparse categorical cross-entropy on its softmax). Only the batch
and, in quick mode, the resolution are cut (see ``INPUTS``).

    KERAS_BACKEND=jax python evidence/programs/architectures/mobilenet_v3.py
"""

from __future__ import annotations

import keras
import numpy as np

TITLE = "MobileNetV3-Small: keras.applications.MobileNetV3Small(weights=None)"
LIBRARY = "keras.applications"
SOURCE = "keras.applications.MobileNetV3Small(weights=None)"
REFERENCE = "https://keras.io/api/applications/mobilenet/#mobilenetv3small-function"
REQUIRES = ()
CONFIGS = {"full": {"input_shape": [224, 224, 3], "classes": 1000},
           "quick": {"input_shape": [32, 32, 3], "classes": 1000}}
PRESETS = {"full": None, "quick": None}
INPUTS = {"full": {"batch": 4}, "quick": {"batch": 2}}


def build(config: dict, seed: int) -> keras.Model:
    """MobileNetV3-Small with random weights, compiled for its 1,000-way softmax."""
    keras.utils.set_random_seed(seed)
    model = keras.applications.MobileNetV3Small(weights=None, input_shape=tuple(config["input_shape"]),
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
