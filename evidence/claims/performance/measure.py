"""The performance claim inside a worker process: the machine's roof, what the framework runs with, and the models.

Only worker processes call these functions (``Claim.measure``); each imports its framework where it needs it.
"""

from __future__ import annotations

import math
import os
import time
from typing import Any

from evidence.claim import load_program
from evidence.claims.performance.stats import phase_stats
from evidence.errors import error_info

SPEC_PROGRAM = "perf_spec.py"


def device(framework: str) -> dict[str, Any]:
    """The device a framework computes on by default: ``{"kind": "cpu"|"gpu", "name": ...}``."""
    if framework == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return {"kind": "gpu", "name": details.get("device_name", gpus[0].name), "count": len(gpus)}
        return {"kind": "cpu", "name": "cpu", "count": 1}
    if framework == "jax":
        import jax

        first = jax.devices()[0]
        return {"kind": "cpu" if first.platform == "cpu" else "gpu", "name": str(first.device_kind),
                "platform": first.platform, "count": len(jax.devices())}
    if framework == "torch":
        import torch

        if torch.cuda.is_available():
            return {"kind": "gpu", "name": torch.cuda.get_device_name(0), "count": torch.cuda.device_count()}
        return {"kind": "cpu", "name": "cpu", "count": 1}
    raise ValueError(f"Expected a framework in ('tensorflow', 'jax', 'torch'); received: {framework!r}")


def threads(framework: str) -> dict[str, Any]:
    """Thread settings that shape CPU speed, recorded so that a slow result can be told from a starved one."""
    out: dict[str, Any] = {"cpu_count": os.cpu_count(), "affinity": len(os.sched_getaffinity(0))}
    if framework == "tensorflow":
        import tensorflow as tf

        # 0 means "TensorFlow picks", which is one thread per core.
        out["tf_intra_op"] = tf.config.threading.get_intra_op_parallelism_threads()
        out["tf_inter_op"] = tf.config.threading.get_inter_op_parallelism_threads()
    elif framework == "torch":
        import torch

        out["torch_threads"] = torch.get_num_threads()
    return out


def engine_policy(framework: str) -> dict[str, Any]:
    """The oneDNN policy in force in this worker, read from the framework itself.

    TensorFlow turns oneDNN on by default on x86 CPUs with AVX-512 VNNI/BF16 or AMX unless
    ``TF_ENABLE_ONEDNN_OPTS=0``; ``IsMklEnabled`` reports what it decided. PyTorch reports
    ``torch.backends.mkldnn.enabled``. JAX's XLA CPU backend has no such switch (None).
    """
    env = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    if framework == "tensorflow":
        from tensorflow.python.util import _pywrap_util_port

        return {"onednn": bool(_pywrap_util_port.IsMklEnabled()), "onednn_env": env}
    if framework == "torch":
        import torch

        return {"onednn": bool(torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled),
                "onednn_env": env}
    return {"onednn": None, "onednn_env": env}


def matmul_gflops(framework: str, n: int, repeats: int, warmup_s: float = 0.0) -> float:
    """Best GFLOP/s of an ``n x n`` float32 matrix product over ``repeats`` timed calls after a warm-up.

    ``framework`` is ``numpy`` or a framework, which computes on its default device; each call waits for its
    result, so that an asynchronous device is timed to completion. The warm-up is one call, then more until
    ``warmup_s`` seconds have passed: a framework's first products in a fresh process run well below its speed
    (thread pools starting, pages of fresh buffers faulted in, clocks ramping up) for longer than one call, and
    a roof measured in that window reads as a machine that slowed down.
    """
    import numpy as np

    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((n, n), dtype=np.float32)
    b_np = rng.standard_normal((n, n), dtype=np.float32)
    if framework == "numpy":
        def product():
            return a_np @ b_np
    elif framework == "tensorflow":
        import tensorflow as tf

        a, b = tf.constant(a_np), tf.constant(b_np)

        def product():
            return tf.reduce_sum(tf.matmul(a, b)[0, 0]).numpy()  # one element back: waits, copies little
    elif framework == "jax":
        import jax
        import jax.numpy as jnp

        a, b = jnp.asarray(a_np), jnp.asarray(b_np)
        matmul = jax.jit(jnp.matmul)

        def product():
            return matmul(a, b).block_until_ready()
    elif framework == "torch":
        import torch

        where = "cuda" if torch.cuda.is_available() else "cpu"
        a, b = torch.from_numpy(a_np).to(where), torch.from_numpy(b_np).to(where)

        def product():
            c = a @ b
            if where == "cuda":
                torch.cuda.synchronize()
            return c
    else:
        raise ValueError(f"Expected numpy or a framework; received: {framework!r}")
    start = time.perf_counter()
    product()
    while time.perf_counter() - start < warmup_s:
        product()
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        product()
        best = min(best, time.perf_counter() - start)
    return 2.0 * n**3 / best / 1e9


def reset_between_models(framework: str, keras_program: bool) -> None:
    """Forget the previous model before the next one, as a user's fresh script would start.

    Keras's global state (layer name counters, the session) is cleared, and so are ``torch.compile``'s caches
    of traced code: Dynamo counts recompilations of a function across models, so a third model would otherwise
    hit its recompilation limit because of the first two.
    """
    if keras_program:
        import keras

        keras.backend.clear_session()
    if framework == "torch":
        import torch

        torch._dynamo.reset()


def graph_breaks(framework: str) -> int | None:
    """Graph breaks Dynamo counted since the last reset (``torch.compile`` only), else None."""
    if framework != "torch":
        return None
    from torch._dynamo.utils import counters

    return int(sum(counters["graph_break"].values()))


def run_model(program, spec, name: str, *, batch_size: int, steps: int, epochs: int, warmup: int,
              jit_compile: bool | str, steps_per_execution: int, framework: str, keras_program: bool,
              ) -> dict[str, Any]:
    """Train and predict one model at one setting; its numbers, or its error when it raised."""
    x, y = spec.make_data(name, steps * batch_size)
    flops = spec.flops_per_sample(name)
    reset_between_models(framework, keras_program)
    base = {"model": name, "size_class": spec.size_class(name), "flops_per_sample": flops,
            "batch_size": batch_size, "steps_per_epoch": steps, "warmup_epochs": warmup}
    try:
        out = program.benchmark(name, x, y, batch_size=batch_size, epochs=epochs, jit_compile=jit_compile,
                                steps_per_execution=steps_per_execution)
    except Exception as exc:  # a setting that breaks on a model is a finding, not the end of the worker
        return {**base, "status": "failed", "error": error_info(exc, program=program.__file__.rsplit("/", 1)[-1])
                .model_dump()}
    return {
        **base,
        "status": "ok",
        "parameters": out["parameters"],
        "jit_compile": out["jit_compile"],
        "steps_per_execution": out["steps_per_execution"],
        "build_s": out["build_s"],
        "loss_first_epoch": out["epoch_loss"][0],
        "loss_last_epoch": out["epoch_loss"][-1],
        "graph_breaks": graph_breaks(framework),
        "train": phase_stats(out["epoch_seconds"], warmup=warmup, samples=len(x), batches=steps,
                             flops_per_sample=flops["train"]),
        "inference": phase_stats(out["infer_seconds"], warmup=warmup, samples=len(x), batches=steps,
                                 flops_per_sample=flops["forward"]),
    }


def cpu_features() -> dict[str, Any]:
    """What the CPU offers for bfloat16: AMX tiles (``amx_bf16``) or AVX-512 BF16 (``avx512_bf16``), from
    ``/proc/cpuinfo``. Keras's ``mixed_bfloat16`` policy and PyTorch's bf16 autocast are documented as the way to run
    fast on CPUs with AMX; without AMX they are not run (the result says so)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        flags = []
    return {"amx_bf16": "amx_bf16" in flags, "avx512_bf16": "avx512_bf16" in flags,
            "avx512f": "avx512f" in flags}


def run_subject(*, framework: str, zoo_program: str | None, zoo_cells: list[dict[str, Any]],
                small_program: str | None, small_settings: list[tuple[str, dict[str, Any], list[str]]],
                small_sizes: dict[str, tuple[int, int, int]], repeats: int, roof: dict[str, Any],
                budget_s: float, hard_s: float | None = None, parity_size: str | None = None,
                workdir: str = ".") -> dict[str, Any]:
    """One worker: the roofs, the zoo cells, the dispatch-bound models, then the roofs again.

    ``zoo_cells`` are :func:`~evidence.claims.performance.measure_zoo.run_cell`'s cells; ``small_settings`` lists
    ``(name, {"jit_compile": ..., "steps_per_execution": ...}, models)`` for the dispatch-bound models, timed per
    epoch by the programs of the first design (``small_sizes``: batch size, steps per epoch, warm-up epochs).
    Cells that would start after ``budget_s`` seconds are recorded unavailable, and a cell still running after
    ``hard_s`` is stopped and recorded failed (the runner would otherwise kill the worker and lose every cell).
    """
    import time

    from evidence.claims.performance.measure_zoo import parity, run_cell

    deadline = time.monotonic() + budget_s
    hard_deadline = time.monotonic() + hard_s if hard_s else None
    n, matmul_repeats, warmup_s = roof["matmul_n"], roof["repeats"], roof["warmup_s"]

    def product(of: str) -> float:
        return matmul_gflops(of, n, matmul_repeats, warmup_s)

    numpy_before = product("numpy")
    framework_before = product(framework)
    zoo_out = []
    if zoo_program:
        program = load_program(zoo_program)
        zoo_out = [run_cell(program, cell, deadline=deadline, hard_deadline=hard_deadline) for cell in zoo_cells]
    small: dict[str, Any] = {}
    if small_program:
        spec = load_program(SPEC_PROGRAM)
        program = load_program(small_program)
        keras_program = "keras" in small_program
        for name, request, models in small_settings:
            small[name] = {"request": request, "models": {
                model: run_model(program, spec, model, batch_size=small_sizes[model][0],
                                 steps=small_sizes[model][1], epochs=small_sizes[model][2] + repeats,
                                 warmup=small_sizes[model][2], jit_compile=request["jit_compile"],
                                 steps_per_execution=request["steps_per_execution"], framework=framework,
                                 keras_program=keras_program)
                for model in models}}
    same = parity(workdir, parity_size) if parity_size else None
    framework_after = product(framework)
    numpy_after = product("numpy")
    return {
        "framework": framework,
        "device": device(framework),
        "threads": threads(framework),
        "engine": engine_policy(framework),
        "cpu": cpu_features(),
        "roof": {
            "matmul_n": n,
            "framework_gflops_before": framework_before,
            "framework_gflops_after": framework_after,
            # NumPy's product: the same yardstick in every worker, taken first and last.
            "numpy_gflops_before": numpy_before,
            "numpy_gflops_after": numpy_after,
            "numpy_gflops": max(numpy_before, numpy_after),
            "warmup_s": warmup_s,
            "repeats": matmul_repeats,
        },
        "zoo": zoo_out,
        "small": small,
        "parity": same,
    }
