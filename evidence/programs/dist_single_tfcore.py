"""The TensorFlow-core starting point of the distributed experiment: a custom training loop on one device.

``tf.Module`` holds the weights, ``tf.GradientTape`` takes the gradients, SGD is one ``assign_sub`` per weight,
and the step is a ``tf.function``. ``dist_mirrored_tfcore.py`` and ``dist_multiworker_tfcore.py`` are this file
plus what going distributed needs; the experiment counts the difference.

    python evidence/programs/dist_single_tfcore.py --epochs 4
"""

from __future__ import annotations

import itertools
import time

import tensorflow as tf
from dist_task import (
    CLASSES,
    FEATURES,
    GLOBAL_BATCH,
    HIDDEN,
    LEARNING_RATE,
    SEED,
    glorot,
    make_data,
    parse_args,
    report,
)


class MLP(tf.Module):
    """The task's classifier: two ReLU layers, then the class logits."""

    def __init__(self):
        super().__init__()
        sizes = (FEATURES, HIDDEN, HIDDEN, CLASSES)
        self.kernels = [tf.Variable(glorot((a, b), SEED + i)) for i, (a, b) in enumerate(itertools.pairwise(sizes))]
        self.biases = [tf.Variable(tf.zeros([b])) for b in sizes[1:]]

    def __call__(self, x):
        for i, (kernel, bias) in enumerate(zip(self.kernels, self.biases, strict=True)):
            x = tf.matmul(x, kernel) + bias
            x = tf.nn.relu(x) if i < len(self.kernels) - 1 else x
        return x


def train(steps: int, epochs: int) -> dict:
    """Train for ``epochs`` epochs of ``steps`` global batches; return losses and seconds per epoch."""
    start = time.perf_counter()
    x, y = make_data(steps)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH)
    model = MLP()

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yb, model(xb)))
        grads = tape.gradient(loss, model.trainable_variables)
        for var, grad in zip(model.trainable_variables, grads, strict=True):
            var.assign_sub(LEARNING_RATE * grad)
        return loss

    setup_s = time.perf_counter() - start
    losses, seconds = [], []
    for _ in range(epochs):
        begin = time.perf_counter()
        step_losses = [train_step(xb, yb) for xb, yb in dataset]
        losses.append(float(tf.add_n(step_losses)) / len(step_losses))
        seconds.append(time.perf_counter() - begin)
    return {"losses": losses, "epoch_seconds": seconds, "setup_s": setup_s, "replicas": 1, "workers": 1}  # measurement


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    report(train(args.steps, args.epochs), args.out)
