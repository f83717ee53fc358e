"""The performance claim's numbers, framework-free: per-phase statistics, rounds pooled, and one joint bootstrap.

Everything here is arithmetic on timings that workers returned; the unit tests call it on synthetic timings.
NumPy is imported inside the functions that need it, so that loading the claim (``kvt claims``) stays light.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from evidence.timing import summarize

PHASES: tuple[str, ...] = ("train", "inference")


def phase_stats(seconds: list[float], *, warmup: int, samples: int, batches: int, flops_per_sample: int
                ) -> dict[str, Any]:
    """Throughput, latency, compile time and achieved FLOP/s of one phase from its per-epoch (or per-pass) seconds.

    ``seconds[:warmup]`` are warm-up runs (the first compiles; a later one may still pay for a second trace);
    the rest are the timed repeats. The compile time is what the warm-up runs took beyond as many timed ones.
    """
    time_stats = summarize(seconds[warmup:])
    median = time_stats["median_s"]
    compile_s = max(0.0, sum(seconds[:warmup]) - warmup * median) if warmup else None
    return phase_numbers(time_stats, first_s=seconds[0], compile_s=compile_s, samples=samples, batches=batches,
                         flops_per_sample=flops_per_sample)


def phase_numbers(time_stats: dict[str, Any], *, first_s: float, compile_s: float | None, samples: int,
                  batches: int, flops_per_sample: int) -> dict[str, Any]:
    """The numbers of one phase from a timing summary (:func:`evidence.timing.summarize`) of its repeats."""
    median = time_stats["median_s"]
    return {
        "time": time_stats,
        "samples": samples,
        "samples_per_s": samples / median,
        "batch_latency_s": median / batches,
        "first_s": first_s,
        "compile_s": compile_s,
        "achieved_gflops": flops_per_sample * samples / median / 1e9,
    }


def pool_model(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One model's record under one setting from its rounds (one worker process each), in round order.

    Each phase's timed repeats of every round are pooled into one summary, so its median and spread include the
    differences between processes; its first-run and compile times are the median of the rounds'. Throughput,
    latency and achieved FLOP/s follow from the pooled median; ``round_samples_s`` keeps each round's repeats
    for the bootstrap. Everything else (sizes, losses, resolved settings) is the last round's. Rounds whose
    model failed are left out; with none left, the last round's record (its error) is returned.
    """
    ok = [r for r in runs if r.get("status") == "ok"]
    if not ok:
        return dict(runs[-1])
    last = ok[-1]
    pooled = {key: value for key, value in last.items() if key not in PHASES}
    for phase in PHASES:
        phases = [r[phase] for r in ok]
        compiles = [p["compile_s"] for p in phases if p["compile_s"] is not None]
        flops = last["flops_per_sample"]["train" if phase == "train" else "forward"]
        pooled[phase] = phase_numbers(
            summarize([t for p in phases for t in p["time"]["samples_s"]]),
            first_s=statistics.median(p["first_s"] for p in phases),
            compile_s=statistics.median(compiles) if compiles else None,
            samples=last[phase]["samples"], batches=last["steps_per_epoch"], flops_per_sample=flops)
        pooled[phase]["round_samples_s"] = [p["time"]["samples_s"] for p in phases]
    pooled["rounds_ok"] = len(ok)
    return pooled


def quartiles(samples: list[float]) -> tuple[float, float, float]:
    """(first quartile, median, third quartile) of timed samples; one sample gives it three times."""
    if len(samples) < 2:
        return samples[0], samples[0], samples[0]
    q1, q2, q3 = statistics.quantiles(sorted(samples), n=4, method="inclusive")
    return q1, q2, q3


def faster(a: list[float], b: list[float], margin: float) -> bool:
    """Whether timings ``a`` (seconds of the same work) are faster than ``b`` beyond noise.

    Both conditions must hold: ``a``'s median time is shorter by the factor ``1 + margin``, and the two
    interquartile ranges of the timed repeats do not overlap (``a``'s third quartile is below ``b``'s first).
    """
    _, a_med, a_q3 = quartiles(a)
    b_q1, b_med, _ = quartiles(b)
    return b_med / a_med >= 1.0 + margin and a_q3 < b_q1


def compare(a: list[float], b: list[float], margin: float) -> str:
    """``"faster"``, ``"slower"`` or ``"within noise"``: timings ``a`` against ``b`` (see :func:`faster`)."""
    if faster(a, b, margin):
        return "faster"
    if faster(b, a, margin):
        return "slower"
    return "within noise"


def geometric_mean(values: list[float]) -> float:
    """The geometric mean of positive ``values`` (``statistics.geometric_mean``): 2x and 0.5x average to 1x."""
    return statistics.geometric_mean(values)


Statistic = Callable[[Mapping[Hashable, Any]], Any]


def joint_bootstrap(samples: Mapping[Hashable, list[list[float]]], stats: Mapping[Hashable, Statistic], *,
                    iterations: int, level: float, seed: int = 0) -> dict[Hashable, tuple[float, float]]:
    """Percentile intervals of many statistics of the same timings, from one bootstrap.

    ``samples`` maps each timed cell to the seconds of its timed repeats, one list per worker process (round)
    that timed it. Every draw resamples, for every cell, its rounds with replacement and then each drawn round's
    repeats with replacement, and takes the median of what it drew: resampling the rounds first puts the
    differences between processes into the intervals, not only those between repeats of one process. Each
    statistic is a function of the cells' drawn medians (a mapping from cell to a NumPy array with one value per
    draw) that returns one value per draw; its interval is the central ``level`` of those values. Because all
    statistics see the same draws, a ratio of two cells and a maximum over several cells are resampled together.
    The generator is seeded: the same timings always give the same intervals.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    medians: dict[Hashable, Any] = {}
    for key, rounds in samples.items():
        lengths = {len(r) for r in rounds}
        if len(lengths) == 1:
            data = np.asarray(rounds, dtype=float)  # (rounds, repeats)
            n_rounds, n_rep = data.shape
            picked = rng.integers(0, n_rounds, size=(iterations, n_rounds))
            within = rng.integers(0, n_rep, size=(iterations, n_rounds, n_rep))
            drawn = data[picked[..., None], within].reshape(iterations, -1)
            medians[key] = np.median(drawn, axis=1)
        else:  # rounds with different numbers of repeats: one draw at a time
            arrays = [np.asarray(r, dtype=float) for r in rounds]
            out = np.empty(iterations)
            for i in range(iterations):
                chosen = [arrays[j] for j in rng.integers(0, len(arrays), size=len(arrays))]
                out[i] = np.median(np.concatenate([a[rng.integers(0, len(a), size=len(a))] for a in chosen]))
            medians[key] = out
    tail = (1.0 - level) / 2.0
    result = {}
    for name, stat in stats.items():
        values = np.asarray(stat(medians), dtype=float)
        low, high = np.quantile(values, [tail, 1.0 - tail])
        result[name] = (float(low), float(high))
    return result


def log_mean(arrays: list[Any]) -> Any:
    """The geometric mean, element by element, of arrays of positive values (one value per bootstrap draw)."""
    import numpy as np

    return np.exp(np.mean(np.log(np.vstack(arrays)), axis=0))


def fmt_ratio(value: float) -> str:
    """``0.82x``."""
    return f"{value:.2f}x"


def finite(value: float) -> bool:
    """Whether ``value`` is a finite number."""
    return isinstance(value, int | float) and math.isfinite(value)
