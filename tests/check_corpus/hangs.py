"""A model whose layer never returns (a loop that waits forever): the check must stop it at --timeout."""

import time

import keras


@keras.saving.register_keras_serializable(package="check_corpus")
class Stuck(keras.layers.Layer):
    """Waits for a condition that never comes."""

    def call(self, x):
        while True:
            time.sleep(0.5)


def build_model():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, Stuck()(inputs))
    model.compile(optimizer="sgd", loss="mse")
    return model
