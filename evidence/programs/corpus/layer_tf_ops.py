"""A custom layer whose ``call`` uses TensorFlow ops: code written for tf.keras and carried into Keras 3.

Modelled on keras.io's guide "Making new layers and models via subclassing", as a tf.keras user wrote it before
Keras 3: the layer pools a sequence with a learned attention score, with ``tf.nn.softmax``, ``tf.reduce_sum`` and
``tf.math.cumsum``. Keras 3 hands a layer the tensors of whatever backend runs (a JAX tracer under jax, a
``torch.Tensor`` under torch), and TensorFlow ops cannot trace or differentiate those. The same layer written with
``keras.ops`` is ``custom_layer_ops.py``.

    KERAS_BACKEND=jax python evidence/programs/corpus/layer_tf_ops.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import tensorflow as tf

TITLE = "Custom layer calling TensorFlow ops (tf.nn.softmax, tf.reduce_sum, tf.math.cumsum)"
MODELLED_ON = "https://keras.io/guides/making_new_layers_and_models_via_subclassing/"
FEATURES = ("subclassed layer", "add_weight", "TensorFlow ops in call")
SEED = 7


class TfAttentionPool(keras.layers.Layer):
    """Attention pooling over time written with TensorFlow ops."""

    def build(self, input_shape):
        self.score = self.add_weight(shape=(input_shape[-1], 1), initializer=keras.initializers.GlorotUniform(SEED),
                                     name="score")

    def call(self, inputs):
        weights = tf.nn.softmax(tf.matmul(inputs, self.score), axis=1)
        running = tf.math.cumsum(inputs, axis=1) / tf.cast(tf.shape(inputs)[1], inputs.dtype)
        return tf.reduce_sum(weights * (inputs + running), axis=1)


def make_data(samples: int = 96, steps: int = 6, features: int = 4):
    """Sequences whose target is the sum of their first feature over time: a task pooling can learn."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, steps, features)).astype("float32")
    y = x[:, :, :1].sum(axis=1).astype("float32")
    return x, y


def build_model(steps: int = 6, features: int = 4) -> keras.Model:
    """Dense per step -> TensorFlow attention pooling -> Dense."""
    init = keras.initializers.GlorotUniform
    model = keras.Sequential([
        keras.Input(shape=(steps, features)),
        keras.layers.Dense(8, activation="relu", kernel_initializer=init(SEED)),
        TfAttentionPool(),
        keras.layers.Dense(1, kernel_initializer=init(SEED + 1)),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return model


def run(epochs: int, workdir: str) -> dict:
    """Train for ``epochs``; return the loss on the training data before and after."""
    x, y = make_data()
    model = build_model()
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return {"loss_before": float(before), "loss_after": float(model.evaluate(x, y, verbose=0))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
