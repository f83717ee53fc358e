"""Prose for people from the assessment and the decision: the summary sentence and the findings.

Nothing here decides anything: every comparison word comes from the assessment's ``comparison`` fields or the
decision. Not part of the claim's code hash (:meth:`PerformanceClaim.code_files`): prose may change without a
rerun.
"""

from __future__ import annotations

from evidence.contract import Decision, Report

from .assessment import Cell, PerformanceAssessment, Ratio

PHASE_WORDS = {"train": "training step", "inference": "inference", "generate_b1": "generation at batch 1",
               "generate_batch": "generation at the larger batch"}
CPU_CAVEAT = ("Measured on the CPU: relative speeds on a CPU say little about a GPU or TPU, where XLA fusion, "
              "kernel libraries and input pipelines weigh differently.")
#: Why no verdict, by the decision's code (:data:`.verdict.NO_VERDICT`).
REASONS = {
    "quick_mode": "quick mode times tiny configurations, which say nothing of the real architectures",
    "too_few_cells": "too few model-phase cells were timed natively on TensorFlow and another engine",
    "unsteady": "the machine was not steady during the run (its matmul roof moved: other processes competed)",
    "side_missing": "TensorFlow's native program or both other engines' native programs have no timings",
}


def where(r: Ratio | Cell, venue: str) -> str:
    """``resnet50 training step, batch 8, cpu-2core``: what every number names."""
    return f"{r.model} {PHASE_WORDS[r.phase]}, batch {r.batch}, {venue}"


def fmt(r: Ratio) -> str:
    """``1.23x (1.10-1.40)``."""
    return f"{r.ratio.estimate:.2f}x ({r.ratio.low:.2f}-{r.ratio.high:.2f})"


def report(a: PerformanceAssessment, d: Decision) -> Report:
    """The summary sentence and the findings of decision ``d`` on ``a``."""
    return Report(summary(a, d), findings(a))


def summary(a: PerformanceAssessment, d: Decision) -> str:
    """The one-sentence summary: the verdict (or why none) and the engine-against-engine numbers it rests on."""
    venue = a.venue
    n = d.numbers
    if n.get("engine_mean") is not None:
        numbers = (f"TensorFlow's native best runs at {n['engine_mean']:.2f}x the faster of JAX's and PyTorch's "
                   f"native best (geometric mean over {n['cells']} model-phase cells of ResNet-50, BERT-base and "
                   f"GPT-2 small, {n['engine_mean_level']:.0%} interval {n['engine_mean_low']:.2f}-"
                   f"{n['engine_mean_high']:.2f}; faster beyond the margin in {n['faster']}, slower in "
                   f"{n['slower']})")
    else:
        numbers = "no native-against-native ratio could be formed"
    if d.verdict == "inconclusive":
        return f"Inconclusive on {venue}: {REASONS[d.code]}; as measured, {numbers}."
    lead = {"supported": "TensorFlow's engine at its best is faster than the others at theirs",
            "refuted": "TensorFlow's engine at its best is not faster than the others at theirs",
            "partly supported": "TensorFlow's engine at its best is faster on some models and phases, not all"}
    text = f"{d.verdict.capitalize()} on {venue}: {lead[d.verdict]}: {numbers}"
    return text + ("; CPU only: this venue says nothing of GPUs or TPUs." if not a.accelerator else ".")


def findings(a: PerformanceAssessment) -> dict[str, str]:
    """Per sub-claim, a statement with its numbers, each naming model, batch, phase and venue."""
    out: dict[str, str] = {}
    v = a.venue
    if a.not_measured:
        out["missing"] = "Subjects without a result: " + "; ".join(a.not_measured) + "."
    if a.engines:
        out["engines"] = ("Engine against engine, each at its native best (TensorFlow's throughput over the other's; "
                          "90% interval; the claim's decision): " + "; ".join(
                              f"{where(r, v)}: {r.numerator} vs {r.denominator} {fmt(r)}, {r.comparison}"
                              for r in a.engines) + ".")
    for engine in ("tensorflow", "jax", "torch"):
        rows = a.overhead(engine)
        if rows:
            out[f"keras_overhead_{engine}"] = (
                f"What Keras costs or gains on {engine} (Keras at its best over the native program at its best; "
                "above 1 Keras is faster): " + "; ".join(
                    f"{where(r, v)}: {r.numerator} vs {r.denominator} {fmt(r)}, {r.comparison}" for r in rows) + ".")
    timed = [c for c in a.cells if c.throughput is not None and c.size_class == "zoo"]
    if timed:
        out["compile"] = ("Compile time (first call beyond a steady step) and the worker's peak memory beside the "
                          "steady step, per option-setting: " + "; ".join(
                              f"{c.option}/{c.setting} {where(c, v)}: step {c.step_s:.3f} s, compile "
                              f"{c.compile_s:.1f} s, peak {c.peak_rss_gib or 0:.1f} GiB" for c in timed) + ".")
    if a.roof:
        train = [c for c in timed if c.phase == "train" and c.roof_fraction is not None]
        out["roof"] = ("Roof (best dense float32 matmul measured in this run, per framework): "
                       + ", ".join(f"{k} {g:.0f} GFLOP/s" for k, g in sorted(a.roof.gflops.items()))
                       + ". Fraction of it reached in training: " + "; ".join(
                           f"{c.option}/{c.setting} {c.model} (batch {c.batch}) {c.roof_fraction:.0%}"
                           for c in sorted(train, key=lambda c: -(c.roof_fraction or 0))) + ".")
    if a.over_memory:
        out["memory"] = "Peak memory above the 12 GiB limit: " + "; ".join(a.over_memory) + "."
    failed = [c for c in a.cells if c.status in ("fails", "unavailable")]
    if failed:
        out["failures"] = "Cells not timed: " + "; ".join(
            f"{c.option}/{c.setting} {c.model} {PHASE_WORDS[c.phase]}: {c.status}"
            + (f" ({c.error.text(160)})" if c.error else f" ({c.reason})" if c.reason else "") for c in failed) + "."
    small = [c for c in a.cells if c.size_class == "dispatch-bound" and c.throughput is not None]
    if small:
        speeds = {o: r.speed["dispatch-bound"] for o, r in a.options.items() if "dispatch-bound" in r.speed}
        out["small_models"] = (
            "Dispatch-bound small models (MLP, CNN, transformer block; per-step overhead decides), each option's "
            "best setting over the fastest, geometric mean (1 = fastest): " + ", ".join(
                f"{o} {s.estimate:.2f} ({s.low:.2f}-{s.high:.2f})"
                for o, s in sorted(speeds.items(), key=lambda kv: -kv[1].estimate)) + f", on {v}.")
    if a.model_info:
        out["models"] = "Models: " + "; ".join(
            f"{m.model}: {m.architecture}; weights " + ", ".join(f"{k} {n:,}" for k, n in m.parameters.items())
            + f"; {m.same_function}" + (f"; cut: {m.cut}" if m.cut else "") for m in a.model_info.values()) + "."
    if a.parity:
        out["parity"] = "Same function: " + "; ".join(
            f"{p.model}: transformers' weights copied into KerasHub, largest output difference "
            f"{p.max_abs_diff:.1e} (outputs up to {p.scale:.1f})" if p.status == "works" else
            f"{p.model}: {p.status} ({p.reason})" for p in a.parity) + "."
    if a.cpu:
        out["bf16"] = a.cpu.bf16_settings[0].upper() + a.cpu.bf16_settings[1:] + "."
    if a.cuts:
        out["cuts"] = "Cut to fit the budget: " + "; ".join(a.cuts) + "."
    pub = a.public_record
    counts = pub.fastest_counts()
    out["public_record"] = (f"Public record: {pub.title} ({pub.url}), on {pub.hardware}, measuring {pub.scope}. "
                            f"{pub.finding} Fastest Keras 3 backend: " + ", ".join(
                                f"{b} on {n}" for b, n in sorted(counts.items(), key=lambda kv: -kv[1]))
                            + f" of {len(pub.tasks)} tasks. Their numbers, on their machine, not ours.")
    out["caveat"] = CPU_CAVEAT if not a.accelerator else f"Measured with a {a.accelerator} GPU."
    return out
