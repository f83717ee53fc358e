"""Arrays that travel between ``kvt check``'s trials: a model's inputs, targets and predictions, as ``.npz`` files.

A structure (one array, or lists, tuples and dicts of arrays, nested, as Keras takes them) is stored flat with
its layout in the file's keys, and read back with ``allow_pickle=False``: a file from one trial never runs code
in another. NumPy only (no framework), so the CLI process can compare predictions.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

#: Separator of a key's path segments; a segment is ``l<index>`` (a list or tuple item) or ``d<key>`` (a dict
#: item), and the key of a lone array is ``a``.
_SEP = "/"


def _flatten(value: Any, prefix: str, out: dict[str, np.ndarray]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}{_SEP}d{k}", out)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}{_SEP}l{i}", out)
    else:
        out[prefix or "a"] = np.asarray(value)


def save_arrays(path: str | Path, value: Any) -> None:
    """Write ``value`` (an array, or lists, tuples and dicts of arrays, nested) to the ``.npz`` file ``path``."""
    flat: dict[str, np.ndarray] = {}
    _flatten(value, "", flat)
    np.savez(path, **flat)


def load_arrays(path: str | Path) -> Any:
    """The structure :func:`save_arrays` wrote to ``path`` (tuples come back as lists)."""
    with np.load(path, allow_pickle=False) as data:
        if list(data.keys()) == ["a"]:
            return data["a"]
        root: Any = None
        for key in data:
            segments = key.split(_SEP)[1:]
            root = _insert(root, segments, data[key])
        return root


def _insert(node: Any, segments: list[str], array: np.ndarray) -> Any:
    head, rest = segments[0], segments[1:]
    kind, name = head[0], head[1:]
    if node is None:
        node = {} if kind == "d" else []
    if kind == "d":
        node[name] = _insert(node.get(name), rest, array) if rest else array
    else:
        index = int(name)
        if index == len(node):
            node.append(None)
        node[index] = _insert(node[index], rest, array) if rest else array
    return node


def flat_arrays(value: Any) -> list[np.ndarray]:
    """The arrays of a structure, nested or not, in a fixed order (dict keys sorted)."""
    if isinstance(value, dict):
        return [a for k in sorted(value) for a in flat_arrays(value[k])]
    if isinstance(value, list | tuple):
        return [a for v in value for a in flat_arrays(v)]
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
