"""``dist_single_tfcore.py`` made model-parallel with TensorFlow's DTensor: the hidden layers' weights sharded.

What changed from the single-device program: a DTensor mesh with a ``model`` dimension over the devices;
each hidden layer's kernel and bias created as a ``dtensor.DVariable`` whose layout splits its output units over
that dimension (each device holds half of each hidden layer; the small output layer stays replicated); each
batch copied onto the mesh (replicated: no data parallelism); and the weights' shards read back after training
(marked ``measurement``). The ``tf.function`` step is the single-device program's: DTensor's SPMD expansion
inserts the collectives the sharded matmuls need. DTensor is under ``tf.experimental``.

On a machine without several devices, ``split_cpu`` turns the CPU into logical devices first (marked
``simulation``: not part of going distributed on real devices, and not counted by the experiment):

    python evidence/programs/dist_dtensor_tfcore.py --devices 2 --epochs 4
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
from tensorflow.experimental import dtensor


def split_cpu(count: int) -> None:  # simulation
    """Split the CPU into ``count`` logical devices; must run before TensorFlow starts its runtime."""
    cpu = tf.config.list_physical_devices("CPU")[0]  # simulation
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)  # simulation


class MLP(tf.Module):
    """The task's classifier: two ReLU layers, then the class logits; hidden layers split over ``mesh``."""

    def __init__(self, mesh):
        super().__init__()
        sizes = (FEATURES, HIDDEN, HIDDEN, CLASSES)
        self.kernels, self.biases = [], []
        for i, (a, b) in enumerate(itertools.pairwise(sizes)):
            split = "model" if i < len(sizes) - 2 else dtensor.UNSHARDED
            kernel = dtensor.copy_to_mesh(tf.constant(glorot((a, b), SEED + i)), dtensor.Layout.replicated(mesh, 2))
            self.kernels.append(dtensor.DVariable(
                dtensor.relayout(kernel, dtensor.Layout([dtensor.UNSHARDED, split], mesh))))
            self.biases.append(dtensor.DVariable(dtensor.call_with_layout(
                tf.zeros, dtensor.Layout([split], mesh), shape=[b])))

    def __call__(self, x):
        for i, (kernel, bias) in enumerate(zip(self.kernels, self.biases, strict=True)):
            x = tf.matmul(x, kernel) + bias
            x = tf.nn.relu(x) if i < len(self.kernels) - 1 else x
        return x


def shardings(model: MLP) -> list[dict]:  # measurement
    """How each hidden layer's variables are laid out: sharding specs and the shape of one device's shard."""
    out = []  # measurement
    pairs = enumerate(zip(model.kernels, model.biases, strict=True))  # measurement
    named = [(f"layer{i}/{kind}", var) for i, pair in pairs  # measurement
             for kind, var in zip(("kernel", "bias"), pair, strict=True)]
    for name, var in named:  # measurement
        layout = dtensor.fetch_layout(var)  # measurement
        out.append({"variable": name, "spec": str(layout.sharding_specs),  # measurement
                    "devices": len(layout.mesh.local_devices()), "global_shape": list(var.shape),
                    "shard_shape": list(dtensor.unpack(var.read_value())[0].shape)})
    return out  # measurement


def train(steps: int, epochs: int, devices: int) -> dict:
    """Train with the hidden layers split over ``devices`` CPU devices for ``epochs`` epochs of ``steps`` batches."""
    start = time.perf_counter()
    x, y = make_data(steps)
    mesh = dtensor.create_mesh([("model", devices)], devices=[f"CPU:{i}" for i in range(devices)])
    model = MLP(mesh)

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yb, model(xb)))
        grads = tape.gradient(loss, model.trainable_variables)
        for var, grad in zip(model.trainable_variables, grads, strict=True):
            var.assign_sub(LEARNING_RATE * grad)
        return loss

    batches = [(dtensor.copy_to_mesh(tf.constant(x[i:i + GLOBAL_BATCH]), dtensor.Layout.replicated(mesh, 2)),
                dtensor.copy_to_mesh(tf.constant(y[i:i + GLOBAL_BATCH]), dtensor.Layout.replicated(mesh, 1)))
               for i in range(0, len(x), GLOBAL_BATCH)]
    setup_s = time.perf_counter() - start
    losses, seconds = [], []
    for _ in range(epochs):
        begin = time.perf_counter()
        step_losses = [train_step(xb, yb) for xb, yb in batches]
        losses.append(sum(float(dtensor.unpack(loss)[0]) for loss in step_losses) / len(step_losses))
        seconds.append(time.perf_counter() - begin)
    return {"losses": losses, "epoch_seconds": seconds, "setup_s": setup_s, "replicas": devices,  # measurement
            "workers": 1, "sharding": shardings(model)}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    split_cpu(args.devices)  # simulation
    report(train(args.steps, args.epochs, args.devices), args.out)
