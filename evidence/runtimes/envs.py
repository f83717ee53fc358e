"""Virtual environments of their own for targets whose packages conflict with the project's.

``litert-torch`` (Keras's route from the torch backend to LiteRT) pulls ``xdsl``, which pins
``typing-extensions<4.13`` and so would downgrade pydantic in the project's environment; ExecuTorch brings its
own ``torchao`` and build tooling. Each gets a virtual environment that the run creates the first time and reuses
after: ``$KVT_ENVS_DIR`` (default ``~/.cache/kvt/envs``)/``<name>-<hash>``, the hash taken over the Python
version and the requirement list, so a changed list builds a new one. torch is always installed first and
pinned (``torch==2.13.0``: the CPU wheel on local disk; an unpinned torch would pull a CUDA build of several GB),
so the later steps find it satisfied.

A finished environment holds ``kvt-env.json``: the requirement steps, the versions pip installed, when it was
built and how long building it took. Building happens under a file lock, so two workers never build one
environment at once; a failed build leaves nothing behind but the reason, and the target that needed it is
``unavailable`` with that reason (we could not try), never ``fails``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evidence.errors import error_from_text
from evidence.processes import run_process
from evidence.settings import cache_dir
from evidence.venvs import create_command

ENVS_ENV = "KVT_ENVS_DIR"
MARKER = "kvt-env.json"
#: One pip step may take this long (a cold pip cache downloads a few hundred MB).
STEP_TIMEOUT_S = 900
TORCH_PIN = "torch==2.13.0"


@dataclass(frozen=True)
class EnvSpec:
    """A virtual environment a target needs.

    Attributes:
        name: a short name (``litert-torch``).
        steps: pip install steps, in order; each a tuple of requirement strings. The first installs torch.
        probe: Python code the finished environment must run without error (its imports).
        packages: distributions whose installed versions the record keeps.
    """

    name: str
    steps: tuple[tuple[str, ...], ...]
    probe: str
    packages: tuple[str, ...]

    def key(self) -> str:
        """Twelve hex digits over the Python version and the requirement steps."""
        text = json.dumps([sys.version_info[:2], [list(s) for s in self.steps]])
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def envs_dir() -> Path:
    """Where environments live: ``$KVT_ENVS_DIR``, else ``~/.cache/kvt/envs``."""
    return cache_dir("envs", ENVS_ENV)


def env_path(spec: EnvSpec) -> Path:
    """The folder of ``spec``'s environment."""
    return envs_dir() / f"{spec.name}-{spec.key()}"


def python_of(folder: Path) -> Path:
    """The interpreter of the environment in ``folder``."""
    return folder / "bin" / "python"


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The build record of a finished environment, None when there is none (never built, or unfinished)."""
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return record if python_of(folder).exists() else None


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing): one builder at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _env_for_pip() -> dict[str, str]:
    # A clean environment for pip: the project's PYTHONPATH or an active venv must not leak into the new one.
    keep = ("HOME", "PATH", "LANG", "LC_ALL", "TMPDIR", "PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT",
            "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONSTRAINT",
            "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "XDG_CONFIG_DIRS")
    return {k: os.environ[k] for k in keep if k in os.environ}


def _run(cmd: list[str], log_dir: Path, tag: str, timeout_s: float, what: str) -> str | None:
    """Run one build step (``what``, in words); None when it worked, else one line saying how it failed."""
    out = run_process(cmd, timeout_s=timeout_s, cwd=log_dir, env=_env_for_pip(),
                      stdout=log_dir / f"{tag}.out", stderr=log_dir / f"{tag}.err")
    if out.ok:
        return None
    err = error_from_text(out.stderr_tail)
    return f"{what} {out.how()}: {err.text(300)} (logs in {log_dir})"


def ensure(spec: EnvSpec, *, build: bool = True, timeout_s: float = STEP_TIMEOUT_S) -> dict[str, Any]:
    """The environment of ``spec``, built when missing and ``build`` is true.

    Returns a record: ``ok``; ``python`` (its interpreter); ``path``; ``reused`` (it existed before this call);
    ``created`` (ISO date of its build) and ``creation_s`` (seconds its build took, whenever it was); ``versions``
    (of :attr:`EnvSpec.packages`); or, when it is not there, ``why`` (it could not be built, or ``build`` was
    false).
    """
    folder = env_path(spec)
    base = {"name": spec.name, "path": str(folder), "steps": [list(s) for s in spec.steps]}
    marker = read_marker(folder)
    if marker is not None:
        return {**base, **marker, "ok": True, "reused": True, "python": str(python_of(folder))}
    if not build:
        return {**base, "ok": False, "reused": False,
                "why": f"the {spec.name} environment is not built on this machine and this run does not build it "
                       f"(quick mode); a full run builds it under {envs_dir()}"}
    with locked(envs_dir() / f".{spec.name}-{spec.key()}.lock"):
        marker = read_marker(folder)  # another worker may have built it while we waited
        if marker is not None:
            return {**base, **marker, "ok": True, "reused": True, "python": str(python_of(folder))}
        return _build(spec, folder, base, timeout_s)


def _build(spec: EnvSpec, folder: Path, base: dict[str, Any], timeout_s: float) -> dict[str, Any]:
    if folder.exists():
        shutil.rmtree(folder)  # an unfinished build: start again
    logs = folder.parent / f".{folder.name}.logs"
    logs.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    python = python_of(folder)
    failure = _run(create_command(folder), logs, "venv", timeout_s, "python -m venv")
    for i, step in enumerate(spec.steps):
        if failure:
            break
        failure = _run([str(python), "-m", "pip", "install", "--quiet", *step], logs, f"step{i}", timeout_s,
                       f"pip install {' '.join(step)}")
    if not failure:
        failure = _run([str(python), "-c", spec.probe], logs, "probe", timeout_s, f"the import check ({spec.probe!r})")
    if failure:
        shutil.rmtree(folder, ignore_errors=True)
        return {**base, "ok": False, "reused": False, "creation_s": time.perf_counter() - start,
                "why": f"the {spec.name} environment could not be built: {failure}"}
    versions = installed_versions(python, spec.packages, logs)
    record = {"created": datetime.now(UTC).isoformat(timespec="seconds"),
              "creation_s": round(time.perf_counter() - start, 1), "versions": versions,
              "python_version": ".".join(map(str, sys.version_info[:3]))}
    (folder / MARKER).write_text(json.dumps(record, indent=1), encoding="utf-8")
    shutil.rmtree(logs, ignore_errors=True)
    return {**base, **record, "ok": True, "reused": False, "python": str(python)}


def installed_versions(python: Path, packages: tuple[str, ...], log_dir: Path) -> dict[str, str | None]:
    """Versions of ``packages`` in the environment of ``python`` (None: not installed)."""
    code = ("import json, sys\nfrom importlib import metadata\nout = {}\nfor n in sys.argv[1:]:\n"
            "    try:\n        out[n] = metadata.version(n)\n    except metadata.PackageNotFoundError:\n"
            "        out[n] = None\nprint(json.dumps(out))")
    res = run_process([str(python), "-c", code, *packages], timeout_s=120, cwd=log_dir, env=_env_for_pip(),
                      stdout=log_dir / "versions.out", stderr=log_dir / "versions.err")
    if not res.ok:
        return dict.fromkeys(packages)
    return json.loads((log_dir / "versions.out").read_text(encoding="utf-8").strip().splitlines()[-1])


#: Keras's route from the torch backend to LiteRT (keras/src/export/litert.py imports ``litert_torch``).
#: KerasHub is installed too (without its dependencies, as in the project: its tokenizers would pull
#: tensorflow-text): a saved BERT backbone is a KerasHub class, which Keras loads only where KerasHub is installed.
LITERT_TORCH = EnvSpec(
    name="litert-torch",
    steps=((TORCH_PIN,), ("keras==3.15.1", "litert-torch==0.10.0"), ("--no-deps", "keras-hub==0.32.0"),
           ("regex", "absl-py", "rich", "kagglehub!=1.0.1")),
    probe="import os; os.environ['KERAS_BACKEND'] = 'torch'; import torch, keras, litert_torch, keras_hub",
    packages=("torch", "keras", "litert-torch", "ai-edge-litert", "litert-converter", "keras-hub", "numpy"),
)
#: PyTorch's own on-device runtime: torch.export -> to_edge -> to_executorch, a ``.pte`` file.
EXECUTORCH = EnvSpec(
    name="executorch",
    steps=((TORCH_PIN,), ("keras==3.15.1", "executorch==1.5.1")),
    probe=("import os; os.environ['KERAS_BACKEND'] = 'torch'; import torch, keras, executorch.exir, "
           "executorch.runtime"),
    packages=("torch", "keras", "executorch", "torchao", "numpy"),
)
ENVS: dict[str, EnvSpec] = {spec.name: spec for spec in (LITERT_TORCH, EXECUTORCH)}
