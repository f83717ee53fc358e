"""Start the worker processes of a multi-process training run on this machine, and always clean them up.

Multi-worker training needs something outside the training program to start one process per worker and tell
each where the others listen: ``TF_CONFIG`` for TensorFlow's ``MultiWorkerMirroredStrategy``,
``MASTER_ADDR``/``MASTER_PORT``/``RANK``/``WORLD_SIZE`` for ``torch.distributed``. On a cluster a scheduler
does it; here :func:`launch` does, on loopback ports that are free when the run starts.

Clean-up is the point of this file. Each worker runs in a session (process group) of its own and is asked by
the kernel to die with its parent (``PR_SET_PDEATHSIG``, set after ``fork`` by a tiny exec wrapper, because
``preexec_fn`` is unsafe in a process that already runs threads, as a TensorFlow process does). :func:`launch`
waits with a timeout; when one worker fails the others are given a few seconds, since a survivor would wait
forever for its dead peer in the next collective; and on every way out of :func:`launch` (return, exception,
interrupt) every worker's process group that is still alive is killed with ``SIGKILL`` and reaped. A worker
still running long after another finished successfully is killed too: data-parallel workers finish together,
so it is hung (usually while shutting down).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

#: Runs in the child after fork, before the worker program: die with the parent, then become the worker.
#: It exits at once if the parent is already gone (the signal is only sent for a death after the request).
_EXEC_WRAPPER = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGKILL)\n"
    "os.getppid() == int(sys.argv[1]) or os._exit(1)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)
STDERR_TAIL_CHARS = 4000


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that the kernel reports free now.

    All sockets are held open until every port is chosen, so the ports differ; a port can still be taken by
    another process between this call and the worker's bind, which then fails loudly (a recorded failure).
    """
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tf_config_env(ports: list[int]) -> list[dict[str, str]]:
    """The ``TF_CONFIG`` of each worker of a cluster listening on ``ports`` of the loopback address."""
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    return [{"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})}
            for i in range(len(ports))]


def torch_env(port: int, world_size: int) -> list[dict[str, str]]:
    """The ``torch.distributed`` rendezvous variables of each rank, rank 0 listening on ``port``."""
    return [{"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": str(rank),
             "WORLD_SIZE": str(world_size)} for rank in range(world_size)]


def _tail(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-STDERR_TAIL_CHARS:].strip()
    except OSError:
        return ""


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)


def launch(commands: list[list[str]], envs: list[dict[str, str]], *, log_dir: Path, timeout_s: float,
           grace_s: float = 5.0, finish_grace_s: float = 30.0,
           kill_after_s: dict[int, float] | None = None) -> list[dict]:
    """Run one process per command, each with ``os.environ`` updated by its ``envs`` entry; wait for all.

    Args:
        commands: the argv of each worker (``commands[i]`` is worker ``i``).
        envs: extra environment of each worker.
        log_dir: where each worker's stdout and stderr go (``worker<i>.out``/``.err``).
        timeout_s: seconds after which every worker still running is killed.
        grace_s: seconds the others may still run after one worker failed.
        finish_grace_s: seconds the others may still run after one worker finished successfully (data-parallel
            workers finish together; one still running long after is hung, typically while shutting down).
        kill_after_s: fault injection for tests: ``{i: s}`` kills worker ``i``'s group ``s`` seconds in.

    Returns:
        Per worker: ``status`` (``ok``, ``failed``, ``killed``), ``returncode``, ``reason``, ``killed_because``
        (``fault_injection``, ``peer_failed``, ``peer_finished``, ``timeout`` or None), the ``stderr_tail``,
        ``spawned_at`` (wall-clock time) and the ``seconds`` the launch took.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    records: list[dict] = []
    kill_after_s = kill_after_s or {}
    try:
        for i, (argv, extra) in enumerate(zip(commands, envs, strict=True)):
            wrapped = [sys.executable, "-c", _EXEC_WRAPPER, str(os.getpid()), *argv]
            with open(log_dir / f"worker{i}.out", "wb") as out, open(log_dir / f"worker{i}.err", "wb") as err:
                records.append({"worker": i, "spawned_at": time.time(), "status": None, "reason": None,
                                "killed_because": None})
                procs.append(subprocess.Popen(wrapped, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                              env={**os.environ, **extra}, start_new_session=True))
        start = time.monotonic()
        deadline = start + timeout_s
        while any(p.poll() is None for p in procs):
            now = time.monotonic()
            for i, seconds in list(kill_after_s.items()):
                if now - start >= seconds and procs[i].poll() is None:
                    _kill_group(procs[i])
                    records[i].update(reason=f"killed on purpose after {seconds:g} s (fault injection)",
                                      killed_because="fault_injection")
                    del kill_after_s[i]
            failed = [p for p in procs if p.poll() not in (None, 0)]
            finished = [i for i, p in enumerate(procs) if p.poll() == 0]
            if failed and deadline > now + grace_s:
                deadline = now + grace_s  # a survivor would block in its next collective: do not wait long
            if finished and not failed and deadline > now + finish_grace_s:
                deadline = now + finish_grace_s
            if now >= deadline:
                if failed:
                    cause, why = "peer_failed", "a peer worker had failed"
                elif finished:
                    cause = "peer_finished"
                    why = f"still running {finish_grace_s:g} s after worker {finished[0]} had finished"
                else:
                    cause, why = "timeout", f"timed out (limit {timeout_s:g} s)"
                for i, proc in enumerate(procs):
                    if proc.poll() is None:
                        _kill_group(proc)
                        records[i].update(reason=f"killed after {now - start:.0f} s: {why}", killed_because=cause)
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - start
        for i, proc in enumerate(procs):
            code = proc.wait()
            rec = records[i]
            rec["returncode"] = code
            rec["seconds"] = elapsed
            rec["status"] = "ok" if code == 0 else ("killed" if code < 0 else "failed")
            if code != 0:
                rec["stderr_tail"] = _tail(log_dir / f"worker{i}.err")
                if rec["reason"] is None:
                    rec["reason"] = (f"killed by signal {-code}" if code < 0 else f"exited with status {code}")
        return records
    finally:
        # Every way out, an exception or an interrupt included, takes the workers' groups down with it.
        for proc in procs:
            if proc.poll() is None:
                _kill_group(proc)
