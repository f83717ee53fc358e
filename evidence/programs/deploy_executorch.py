"""Deploy a Keras model on the torch backend with ExecuTorch, PyTorch's on-device runtime: one ``.pte`` file.

The route ExecuTorch's documentation gives: a ``torch.export`` program (here Keras's own, from
``model.export(..., format="torch")``, see ``deploy_torch_pt2.py``), lowered with
``to_edge_transform_and_lower`` to the XNNPACK backend (ExecuTorch's CPU kernels) and serialised with
``to_executorch``. Serving loads the file with ``executorch.runtime.Runtime`` (no Keras at serving time). The
batch dimension stays variable up to ``MAX_BATCH`` (ExecuTorch plans memory for the upper bound, so the bound is
kept to the batches served: an image model's activations at batch 1024 would need gigabytes).

Serving here goes through ExecuTorch's Python bindings, which take and return torch tensors, so a Python server
imports torch (seconds of its cold start); on a phone the same ``.pte`` file runs in ExecuTorch's C++ runtime,
without torch.

ExecuTorch is installed in a virtual environment of its own (``torch==2.13.0`` then ``executorch``), since it
brings its own ``torchao`` and build tooling.

    python evidence/programs/deploy_executorch.py model.pte
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from executorch.runtime import Runtime

MAX_BATCH = 16


def export_keras(model, path):
    """Write ``model`` as the ExecuTorch program ``path`` (``.pte``), lowered to XNNPACK."""
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower

    with tempfile.TemporaryDirectory() as tmp:
        pt2 = Path(tmp) / "model.pt2"
        model.export(pt2, format="torch", verbose=False,
                     dynamic_shapes={0: torch.export.Dim("batch", min=1, max=MAX_BATCH)})
        program = torch.export.load(pt2)
    lowered = to_edge_transform_and_lower(program, partitioner=[XnnpackPartitioner()]).to_executorch()
    Path(path).write_bytes(lowered.buffer)


def export_keras_batch1(model, path):
    """The static-shape route: the torch.export program traced at batch 1, lowered to XNNPACK."""
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower

    with tempfile.TemporaryDirectory() as tmp:
        pt2 = Path(tmp) / "model.pt2"
        model.export(pt2, format="torch", verbose=False)
        program = torch.export.load(pt2)
    lowered = to_edge_transform_and_lower(program, partitioner=[XnnpackPartitioner()]).to_executorch()
    Path(path).write_bytes(lowered.buffer)


def load(path):
    """The program's ``forward`` method, ready to execute."""
    return Runtime.get().load_program(Path(path)).load_method("forward")


def predict(method, x):
    """The model's output for the batch ``x``, as a NumPy array."""
    return method.execute([torch.from_numpy(x)])[0].numpy()


if __name__ == "__main__":
    print(predict(load(sys.argv[1]), np.zeros((1, 64), "float32")))
