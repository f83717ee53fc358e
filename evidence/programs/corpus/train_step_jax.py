"""A custom ``train_step`` written for the JAX backend, as keras.io's JAX guide to customising ``fit()`` shows.

``JaxStepModel`` follows "Customizing what happens in fit() with JAX": a stateless ``train_step(self, state,
data)`` that takes gradients with ``jax.value_and_grad`` over ``stateless_call`` and applies them with
``optimizer.stateless_apply``. Only the JAX trainer calls ``train_step`` with a state; the TensorFlow and PyTorch
trainers call ``train_step(data)`` and expect the step to update variables in place (``tf.GradientTape`` there,
``loss.backward()`` under torch), so keras.io has one such guide per backend. The portable way to change what
training minimises is ``compute_loss_override.py``.

    KERAS_BACKEND=torch python evidence/programs/corpus/train_step_jax.py
"""

from __future__ import annotations

import tempfile

import jax
import keras
import numpy as np

TITLE = "Custom train_step in JAX's stateless style (jax.value_and_grad, stateless_apply)"
MODELLED_ON = "https://keras.io/guides/custom_train_step_in_jax/"
FEATURES = ("subclassed model", "custom train_step", "jax.value_and_grad", "stateless_call")
SEED = 11


class JaxStepModel(keras.Model):
    """A model whose training step is written in JAX's stateless style."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        init = keras.initializers.GlorotUniform
        self.hidden = keras.layers.Dense(8, activation="relu", kernel_initializer=init(seed=SEED))
        self.out = keras.layers.Dense(1, kernel_initializer=init(seed=SEED + 1))
        self.loss_fn = keras.losses.MeanSquaredError()
        self.loss_tracker = keras.metrics.Mean(name="loss")

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))

    @property
    def metrics(self):
        return [self.loss_tracker]

    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables, x, y, training=False):
        """Loss of one batch as a pure function of the variables, as ``jax.value_and_grad`` needs."""
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training)
        return self.loss_fn(y, y_pred), (y_pred, non_trainable_variables)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        x, y = data
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (_, non_trainable_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, x, y, training=True)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        metrics_variables = self.loss_tracker.stateless_update_state(metrics_variables, loss)
        logs = {"loss": self.loss_tracker.stateless_result(metrics_variables)}
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables)


def make_data(samples: int = 64):
    """A linear target of four features."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True).astype("float32")


def run(epochs: int, workdir: str) -> dict:
    """Train with the JAX step; return the mean squared error on the training data before and after."""
    x, y = make_data()
    model = JaxStepModel()
    model.compile(optimizer=keras.optimizers.SGD(0.05))  # the loss lives in train_step
    mse = keras.losses.MeanSquaredError()
    before = float(mse(y, model.predict(x, verbose=0)))
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    return {"loss_before": before, "loss_after": float(mse(y, model.predict(x, verbose=0)))}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
