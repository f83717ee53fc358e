"""A Lambda layer holding TensorFlow code (a Python lambda calling tf.math.square)."""

import keras
import tensorflow as tf


def build_model():
    inputs = keras.Input((6,))
    # A trainable layer before the lambda: its gradients have to flow back through the TensorFlow op.
    x = keras.layers.Lambda(lambda t: tf.math.square(t))(keras.layers.Dense(6)(inputs))
    outputs = keras.layers.Dense(2)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model
