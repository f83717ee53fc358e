"""Child processes that cannot outlive their parent or their timeout: the runner's workers, deployment's serving
processes, ``kvt check``'s trials.

A child runs in its own session (so a timeout kills its whole process group, grandchildren included), with a
parent-death signal (so a parent killed with SIGKILL takes it along), stdin closed, and its output in files.
While it runs, a watchdog samples the resident memory of the child and all its descendants together; given a cap,
a tree that passes it is killed, so that one worker cannot take the machine down with it (a TensorFlow export
worker grew past 24 GB in tf2onnx until the kernel's out-of-memory killer struck). :func:`run_process` never raises
for what the child does: it returns how the child ended, and the peak memory seen.
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
from typing import TYPE_CHECKING

from evidence.errors import filter_noise

if TYPE_CHECKING:
    import psutil

STDERR_TAIL_CHARS = 3000
#: Seconds between two samples of a child's memory: a tree that grows by a gigabyte a second passes a cap by at
#: most half a gigabyte before it is killed, and a sample (one scan of /proc) costs a few milliseconds.
MEMORY_POLL_S = 0.5
GIB = 2**30


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


def size_text(n_bytes: int) -> str:
    """A memory size for people: ``12.3 GiB``, or ``300 MiB`` below a gibibyte."""
    return f"{n_bytes / GIB:.1f} GiB" if n_bytes >= GIB else f"{n_bytes / 2**20:.0f} MiB"


def tree_rss(root: psutil.Process) -> tuple[int, list[psutil.Process]]:
    """The resident memory of the process ``root`` (a ``psutil.Process``) and all its descendants together, in
    bytes, and the processes counted. A process that ends while it is read counts nothing. Pages shared between
    processes (libraries, a fork's untouched memory) count once in each: the sum errs on the high side."""
    import psutil

    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, []
    total, alive = 0, []
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
        alive.append(p)
    return total, alive


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
        returncode: its exit status (negative: killed by that signal); None when it timed out or passed the
            memory cap.
        timed_out: it ran past the timeout and its group was killed.
        duration_s: wall seconds from start to end.
        stderr_tail: the end of its stderr, noise filtered.
        peak_rss_bytes: the most resident memory seen of it and its descendants together, sampled every
            :data:`MEMORY_POLL_S` seconds; None when it ended before the first sample.
        memory_cap_bytes: the cap it passed, when it was killed for that (``over_memory``); else None.
    """

    returncode: int | None
    timed_out: bool
    duration_s: float
    stderr_tail: str
    peak_rss_bytes: int | None = None
    memory_cap_bytes: int | None = None

    @property
    def over_memory(self) -> bool:
        """It (with its descendants) used more memory than its cap and its group was killed."""
        return self.memory_cap_bytes is not None

    @property
    def ok(self) -> bool:
        """It exited with status 0."""
        return self.returncode == 0

    def how(self) -> str:
        """How it ended, in words: ``timed out after 60 s and was killed``, ``used more than 12.0 GiB of memory
        (peak 12.3 GiB, itself and its children together) and was killed``, ``killed by signal 9 (SIGKILL)``,
        ``exited with status 1``."""
        if self.memory_cap_bytes is not None:
            return (f"used more than {size_text(self.memory_cap_bytes)} of memory (peak "
                    f"{size_text(self.peak_rss_bytes or 0)}, itself and its children together) and was killed")
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
                stdout: str | os.PathLike, stderr: str | os.PathLike, memory_cap_bytes: int | None = None,
                memory_poll_s: float = MEMORY_POLL_S) -> ProcessOutcome:
    """Run ``cmd`` to its end or its timeout in its own session, output to the files ``stdout`` and ``stderr``.

    Every ``memory_poll_s`` seconds the resident memory of the child and all its descendants (in its group or
    not) is summed (:func:`tree_rss`); the highest sum is the outcome's ``peak_rss_bytes``. With
    ``memory_cap_bytes``, a sum above it kills every process counted and the child's group, and the outcome says
    so (``over_memory``). On a timeout, an interrupt or any exception in the parent, the child's whole process
    group is killed before this returns or raises.
    """
    import psutil  # here, not at the top: readers that import this module never start a process

    start = time.perf_counter()
    peak: int | None = None
    with open(stderr, "wb") as err, open(stdout, "wb") as out:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                                env=dict(env), start_new_session=True, preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout_s
        code: int | None = None
        timed_out = over = False
        try:
            root = psutil.Process(proc.pid)  # the child is ours and not reaped yet: its pid cannot be reused
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    kill_group(proc)
                    timed_out = True
                    break
                try:
                    code = proc.wait(timeout=min(memory_poll_s, left))
                    break
                except subprocess.TimeoutExpired:
                    pass
                used, procs = tree_rss(root)
                peak = max(peak or 0, used)
                if memory_cap_bytes is not None and used > memory_cap_bytes:
                    # The descendants first: one in a session of its own (a nested run_process) is outside the
                    # group and would otherwise live on until its parent-death signal.
                    for p in reversed(procs):
                        with contextlib.suppress(psutil.Error):
                            p.kill()
                    kill_group(proc)
                    over = True
                    break
        finally:
            # On any exit path (an interrupt included) the child's group goes down with us, and so does anything
            # it started and left running (a launcher's workers).
            kill_group(proc)
    return ProcessOutcome(None if timed_out or over else code, timed_out, time.perf_counter() - start,
                          tail(Path(stderr)), peak, memory_cap_bytes if over else None)
