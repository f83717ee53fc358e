"""``dist_single_keras.py`` made data-parallel on the torch backend: the Keras model inside torch's DDP.

Keras 3 has no distribution API for the torch backend (``keras.distribution`` has no torch implementation),
so Keras's own guide for multi-device training with PyTorch leaves ``model.fit``: the Keras model is a
``torch.nn.Module``, wrapped in ``torch.nn.parallel.DistributedDataParallel`` and trained by a hand-written
torch loop with a torch optimizer and loss. What changed from the single-device program: join the process
group (``torch.distributed`` reads ``MASTER_ADDR``, ``MASTER_PORT``, ``RANK`` and ``WORLD_SIZE``, which whoever
starts the workers sets; see ``dist_launch.py``), take this rank's share of every global batch, and replace
``compile``/``fit`` with the loop. Every rank runs this same file; the experiment starts two, with the ``gloo``
backend on CPU:

    MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=0 KERAS_BACKEND=torch \\
        python evidence/programs/dist_torch_ddp.py   # and RANK=1 beside it
"""

from __future__ import annotations

import time

import keras
import torch
from dist_task import CLASSES, FEATURES, GLOBAL_BATCH, HIDDEN, LEARNING_RATE, SEED, make_data, parse_args, report


def build_model() -> keras.Model:
    """The task's classifier; seeded initializers give the same weights every run (and on every rank)."""
    init = keras.initializers.GlorotUniform
    model = keras.Sequential([
        keras.Input(shape=(FEATURES,)),
        keras.layers.Dense(HIDDEN, activation="relu", kernel_initializer=init(seed=SEED)),
        keras.layers.Dense(HIDDEN, activation="relu", kernel_initializer=init(seed=SEED + 1)),
        keras.layers.Dense(CLASSES, kernel_initializer=init(seed=SEED + 2)),
    ])
    return model


def train(steps: int, epochs: int) -> dict:
    """Train for ``epochs`` epochs of ``steps`` global batches, shared by every rank of the process group."""
    start = time.perf_counter()
    x, y = make_data(steps)
    torch.distributed.init_process_group("gloo")
    rank, world = torch.distributed.get_rank(), torch.distributed.get_world_size()
    share = GLOBAL_BATCH // world
    model = build_model()
    ddp_model = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    setup_s = time.perf_counter() - start
    losses, seconds = [], []
    for _ in range(epochs):
        begin = time.perf_counter()
        total = torch.zeros(())
        for step in range(steps):
            rows = slice(step * GLOBAL_BATCH + rank * share, step * GLOBAL_BATCH + (rank + 1) * share)
            loss = loss_fn(ddp_model(torch.from_numpy(x[rows])), torch.from_numpy(y[rows]).long())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.detach()
        torch.distributed.all_reduce(total)
        losses.append(float(total) / world / steps)
        seconds.append(time.perf_counter() - begin)
    return {"losses": losses, "epoch_seconds": seconds, "setup_s": setup_s,  # measurement
            "replicas": world, "workers": world}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    report(train(args.steps, args.epochs), args.out)
    torch.distributed.destroy_process_group()  # last: every rank leaves the group once it is done with it
