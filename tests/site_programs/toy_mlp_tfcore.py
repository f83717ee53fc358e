"""Toy task, TensorFlow core version (shown by the site tests; never run)."""

import tensorflow as tf


class TwoLayer(tf.Module):
    """A two-layer classifier with explicit variables."""

    def __init__(self):
        super().__init__()
        self.w1 = tf.Variable(tf.random.normal((8, 16)))
        self.w2 = tf.Variable(tf.random.normal((16, 3)))

    @tf.function
    def __call__(self, x):
        return tf.nn.softmax(tf.nn.relu(x @ self.w1) @ self.w2)
