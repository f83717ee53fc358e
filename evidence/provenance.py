"""Provenance of a run: software versions, machine, commit. Reads package metadata, never imports a framework."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

#: Distributions whose versions every result records (absent ones are recorded as None).
TRACKED_PACKAGES = (
    "keras",
    "tensorflow",
    "tensorflow-cpu",
    "tf-keras",
    "jax",
    "jaxlib",
    "torch",
    "numpy",
    "scikit-learn",
    "openvino",
    "onnxruntime",
    "ai-edge-litert",
    "kvt",
)

#: Environment settings that change what the frameworks do; recorded with every result.
RECORDED_ENV = ("TF_ENABLE_ONEDNN_OPTS", "TF_CPP_MIN_LOG_LEVEL", "XLA_FLAGS", "CUDA_VISIBLE_DEVICES")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def package_versions() -> dict[str, str | None]:
    """Installed version of each tracked distribution, None when absent."""
    out: dict[str, str | None] = {}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what the platform module says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def gpu_name() -> str | None:
    """Names of NVIDIA GPUs as nvidia-smi reports them, None when there is none."""
    if not shutil.which("nvidia-smi"):
        return None
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return ", ".join(line.strip() for line in out.splitlines() if line.strip()) or None


def git_state() -> tuple[str | None, bool | None]:
    """(commit, dirty) of the project checkout, (None, None) outside a git checkout."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            # Result files are what a run writes: one claim's new result must not mark the next claim's dirty.
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!evidence/results"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit, bool(status.strip())


def now() -> str:
    """The current UTC time as an ISO 8601 string to the second, as result files record it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def collect(
    *, mode: str, duration_s: float, repeats: int, warmup: int, subjects_run: list[str], env: dict[str, str]
) -> dict:
    """The provenance record of a finished claim run; ``env`` is the environment its workers ran with."""
    commit, dirty = git_state()
    return {
        "date": now(),
        "mode": mode,
        "duration_s": round(duration_s, 2),
        "repeats": repeats,
        "warmup": warmup,
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count() or 0,
        "gpu": gpu_name(),
        "packages": package_versions(),
        "environment": {k: env[k] for k in RECORDED_ENV if k in env},
        "subjects_run": subjects_run,
    }
