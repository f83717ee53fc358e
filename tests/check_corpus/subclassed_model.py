"""A subclassed keras.Model (layers created in __init__, wired in call) with keras.ops only."""

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="check_corpus")
class Residual(keras.Model):
    """A small residual MLP."""

    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = keras.layers.Dense(units, activation="relu")
        self.proj = keras.layers.Dense(units)
        self.head = keras.layers.Dense(1)

    def call(self, x):
        h = self.inner(x)
        return self.head(ops.relu(h + self.proj(h)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def build_model():
    model = Residual()
    model.compile(optimizer="adam", loss="mse")
    return model


def make_data():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((64, 5)).astype("float32")
    return x, (x[:, :1] - x[:, 1:2]).astype("float32")
