"""A model with a custom layer, saved as a .keras file: `python custom_object_model.py OUT.keras` writes it.

The .keras format stores the layer's config and weights, not its code; a process that loads the file needs the
class registered (this module imported), which `kvt check FILE --custom-objects custom_object_model.py` does.
"""

import sys

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="check_corpus")
class Gate(keras.layers.Layer):
    """x * sigmoid(w * x), with a learned w per feature."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * ops.sigmoid(self.w * x)


def build_model():
    inputs = keras.Input((6,))
    outputs = keras.layers.Dense(3)(Gate()(keras.layers.Dense(6)(inputs)))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model


if __name__ == "__main__":
    build_model().save(sys.argv[1])
