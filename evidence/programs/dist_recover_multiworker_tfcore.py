"""``dist_multiworker_tfcore.py`` made to survive a lost worker: ``tf.train.CheckpointManager``, and a restart.

TensorFlow's fault-tolerance guide gives a custom training loop ``tf.train.Checkpoint`` and
``tf.train.CheckpointManager``: save the training state periodically, and when the job is brought back (the
scheduler's part) restore the latest checkpoint and go on. Under ``MultiWorkerMirroredStrategy`` every worker
takes part in saving, the chief into the checkpoint folder and the others into folders of their own that are
never read (TensorFlow's multi-worker tutorial). What changed from ``dist_multiworker_tfcore.py``: the
checkpoint of the model and the epoch reached, restored when the program starts, saved after every epoch; and
the step counter the experiment reads to kill a worker part-way through training (marked ``measurement``).
Started like ``dist_multiworker_tfcore.py``, with ``--run-dir`` and ``--checkpoint-dir``; run it again after a
failure and it resumes.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

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
    progress,
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


def train(steps: int, epochs: int, run_dir: Path, checkpoint_dir: Path) -> dict:
    """Train for ``epochs`` epochs of ``steps`` global batches from the latest checkpoint, saving one each epoch."""
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
        epoch_reached = tf.Variable(0)
    rank = strategy.cluster_resolver.task_id
    checkpoint = tf.train.Checkpoint(model=model, epoch=epoch_reached)
    writes_to = checkpoint_dir if rank == 0 else checkpoint_dir / f"worker{rank}"
    manager = tf.train.CheckpointManager(checkpoint, writes_to, max_to_keep=1)
    if tf.train.latest_checkpoint(checkpoint_dir):
        checkpoint.restore(tf.train.latest_checkpoint(checkpoint_dir))
    first = int(epoch_reached.numpy())

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
    for epoch in range(first, epochs):
        begin = time.perf_counter()
        step_losses = []
        for step, (xb, yb) in enumerate(dataset):
            step_losses.append(train_step(xb, yb))
            progress(run_dir, rank, epoch * steps + step + 1)  # measurement
        losses.append(float(tf.add_n(step_losses)) / len(step_losses))
        epoch_reached.assign(epoch + 1)
        manager.save()
        seconds.append(time.perf_counter() - begin)
    return {"losses": losses, "epoch_seconds": seconds, "setup_s": setup_s,  # measurement
            "replicas": strategy.num_replicas_in_sync,
            "workers": strategy.cluster_resolver.cluster_spec().num_tasks("worker"), "rank": rank,
            "resumed_at_step": first * steps, "epochs_run": epochs - first}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    record = train(args.steps, args.epochs, args.run_dir, args.checkpoint_dir)
    report(record, args.run_dir / f"report{record['rank']}.json")
