"""``dist_single_tfcore.py`` made data-parallel over worker processes with ``MultiWorkerMirroredStrategy``.

What changed from the single-device program: create the strategy (it reads the cluster and this worker's
index from ``TF_CONFIG``, which whoever starts the workers sets; see ``dist_launch.py``); give each worker its
share of every global batch (``distribute_datasets_from_function``: worker ``i`` of ``n`` takes every ``n``-th
sample, so the workers' shares of a step make up the single-device program's batch); create the weights
inside ``strategy.scope()``; scale each replica's loss by the global batch size; run the step with
``strategy.run``; add the replicas' gradients and losses across workers with ``strategy.reduce``. Every worker
runs this same file; the experiment starts two on loopback ports:

    TF_CONFIG='{"cluster": {"worker": ["127.0.0.1:2222", "127.0.0.1:2223"]}, "task": {"type": "worker", "index": 0}}' \\
        python evidence/programs/dist_multiworker_tfcore.py   # and index 1 beside it
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
    """Train for ``epochs`` epochs of ``steps`` global batches, shared by every worker of ``TF_CONFIG``."""
    start = time.perf_counter()
    x, y = make_data(steps)
    strategy = tf.distribute.MultiWorkerMirroredStrategy()

    def dataset_fn(context):
        shard = tf.data.Dataset.from_tensor_slices((x, y)).shard(context.num_input_pipelines,
                                                                 context.input_pipeline_id)
        return shard.batch(context.get_per_replica_batch_size(GLOBAL_BATCH))

    dataset = strategy.distribute_datasets_from_function(dataset_fn)
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
            "replicas": strategy.num_replicas_in_sync,
            "workers": strategy.cluster_resolver.cluster_spec().num_tasks("worker")}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    report(train(args.steps, args.epochs), args.out)
