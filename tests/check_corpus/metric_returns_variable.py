"""A custom metric written with keras.ops whose result() returns its state variable itself.

Under JAX, Keras builds a metric's state with jax.eval_shape, which sees the keras.Variable object; recent JAX
releases refuse to convert such objects through __jax_array__ (keras-team/keras#21719, keras-team/keras-hub#2479).
Returning ops.convert_to_tensor(self.worst) instead (custom_loss_metric.py) ports.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="check_corpus")
class WorstError(keras.metrics.Metric):
    """The largest absolute error seen."""

    def __init__(self, name="worst_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.worst = self.add_variable(shape=(), initializer="zeros", name="worst")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.worst.assign(ops.maximum(self.worst, ops.max(ops.abs(y_true - y_pred))))

    def result(self):
        return self.worst


def build_model():
    inputs = keras.Input((5,))
    outputs = keras.layers.Dense(2)(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=[WorstError()])
    return model
