"""Extending a Keras model with TensorFlow's own tools: tf ops, a GradientTape step and loop, tf.custom_gradient,
and a C++ op compiled with g++ and loaded with ``tf.load_op_library``.

These are the routes TensorFlow's guides give ("Create an op", "Writing a training loop from scratch",
``tf.custom_gradient``), used inside a Keras model on the TensorFlow backend. The ``extensibility`` experiment runs
them there as keras-tensorflow's own routes, and under jax and torch as a measure of portability (code that calls
TensorFlow is not expected to run on another engine). TensorFlow is imported inside each function, so that on
another backend each attempt fails on its own. The C++ op (``swish_op.cc``) is compiled at run time into the run's
temporary folder:

    KERAS_BACKEND=tensorflow python evidence/programs/extensions_tensorflow.py custom_gradient
    KERAS_BACKEND=tensorflow python evidence/programs/extensions_tensorflow.py compiled_op /tmp/run/swish_op.so
"""

import sys

import keras
from extensions_check import softplus, swish
from extensions_keras import (
    LEARNING_RATE,
    Regressor,
    attempt_dense_layer,
    attempt_function,
    attempt_step_model,
    attempt_training_loop,
)


class TfDense(keras.layers.Layer):
    """A dense layer calling TensorFlow ops directly, as TensorFlow-era Keras code does."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, x):
        import tensorflow as tf

        return tf.matmul(x, self.w) + self.b


class TfStepModel(Regressor):
    """A custom ``train_step`` for the TensorFlow backend (Keras guide: ``tf.GradientTape``)."""

    def train_step(self, data):
        import tensorflow as tf

        x, y = data
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(self(x, training=True) - y))
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


def tape_loop(model, x, y, steps):
    """A hand-written training loop around a Keras model, TensorFlow style: ``tf.GradientTape``."""
    import tensorflow as tf

    optimizer = keras.optimizers.SGD(LEARNING_RATE)
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(x, training=True) - y))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        losses.append(float(loss))
    return losses


def tf_log1pexp(x):
    """log(1 + e^x) with ``tf.custom_gradient``, as TensorFlow's documentation writes it."""
    import tensorflow as tf

    @tf.custom_gradient
    def f(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))

        return tf.math.log(1 + e), grad

    return f(x)


def load_swish_op(library_path):
    """Load the compiled ``KvtSwish`` op and register its gradient with TensorFlow (once per process)."""
    import tensorflow as tf

    library = tf.load_op_library(library_path)
    try:
        @tf.RegisterGradient("KvtSwish")
        def _swish_grad(op, upstream):
            s = tf.sigmoid(op.inputs[0])
            return upstream * (s + op.inputs[0] * s * (1 - s))
    except KeyError:  # already registered by an earlier call in this process
        pass
    return library.kvt_swish


class CppSwish(keras.layers.Layer):
    """A Keras layer that runs the compiled TensorFlow op."""

    def __init__(self, library_path, **kwargs):
        super().__init__(**kwargs)
        self.swish = load_swish_op(library_path)

    def call(self, x):
        return self.swish(x)


ATTEMPTS = {
    "layer": lambda: attempt_dense_layer(TfDense(8, name="tf_dense")),
    "train_step": lambda: attempt_step_model(TfStepModel),
    "training_loop": lambda: attempt_training_loop(tape_loop),
    "custom_gradient": lambda: attempt_function(tf_log1pexp, softplus, stable_at=100.0),
    "compiled_op": lambda library: attempt_function(CppSwish(library, name="cpp_swish"), swish),
}


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "layer"
    result = ATTEMPTS[name](*sys.argv[2:3])
    print(f"backend={keras.backend.backend()} {name}: {result}")
