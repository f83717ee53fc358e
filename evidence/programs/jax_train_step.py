"""A custom ``train_step`` written for the JAX backend, next to a portable customisation of training.

``JaxStepModel`` follows the Keras guide "Customizing what happens in fit() with JAX": a stateless
``train_step(self, state, data)`` that takes gradients with ``jax.value_and_grad`` over ``stateless_call`` and
applies them with ``optimizer.stateless_apply``. Only the JAX trainer calls ``train_step`` with a state; the
TensorFlow and PyTorch trainers call ``train_step(data)`` and expect the step to update variables in place
(``tf.GradientTape`` there, ``loss.backward()`` under torch), so a custom step is written once per backend.
``PortableLossModel`` customises training the backend-neutral way instead: it overrides ``compute_loss``
(adding an L2 penalty with ``keras.ops``) and leaves the step to each backend's own trainer.

``attempt(kind)`` trains one of them for one epoch on a few samples; the ``backend_portability`` experiment
calls it under each backend and records whether it worked and, if not, the error.

    KERAS_BACKEND=torch python evidence/programs/jax_train_step.py jax
"""

from __future__ import annotations

import sys

import keras
import numpy as np

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
        # Imported here so that, where JAX is not installed, the error is this step's, not the module's.
        import jax

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


class PortableLossModel(keras.Model):
    """The portable way to change training: override ``compute_loss`` with ``keras.ops``, keep the step."""

    def __init__(self, l2: float = 1e-3, **kwargs):
        super().__init__(**kwargs)
        init = keras.initializers.GlorotUniform
        self.hidden = keras.layers.Dense(8, activation="relu", kernel_initializer=init(seed=SEED))
        self.out = keras.layers.Dense(1, kernel_initializer=init(seed=SEED + 1))
        self.l2 = l2

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        penalty = sum(keras.ops.sum(keras.ops.square(w)) for w in self.trainable_weights if len(w.shape) == 2)
        return loss + self.l2 * penalty


def attempt(kind: str, samples: int = 32) -> dict:
    """Train the model of ``kind`` (``"jax"`` or ``"portable"``) for one epoch; raises what the backend raises.

    Returns the loss after the epoch and whether it is finite.
    """
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(samples, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True).astype("float32")
    if kind == "jax":
        model = JaxStepModel()
        model.compile(optimizer="sgd")  # the loss lives in train_step
    else:
        model = PortableLossModel()
        model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    loss = float(history.history["loss"][-1])
    return {"loss": loss, "finite": bool(np.isfinite(loss))}


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "jax"
    print(f"backend={keras.backend.backend()} train step={which}: {attempt(which)}")
