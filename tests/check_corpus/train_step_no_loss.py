"""A model whose train_step (Keras 3's compute_loss recipe, on every backend) returns only a metric, no "loss":
it trains, and Keras logs what train_step returned, so there is no loss to compare across backends."""

import keras
import numpy as np


@keras.saving.register_keras_serializable(package="check_corpus")
class NoLossLogged(keras.Model):
    """Dense layers; test_step and train_step report mean absolute error only."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(1)
        self.mae = keras.metrics.MeanAbsoluteError(name="mae")

    def call(self, x):
        return self.dense(x)

    def train_step(self, *args):
        data = args[-1]  # (data) on TensorFlow and PyTorch; JAX passes (state, data) and is not asked here
        x, y = data
        self.mae.update_state(y, self(x))
        return {"mae": self.mae.result()}


def build_model():
    model = NoLossLogged()
    model.compile(optimizer="sgd", loss="mse")
    return model


def make_data():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((32, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)
