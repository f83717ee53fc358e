"""Starting ``kvt check``'s trials (:mod:`evidence.check.run` orders them and reads what they wrote): the check's
options, the run's folder, the copy of the user's source, each trial in its own worker process
(``python -m evidence.check.trial JOB.json``, its own session, killed with its process group at ``--timeout``),
and the comparison of two trials' predictions."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence import provenance
from evidence.check.arrays import load_arrays, max_abs_diff
from evidence.check.scan import Finding
from evidence.errors import error_from_text
from evidence.processes import ProcessOutcome, run_process
from evidence.runner import WORKER_ENV, WORKER_ENV_REMOVED

#: A folder bigger than this is not copied whole: only PATH is (and the report says so).
COPY_LIMIT_BYTES = 50 * 2**20
COPY_LIMIT_FILES = 2000
#: Folders never copied.
NOT_COPIED = ("__pycache__", ".git", ".venv", "venv", "node_modules", ".mypy_cache", ".pytest_cache")
#: A later trial's timeout is at least this many times the first completed trial's wall time (fixed 2026-12-07):
#: the trials under the other backends do the same work, and on this project's 2-core machine one backend's
#: import, compile and run took up to 2.2 times another's on the check corpus; 3 leaves room for a busier machine
#: (one TensorFlow run took 68% of its timeout under load) without letting a hung trial run forever.
TIMEOUT_SCALE = 3.0
#: A frame of a Python traceback: file, line, function.
SCRIPT_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


@dataclass(frozen=True)
class CheckOptions:
    """What ``kvt check`` was asked to do (validated by :mod:`evidence.check.inputs`)."""

    path: Path
    kind: str
    backends: tuple[str, ...]
    targets: tuple[str, ...] = ()
    targets_asked: bool = False
    steps: int = 5
    batch_size: int = 8
    timeout_s: float = 300.0
    custom_objects: Path | None = None
    findings: tuple[Finding, ...] = ()
    shown_path: str = ""


@dataclass
class Run:
    """One check in progress: its folders and the trials' records."""

    options: CheckOptions
    work: Path
    source: Path  # PATH inside the copy
    notes: list[str] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # backend -> last `module` trial record
    outcomes: dict[str, ProcessOutcome] = field(default_factory=dict)
    extra: dict[str, list[tuple[dict[str, Any], ProcessOutcome]]] = field(default_factory=dict)
    exports: dict[str, dict[str, Any]] = field(default_factory=dict)  # backend -> its export trial's record
    reference_s: float | None = None  # wall seconds of the first trial that completed (see `timeout`)

    def timeout(self, base: float | None = None) -> float:
        """A trial's timeout: ``--timeout`` (or ``base``), raised to :data:`TIMEOUT_SCALE` times the first
        completed trial's wall time once there is one, so a machine slowed by load does not kill a trial that
        does the same work as one that finished."""
        base = base or self.options.timeout_s
        return max(base, TIMEOUT_SCALE * self.reference_s) if self.reference_s else base

    def measured(self, proc: ProcessOutcome) -> None:
        """Take ``proc``'s wall time as the reference run, if it is the first trial that completed."""
        if self.reference_s is None and proc.ok:
            self.reference_s = proc.duration_s

    def folder(self, backend: str) -> Path:
        path = self.work / "trials" / backend
        path.mkdir(parents=True, exist_ok=True)
        return path


def copy_source(path: Path, dest: Path, *, alone: bool = False) -> tuple[Path, str | None]:
    """Copy PATH's folder (or, when it is large or ``alone`` is set, PATH alone) into ``dest``; PATH's copy and a
    note for the reader when its folder was too large."""
    if alone:
        dest.mkdir(parents=True)
        shutil.copy2(path, dest / path.name)
        return dest / path.name, None
    folder = path.parent
    total, files = 0, 0
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in NOT_COPIED]
        files += len(names)
        total += sum((Path(root) / n).stat().st_size for n in names if (Path(root) / n).is_file())
        if total > COPY_LIMIT_BYTES or files > COPY_LIMIT_FILES:
            dest.mkdir(parents=True)
            shutil.copy2(path, dest / path.name)
            return dest / path.name, (f"{folder} is larger than {COPY_LIMIT_BYTES >> 20} MB or "
                                      f"{COPY_LIMIT_FILES} files, so only {path.name} was copied to run from: "
                                      "imports of its sibling files fail")
    shutil.copytree(folder, dest, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    return dest / path.name, None


def trial_env(backend: str, *, project_path: bool = True) -> dict[str, str]:
    """The environment of a trial under ``backend``: the runner's worker settings, ``KERAS_BACKEND``, and no
    bytecode written beside the user's files."""
    env = {k: v for k, v in os.environ.items() if k not in WORKER_ENV_REMOVED}
    env.update(WORKER_ENV)
    env["KERAS_BACKEND"] = backend
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if project_path:  # after the caller's own PYTHONPATH, so that one wins (a test hiding a framework)
        root = str(provenance.PROJECT_ROOT)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), root) if p)
    return env


def run_trial(run: Run, backend: str, job: dict[str, Any], tag: str, timeout_s: float | None = None,
               python: str | None = None) -> tuple[dict[str, Any], ProcessOutcome]:
    """Run one trial under ``backend`` (with ``python``: another environment's interpreter, TensorFlow's backend),
    and its record."""
    here = run.folder(backend)
    job = {**job, "backend": backend, "dir": str(here), "out": str(here / f"{tag}.json"),
           "steps": run.options.steps, "batch_size": run.options.batch_size, "seed": 0}
    job_file = here / f"{tag}.job.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    proc = run_process([python or sys.executable, "-m", "evidence.check.trial", str(job_file)],
                       timeout_s=run.timeout(timeout_s), cwd=run.source.parent,
                       env=trial_env("tensorflow" if python else backend),
                       stdout=here / f"{tag}.stdout.txt", stderr=here / f"{tag}.stderr.txt")
    if job["mode"] in ("module", "keras_file", "saved_model"):
        run.measured(proc)
    try:
        record = json.loads(Path(job["out"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {"steps": {}, "bad_input": None}
    close_running(record, proc)
    return record, proc


def close_running(record: dict[str, Any], proc: ProcessOutcome) -> None:
    """A step still ``running`` when its trial ended was cut off: it failed, with how the trial ended."""

    def walk(steps: dict[str, Any]) -> None:
        for value in steps.values():
            if isinstance(value, dict) and value.get("status") == "running":
                value["status"] = "fails"
                value["reason"] = proc.how()
                if not proc.timed_out and proc.stderr_tail:
                    value["error"] = error_from_text(proc.stderr_tail).model_dump()
            elif isinstance(value, dict) and "status" not in value:
                walk(value)

    walk(record.get("steps", {}))
    if not record.get("steps") and not proc.ok:
        record["steps"]["import"] = {"status": "fails", "reason": proc.how(),
                                     "error": error_from_text(proc.stderr_tail).model_dump()}



def compare_predictions(a_file: Path, b_file: Path) -> tuple[float | None, str | None]:
    """Scaled max abs difference between the predictions in two files, or why there is none."""
    try:
        diff, scale = max_abs_diff(load_arrays(a_file), load_arrays(b_file))
    except (OSError, ValueError) as exc:
        return None, str(exc)
    return diff / max(1.0, scale), None
