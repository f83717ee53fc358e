"""A model that trains everywhere but does not export everywhere: a layer written with keras.ops only, whose
``keras.ops.svd`` lowers on TensorFlow to the ``Svd`` op, which LiteRT's built-in op set and tf2onnx lack."""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="kvt_corpus")
class SpectralNorm(layers.Layer):
    """Scales each sample's 4x4 reshaped features by their largest singular value."""

    def call(self, x):
        matrices = ops.reshape(x, (-1, 4, 4))
        singular = ops.svd(matrices, compute_uv=False)
        return x / (singular[:, :1] + 1.0)


def build_model():
    inputs = keras.Input((16,))
    x = layers.Dense(16, name="project")(inputs)
    x = SpectralNorm(name="spectral_norm")(x)
    outputs = layers.Dense(2, name="head")(x)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    return model
