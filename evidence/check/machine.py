"""The machine ``kvt check --time`` measured on: CPU model and cores, GPUs (CUDA or ROCm) and Apple MPS.

Everything asked of the hardware goes through one function, :func:`probe`, which returns plain data; the rest of
the timing code (the venue's name, which backends' device-memory APIs the workers query, the report's caveats)
reads that data only. So the GPU path is tested on a machine without a GPU by replacing :func:`probe`.

The query runs the vendors' own command-line tools (``nvidia-smi``, ``rocm-smi``) and reads ``/proc/cpuinfo``;
it imports no framework, so the ``kvt`` process stays light.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from typing import Any

from evidence import provenance
from evidence.venue import current_venue

#: Seconds a vendor tool may take to answer.
QUERY_TIMEOUT_S = 20


def _run(cmd: list[str]) -> str | None:
    if not shutil.which(cmd[0]):
        return None
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=QUERY_TIMEOUT_S, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def _nvidia() -> list[dict[str, Any]]:
    out = _run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"])
    gpus = []
    for line in (out or "").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 3 and parts[0]:
            memory = int(parts[1]) if parts[1].isdigit() else None
            gpus.append({"vendor": "nvidia", "api": "cuda", "name": parts[0], "memory_mib": memory,
                         "driver": parts[2]})
    return gpus


def _rocm() -> list[dict[str, Any]]:
    out = _run(["rocm-smi", "--showproductname", "--showmeminfo", "vram", "--showdriverversion", "--json"])
    try:
        data = json.loads(out or "{}")
    except ValueError:
        return []
    driver = (data.get("system") or {}).get("Driver version")
    gpus = []
    for key, card in data.items():
        if not key.startswith("card") or not isinstance(card, dict):
            continue
        total = card.get("VRAM Total Memory (B)")
        gpus.append({"vendor": "amd", "api": "rocm", "name": card.get("Card series") or card.get("Card model") or key,
                     "memory_mib": int(total) >> 20 if str(total or "").isdigit() else None, "driver": driver})
    return gpus


def probe() -> dict[str, Any]:
    """This machine as plain data: ``cpu_model``, ``cpu_count`` (logical CPUs), ``platform``, ``gpus`` (each
    with ``vendor``, ``api`` (cuda or rocm), ``name``, ``memory_mib``, ``driver``) and ``mps`` (Apple silicon's
    Metal device). The one place that queries the hardware: tests replace it."""
    mps = platform.system() == "Darwin" and platform.machine() == "arm64"
    return {"cpu_model": provenance.cpu_model(), "cpu_count": os.cpu_count() or 1, "platform": platform.platform(),
            "gpus": _nvidia() or _rocm(), "mps": mps}


def accelerator(machine: dict[str, Any]) -> str:
    """Where the frameworks compute by default on ``machine``: ``gpu`` (CUDA or ROCm), ``mps`` or ``cpu``."""
    if machine.get("gpus"):
        return "gpu"
    return "mps" if machine.get("mps") else "cpu"


def venue(machine: dict[str, Any]) -> str:
    """The venue name of ``machine`` (``cpu-2core``, ``gpu-h100-80gb-hbm3``; ``$KVT_VENUE`` wins)."""
    names = ", ".join(g["name"] for g in machine.get("gpus") or []) or None
    return current_venue(names, int(machine.get("cpu_count") or 1))


def describe(machine: dict[str, Any]) -> str:
    """One line naming the machine: the CPU and its cores, then each GPU with its memory and driver, or MPS."""
    parts = [f"{machine.get('cpu_model') or 'unknown CPU'}, {machine.get('cpu_count')} logical cores"]
    for gpu in machine.get("gpus") or []:
        memory = f"{gpu['memory_mib'] / 1024:.0f} GiB" if gpu.get("memory_mib") else "memory unknown"
        api = "CUDA" if gpu.get("api") == "cuda" else "ROCm"
        parts.append(f"{gpu['name']} ({memory}, {api} driver {gpu.get('driver') or 'unknown'})")
    if machine.get("mps") and not machine.get("gpus"):
        parts.append("Apple MPS (Metal)")
    if accelerator(machine) == "cpu":
        parts.append("no GPU")
    return "; ".join(parts)
