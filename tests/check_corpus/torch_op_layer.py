"""A custom layer whose call() uses a PyTorch op (torch.nn.functional.softplus) instead of keras.ops."""

import keras
import torch


@keras.saving.register_keras_serializable(package="check_corpus")
class TorchSoftplus(keras.layers.Layer):
    """softplus, written with PyTorch."""

    def call(self, x):
        return torch.nn.functional.softplus(x)


def build_model():
    inputs = keras.Input((6,))
    # A trainable layer before the op: its gradients have to flow back through the PyTorch op.
    x = TorchSoftplus()(keras.layers.Dense(6)(inputs))
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model
