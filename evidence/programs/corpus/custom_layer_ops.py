"""A custom layer written with ``keras.ops``: trainable and non-trainable weights, a training flag, a config.

Modelled on keras.io's guide "Making new layers and models via subclassing": the layer of
``layer_tf_ops.py`` (attention pooling over time) written with ``keras.ops`` only, plus a non-trainable weight
that counts the batches seen in training (state updated with ``assign`` inside ``call``, which each backend's
trainer must carry: JAX's stateless step returns it) and ``get_config`` so that the model saves and reloads.

    KERAS_BACKEND=torch python evidence/programs/corpus/custom_layer_ops.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops

TITLE = "Custom layer with keras.ops, a trainable and a non-trainable weight, saved and reloaded"
MODELLED_ON = "https://keras.io/guides/making_new_layers_and_models_via_subclassing/"
FEATURES = ("subclassed layer", "add_weight", "non-trainable state", "get_config", ".keras save/load")
SEED = 7


@keras.saving.register_keras_serializable(package="kvt_corpus")
class AttentionPool(keras.layers.Layer):
    """Attention pooling over time; counts the training batches it has seen."""

    def __init__(self, scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def build(self, input_shape):
        self.score = self.add_weight(shape=(input_shape[-1], 1), initializer=keras.initializers.GlorotUniform(SEED),
                                     name="score")
        self.batches = self.add_weight(shape=(), initializer="zeros", trainable=False, name="batches")

    def call(self, inputs, training=False):
        if training:
            self.batches.assign(self.batches + 1.0)
        weights = ops.softmax(ops.matmul(inputs, self.score) * self.scale, axis=1)
        running = ops.cumsum(inputs, axis=1) / ops.cast(ops.shape(inputs)[1], inputs.dtype)
        return ops.sum(weights * (inputs + running), axis=1)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def make_data(samples: int = 96, steps: int = 6, features: int = 4):
    """Sequences whose target is the sum of their first feature over time."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, steps, features)).astype("float32")
    y = x[:, :, :1].sum(axis=1).astype("float32")
    return x, y


def build_model(steps: int = 6, features: int = 4) -> keras.Model:
    """Dense per step -> attention pooling -> Dense."""
    init = keras.initializers.GlorotUniform
    model = keras.Sequential([
        keras.Input(shape=(steps, features)),
        keras.layers.Dense(8, activation="relu", kernel_initializer=init(SEED)),
        AttentionPool(name="pool"),
        keras.layers.Dense(1, kernel_initializer=init(SEED + 1)),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return model


def run(epochs: int, workdir: str) -> dict:
    """Train, save, reload; check the counter counted every batch and the reloaded model predicts the same."""
    x, y = make_data()
    model = build_model()
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(x, y, verbose=0)
    path = Path(workdir) / "custom_layer_ops.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    same = np.allclose(keras.ops.convert_to_numpy(reloaded.predict(x, verbose=0)),
                       keras.ops.convert_to_numpy(model.predict(x, verbose=0)), atol=1e-6)
    counted = float(keras.ops.convert_to_numpy(model.get_layer("pool").batches.value))
    return {"loss_before": float(before), "loss_after": float(after),
            "checks": {"state counted every training batch": counted == epochs * len(x) // 16,
                       "reloaded model predicts the same": bool(same)}}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
