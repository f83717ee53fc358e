"""A subclassed model whose train_step is written with tf.GradientTape (the TensorFlow-backend recipe of the
Keras guide "Customizing what happens in fit()")."""

import keras
import numpy as np
import tensorflow as tf


@keras.saving.register_keras_serializable(package="check_corpus")
class TapeModel(keras.Model):
    """Two Dense layers trained by a hand-written TensorFlow train_step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def build_model():
    model = TapeModel()
    model.compile(optimizer="sgd", loss="mse")
    return model


def make_data():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)
