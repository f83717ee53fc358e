"""A custom layer whose call() uses a TensorFlow op (tf.math.cumsum) instead of keras.ops."""

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="check_corpus")
class TfCumsum(keras.layers.Layer):
    """A running sum of the inputs, written with TensorFlow."""

    def call(self, x):
        return tf.math.cumsum(x, axis=-1)


def build_model():
    inputs = keras.Input((6,))
    # A trainable layer before the op: its gradients have to flow back through the TensorFlow op.
    x = TfCumsum()(keras.layers.Dense(6)(inputs))
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model
