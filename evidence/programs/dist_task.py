"""The task every program of the ``distributed_scaling`` experiment trains: sizes, data, command line, report.

No framework here. Each ``dist_*`` program is a complete script that trains the same classifier (a multilayer
perceptron, ``FEATURES`` -> ``HIDDEN`` -> ``HIDDEN`` -> ``CLASSES``) with plain SGD on the same generated data
in the same order, on one device or distributed, so that the distributed run's loss must equal the
single-device run's up to floating-point rounding, and so that the difference between two programs is exactly
what going distributed asks for.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

SEED = 7
FEATURES = 64
HIDDEN = 256
CLASSES = 10
#: Samples per step over all devices and workers; every device count used (1, 2, 4) divides it.
GLOBAL_BATCH = 64
#: Plain SGD: its update is the same formula in Keras, TensorFlow core and torch, so losses are comparable.
LEARNING_RATE = 0.05


def make_data(steps: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``steps * GLOBAL_BATCH`` samples: normal inputs, labels from a fixed random linear teacher."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((steps * GLOBAL_BATCH, FEATURES), dtype=np.float32)
    teacher = rng.standard_normal((FEATURES, CLASSES), dtype=np.float32)
    return x, np.argmax(x @ teacher, axis=1).astype("int32")


def glorot(shape: tuple[int, int], seed: int) -> np.ndarray:
    """Glorot-uniform initial weights drawn by NumPy, for the programs that do not use Keras's initializers."""
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return np.random.default_rng(seed).uniform(-limit, limit, shape).astype("float32")


def parse_args(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    """The options every program takes: steps per epoch, epochs, devices, and where to write the report."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--steps", type=int, default=16, help="steps (global batches) per epoch")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--devices", type=int, default=2, help="devices (replicas) for single-process strategies")
    parser.add_argument("--out", type=Path, help="write the report here as JSON (default: print it)")
    parser.add_argument("--run-dir", type=Path, help="recovery programs: write report<rank>.json and "
                        "progress<rank>.txt (the steps trained) here")
    parser.add_argument("--checkpoint-dir", type=Path, help="recovery programs: where checkpoints go")
    return parser.parse_args(argv)


def progress(run_dir: Path | None, rank: int, step: int) -> None:
    """Append ``pid step`` to ``run_dir/progress<rank>.txt``: the training steps this process has finished.

    The launcher reads it to kill a worker part-way through training and to count the steps a fault cost.
    """
    if run_dir is not None:
        with open(run_dir / f"progress{rank}.txt", "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {step}\n")


def report(record: dict, out: Path | None) -> None:
    """Write ``record`` as JSON to ``out`` atomically (a temp file, then rename), or print it."""
    record = {**record, "pid": os.getpid(), "finished_at": time.time()}
    if out is None:
        print(json.dumps(record, indent=1))
        return
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(out)
