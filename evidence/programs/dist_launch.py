"""Start the worker processes of a multi-process training run on this machine, and always clean them up.

Multi-worker training needs something outside the training program to start one process per worker and tell
each where the others listen: ``TF_CONFIG`` for TensorFlow's ``MultiWorkerMirroredStrategy``;
``MASTER_ADDR``/``MASTER_PORT``/``RANK``/``WORLD_SIZE`` for ``torch.distributed``; ``KERAS_DISTRIBUTION_*``
for ``keras.distribution.initialize`` on JAX. On a cluster a scheduler does it; here :func:`launch` does, on
loopback ports that are free when the run starts. It can also play the fault a cluster meets: kill one worker
once it has trained so many steps, watch what the others do, and restart the job, as a scheduler would.

Run as a program, it takes a job description (JSON) and writes what happened (JSON)::

    python evidence/programs/dist_launch.py job.json result.json

Clean-up is the point of this file. Each worker runs in a session (process group) of its own and is asked by
the kernel to die with its parent (``PR_SET_PDEATHSIG``, set after ``fork`` by a tiny exec wrapper, because
``preexec_fn`` is unsafe in a process that already runs threads). :func:`launch` waits with a timeout; when one
worker fails the others are given a few seconds, since a survivor would wait forever for its dead peer in the
next collective; and on every way out of :func:`launch` (return, exception, interrupt) every worker's process
group, and every process descended from a worker (``torchrun`` starts its workers in sessions of their own), is
killed with ``SIGKILL`` and reaped. A worker still running long after another finished successfully is killed
too: data-parallel workers finish together, so it is hung (usually while shutting down).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
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
#: A line of a worker's stderr that says it failed (a traceback starts, or an exception is named).
_ERROR_LINE = re.compile(r"Traceback \(most recent call last\)|^(\[rank\d+\]: )?\S*(Error|Exception)\b[:\s]",
                         re.MULTILINE)
POLL_S = 0.02


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


def jax_env(port: int, processes: int) -> list[dict[str, str]]:
    """The variables ``keras.distribution.initialize()`` reads, process 0 coordinating on ``port``."""
    return [{"KERAS_DISTRIBUTION_JOB_ADDRESSES": f"127.0.0.1:{port}", "KERAS_DISTRIBUTION_NUM_PROCESSES":
             str(processes), "KERAS_DISTRIBUTION_PROCESS_ID": str(i)} for i in range(processes)]


def cluster_env(cluster: str | None, count: int) -> list[dict[str, str]]:
    """Each worker's cluster variables for ``cluster`` (``tf_config``, ``torch``, ``jax``; None: none), on ports
    free now."""
    if cluster == "tf_config":
        return tf_config_env(free_ports(count))
    if cluster == "torch":
        return torch_env(free_ports(1)[0], count)
    if cluster == "jax":
        return jax_env(free_ports(1)[0], count)
    if cluster is None:
        return [{} for _ in range(count)]
    raise ValueError(f"Expected cluster in ('tf_config', 'torch', 'jax', None); received: {cluster!r}")


# -- processes ---------------------------------------------------------------------------------------------------
def _children_map() -> dict[int, list[int]]:
    """Every live process's children, read from ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def descendants(pid: int) -> list[int]:
    """Every process descended from ``pid`` (children, grandchildren, ...), whatever their session."""
    children = _children_map()
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def kill_tree(proc: subprocess.Popen) -> None:
    """Kill ``proc``'s process group and every process descended from it, then reap it.

    The descendants are listed before anything is killed: once a parent dies its children are re-parented and
    can no longer be found from it.
    """
    below = descendants(proc.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for pid in below:
        _kill_pid(pid)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)


def processes_naming(marker: str) -> list[int]:
    """Live processes other than this one (zombies aside) whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _tail(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-STDERR_TAIL_CHARS:].strip()
    except OSError:
        return ""


def last_progress(path: Path) -> tuple[int, int] | None:
    """The last ``(pid, step)`` a worker wrote to its progress file (``dist_task.progress``), None before any.

    Only complete lines count: the file may be read while a line is being written.
    """
    try:
        lines = path.read_text(encoding="utf-8").split("\n")[:-1]
    except OSError:
        return None
    for line in reversed(lines):
        with contextlib.suppress(ValueError):
            pid, step = line.split()
            return int(pid), int(step)
    return None


def progress_by_pid(path: Path) -> dict[int, int]:
    """The last step each process wrote to a progress file (attempts of a restarted job are distinct pids)."""
    try:
        words = path.read_text(encoding="utf-8").split()
    except OSError:
        return {}
    out: dict[int, int] = {}
    for pid, step in zip(words[::2], words[1::2], strict=False):
        with contextlib.suppress(ValueError):
            out[int(pid)] = int(step)
    return out


class Fault:
    """A worker to kill part-way through training, and how long to watch the others afterwards.

    Attributes:
        worker: the worker (rank) to kill.
        at_step: kill it once its progress file says it has finished this many training steps.
        progress: that progress file (``dist_task.progress`` appends ``pid step`` after every step).
        hang_timeout_s: seconds the survivors are given after the kill; one still running then is hung.
        by_pid: kill the pid the progress file names (a worker started by ``torchrun``, not by this launcher)
            and leave the survivors to their launcher.
    """

    # A plain class, not a dataclass: this file is also imported by path, outside sys.modules.
    def __init__(self, worker: int, at_step: int, progress: Path, hang_timeout_s: float, by_pid: bool = False):
        self.worker, self.at_step, self.progress = worker, at_step, progress
        self.hang_timeout_s, self.by_pid = hang_timeout_s, by_pid


def _first_error_at(path: Path, offset: int) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            fh.seek(offset)
            return bool(_ERROR_LINE.search(fh.read()))
    except OSError:
        return False


def launch(commands: list[list[str]], envs: list[dict[str, str]], *, log_dir: Path, timeout_s: float,
           grace_s: float = 5.0, finish_grace_s: float = 30.0, kill_after_s: dict[int, float] | None = None,
           fault: Fault | None = None) -> list[dict]:
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
        fault: a worker to kill part-way through training (see :class:`Fault`); after the kill the survivors
            get ``fault.hang_timeout_s`` instead of ``grace_s``.

    Returns:
        Per worker: ``status`` (``ok``, ``failed``, ``killed``), ``returncode``, ``reason``, ``killed_because``
        (``fault_injection``, ``fault``, ``peer_failed``, ``peer_finished``, ``hang``, ``timeout`` or None), the
        ``stderr_tail``, ``spawned_at`` (wall-clock time), the ``seconds`` the launch took, and with a fault:
        ``exit_after_kill_s`` (when it ended, from the kill) and ``error_after_kill_s`` (when its stderr first
        showed an error after the kill). The first record of a run with a fault also holds ``killed_at``
        (wall-clock time of the kill) and ``killed_at_step``.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    records: list[dict] = []
    kill_after_s = dict(kill_after_s or {})
    try:
        for i, (argv, extra) in enumerate(zip(commands, envs, strict=True)):
            wrapped = [sys.executable, "-c", _EXEC_WRAPPER, str(os.getpid()), *argv]
            with open(log_dir / f"worker{i}.out", "wb") as out, open(log_dir / f"worker{i}.err", "wb") as err:
                records.append({"worker": i, "spawned_at": time.time(), "status": None, "reason": None,
                                "killed_because": None})
                procs.append(subprocess.Popen(wrapped, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                              env={**os.environ, **extra}, start_new_session=True))
                records[-1]["pid"] = procs[-1].pid  # the wrapper execs the worker: the same pid
        start = time.monotonic()
        deadline = start + timeout_s
        killed_at: float | None = None
        ended_at: dict[int, float] = {}
        err_offsets: dict[int, int] = {}
        error_at: dict[int, float] = {}
        while any(p.poll() is None for p in procs):
            now = time.monotonic()
            for i, proc in enumerate(procs):
                if proc.poll() is not None and i not in ended_at:
                    ended_at[i] = now
            for i, seconds in list(kill_after_s.items()):
                if now - start >= seconds and procs[i].poll() is None:
                    kill_tree(procs[i])
                    records[i].update(reason=f"killed on purpose after {seconds:g} s (fault injection)",
                                      killed_because="fault_injection")
                    del kill_after_s[i]
            if fault is not None and killed_at is None:
                seen = last_progress(fault.progress)
                if seen is not None and seen[1] >= fault.at_step:
                    victim = fault.worker if not fault.by_pid else 0
                    # Where each stderr ends and when, taken before the kill: a survivor may write its error
                    # within milliseconds of it.
                    for j in range(len(procs)):
                        err_offsets[j] = (log_dir / f"worker{j}.err").stat().st_size
                    killed_at = time.monotonic()
                    records[0].update(killed_at=time.time(), killed_at_step=seen[1], killed_pid=seen[0])
                    if fault.by_pid:
                        _kill_pid(seen[0])
                    else:
                        kill_tree(procs[victim])
                        records[victim].update(killed_because="fault")
                    records[victim]["reason"] = f"killed on purpose after training step {seen[1]} (the fault)"
                    if not fault.by_pid:
                        deadline = min(deadline, killed_at + fault.hang_timeout_s)
            if killed_at is not None:
                for j in err_offsets:
                    if j not in error_at and _first_error_at(log_dir / f"worker{j}.err", err_offsets[j]):
                        error_at[j] = now
            failed = [p for i, p in enumerate(procs) if p.poll() not in (None, 0)
                      and records[i]["killed_because"] != "fault"]
            finished = [i for i, p in enumerate(procs) if p.poll() == 0]
            if killed_at is None and failed and deadline > now + grace_s:
                deadline = now + grace_s  # a survivor would block in its next collective: do not wait long
            if finished and not failed and killed_at is None and deadline > now + finish_grace_s:
                deadline = now + finish_grace_s
            if now >= deadline:
                if killed_at is not None and not fault.by_pid and now - killed_at >= fault.hang_timeout_s - POLL_S:
                    cause, why = "hang", f"still running {fault.hang_timeout_s:g} s after a worker was killed"
                elif failed:
                    cause, why = "peer_failed", "a peer worker had failed"
                elif finished:
                    cause = "peer_finished"
                    why = f"still running {finish_grace_s:g} s after worker {finished[0]} had finished"
                else:
                    cause, why = "timeout", f"timed out (limit {timeout_s:g} s)"
                for i, proc in enumerate(procs):
                    if proc.poll() is None:
                        kill_tree(proc)
                        records[i].update(reason=f"killed after {now - start:.0f} s: {why}", killed_because=cause)
                break
            time.sleep(POLL_S)
        elapsed = time.monotonic() - start
        if killed_at is not None:
            # A worker that wrote its error and exited between two polls: its error came by its exit.
            for j in err_offsets:
                if j not in error_at and _first_error_at(log_dir / f"worker{j}.err", err_offsets[j]):
                    error_at[j] = ended_at.get(j, time.monotonic())
        for i, proc in enumerate(procs):
            code = proc.wait()
            rec = records[i]
            rec["returncode"] = code
            rec["seconds"] = elapsed
            rec["status"] = "ok" if code == 0 else ("killed" if code < 0 else "failed")
            if killed_at is not None:
                end = ended_at.get(i, time.monotonic())
                rec["exit_after_kill_s"] = max(0.0, end - killed_at)
                rec["error_after_kill_s"] = error_at[i] - killed_at if i in error_at else None
            if code != 0:
                rec["stderr_tail"] = _tail(log_dir / f"worker{i}.err")
                if rec["reason"] is None:
                    rec["reason"] = (f"killed by signal {-code}" if code < 0 else f"exited with status {code}")
        return records
    finally:
        # Every way out, an exception or an interrupt included, takes the workers and their descendants down.
        for proc in procs:
            if proc.poll() is None or descendants(proc.pid):
                kill_tree(proc)


def run_job(job: dict) -> dict:
    """Run the job a JSON description gives, with its fault and restarts; see the module docstring.

    ``job`` keys: ``command`` (argv; ``{rank}`` and ``{run_dir}`` are filled in), ``workers``, ``cluster``
    (``tf_config``, ``torch``, ``jax`` or null), ``env`` (extra environment of every worker), ``run_dir``,
    ``timeout_s``, ``grace_s``, ``finish_grace_s``, ``kill_after_s`` (``{worker: seconds}``, for tests),
    ``fault`` (``{"worker", "at_step", "hang_timeout_s"}`` or null), ``restarts`` (times the launcher restarts
    the whole job when it failed) and ``torchrun`` (the command is torchrun's own: one process that starts the
    workers itself; the fault then kills the worker by the pid in its progress file).

    Returns ``attempts`` (each: its records, ``started_at``, ``seconds``), and ``processes_left``: processes
    naming the run folder still alive after clean-up (they are killed then; 0 is the expected count).
    """
    run_dir = Path(job["run_dir"])
    run_dir.mkdir(parents=True, exist_ok=True)
    fault = None
    if job.get("fault"):
        f = job["fault"]
        fault = Fault(worker=int(f["worker"]), at_step=int(f["at_step"]),
                      progress=run_dir / f"progress{int(f['worker'])}.txt",
                      hang_timeout_s=float(f["hang_timeout_s"]), by_pid=bool(job.get("torchrun")))
    count = 1 if job.get("torchrun") else int(job["workers"])
    attempts = []
    for attempt in range(int(job.get("restarts", 0)) + 1):
        envs = cluster_env(None if job.get("torchrun") else job.get("cluster"), count)
        envs = [{**job.get("env", {}), **e, "KVT_ATTEMPT": str(attempt)} for e in envs]
        commands = [[part.replace("{rank}", str(i)).replace("{run_dir}", str(run_dir)) for part in job["command"]]
                    for i in range(count)]
        started = time.time()
        records = launch(commands, envs, log_dir=run_dir / f"attempt{attempt}", timeout_s=float(job["timeout_s"]),
                         grace_s=float(job.get("grace_s", 5.0)), finish_grace_s=float(job.get("finish_grace_s", 30.0)),
                         kill_after_s={int(k): float(v) for k, v in (job.get("kill_after_s") or {}).items()},
                         fault=fault if attempt == 0 else None)
        attempts.append({"records": records, "started_at": started, "seconds": time.time() - started})
        if all(r["status"] == "ok" for r in records):
            break
    left = processes_naming(str(run_dir))
    for pid in left:
        _kill_pid(pid)
    return {"attempts": attempts, "processes_left": len(left)}


def main(argv: list[str] | None = None) -> int:
    """``dist_launch.py JOB.json RESULT.json``: run the job, write what happened (atomically)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: dist_launch.py JOB.json RESULT.json", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    result = run_job(job)
    out = Path(args[1])
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    tmp.replace(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
