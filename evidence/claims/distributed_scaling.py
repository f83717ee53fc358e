"""Claim ``distributed_scaling``: TensorFlow distributes training robustly, so it suits large-scale work best.

Every option's real distributed path trains the same classifier on the same data (``dist_task.py``) as its
single-device program, and the two are compared: final loss, throughput, scaling efficiency, start-up cost, and
the logical lines of code that going distributed adds. Each subject runs in its own worker process:

``keras-tensorflow``
    ``dist_single_keras.py`` (``model.fit`` on one device); ``dist_mirrored_keras.py``: ``MirroredStrategy``
    over 1, 2 and 4 logical CPU devices with ``model.fit``; ``dist_multiworker_keras.py``:
    ``MultiWorkerMirroredStrategy`` with ``model.fit`` in two worker processes, as TensorFlow's multi-worker
    tutorial does it.
``tensorflow-core``
    ``dist_single_tfcore.py`` (a ``tf.function`` custom loop); ``dist_mirrored_tfcore.py``: the custom loop
    with ``strategy.run`` over 1, 2 and 4 logical devices; ``dist_multiworker_tfcore.py``: the custom loop
    in two worker processes.
``keras-jax``
    ``dist_single_keras.py``; ``dist_jax_dataparallel.py``: Keras 3's ``keras.distribution.DataParallel`` over
    two host devices (``XLA_FLAGS=--xla_force_host_platform_device_count=2`` in the environment of a fresh
    process, because JAX reads it once, at start).
``keras-torch``
    ``dist_single_keras.py``; the same ``keras.distribution`` code tried under torch (Keras has no torch
    implementation of it); ``dist_torch_ddp.py``: the route Keras's guide gives for torch, the Keras model
    inside ``torch.nn.parallel.DistributedDataParallel`` with a torch loop, two processes on ``gloo``.

The single-device program runs inside the worker. Every distributed run is a fresh process, started by
``dist_launch.py`` as a child of the worker: one per MirroredStrategy device count (logical devices must be
set before TensorFlow starts, and Keras keeps its collectives' group keys for the life of a process, so a
second strategy with another device count in the same process fails), one for JAX's host devices, and two
workers for each multi-worker run, on loopback ports found free at run time (``TF_CONFIG``; ``MASTER_PORT``).
Each child runs in a process group of its own, with a timeout; the groups are killed on every way out, and the
kernel kills the children if the worker dies. What fails is recorded with its error and, where one matches,
the public issue that reports it. Start-up overhead is measured inside each program (set-up plus what the
first epoch takes beyond a steady one), so it does not include starting Python and importing the framework;
that launch time is reported apart for the multi-process paths, which pay it once per process.

Lines added are logical lines (Python's ``tokenize``: one statement however many physical lines it spans;
comments, blank lines and docstrings left out) of the distributed program that ``difflib`` does not match in
the single-device one. Lines marked ``# simulation`` (splitting a CPU into logical devices; not needed on real
devices) are counted apart, and the statement marked ``# measurement`` (returning the timings to this
experiment) is not counted.

On a machine with two CPU cores, the replicas share the cores that one device already used, so these runs show
that the distributed paths are correct and what they cost, not how they speed training up; multi-GPU and
multi-machine scaling needs a run on such hardware.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import math
import os
import re
import sys
import time
import tokenize
from typing import Any

from evidence.claim import PROGRAMS_DIR, Claim, Context, Verdict, missing_subjects
from evidence.claims.performance import load_program
from evidence.timing import summarize

SINGLE_KERAS = "dist_single_keras.py"
SINGLE_TFCORE = "dist_single_tfcore.py"

#: Each distributed path: its subject, program, the single-device program it is compared with, how it runs,
#: and what it is in words. ``kind``: ``mirrored`` (one process, several logical devices), ``workers`` (several
#: processes started by dist_launch.py), ``host-devices`` (one fresh process with XLA host devices), ``attempt``
#: (the Keras distribution API tried where Keras does not implement it).
PATHS: dict[str, dict[str, Any]] = {
    "mirrored-fit": {"subject": "keras-tensorflow", "program": "dist_mirrored_keras.py", "single": SINGLE_KERAS,
                     "kind": "mirrored", "words": "MirroredStrategy with model.fit"},
    "multiworker-fit": {"subject": "keras-tensorflow", "program": "dist_multiworker_keras.py",
                        "single": SINGLE_KERAS, "kind": "workers", "env": "tf_config",
                        "words": "MultiWorkerMirroredStrategy with model.fit"},
    "mirrored-custom": {"subject": "tensorflow-core", "program": "dist_mirrored_tfcore.py", "single": SINGLE_TFCORE,
                        "kind": "mirrored", "words": "MirroredStrategy with a custom loop"},
    "multiworker-custom": {"subject": "tensorflow-core", "program": "dist_multiworker_tfcore.py",
                           "single": SINGLE_TFCORE, "kind": "workers", "env": "tf_config",
                           "words": "MultiWorkerMirroredStrategy with a custom loop"},
    "jax-dataparallel": {"subject": "keras-jax", "program": "dist_jax_dataparallel.py", "single": SINGLE_KERAS,
                         "kind": "host-devices", "words": "keras.distribution.DataParallel on JAX"},
    "torch-keras-distribution": {"subject": "keras-torch", "program": "dist_jax_dataparallel.py",
                                 "single": SINGLE_KERAS, "kind": "attempt",
                                 "words": "keras.distribution.DataParallel on torch"},
    "torch-ddp": {"subject": "keras-torch", "program": "dist_torch_ddp.py", "single": SINGLE_KERAS,
                  "kind": "workers", "env": "torch", "words": "the Keras model in torch DistributedDataParallel",
                  # Its loop is not fit's, so its scaling is measured against itself on one process (full mode).
                  "one_worker_run": True},
}
TENSORFLOW_PATHS = ("mirrored-fit", "mirrored-custom", "multiworker-fit", "multiworker-custom")
OTHER_PATHS = ("jax-dataparallel", "torch-ddp")
SUBJECT_BACKEND = {"keras-tensorflow": "tensorflow", "tensorflow-core": None, "keras-jax": "jax",
                   "keras-torch": "torch"}
SUBJECT_SINGLE = {"keras-tensorflow": SINGLE_KERAS, "tensorflow-core": SINGLE_TFCORE, "keras-jax": SINGLE_KERAS,
                  "keras-torch": SINGLE_KERAS}

#: Public reports that an error message matches: (pattern in the error text, issue, what it reports).
KNOWN_ISSUES: tuple[tuple[str, str, str], ...] = (
    ("PerReplica", "keras-team/keras#20585",
     "Keras 3's model.fit under MultiWorkerMirroredStrategy fails (the TensorFlow multi-worker tutorial)"),
    ("Invalid reduction dimension", "tensorflow/tensorflow#72388",
     "tf.distribute and Keras 3: 'Invalid reduction dimension 0 for input with 0 dimensions'"),
    ("has no attribute 'list_devices'", "keras/src/backend/__init__.py",
     "Keras sets distribution_lib = None for the torch backend: keras.distribution has no torch implementation"),
)
ISSUE_URLS = {
    "keras-team/keras#20585": "https://github.com/keras-team/keras/issues/20585",
    "tensorflow/tensorflow#72388": "https://github.com/tensorflow/tensorflow/issues/72388",
}

#: Comments that take a line out of the count: ``simulation`` (splitting a CPU into devices, not needed on real
#: devices) and ``measurement`` (the statement that returns the timings for this experiment).
SIMULATION_MARKER = "simulation"
MEASUREMENT_MARKER = "measurement"
#: Fault injection for the tests, ``PATH:WORKER:SECONDS``: kill that worker of that path's runs after SECONDS.
FAULT_ENV = "KVT_FAULT_KILL_WORKER"
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)): ?(.*)$")

CPU_CAVEAT = ("On a machine with {cores} CPU cores the replicas share the cores one device already uses: these runs "
              "prove that each path trains correctly and measure its overhead, not a speed-up. Multi-GPU and "
              "multi-machine scaling needs a run on such hardware.")


# -- code metrics, framework-free --------------------------------------------------------------------------------
def logical_lines(source: str, exclude_markers: tuple[str, ...] = (SIMULATION_MARKER, MEASUREMENT_MARKER)
                  ) -> list[str]:
    """The logical lines of Python ``source``, each normalised to its tokens joined by spaces.

    Comments, blank lines and docstrings (statements that are a lone string) are left out, and so is every
    logical line carrying a comment that contains one of ``exclude_markers``.
    """
    lines: list[str] = []
    current: list[tokenize.TokenInfo] = []
    marked = False
    skip = {tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            # Only a comment inside a statement marks it; one on a line of its own marks nothing.
            if current and any(marker in tok.string for marker in exclude_markers):
                marked = True
            continue
        if tok.type in skip:
            continue
        if tok.type == tokenize.NEWLINE:
            docstring = len(current) == 1 and current[0].type == tokenize.STRING
            if current and not docstring and not marked:
                lines.append(" ".join(t.string for t in current))
            current, marked = [], False
            continue
        current.append(tok)
    return lines


def lines_added(single: str, distributed: str) -> dict[str, int]:
    """Logical lines of ``distributed`` not matched in ``single`` (added or changed), and the reverse.

    Lines marked ``simulation`` or ``measurement`` are left out of both; the distributed program's simulation
    lines are counted apart (``simulation_lines``).
    """
    a, b = logical_lines(single), logical_lines(distributed)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    added = removed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("insert", "replace"):
            added += j2 - j1
        if op in ("delete", "replace"):
            removed += i2 - i1
    simulation = len(logical_lines(distributed, exclude_markers=(MEASUREMENT_MARKER,))) - len(b)
    return {"single_lines": len(a), "distributed_lines": len(b), "added": added, "removed": removed,
            "simulation_lines": simulation}


def program_lines_added(single: str, distributed: str) -> dict[str, int]:
    """:func:`lines_added` of two files under ``evidence/programs/``."""
    return lines_added((PROGRAMS_DIR / single).read_text(encoding="utf-8"),
                       (PROGRAMS_DIR / distributed).read_text(encoding="utf-8"))


def summarize_error(text: str) -> dict[str, Any]:
    """The last exception named in a traceback or error text: its type and message, and the issues it matches.

    A message that spans several lines (a PerReplica repr) is kept to its first line, plus the last line of the
    text when that carries the end of the message.
    """
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    found = None
    for i, line in enumerate(lines):
        match = _EXCEPTION_LINE.match(line.strip())
        if match:
            found = (i, match.group(1), match.group(2))
    if found is None:
        message = lines[-1] if lines else ""
        error_type = None
    else:
        i, error_type, message = found
        if i < len(lines) - 1 and not lines[-1].startswith(" "):
            message = f"{message} … {lines[-1].strip()}"
    return {"type": error_type, "message": message[:500], "issues": match_issues(text)}


def match_issues(text: str) -> list[dict[str, str]]:
    """The entries of :data:`KNOWN_ISSUES` whose pattern appears in ``text``."""
    return [{"issue": issue, "reports": says, **({"url": ISSUE_URLS[issue]} if issue in ISSUE_URLS else {})}
            for pattern, issue, says in KNOWN_ISSUES if pattern in text]


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


def _lines(count: int) -> str:
    return f"{count} logical line{'' if count == 1 else 's'}"


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


def global_batch() -> int:
    """``dist_task.GLOBAL_BATCH``, read from the program that every training program imports."""
    return int(load_program("dist_task.py").GLOBAL_BATCH)


def _error_record(exc: BaseException) -> dict[str, Any]:
    import traceback

    text = "".join(traceback.format_exception(exc))
    record = summarize_error(text)
    record["type"] = type(exc).__name__
    record["message"] = (str(exc).strip().splitlines() or [""])[0][:500]
    return record


class DistributedScalingClaim(Claim):
    """Every option's distributed path against its single-device program: loss, speed, start-up, lines."""

    id = "distributed_scaling"
    dimension = "Backend support"
    title = "TensorFlow distributes training robustly, the better fit for large scale"
    statement = ("TensorFlow's support for training across many devices and machines is robust, which makes it "
                 "the better choice than Keras for large-scale work.")
    sub_claims = {
        "a": "tf.distribute MirroredStrategy across several devices of one machine, with model.fit and with a "
             "custom training loop.",
        "b": "MultiWorkerMirroredStrategy across real worker processes, with a custom loop and with model.fit.",
        "c": "Keras 3's own distribution API on JAX (DataParallel), and the PyTorch backend's route.",
        "d": "Distributed losses equal single-device losses; throughput, scaling efficiency, start-up overhead and "
             "the lines of code each option adds to go distributed.",
    }
    subjects = tuple(SUBJECT_BACKEND)
    programs = ("dist_task.py", "dist_launch.py", SINGLE_KERAS, SINGLE_TFCORE, "dist_mirrored_keras.py",
                "dist_mirrored_tfcore.py", "dist_multiworker_keras.py", "dist_multiworker_tfcore.py",
                "dist_jax_dataparallel.py", "dist_torch_ddp.py")
    thresholds = {
        # A distributed run trains correctly when its final loss is within this relative distance of the
        # single-device run's: both see the same global batches from the same initial weights, so only the
        # order of floating-point additions differs (measured: about 1e-7).
        "loss_rel_tolerance": 1e-4,
        # Training length: steps (global batches of dist_task.GLOBAL_BATCH) per epoch; epochs are warm-up +
        # repeats.
        "steps_quick": 8,
        "steps_full": 16,
        # Devices of the MirroredStrategy runs (quick mode: the largest only) and processes of the multi-worker
        # runs.
        "max_devices": 4,
        "workers": 2,
        # Seconds a distributed run's processes may take (start, import, train) before they are killed.
        "workers_timeout_quick": 90,
        "workers_timeout_full": 150,
        # Seconds a worker may outlive a failed peer (it would block in its next collective), and a peer that
        # finished (data-parallel workers finish together; a straggler is hung on its way out).
        "workers_grace": 5,
        "workers_finish_grace": 30,
    }
    repeats = (2, 5)
    warmup = 1  # the first epoch traces and compiles the step
    timeout_s = (240, 600)
    # Real worker processes on loopback ports can fail for reasons of the moment (a port, a slow start): in
    # full mode the claim runs three times back to back, and its verdict stands only if all three agree.
    reruns = (1, 3)

    # -- runner hooks -------------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """The Keras subjects run under their backend; TensorFlow core leaves ``KERAS_BACKEND`` unset."""
        return SUBJECT_BACKEND[subject]

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras and the backend's framework, or TensorFlow alone for TensorFlow core."""
        backend = SUBJECT_BACKEND[subject]
        return ("keras", backend) if backend else ("tensorflow",)

    def device_counts(self, quick: bool) -> tuple[int, ...]:
        """Logical devices of the MirroredStrategy runs."""
        top = int(self.thresholds["max_devices"])
        return (top,) if quick else tuple(n for n in (1, 2, 4, 8) if n <= top)

    # -- measurement --------------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """The subject's single-device run, then each of its distributed paths."""
        mode = "quick" if ctx.quick else "full"
        steps = int(self.thresholds[f"steps_{mode}"])
        epochs = ctx.warmup + ctx.repeats
        common = {"steps": steps, "epochs": epochs, "mode": mode}
        paths = {name: {**p, "name": name} for name, p in PATHS.items() if p["subject"] == ctx.subject}
        single = self._single(steps, epochs, ctx)
        runs: dict[str, Any] = {}
        for name, path in paths.items():
            if path["kind"] == "mirrored":
                # A fresh process per device count: the logical devices must be set before TensorFlow starts,
                # and Keras's collectives keep group keys for the life of the process (a second strategy with
                # another device count fails: "joining a group with size 2, but that group has size 4").
                for n in self.device_counts(ctx.quick):
                    runs[f"{name}-{n}"] = {"path": name, "devices": n, **self._children(
                        path, steps, epochs, ctx, [{"CUDA_VISIBLE_DEVICES": ""}], ["--devices", str(n)])}
            elif path["kind"] == "workers":
                counts = [int(self.thresholds["workers"])]
                if path.get("one_worker_run") and not ctx.quick:
                    counts.insert(0, 1)
                for count in counts:
                    runs[f"{name}-{count}"] = {"path": name, "devices": count,
                                               **self._workers(path, steps, epochs, ctx, count)}
            elif path["kind"] == "host-devices":
                runs[f"{name}-2"] = {"path": name, "devices": 2, **self._host_devices(path, steps, epochs, ctx)}
            elif path["kind"] == "attempt":
                runs[name] = {"path": name, "devices": 2, **self._torch_attempt()}
        lines = {name: program_lines_added(p["single"], p["program"]) for name, p in paths.items()}
        lines["launcher"] = {"distributed_lines": len(logical_lines(
            (PROGRAMS_DIR / "dist_launch.py").read_text(encoding="utf-8")))}
        return {**common, "cpu_count": os.cpu_count(), "single": {"program": SUBJECT_SINGLE[ctx.subject], **single},
                "runs": runs, "lines": lines}

    def _single(self, steps: int, epochs: int, ctx: Context) -> dict[str, Any]:
        """The single-device program's run, on the CPU like the distributed runs it is compared with."""
        program = SUBJECT_SINGLE[ctx.subject]
        if SUBJECT_BACKEND[ctx.subject] == "torch":
            import torch

            if torch.cuda.is_available():
                # Keras's torch backend picks its device when it is imported (already done in this worker), and
                # its device scope breaks fit's gradients: a CPU run needs a fresh process without the GPU.
                return self._children({"name": "single", "program": program}, steps, epochs, ctx,
                                      [{"CUDA_VISIBLE_DEVICES": ""}])
            return self._in_process(load_program(program).train, (steps, epochs), ctx, contextlib.nullcontext())
        if SUBJECT_BACKEND[ctx.subject] is None:
            import tensorflow as tf

            on_cpu = tf.device("/cpu:0")
        else:
            import keras

            on_cpu = keras.device("cpu:0")
        return self._in_process(load_program(program).train, (steps, epochs), ctx, on_cpu)

    def _in_process(self, train, args: tuple, ctx: Context, on_cpu) -> dict[str, Any]:
        """Run a program's ``train`` in this process within ``on_cpu``; an exception is the recorded failure."""
        start = time.perf_counter()
        try:
            with on_cpu:
                out = train(*args)
        except Exception as exc:  # a distributed path that fails is the measurement
            return {"status": "failed", "error": _error_record(exc), "seconds": time.perf_counter() - start}
        return {"status": "ok", "processes": 1, "seconds": time.perf_counter() - start,
                **run_stats(out, warmup=ctx.warmup, samples_per_epoch=args[0] * global_batch())}

    def _children(self, path: dict[str, Any], steps: int, epochs: int, ctx: Context, envs: list[dict[str, str]],
                  extra_args: list[str] | None = None) -> dict[str, Any]:
        """Start ``len(envs)`` processes of the path's program with dist_launch.py and collect their reports.

        The processes are children of this worker; dist_launch.py kills them on every way out and the kernel
        kills them if this worker dies first.
        """
        import json

        launcher = load_program("dist_launch.py")
        run_dir = ctx.workdir / f"{ctx.subject}-{path['program'].removesuffix('.py')}-{time.time_ns()}"
        run_dir.mkdir(parents=True)
        commands = [[sys.executable, str(PROGRAMS_DIR / path["program"]), "--steps", str(steps), "--epochs",
                     str(epochs), "--out", str(run_dir / f"report{i}.json"), *(extra_args or [])]
                    for i in range(len(envs))]
        timeout_s = float(self.thresholds[f"workers_timeout_{'quick' if ctx.quick else 'full'}"])
        start = time.perf_counter()
        records = launcher.launch(commands, envs, log_dir=run_dir, timeout_s=timeout_s,
                                  grace_s=float(self.thresholds["workers_grace"]),
                                  finish_grace_s=float(self.thresholds["workers_finish_grace"]),
                                  kill_after_s=fault_injection(path["name"]))
        wall = time.perf_counter() - start
        reports = []
        for i in range(len(records)):
            report_path = run_dir / f"report{i}.json"
            reports.append(json.loads(report_path.read_text()) if report_path.exists() else None)
        processes = [{"worker": r["worker"], "status": r["status"], "returncode": r["returncode"],
                      "reason": r["reason"], "killed_because": r["killed_because"], "report_written": bool(rep),
                      **({"error": summarize_error(r.get("stderr_tail") or "")} if r["status"] != "ok" else {})}
                     for r, rep in zip(records, reports, strict=True)]
        base = {"processes": len(envs), "seconds": wall, "workers_report": processes}
        # A worker that wrote its report and then had to be killed after the others had finished trained
        # correctly but hung on its way out: the run counts, the hang is recorded.
        hung = [p for p in processes if p["killed_because"] == "peer_finished" and p["report_written"]]
        if hung:
            base["exit_hang"] = [{"worker": p["worker"], "reason": p["reason"],
                                  "issues": [{"issue": "pytorch/pytorch#75097",
                                              "reports": "destroy_process_group() sometimes hangs (possibly related)",
                                              "url": "https://github.com/pytorch/pytorch/issues/75097"}]
                                  if path.get("env") == "torch" else []} for p in hung]
        if all(r["status"] == "ok" or p in hung for r, p in zip(records, processes, strict=True)) and all(reports):
            stats = run_stats(reports[0], warmup=ctx.warmup, samples_per_epoch=steps * global_batch())
            in_train = reports[0]["setup_s"] + sum(reports[0]["epoch_seconds"])
            return {"status": "ok", **base, **stats,
                    # Interpreter start and framework imports of a fresh process: the rest of its lifetime.
                    "launch_s": max(0.0, reports[0]["finished_at"] - records[0]["spawned_at"] - in_train),
                    # Every worker reports the loss of the whole global batch: they must agree exactly.
                    "workers_loss_spread": max(abs(r["losses"][-1] - reports[0]["losses"][-1]) for r in reports)}
        # The first worker that failed on its own (not killed for a failed peer) names the error.
        first = next((p for p in processes if p["status"] == "failed"), None) or next(
            (p for p in processes if p["status"] != "ok"), processes[0])
        error = first.get("error") or {"type": None, "message": first["reason"] or "no report", "issues": []}
        return {"status": "failed", **base, "error": error, "failed_worker": first["worker"]}

    def _workers(self, path: dict[str, Any], steps: int, epochs: int, ctx: Context, count: int) -> dict[str, Any]:
        launcher = load_program("dist_launch.py")
        if path["env"] == "tf_config":
            envs = launcher.tf_config_env(launcher.free_ports(count))
        else:
            envs = launcher.torch_env(launcher.free_ports(1)[0], count)
        # The workers compute on the CPU like the single-process runs, whatever accelerators the machine has.
        envs = [{**e, "CUDA_VISIBLE_DEVICES": ""} for e in envs]
        return self._children(path, steps, epochs, ctx, envs)

    def _host_devices(self, path: dict[str, Any], steps: int, epochs: int, ctx: Context) -> dict[str, Any]:
        flags = " ".join(filter(None, [os.environ.get("XLA_FLAGS"), "--xla_force_host_platform_device_count=2"]))
        return self._children(path, steps, epochs, ctx, [{"XLA_FLAGS": flags, "JAX_PLATFORMS": "cpu"}])

    @staticmethod
    def _torch_attempt() -> dict[str, Any]:
        """The JAX program's distribution line under torch, and the same with explicit device names."""
        import keras
        from keras.src import backend as keras_backend

        out: dict[str, Any] = {"processes": 1,
                               "backend_has_distribution_lib": keras_backend.distribution_lib is not None}
        try:
            keras.distribution.set_distribution(keras.distribution.DataParallel())
            out["status"] = "ok"
        except Exception as exc:  # the expected failure is the measurement
            out.update(status="failed", error=_error_record(exc))
        try:
            # Named devices get past the device listing; with no torch distribution library behind it, Keras
            # accepts the setting and trains on one device.
            keras.distribution.set_distribution(keras.distribution.DataParallel(devices=["cpu:0", "cpu:1"]))
            out["explicit_devices_accepted"] = True
        except Exception as exc:
            out["explicit_devices_accepted"] = False
            out["explicit_devices_error"] = _error_record(exc)
        finally:
            keras.distribution.set_distribution(None)
        return out

    # -- verdict ------------------------------------------------------------------------------------------------
    def judge(self, results) -> Verdict:
        """From which paths train correctly, not from speed (a 2-core CPU cannot show a speed-up).

        A path works when every one of its runs finished and its final loss is within ``loss_rel_tolerance``
        (relative) of its single-device program's. supported: every TensorFlow path works and no other option
        has a working path; partly supported: some TensorFlow path works, but not every one, or another option
        works too; refuted: no TensorFlow path works while another option's does; inconclusive: no TensorFlow
        path was measured. Throughput, scaling efficiency, start-up and lines added are reported, not judged.
        """
        tol = float(self.thresholds["loss_rel_tolerance"])
        missing = missing_subjects(results, self.subjects)
        ok = {s: r.measurements for s, r in results.items() if r.status == "ok" and "runs" in r.measurements}
        evaluated = self.evaluate_paths(ok, tol)
        findings: dict[str, Any] = {}
        cores = next((m.get("cpu_count") for m in ok.values()), None) or os.cpu_count()
        findings["a"] = self._paths_text(evaluated, ("mirrored-fit", "mirrored-custom"), ok)
        findings["b"] = self._paths_text(evaluated, ("multiworker-custom", "multiworker-fit"), ok)
        findings["c"] = self._paths_text(evaluated, ("jax-dataparallel", "torch-keras-distribution", "torch-ddp"), ok)
        findings["d"] = self._numbers_text(evaluated, tol)
        findings["caveat"] = CPU_CAVEAT.format(cores=cores)
        if missing:
            findings["missing"] = "Subjects without a result: " + "; ".join(missing) + "."
        tail = f" (not measured: {', '.join(m.split(' ')[0] for m in missing)})" if missing else ""

        tf_measured = [p for p in TENSORFLOW_PATHS if p in evaluated]
        if not tf_measured:
            return Verdict("inconclusive", "No TensorFlow distributed path was measured" + tail + ".", findings)
        tf_works = [p for p in tf_measured if evaluated[p]["works"]]
        tf_fails = [p for p in tf_measured if not evaluated[p]["works"]]
        other_works = [p for p in OTHER_PATHS if p in evaluated and evaluated[p]["works"]]
        parts = [f"tf.distribute trained correctly on {len(tf_works)} of {len(tf_measured)} TensorFlow paths"
                 + (f" ({', '.join(PATHS[p]['words'] for p in tf_works)})" if tf_works else "")
                 + f", final losses within {tol:g} of one device"]
        for p in tf_fails:
            parts.append(f"{PATHS[p]['words']} failed: {self._failure_words(evaluated[p])}")
        for p in OTHER_PATHS:
            if p in evaluated:
                e = evaluated[p]
                parts.append(f"{PATHS[p]['words']} {'worked' if e['works'] else 'failed'}"
                             + (f", adding {_lines(e['lines']['added'])} to the single-device program"
                                if e.get("lines") else ""))
        caveat = (f"on {cores} CPU cores these runs prove correctness and measure overhead, not speed-up "
                  f"(scaling efficiency {self._efficiency_range(evaluated)})")
        if tf_works and not tf_fails and not other_works:
            verdict = "supported"
        elif tf_works:
            verdict = "partly supported"
        elif other_works:
            verdict = "refuted"
        else:
            verdict = "inconclusive"
        return Verdict(verdict, "; ".join(parts) + "; " + caveat + tail + ".", findings)

    # -- helpers of judge ---------------------------------------------------------------------------------------
    @staticmethod
    def evaluate_paths(ok: dict[str, Any], tol: float) -> dict[str, dict[str, Any]]:
        """Per path measured: its runs, whether it works (all runs finished, losses within ``tol``), its lines.

        Scaling efficiency is throughput over ``devices`` times a one-device throughput of the same training
        loop: the path's own one-device run when there is one, else the single-device program's run (for
        torch DDP, whose hand-written loop is not ``fit``'s, only its own one-process run serves).
        """
        out: dict[str, dict[str, Any]] = {}
        for subject, m in ok.items():
            single = m["single"]
            for run_id, run in m["runs"].items():
                path = run["path"]
                entry = out.setdefault(path, {"runs": {}, "lines": m["lines"].get(path), "subject": subject})
                if run["status"] == "ok" and single.get("status") == "ok" and "final_loss" in run:
                    rel = abs(run["final_loss"] - single["final_loss"]) / abs(single["final_loss"])
                    entry["runs"][run_id] = {
                        "ok": rel <= tol and math.isfinite(run["final_loss"]), "loss_rel_diff": rel,
                        "devices": run["devices"], "samples_per_s": run["samples_per_s"],
                        "speedup_vs_single": run["samples_per_s"] / single["samples_per_s"],
                        "startup_overhead_s": run["startup_s"] - single["startup_s"],
                        "launch_s": run.get("launch_s"), "processes": run.get("processes", 1),
                        "exit_hang": run.get("exit_hang")}
                else:
                    error = run.get("error")
                    if error is None:  # the run finished, but there is nothing to compare it with
                        error = {"type": None, "issues": [], "message": (
                            f"the single-device run failed ({single.get('error', {}).get('message', 'no result')})"
                            if single.get("status") != "ok" else "no final loss reported")}
                    entry["runs"][run_id] = {"ok": False, "devices": run["devices"], "error": error}
            for path, entry in out.items():
                if entry["subject"] != subject:
                    continue
                own_one = next((r for r in entry["runs"].values() if r["ok"] and r["devices"] == 1), None)
                same_loop = not PATHS[path].get("one_worker_run")
                for r in entry["runs"].values():
                    if not r["ok"]:
                        continue
                    if r["devices"] == 1:
                        r["efficiency"] = None  # one device: speedup_vs_single is the strategy's own overhead
                        r["efficiency_reference"] = "none (one device)"
                    elif own_one is not None:
                        r["efficiency"] = r["samples_per_s"] / (r["devices"] * own_one["samples_per_s"])
                        r["efficiency_reference"] = "its own 1-device run"
                    elif same_loop:
                        r["efficiency"] = r["speedup_vs_single"] / r["devices"]
                        r["efficiency_reference"] = "the single-device program"
                    else:
                        r["efficiency"] = None
                        r["efficiency_reference"] = "none (its loop differs from the single-device program's)"
        for entry in out.values():
            entry["works"] = bool(entry["runs"]) and all(r["ok"] for r in entry["runs"].values())
        return out

    @staticmethod
    def _failure_words(entry: dict[str, Any]) -> str:
        failed = [r for r in entry["runs"].values() if not r["ok"]]
        if not failed:
            return "no run"
        run = failed[0]
        if "error" not in run:
            return f"final loss {run['loss_rel_diff']:.1e} (relative) away from one device's"
        err = run["error"]
        issues = ", ".join(i["issue"] for i in err.get("issues", []) if "#" in i["issue"])
        text = f"{err['type'] + ': ' if err.get('type') else ''}{err['message'][:160]}"
        return text + (f" (public reports: {issues})" if issues else "")

    @staticmethod
    def _run_label(name: str, devices: int, processes: int) -> str:
        noun = "process" if processes > 1 or PATHS[name]["kind"] == "workers" else "device"
        return f"{devices} {noun}" + ("" if devices == 1 else "es" if noun == "process" else "s")

    @staticmethod
    def _lines_text(lines: dict[str, int]) -> str:
        if not lines:
            return ""
        return (f"; {_lines(lines['added'])} new or rewritten against the {lines['single_lines']}-line "
                f"single-device program"
                + (f" ({lines['removed']} of its lines rewritten or removed)" if lines["removed"] else "")
                + (f", plus {lines['simulation_lines']} that only split the CPU into devices"
                   if lines.get("simulation_lines") else ""))

    def _paths_text(self, evaluated, names, ok) -> str:
        parts = []
        for name in names:
            if name not in evaluated:
                parts.append(f"{PATHS[name]['words']}: not measured.")
                continue
            e = evaluated[name]
            runs = []
            for run_id, r in e["runs"].items():
                label = self._run_label(name, r["devices"], r.get("processes", 1))
                if not r["ok"]:
                    runs.append(f"{label}: FAILED, {self._failure_words({'runs': {run_id: r}})}")
                    continue
                loss = ("loss identical to one device's" if r["loss_rel_diff"] == 0.0
                        else f"loss within {r['loss_rel_diff']:.1e} (relative) of one device's")
                efficiency = (f", {r['efficiency']:.0%} efficiency against {r['efficiency_reference']}"
                              if r.get("efficiency") is not None else "")
                runs.append(f"{label}: {loss}, {r['samples_per_s']:.0f} samples/s ({r['speedup_vs_single']:.2f}x "
                            f"the single-device program{efficiency}), start-up {r['startup_overhead_s']:+.2f} s"
                            + (f" plus {r['launch_s']:.1f} s to launch each process"
                               if r.get("launch_s") is not None and r["processes"] > 1 else "")
                            + "".join(f"; worker {h['worker']} trained but hung on its way out and was killed "
                                      f"({h['reason']})" for h in r.get("exit_hang") or []))
            parts.append(f"{PATHS[name]['words']} ({'works' if e['works'] else 'fails'}): " + "; ".join(runs)
                         + self._lines_text(e.get("lines") or {}) + ".")
        return " ".join(parts)

    @staticmethod
    def _efficiency_range(evaluated) -> str:
        values = [r["efficiency"] for e in evaluated.values() for r in e["runs"].values()
                  if r["ok"] and r["devices"] > 1 and r.get("efficiency") is not None]
        return f"{min(values):.0%} to {max(values):.0%}" if values else "not measured"

    @staticmethod
    def _numbers_text(evaluated, tol) -> str:
        rows = []
        for name, e in evaluated.items():
            lines = e.get("lines") or {}
            ok_runs = [r for r in e["runs"].values() if r["ok"]]
            worst = max((r["loss_rel_diff"] for r in ok_runs), default=None)
            rows.append(f"{name}: {'works' if e['works'] else 'fails'}"
                        + (f", worst loss difference {worst:.1e}" if worst is not None else "")
                        + (f", {_lines(lines['added'])} new or rewritten" if lines else ""))
        return (f"Loss tolerance {tol:g} (relative to the single-device final loss). " + "; ".join(rows) + ".")


CLAIM = DistributedScalingClaim()
