"""Child processes that cannot outlive their parent or their timeout: the runner's workers, deployment's serving
processes, ``kvt check``'s trials.

A child runs in its own session (so a timeout kills its whole process group, grandchildren included), with a
parent-death signal (so a parent killed with SIGKILL takes it along), stdin closed, and its output in files.
:func:`run_process` never raises for what the child does: it returns how the child ended.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evidence.errors import filter_noise

STDERR_TAIL_CHARS = 3000


def die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to SIGKILL the child when its parent dies, so a killed run leaves no orphan behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def kill_group(proc: subprocess.Popen) -> None:
    """Kill the child's whole process group and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):  # a process that survives SIGKILL: give up waiting
        proc.wait(timeout=30)


def tail(path: Path, chars: int = STDERR_TAIL_CHARS) -> str:
    """The end of a child's stderr file without framework start-up noise (empty when unreadable)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return filter_noise(text)[-chars:].strip()


@dataclass(frozen=True)
class ProcessOutcome:
    """How a child ended.

    Attributes:
        returncode: its exit status (negative: killed by that signal); None when it timed out.
        timed_out: it ran past the timeout and its group was killed.
        duration_s: wall seconds from start to end.
        stderr_tail: the end of its stderr, noise filtered.
    """

    returncode: int | None
    timed_out: bool
    duration_s: float
    stderr_tail: str

    @property
    def ok(self) -> bool:
        """It exited with status 0."""
        return self.returncode == 0

    def how(self) -> str:
        """How it ended, in words: ``timed out after 60 s and was killed``, ``killed by signal 9 (SIGKILL)``,
        ``exited with status 1``."""
        if self.timed_out:
            return f"timed out after {self.duration_s:.0f} s and was killed"
        if self.returncode is not None and self.returncode < 0:
            try:
                name = signal.Signals(-self.returncode).name
            except ValueError:
                name = "unknown signal"
            return f"killed by signal {-self.returncode} ({name})"
        return f"exited with status {self.returncode}"

    def last_line(self) -> str:
        """The last line of its stderr, or a note that there was none."""
        lines = self.stderr_tail.splitlines()
        return lines[-1] if lines else "no output on stderr"


def run_process(cmd: Sequence[str], *, timeout_s: float, cwd: str | os.PathLike, env: Mapping[str, str],
                stdout: str | os.PathLike, stderr: str | os.PathLike) -> ProcessOutcome:
    """Run ``cmd`` to its end or its timeout in its own session, output to the files ``stdout`` and ``stderr``.

    On a timeout, an interrupt or any exception in the parent, the child's whole process group is killed
    before this returns or raises.
    """
    start = time.perf_counter()
    with open(stderr, "wb") as err, open(stdout, "wb") as out:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                                env=dict(env), start_new_session=True, preexec_fn=die_with_parent)
        try:
            code: int | None = proc.wait(timeout=timeout_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            kill_group(proc)
            code, timed_out = None, True
        finally:
            # On any exit path (an interrupt included) the child's group goes down with us, and so does anything
            # it started and left running (a launcher's workers).
            kill_group(proc)
    return ProcessOutcome(code, timed_out, time.perf_counter() - start, tail(Path(stderr)))
