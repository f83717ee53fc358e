"""A subclassed model whose train_step is written JAX-style: stateless, taking and returning the model's state
(the JAX-backend recipe of the Keras guide "Customizing what happens in fit()")."""

import jax
import keras
import numpy as np


@keras.saving.register_keras_serializable(package="check_corpus")
class StatelessModel(keras.Model):
    """Two Dense layers trained by a hand-written JAX train_step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, x, training=False):
        return self.out(self.hidden(x))

    def compute_loss_and_updates(self, trainable, non_trainable, x, y, training=False):
        y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, training=training)
        return keras.ops.mean(keras.ops.square(y - y_pred)), (y_pred, non_trainable)

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_vars, metrics_vars = state
        x, y = data
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (loss, (_, non_trainable)), grads = grad_fn(trainable, non_trainable, x, y, training=True)
        trainable, optimizer_vars = self.optimizer.stateless_apply(optimizer_vars, grads, trainable)
        return {"loss": loss}, (trainable, non_trainable, optimizer_vars, metrics_vars)


def build_model():
    model = StatelessModel()
    model.compile(optimizer="sgd", loss="mse")
    return model


def make_data():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)
