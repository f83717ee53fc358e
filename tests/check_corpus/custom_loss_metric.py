"""A custom loss and a custom metric, both written with keras.ops."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="check_corpus")
def smooth_l1(y_true, y_pred):
    """Huber-like loss with a threshold of 1."""
    diff = ops.abs(y_true - y_pred)
    return ops.mean(ops.where(diff < 1.0, 0.5 * diff**2, diff - 0.5), axis=-1)


@keras.saving.register_keras_serializable(package="check_corpus")
class MaxError(keras.metrics.Metric):
    """The largest absolute error seen."""

    def __init__(self, name="max_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.worst = self.add_variable(shape=(), initializer="zeros", name="worst")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.worst.assign(ops.maximum(self.worst, ops.max(ops.abs(y_true - y_pred))))

    def result(self):
        # A computed tensor, not the variable itself (see metric_returns_variable.py for why).
        return ops.convert_to_tensor(self.worst)


def build_model():
    inputs = keras.Input((5,))
    outputs = keras.layers.Dense(2)(keras.layers.Dense(8, activation="tanh")(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=smooth_l1, metrics=[MaxError()])
    return model
