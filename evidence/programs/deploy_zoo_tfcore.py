"""The deployment claim's models for TensorFlow without Keras's export: a ``tf.Module`` with a typed ``__call__``.

TensorFlow has no ResNet-50, MobileNetV3 or BERT of its own outside Keras: ``tf.keras.applications`` is Keras, and
the TensorFlow Model Garden builds its ResNet and BERT from Keras layers too. So the TensorFlow-core option holds
the same layers (``deploy_zoo.build``, under the TensorFlow backend) in a ``tf.Module`` whose ``__call__`` is a
``tf.function`` with an input signature (variable batch), and exports that module with TensorFlow's own APIs only
(``tf.saved_model.save``, ``tf.lite.TFLiteConverter.from_concrete_functions``, ``tf2onnx.convert.from_function``,
``openvino.convert_model``): the steps a TensorFlow user writes. The signature is what TensorFlow asks for: without
one there is no serving signature and no concrete function to convert.
"""

from __future__ import annotations

import tensorflow as tf


def module_for(model) -> tf.Module:
    """``model``'s forward pass as a ``tf.Module`` whose ``__call__`` takes a batch of any size."""
    spec = tf.TensorSpec([None, *model.input_shape[1:]], model.inputs[0].dtype)

    class Served(tf.Module):
        def __init__(self, layers):
            super().__init__(name="served")
            self.layers = layers

        @tf.function(input_signature=[spec])
        def __call__(self, x):
            return self.layers(x, training=False)

    return Served(model)
