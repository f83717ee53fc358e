"""A registered custom layer whose __init__ takes an argument (factor) but which defines no get_config(): Keras 3
cannot write its config, so model.save fails, under every backend, the one it was written on included."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="check_corpus")
class Scale(keras.layers.Layer):
    """Multiplies its input by a fixed factor."""

    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return ops.multiply(x, self.factor)


def build_model():
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1)(Scale(2.0)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    return model
