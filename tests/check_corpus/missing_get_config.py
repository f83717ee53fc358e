"""A registered custom layer whose __init__ takes a NumPy array (a scale per feature) but which defines no
get_config(): Keras 3 writes the config of plain arguments (numbers, strings) itself, not of an array, so
model.save fails, under every backend, the one it was written on included."""

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="check_corpus")
class Scale(keras.layers.Layer):
    """Multiplies each feature by a fixed factor."""

    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return ops.multiply(x, self.factor)


def build_model():
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1)(Scale(np.array([1.0, 2.0, 0.5, 1.0], dtype="float32"))(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    return model
