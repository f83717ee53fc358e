"""``dist_torch_ddp.py`` made to survive a lost worker: a checkpoint every epoch, restarted by ``torchrun``.

torch's elastic launcher, ``torchrun``, watches its workers; when one fails it stops the others and starts
them all again, up to ``--max-restarts`` times. Resuming is the script's part (torchrun's documentation): what
changed from ``dist_torch_ddp.py`` is a checkpoint written by rank 0 at the end of every epoch (the model's
``state_dict`` and the epoch reached, saved to a temporary file and renamed, so a worker killed mid-save leaves
the previous checkpoint whole), loaded by every rank when it starts, and the step counter the experiment reads
to kill a worker part-way through training (marked ``measurement``). The experiment starts it as:

    KERAS_BACKEND=torch torchrun --nnodes=1 --nproc-per-node=2 --max-restarts=1 \
        --rdzv-backend=c10d --rdzv-endpoint=127.0.0.1:29500 evidence/programs/dist_recover_torch_ddp.py \
        --run-dir RUN --checkpoint-dir CKPT
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import torch
from dist_task import (
    CLASSES,
    FEATURES,
    GLOBAL_BATCH,
    HIDDEN,
    LEARNING_RATE,
    SEED,
    make_data,
    parse_args,
    progress,
    report,
)


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


def train(steps: int, epochs: int, run_dir: Path, checkpoint: Path) -> dict:
    """Train for ``epochs`` epochs of ``steps`` global batches from the last checkpoint, checkpointing each."""
    start = time.perf_counter()
    x, y = make_data(steps)
    torch.distributed.init_process_group("gloo")
    rank, world = torch.distributed.get_rank(), torch.distributed.get_world_size()
    share = GLOBAL_BATCH // world
    model = build_model()
    ddp_model = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    first = 0
    if checkpoint.exists():
        state = torch.load(checkpoint)
        model.load_state_dict(state["model"])
        first = state["epoch"]
    setup_s = time.perf_counter() - start
    losses, seconds = [], []
    for epoch in range(first, epochs):
        begin = time.perf_counter()
        total = torch.zeros(())
        for step in range(steps):
            rows = slice(step * GLOBAL_BATCH + rank * share, step * GLOBAL_BATCH + (rank + 1) * share)
            loss = loss_fn(ddp_model(torch.from_numpy(x[rows])), torch.from_numpy(y[rows]).long())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.detach()
            progress(run_dir, rank, epoch * steps + step + 1)  # measurement
        torch.distributed.all_reduce(total)
        if rank == 0:
            torch.save({"model": model.state_dict(), "epoch": epoch + 1}, checkpoint.with_suffix(".tmp"))
            checkpoint.with_suffix(".tmp").replace(checkpoint)
        losses.append(float(total) / world / steps)
        seconds.append(time.perf_counter() - begin)
    return {"losses": losses, "epoch_seconds": seconds, "setup_s": setup_s,  # measurement
            "replicas": world, "workers": world, "rank": rank, "resumed_at_step": first * steps,
            "epochs_run": epochs - first}


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0])
    record = train(args.steps, args.epochs, args.run_dir, args.checkpoint_dir / "checkpoint.pt")
    report(record, args.run_dir / f"report{record['rank']}.json")
    torch.distributed.destroy_process_group()  # last: every rank leaves the group once it is done with it
