"""The worker side of the experiment: run each distributed program and report what happened, as raw records.

Runs inside a subject's worker process (frameworks are imported here, inside functions only). Every
distributed run is a fresh set of processes started by ``dist_launch.py``, itself a child of the worker started
with :func:`evidence.processes.run_process` (its own session, a parent-death signal, killed with its group on
timeout): the launcher kills its workers on every way out and the kernel kills them if the launcher dies, so
no path leaves a process behind. What fails is recorded with its error (an :class:`~evidence.contract.ErrorInfo`
as a dict); the assessment (:mod:`.claim`) judges the records.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.claim import PROGRAMS_DIR, load_program
from evidence.errors import error_from_text, error_info
from evidence.processes import run_process
from evidence.timing import summarize

from .lines import logical_lines, program_lines_added
from .paths import FAULTS, PATHS, SINGLE, SINGLE_KERAS, fault_step

if TYPE_CHECKING:
    from evidence.claim import Claim, Context

#: Fault injection for the tests, ``PATH:WORKER:SECONDS``: kill that worker of that path's runs after SECONDS.
FAULT_ENV = "KVT_FAULT_KILL_WORKER"
#: torch's launcher prefixes every line a rank writes with ``[rankN]: ``.
_RANK_PREFIX = re.compile(r"^\[rank\d+\]: ?", re.MULTILINE)
#: Seconds the launcher itself may take beyond its workers' own timeouts before it is killed.
LAUNCHER_MARGIN_S = 60.0


def fault_injection(path_name: str) -> dict[int, float]:
    """The ``kill_after_s`` that :data:`FAULT_ENV` asks for on ``path_name`` (empty: no fault, the normal case)."""
    spec = os.environ.get(FAULT_ENV, "")
    if not spec:
        return {}
    try:
        name, worker, seconds = spec.split(":")
        return {int(worker): float(seconds)} if name == path_name else {}
    except ValueError:
        raise ValueError(f"Expected {FAULT_ENV}=PATH:WORKER:SECONDS; received: {spec!r}") from None


def worker_error(stderr_tail: str) -> dict[str, Any]:
    """The error a worker's stderr ends with, as an ``ErrorInfo`` dict (torch's ``[rankN]:`` prefixes removed)."""
    return error_from_text(_RANK_PREFIX.sub("", stderr_tail or "")).model_dump()


def global_batch() -> int:
    """``dist_task.GLOBAL_BATCH``, read from the program that every training program imports."""
    return int(load_program("dist_task.py").GLOBAL_BATCH)


def run_stats(out: dict[str, Any], *, warmup: int, samples_per_epoch: int) -> dict[str, Any]:
    """Loss, throughput and start-up of one training run from a program's report."""
    seconds = out["epoch_seconds"]
    timed = summarize(seconds[warmup:] or seconds)
    median = timed["median_s"]
    return {
        "final_loss": out["losses"][-1],
        "losses": out["losses"],
        "epoch_time": timed,
        "samples_per_s": samples_per_epoch / median,
        # Set-up (strategy, cluster, model) plus what the first epoch took beyond a steady one (tracing).
        "startup_s": out["setup_s"] + max(0.0, seconds[0] - median),
        "replicas": out["replicas"],
        "workers": out["workers"],
    }


class Runner:
    """The runs of one subject's worker: sizes, timeouts and the folder its runs write to."""

    def __init__(self, ctx, *, steps: int, epochs: int, timeout_s: float, grace_s: float, finish_grace_s: float):
        self.ctx, self.steps, self.epochs = ctx, steps, epochs
        self.timeout_s, self.grace_s, self.finish_grace_s = timeout_s, grace_s, finish_grace_s

    # -- one job of dist_launch.py ---------------------------------------------------------------------------
    def job(self, name: str, program: str, *, workers: int, cluster: str | None = None, env: dict | None = None,
            extra_args: list[str] | None = None, fault: dict | None = None, restarts: int = 0,
            torchrun: bool = False, recovery: bool = False, kill_after_s: dict | None = None,
            timeout_s: float | None = None) -> tuple[dict, Path]:
        """Run ``program`` in ``workers`` processes through ``dist_launch.py``; its result and the run folder.

        A launcher that dies or overruns is reported as a result with no attempts and its error.
        """
        run_dir = self.ctx.workdir / f"{self.ctx.subject}-{name}-{time.time_ns()}"
        run_dir.mkdir(parents=True)
        args = ["--steps", str(self.steps), "--epochs", str(self.epochs), *(extra_args or [])]
        if recovery:
            (run_dir / "checkpoints").mkdir()
            args += ["--run-dir", str(run_dir), "--checkpoint-dir", str(run_dir / "checkpoints")]
        else:
            args += ["--out", str(run_dir / "report{rank}.json")]
        script = str(PROGRAMS_DIR / program)
        if torchrun:
            launcher = load_program("dist_launch.py")
            port = launcher.free_ports(1)[0]
            command = [sys.executable, "-m", "torch.distributed.run", "--nnodes=1", f"--nproc-per-node={workers}",
                       "--max-restarts=1", "--monitor-interval=0.1", "--rdzv-backend=c10d",
                       f"--rdzv-endpoint=127.0.0.1:{port}", script, *args]
        else:
            command = [sys.executable, script, *args]
        timeout_s = timeout_s or self.timeout_s
        spec = {"command": command, "workers": workers, "cluster": cluster, "run_dir": str(run_dir),
                "env": {"CUDA_VISIBLE_DEVICES": "", **(env or {})}, "timeout_s": timeout_s,
                "grace_s": self.grace_s, "finish_grace_s": self.finish_grace_s, "fault": fault,
                "restarts": restarts, "torchrun": torchrun, "kill_after_s": kill_after_s or {}}
        (run_dir / "job.json").write_text(json.dumps(spec), encoding="utf-8")
        outcome = run_process([sys.executable, str(PROGRAMS_DIR / "dist_launch.py"), str(run_dir / "job.json"),
                               str(run_dir / "result.json")],
                              timeout_s=timeout_s * (restarts + 1) + LAUNCHER_MARGIN_S, cwd=run_dir,
                              env=dict(os.environ), stdout=run_dir / "launcher.out", stderr=run_dir / "launcher.err")
        result_file = run_dir / "result.json"
        if not result_file.exists():
            return {"attempts": [], "processes_left": None, "launcher_error": error_from_text(
                outcome.stderr_tail or f"the launcher {outcome.how()}").model_dump()}, run_dir
        return json.loads(result_file.read_text(encoding="utf-8")), run_dir

    @staticmethod
    def reports(run_dir: Path, count: int) -> list[dict | None]:
        """Each worker's report in ``run_dir`` (None where a worker wrote none)."""
        out = []
        for i in range(count):
            path = run_dir / f"report{i}.json"
            out.append(json.loads(path.read_text(encoding="utf-8")) if path.exists() else None)
        return out

    # -- a distributed run -----------------------------------------------------------------------------------
    def run(self, name: str, *, workers: int = 1, cluster: str | None = None, env: dict | None = None,
            extra_args: list[str] | None = None) -> dict[str, Any]:
        """One run of path ``name``'s program in ``workers`` processes: its stats, or how it failed."""
        path = PATHS[name]
        result, run_dir = self.job(name, path.program, workers=workers, cluster=cluster, env=env,
                                   extra_args=extra_args, kill_after_s=fault_injection(name))
        if not result["attempts"]:
            return {"status": "failed", "processes": workers, "error": result["launcher_error"],
                    "processes_left": result["processes_left"]}
        attempt = result["attempts"][-1]
        records = attempt["records"]
        reports = self.reports(run_dir, workers)
        processes = [{"worker": r["worker"], "status": r["status"], "returncode": r["returncode"],
                      "reason": r["reason"], "killed_because": r["killed_because"], "report_written": bool(rep),
                      **({"error": worker_error(r.get("stderr_tail") or "")}
                         if r["status"] != "ok" else {})}
                     for r, rep in zip(records, reports, strict=True)]
        base = {"processes": workers, "seconds": attempt["seconds"], "workers_report": processes,
                "processes_left": result["processes_left"]}
        # A worker that wrote its report and then had to be killed after the others had finished trained
        # correctly but hung on its way out: the run counts, the hang is recorded.
        hung = [p for p in processes if p["killed_because"] == "peer_finished" and p["report_written"]]
        if hung:
            base["exit_hang"] = [{"worker": p["worker"], "reason": p["reason"]} for p in hung]
        if all(p["status"] == "ok" or p in hung for p in processes) and all(reports):
            stats = run_stats(reports[0], warmup=self.ctx.warmup, samples_per_epoch=self.steps * global_batch())
            in_train = reports[0]["setup_s"] + sum(reports[0]["epoch_seconds"])
            extra = {"sharding": reports[0]["sharding"]} if "sharding" in reports[0] else {}
            return {"status": "ok", **base, **stats, **extra,
                    # Interpreter start and framework imports of a fresh process: the rest of its lifetime.
                    "launch_s": max(0.0, reports[0]["finished_at"] - records[0]["spawned_at"] - in_train),
                    # Every worker reports the loss of the whole global batch: they must agree exactly.
                    "workers_loss_spread": max(abs(r["losses"][-1] - reports[0]["losses"][-1]) for r in reports)}
        # The first worker that failed on its own (not killed for a failed peer) names the error.
        first = next((p for p in processes if p["status"] == "failed"), None) or next(
            (p for p in processes if p["status"] != "ok"), processes[0])
        error = first.get("error") or {"type": "unknown", "message": first["reason"] or "no report"}
        return {"status": "failed", **base, "error": error, "failed_worker": first["worker"]}

    # -- a fault trial ---------------------------------------------------------------------------------------
    def fault_trial(self, name: str, program: str, *, mechanism: str, restart: str, at_step: int,
                    hang_timeout_s: float, timeout_s: float, workers: int = 2) -> dict[str, Any]:
        """Kill worker 1 of a run of the recovery ``program`` once it has trained ``at_step`` steps; restart the
        job (``restart``: ``launcher``, ``torchrun`` or ``none``); the raw record of what happened."""
        path = PATHS[name]
        result, run_dir = self.job(f"{name}-fault-{restart}", program, workers=workers, cluster=path.cluster,
                                   fault={"worker": 1, "at_step": at_step, "hang_timeout_s": hang_timeout_s},
                                   restarts=1 if restart == "launcher" else 0, torchrun=restart == "torchrun",
                                   recovery=True, timeout_s=timeout_s,
                                   env={"JAX_PLATFORMS": "cpu"} if path.cluster == "jax" else None)
        record: dict[str, Any] = {"mechanism": mechanism, "program": program, "restart": restart,
                                  "planned_steps": self.steps * self.epochs, "at_step": at_step,
                                  "hang_timeout_s": hang_timeout_s, "processes_left": result["processes_left"],
                                  "attempts": result["attempts"],
                                  "progress": {str(i): load_program("dist_launch.py").progress_by_pid(
                                      run_dir / f"progress{i}.txt") for i in range(workers)},
                                  "reports": self.reports(run_dir, workers)}
        if not result["attempts"]:
            record["launcher_error"] = result["launcher_error"]
        for attempt in result["attempts"]:
            for r in attempt["records"]:
                if r["status"] != "ok" and r.get("stderr_tail"):
                    r["error"] = worker_error(r["stderr_tail"])
                r.pop("stderr_tail", None)
        return record

    # -- in this worker ------------------------------------------------------------------------------------
    def single(self) -> dict[str, Any]:
        """The single-device program's run, in this worker, on the CPU like the distributed runs."""
        program = SINGLE[self.ctx.subject]
        backend = os.environ.get("KERAS_BACKEND") if program == SINGLE_KERAS else None
        if backend == "torch":
            import torch

            if torch.cuda.is_available():
                # Keras's torch backend picks its device when it is imported (already done in this worker), and
                # its device scope breaks fit's gradients: a CPU run needs a fresh process without the GPU.
                _, run_dir = self.job("single", program, workers=1)
                report = self.reports(run_dir, 1)[0]
                if report is None:
                    return {"status": "failed", "error": {"type": "unknown", "message": "no report"}}
                return {"status": "ok", "processes": 1, **run_stats(
                    report, warmup=self.ctx.warmup, samples_per_epoch=self.steps * global_batch())}
            on_cpu = None
        elif backend is None:
            import tensorflow as tf

            on_cpu = tf.device("/cpu:0")
        else:
            import keras

            on_cpu = keras.device("cpu:0")
        return self.in_process(load_program(program).train, on_cpu)

    def in_process(self, train, on_cpu) -> dict[str, Any]:
        """Run a program's ``train(steps, epochs)`` in this worker; an exception is the recorded failure."""
        import contextlib

        start = time.perf_counter()
        try:
            with on_cpu or contextlib.nullcontext():
                out = train(self.steps, self.epochs)
        except Exception as exc:  # a failing program is the measurement
            return {"status": "failed", "error": error_info(exc).model_dump(), "seconds": time.perf_counter() - start}
        return {"status": "ok", "processes": 1, "seconds": time.perf_counter() - start,
                **run_stats(out, warmup=self.ctx.warmup, samples_per_epoch=self.steps * global_batch())}

    def one_device_in_process(self, name: str) -> dict[str, Any]:
        """Path ``name``'s program on one device (or as a 1-process group), run in this worker.

        One device needs no logical-device split, so no fresh process: the run costs no interpreter start.
        torch DDP joins a process group of one on a loopback port found free now.
        """
        path = PATHS[name]
        program = load_program(path.program)
        if path.cluster == "torch":
            launcher = load_program("dist_launch.py")
            env = launcher.torch_env(launcher.free_ports(1)[0], 1)[0]
            saved = {k: os.environ.get(k) for k in env}
            os.environ.update(env)
            try:
                import torch

                out = self.in_process(program.train, None)
                if torch.distributed.is_initialized():
                    torch.distributed.destroy_process_group()
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
            return {**out, "processes": 1, "in_worker": True}
        # The strategy names its one device itself.
        return {**self.in_process(lambda steps, epochs: program.train(steps, epochs, 1), None), "in_worker": True}

    def keras_distribution_attempt(self, kind: str) -> dict[str, Any]:
        """``keras.distribution``'s DataParallel (``kind="data_parallel"``) or ModelParallel over two named CPU
        devices, under this worker's backend: does Keras accept it, train, and really distribute the weights?"""
        import keras
        from keras.src import backend as keras_backend

        out: dict[str, Any] = {"processes": 1, "backend": keras.backend.backend(),
                               "backend_has_distribution_lib": keras_backend.distribution_lib is not None}
        try:
            if kind == "data_parallel":
                # Keras's own default first: every device the backend lists.
                try:
                    keras.distribution.set_distribution(keras.distribution.DataParallel())
                    out["default_devices"] = "accepted"
                except Exception as exc:  # the failure is the measurement
                    out["default_devices_error"] = error_info(exc).model_dump()
                distribution = keras.distribution.DataParallel(devices=["cpu:0", "cpu:1"])
            else:
                mesh = keras.distribution.DeviceMesh((1, 2), ["batch", "model"], devices=["cpu:0", "cpu:1"])
                layout_map = keras.distribution.LayoutMap(mesh)
                layout_map["^sequential/dense/kernel$"] = (None, "model")
                distribution = keras.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
            keras.distribution.set_distribution(distribution)
            out["accepted"] = True
            trained = self.in_process(load_program(SINGLE_KERAS).train, None)
            out.update({k: trained[k] for k in ("status", "final_loss", "samples_per_s", "error") if k in trained})
            model = load_program(SINGLE_KERAS).build_model()
            kernel = model.weights[0]
            sharding = getattr(kernel.value, "sharding", None)
            out["kernel"] = {"variable": kernel.path, "type": f"{type(kernel.value).__module__}."
                             f"{type(kernel.value).__qualname__}",
                             "device": str(getattr(kernel.value, "device", "")), "sharding": str(sharding)}
        except Exception as exc:  # the failure is the measurement
            out.update(status="failed", accepted=out.get("accepted", False), error=error_info(exc).model_dump())
        finally:
            keras.distribution.set_distribution(None)
        return out


def accelerator_count() -> int:
    """GPUs on this machine, as ``nvidia-smi -L`` lists them (0 when there is none, or no nvidia-smi)."""
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in out.splitlines() if line.startswith("GPU "))


def measure(claim: Claim, ctx: Context) -> dict[str, Any]:
    """The subject's single-device run, each of its distributed paths, then its fault trials."""
    q = ctx.quick
    steps, epochs = claim.setting("steps", q), ctx.warmup + ctx.repeats
    runner = Runner(ctx, steps=steps, epochs=epochs, timeout_s=claim.setting("workers_timeout_s", q),
                    grace_s=claim.setting("workers_grace_s", q),
                    finish_grace_s=claim.setting("workers_finish_grace_s", q))
    workers = claim.setting("workers", q)
    skipped = claim.setting("paths_skipped", q)
    names = [n for n, p in PATHS.items() if p.option == ctx.subject and n not in skipped]
    runs: dict[str, Any] = {}
    single = runner.single()
    for name in names:
        path = PATHS[name]
        if path.runner == "devices":
            # A fresh process per device count: the logical devices must be set before TensorFlow starts,
            # and Keras's collectives keep group keys for the life of the process (a second strategy with
            # another device count fails: "joining a group with size 2, but that group has size 4").
            for n in claim.setting("mirrored_devices", q):
                runs[f"{name}-{n}"] = {"path": name, "devices": n, **(
                    runner.one_device_in_process(name) if n == 1 else
                    runner.run(name, extra_args=["--devices", str(n)]))}
        elif path.runner == "logical-devices":
            runs[f"{name}-2"] = {"path": name, "devices": 2, **runner.run(name, extra_args=["--devices", "2"])}
        elif path.runner == "host-devices":
            flags = " ".join(filter(None, [os.environ.get("XLA_FLAGS"),
                                           "--xla_force_host_platform_device_count=2"]))
            runs[f"{name}-2"] = {"path": name, "devices": 2, **runner.run(
                name, env={"XLA_FLAGS": flags, "JAX_PLATFORMS": "cpu"})}
        elif path.runner == "workers":
            if path.own_one_device_run and not q:
                runs[f"{name}-1"] = {"path": name, "devices": 1, **runner.one_device_in_process(name)}
            env = {"JAX_PLATFORMS": "cpu"} if path.cluster == "jax" else {}
            runs[f"{name}-{workers}"] = {"path": name, "devices": workers, **runner.run(
                name, workers=workers, cluster=path.cluster, env=env)}
        elif path.runner == "in-worker":
            runs[name] = {"path": name, "devices": 2, **runner.keras_distribution_attempt(path.kind)}
    faults: dict[str, Any] = {}
    hang = float(claim.threshold("hang_after_s", q))
    at_step = fault_step(claim.setting("steps", q), epochs)
    trial = {"at_step": at_step, "hang_timeout_s": hang, "timeout_s": claim.setting("fault_timeout_s", q)}
    for name in claim.setting("fault_paths", q):
        if name not in names:
            continue
        plan = FAULTS[name]
        trials = []
        if plan.combined and claim.setting("fault_recovery", q):
            trials.append(runner.fault_trial(name, plan.program, mechanism=plan.mechanism, restart="launcher",
                                             **trial))
        else:
            trials.append(runner.fault_trial(name, plan.program, mechanism="none", restart="none", **trial))
            if claim.setting("fault_recovery", q) and not plan.combined:
                trials.append(runner.fault_trial(name, plan.program, mechanism=plan.mechanism,
                                                 restart=plan.restart, **trial))
        faults[name] = trials
    lines = {name: program_lines_added(PATHS[name].single, PATHS[name].program)
             for name in names if PATHS[name].program}
    recovery_lines = {name: program_lines_added(PATHS[name].program, FAULTS[name].program)
                      for name in names if name in FAULTS}
    launcher_lines = len(logical_lines((PROGRAMS_DIR / "dist_launch.py").read_text(encoding="utf-8")))
    return {"mode": "quick" if q else "full", "steps": steps, "epochs": epochs, "cpu_count": os.cpu_count(),
            "accelerators": accelerator_count(), "hosts": 1,
            "single": {"program": SINGLE[ctx.subject], **single}, "runs": runs, "faults": faults,
            "lines": lines, "recovery_lines": recovery_lines, "launcher_lines": launcher_lines}

