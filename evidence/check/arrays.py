"""Arrays that travel between ``kvt check``'s trials: a model's inputs, targets and predictions, as ``.npz`` files.

A structure (one array, a list or tuple of arrays, or a dict of arrays, as Keras takes them) is stored flat with
its layout in the file's keys, and read back with ``allow_pickle=False``: a file from one trial never runs code
in another. NumPy only (no framework), so the CLI process can compare predictions.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

#: Key prefixes of the layouts: ``single``, ``list.0``/``list.1`` …, ``dict.<name>``.
_SINGLE, _LIST, _DICT = "single", "list.", "dict."


def save_arrays(path: str | Path, value: Any) -> None:
    """Write ``value`` (an array, a list/tuple of arrays or a dict of arrays) to the ``.npz`` file ``path``."""
    if isinstance(value, dict):
        flat = {f"{_DICT}{k}": np.asarray(v) for k, v in value.items()}
    elif isinstance(value, list | tuple):
        flat = {f"{_LIST}{i}": np.asarray(v) for i, v in enumerate(value)}
    else:
        flat = {_SINGLE: np.asarray(value)}
    np.savez(path, **flat)


def load_arrays(path: str | Path) -> Any:
    """The structure :func:`save_arrays` wrote to ``path``."""
    with np.load(path, allow_pickle=False) as data:
        keys = list(data.keys())
        if keys == [_SINGLE]:
            return data[_SINGLE]
        if keys and all(k.startswith(_DICT) for k in keys):
            return {k.removeprefix(_DICT): data[k] for k in keys}
        return [data[k] for k in sorted(keys, key=lambda k: int(k.removeprefix(_LIST)))]


def flat_arrays(value: Any) -> list[np.ndarray]:
    """The arrays of a structure, in a fixed order (dict keys sorted)."""
    if isinstance(value, dict):
        return [np.asarray(value[k]) for k in sorted(value)]
    if isinstance(value, list | tuple):
        return [np.asarray(v) for v in value]
    return [np.asarray(value)]


def digest(value: Any) -> str:
    """A short SHA-256 of a structure's shapes, dtypes and bytes: equal digests, equal arrays."""
    h = hashlib.sha256()
    for arr in flat_arrays(value):
        arr = np.ascontiguousarray(arr)
        h.update(f"{arr.shape}{arr.dtype}".encode())
        h.update(arr.tobytes())
    return h.hexdigest()[:16]


def max_abs_diff(a: Any, b: Any) -> tuple[float, float]:
    """The largest absolute difference between two structures of predictions, and the largest magnitude of
    ``b`` (the reference), over every output.

    Raises:
        ValueError: they do not have the same number of outputs and shapes.
    """
    fa, fb = flat_arrays(a), flat_arrays(b)
    if len(fa) != len(fb) or any(x.shape != y.shape for x, y in zip(fa, fb, strict=True)):
        raise ValueError(f"outputs differ in layout: {[x.shape for x in fa]} against {[y.shape for y in fb]}")
    diff = max((float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))) if x.size else 0.0)
               for x, y in zip(fa, fb, strict=True))
    scale = max((float(np.max(np.abs(y.astype(np.float64)))) if y.size else 0.0) for y in fb)
    return diff, scale
