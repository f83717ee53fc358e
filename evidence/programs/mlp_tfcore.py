"""Classify handwritten digits with a multilayer perceptron, written with TensorFlow core only.

``tf.Module`` and ``tf.Variable`` hold the parameters, ``tf.GradientTape`` differentiates, ``tf.function``
compiles the training step and ``tf.data`` batches; no Keras. TensorFlow has no optimizer outside Keras
(``tf.keras.optimizers`` *is* Keras 3), so, like TensorFlow's own "Core APIs" guides, this file writes Adam.
The ``ease_of_use`` experiment compares it with ``mlp_keras.py``: same data, model and hyper-parameters.

    python evidence/programs/mlp_tfcore.py
"""

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 42
EPOCHS = 30
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
HIDDEN_UNITS = 64


def load_data(seed=SEED):
    """Scikit-learn's bundled 8x8 digits, scaled to [0, 1]: a stratified 80/20 train/test split."""
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    return train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)


class Dense(tf.Module):
    """A fully connected layer with Glorot-uniform weights and zero biases (Keras's defaults)."""

    def __init__(self, n_in, n_out, activation=None):
        super().__init__()
        limit = np.sqrt(6.0 / (n_in + n_out))
        self.w = tf.Variable(tf.random.uniform((n_in, n_out), -limit, limit))
        self.b = tf.Variable(tf.zeros((n_out,)))
        self.activation = activation

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return self.activation(y) if self.activation else y


class MLP(tf.Module):
    """64 pixels -> 64 ReLU units -> 10 logits."""

    def __init__(self):
        super().__init__()
        self.hidden = Dense(64, HIDDEN_UNITS, tf.nn.relu)
        self.out = Dense(HIDDEN_UNITS, 10)

    def __call__(self, x):
        return self.out(self.hidden(x))


class Adam(tf.Module):
    """Adam with Keras's defaults (beta_1 0.9, beta_2 0.999, epsilon 1e-7)."""

    def __init__(self, params, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__()
        self.params = params
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = learning_rate, beta_1, beta_2, epsilon
        self.step = tf.Variable(0.0)
        self.m = [tf.Variable(tf.zeros_like(p)) for p in params]
        self.v = [tf.Variable(tf.zeros_like(p)) for p in params]

    def apply(self, grads):
        self.step.assign_add(1.0)
        alpha = self.learning_rate * tf.sqrt(1 - self.beta_2**self.step) / (1 - self.beta_1**self.step)
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m.assign(self.beta_1 * m + (1 - self.beta_1) * g)
            v.assign(self.beta_2 * v + (1 - self.beta_2) * tf.square(g))
            p.assign_sub(alpha * m / (tf.sqrt(v) + self.epsilon))


def loss_fn(model, x, y):
    """Mean cross-entropy of the model's logits against integer labels."""
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=model(x)))


def accuracy_of(model, x, y):
    """Fraction of ``x`` whose most likely class is ``y``."""
    predicted = tf.argmax(model(x), axis=1, output_type=tf.int32)
    return float(tf.reduce_mean(tf.cast(predicted == y, tf.float32)))


def run(epochs=EPOCHS, seed=SEED):
    """Train for ``epochs`` and return the test accuracy."""
    tf.random.set_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = MLP()
    optimizer = Adam(model.trainable_variables, LEARNING_RATE)
    batches = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
               .shuffle(len(x_train), seed=seed).batch(BATCH_SIZE))

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(model, x, y)
        optimizer.apply(tape.gradient(loss, model.trainable_variables))
        return loss

    for _ in range(epochs):
        for x, y in batches:
            train_step(x, y)
    return {"accuracy": accuracy_of(model, x_test, y_test), "epochs_run": epochs}


if __name__ == "__main__":
    print(run())
