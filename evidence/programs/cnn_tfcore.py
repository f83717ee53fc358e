"""Classify handwritten digits with a small convolutional network, written with TensorFlow core only.

``tf.Module``/``tf.Variable`` for parameters, ``tf.nn`` for convolution and pooling, ``tf.GradientTape``,
``tf.function`` and ``tf.data``; no Keras, so Adam is written here (TensorFlow has no optimizer outside Keras).
The ``ease_of_use`` experiment compares it with ``cnn_keras.py``: same data, model and hyper-parameters.

    python evidence/programs/cnn_tfcore.py
"""

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 42
EPOCHS = 15
BATCH_SIZE = 64
LEARNING_RATE = 2e-3
FILTERS = (16, 32)


def load_data(seed=SEED):
    """Scikit-learn's bundled digits as 8x8x1 images in [0, 1]: a stratified 80/20 train/test split."""
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    y = digits.target.astype("int32")
    return train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)


def glorot(shape, fan_in, fan_out):
    """A variable drawn from Keras's default initializer, Glorot-uniform."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return tf.Variable(tf.random.uniform(shape, -limit, limit))


class Conv(tf.Module):
    """A 3x3 'same' convolution with ReLU, then 2x2 max-pooling."""

    def __init__(self, channels_in, channels_out):
        super().__init__()
        self.kernel = glorot((3, 3, channels_in, channels_out), 9 * channels_in, 9 * channels_out)
        self.bias = tf.Variable(tf.zeros((channels_out,)))

    def __call__(self, x):
        x = tf.nn.relu(tf.nn.conv2d(x, self.kernel, strides=1, padding="SAME") + self.bias)
        return tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID")


class CNN(tf.Module):
    """8x8x1 -> conv 16 -> 4x4x16 -> conv 32 -> 2x2x32 -> 10 logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = Conv(1, FILTERS[0])
        self.conv2 = Conv(FILTERS[0], FILTERS[1])
        self.w = glorot((4 * FILTERS[1], 10), 4 * FILTERS[1], 10)
        self.b = tf.Variable(tf.zeros((10,)))

    def __call__(self, x):
        x = self.conv2(self.conv1(x))
        return tf.matmul(tf.reshape(x, (-1, 4 * FILTERS[1])), self.w) + self.b


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
    model = CNN()
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
