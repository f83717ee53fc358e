"""``dist_single_tfcore.py`` made data-parallel over several devices of one machine with ``MirroredStrategy``.

What changed from the single-device program: create the strategy and let it split each global batch across
the replicas (``experimental_distribute_dataset``); create the weights inside ``strategy.scope()`` (one mirrored
copy per device); scale each replica's loss by the global batch size; run the step on every replica with
``strategy.run``; add the replicas' gradients and losses with ``strategy.reduce`` before the update.

On a machine without several GPUs, ``split_cpu`` turns the CPU into logical devices first (marked
``simulation``: not part of going distributed on real devices, and not counted by the experiment):

    python evidence/programs/dist_mirrored_tfcore.py --devices 4 --epochs 4
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


def split_cpu(count: int) -> None:  # simulation
    """Split the CPU into ``count`` logical devices; must run before TensorFlow starts its runtime."""
    cpu = tf.config.list_physical_devices("CPU")[0]  # simulation
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)  # simulation


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


def train(steps: int, epochs: int, devices: int) -> dict:
    """Train on the first ``devices`` CPU devices for ``epochs`` epochs of ``steps`` global batches."""
    start = time.perf_counter()
    x, y = make_data(steps)
    strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(devices)])
    dataset = strategy.experimental_distribute_dataset(
        tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH))
    with strategy.scope():
        model = MLP()

    def replica_step(xb, yb):
        with tf.GradientTape() as tape:
            per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(yb, model(xb))
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=GLOBAL_BATCH)
        return loss, tape.gradient(loss, model.trainable_variables)

    @tf.function
    def train_step(xb, yb):
        loss, grads = strategy.run(replica_step, args=(xb, yb))
        for var, grad in zip(model.trainable_variables, grads, strict=True):
            var.assign_sub(LEARNING_RATE * strategy.reduce("SUM", grad, axis=None))
        return strategy.reduce("SUM", loss, axis=None)

    setup_s = time.perf_counter() - start
    losses, seconds = [], []
    for _ in range(epochs):
        begin = time.perf_counter()
        step_losses = [train_step(xb, yb) for xb, yb in dataset]
        losses.append(float(tf.add_n(step_losses)) / len(step_losses))
        seconds.append(time.perf_counter() - begin)
    return {"losses": losses, "epoch_seconds": seconds, "setup_s": setup_s,  # measurement
            "replicas": strategy.num_replicas_in_sync, "workers": 1}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    split_cpu(args.devices)  # simulation
    report(train(args.steps, args.epochs, args.devices), args.out)
