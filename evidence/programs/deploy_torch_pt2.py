"""Deploy a Keras model on the torch backend as a torch.export program: one ``.pt2`` file, served by PyTorch alone.

``model.export(path, format="torch")`` (Keras 3.15, torch backend only) captures the model's forward pass with
``torch.export.export`` into an ``ExportedProgram`` of ATen operations and saves it with ``torch.export.save``.
Serving loads it with ``torch.export.load`` and calls ``.module()``: no Keras is imported at serving time.

Keras's docstring says how to keep the batch dimension variable: pass ``dynamic_shapes`` (for a one-input model
``{0: torch.export.Dim("batch", ...)}``); without it torch.export specialises the batch to the size of the
sample input (1), and the program refuses any other. A server answers batches of any size, so the export here
declares the batch dynamic, as that docstring shows.

    python evidence/programs/deploy_torch_pt2.py model.pt2
"""

from __future__ import annotations

import sys

import numpy as np
import torch

MAX_BATCH = 1024


def export_keras(model, path):
    """Write ``model``'s forward pass as the torch.export program ``path`` (``.pt2``), batch size variable."""
    batch = torch.export.Dim("batch", min=1, max=MAX_BATCH)
    model.export(path, format="torch", verbose=False, dynamic_shapes={0: batch})


def export_keras_batch1(model, path):
    """The static-shape route: no ``dynamic_shapes``, so torch.export specialises the batch to 1."""
    model.export(path, format="torch", verbose=False)


def load(path):
    """The program as a callable ``torch.nn.Module``."""
    return torch.export.load(path).module()


def predict(module, x):
    """The model's output for the batch ``x``, as a NumPy array."""
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy()


if __name__ == "__main__":
    print(predict(load(sys.argv[1]), np.zeros((1, 64), "float32")))
