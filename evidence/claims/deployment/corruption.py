"""Damaged artifacts on purpose: what a loader does with a file cut short or with garbled weights.

A copy of an artifact folder is cut to half its length (``truncated``, as an interrupted copy or download
would leave it) or has 256 bytes of its weights inverted (``garbled``), then loaded by a fresh serving process
(:func:`.serving.run_serving_process`). The loader's error (``rejected``), its crash (``crashed``), or its answers
(``answered``; compared with the original's: beyond the tolerance they are silent corruption, the worst outcome
for a server, which keeps answering wrongly) are recorded; the run never stops on them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from evidence.contract import ErrorInfo
from evidence.errors import known_issues
from evidence.runtimes.serving import parity
from evidence.runtimes.targets import KNOWN_ISSUES

GARBLED_BYTES = 256
KINDS = ("truncated", "garbled")


def truncate_file(path: Path) -> dict[str, Any]:
    """Cut ``path`` to half its length."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2)
    return {"file": path.name, "bytes_before": size, "bytes_after": size // 2}


def garble_file(path: Path, count: int = GARBLED_BYTES) -> dict[str, Any]:
    """Invert ``count`` bytes from the middle of ``path`` (where a model file keeps its weights)."""
    data = bytearray(path.read_bytes())
    start = len(data) // 2
    end = min(len(data), start + count)
    for i in range(start, end):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return {"file": path.name, "offset": start, "bytes_inverted": end - start, "bytes": len(data)}


def pick_file(folder: Path, relative: str) -> Path:
    """``folder/relative`` if it exists, else the folder's largest file (a renamed weights shard, say)."""
    candidate = folder / relative
    if candidate.is_file():
        return candidate
    files = [p for p in folder.rglob("*") if p.is_file()]
    if not files:
        raise FileNotFoundError(f"no file to corrupt under {folder}")
    return max(files, key=lambda p: p.stat().st_size)


def corrupt_copy(source: Path, dest: Path, files: tuple[str, str], kind: str) -> dict[str, Any]:
    """Copy the artifact folder ``source`` to ``dest`` and damage the copy: ``truncated`` cuts ``files[0]``,
    ``garbled`` inverts bytes of ``files[1]`` (either falls back to the largest file)."""
    if kind not in KINDS:
        raise ValueError(f"Expected kind 'truncated' or 'garbled'; received: kind={kind!r}")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    truncate_rel, garble_rel = files
    if kind == "truncated":
        return truncate_file(pick_file(dest, truncate_rel))
    return garble_file(pick_file(dest, garble_rel))


def classify(res: dict[str, Any], damage: dict[str, Any], reference, tolerance: float, target: str,
             option: str | None) -> dict[str, Any]:
    """What loading a damaged artifact did: ``rejected`` (an error), ``crashed``, or ``answered``."""
    import numpy as np

    out: dict[str, Any] = {"damage": damage}
    if res.get("ok"):
        agreement = parity(np.load(res["predictions_file"]), reference)
        silent = "max_abs_diff" not in agreement or agreement["max_abs_diff"] > tolerance
        out.update(outcome="answered", silent_corruption=silent, **agreement)
        if silent and "max_abs_diff" in agreement:
            detail = f"outputs off by {agreement['max_abs_diff']:.2g} (silent corruption)"
        elif silent:
            detail = "with wrongly shaped outputs"
        else:
            detail = "outputs unchanged (the damaged bytes are not used)"
        out["reason"] = "loaded and answered without an error, " + detail
        return out
    err = ErrorInfo(**res["error"])
    out.update(outcome="crashed" if res.get("phase") == "process" else "rejected", phase=res.get("phase"),
               error=err.model_dump(), reason=err.text(300))
    issues = known_issues(out["reason"], KNOWN_ISSUES, target=target, option=option or "")
    if issues:
        out["issue"] = issues[0].model_dump()
    return out
