"""The performance claim's typed assessment: what its judge concludes from the runs, for the advisor and the site.

One result file is one venue (``cpu-2core``, ``gpu-h200``). Within it, each of the four options
(``keras-tensorflow``, ``keras-jax``, ``keras-torch``, ``tensorflow-core``) ran at its framework's default setting
and at the settings its documentation recommends for speed; each setting has a cell per model and phase, and a
summary per size class and phase. The option's *best* per class and phase takes, model by model, its fastest
setting (a user tunes each model); its *default* is the setting a user gets without asking. Ratios are to the
fastest option-and-setting of the same run, so 1.0 is the fastest. Readers call the query methods
(:meth:`PerformanceAssessment.option_speed`, :meth:`~PerformanceAssessment.best`,
:meth:`~PerformanceAssessment.default`) rather than walking the fields.

This module imports pydantic and the standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from evidence.contract import OUTCOMES, Assessment, ContractModel, ErrorInfo, Interval, KnownIssue, Outcome

Option = Literal["keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core"]
SizeClass = Literal["dispatch-bound", "compute-bound"]
Phase = Literal["train", "inference"]
#: A setting of an option: ``default`` (what the framework does unless asked), ``xla`` (XLA compilation asked
#: for: ``jit_compile=True`` on TensorFlow), ``spe`` / ``xla_spe`` (several steps per compiled call, without /
#: with XLA), ``torch_compile`` (``jit_compile=True`` on the PyTorch backend, which Keras runs with
#: ``torch.compile``).
SettingName = Literal["default", "xla", "spe", "xla_spe", "torch_compile"]
Comparison = Literal["faster", "slower", "within noise"]
SIZE_CLASSES: tuple[str, ...] = SizeClass.__args__
PHASE_NAMES: tuple[str, ...] = Phase.__args__


class RunSettings(ContractModel):
    """The settings one option ran with, as the framework resolved them inside the worker."""

    jit_compile: bool | str
    """What was asked for: Keras's ``jit_compile`` (``"auto"``, its default, ``True`` or ``False``); for
    TensorFlow core, ``tf.function``'s ``jit_compile``."""
    resolved_jit_compile: bool | None
    """What Keras resolved ``jit_compile`` to (``"auto"`` is no XLA for TensorFlow on a CPU-only machine, XLA on
    JAX, eager on PyTorch); None when no model ran."""
    compiler: Literal["tf.function", "xla", "torch.compile", "eager"]
    """What compiled the training step: TensorFlow's graph (``tf.function``), XLA, ``torch.compile`` (inductor),
    or nothing (``eager``, PyTorch's default)."""
    steps_per_execution: int
    """Training steps per compiled call (Keras's ``steps_per_execution``; for TensorFlow core, steps per
    ``tf.function`` call)."""
    onednn: bool | None
    """Whether oneDNN was on in the worker: TensorFlow's policy in force (``IsMklEnabled``; on by default on x86
    CPUs with AVX-512 VNNI/BF16 or AMX), PyTorch's ``torch.backends.mkldnn.enabled``; None for JAX (XLA's CPU
    backend has its own kernels)."""
    onednn_env: str | None
    """``TF_ENABLE_ONEDNN_OPTS`` as the worker had it; None: unset, TensorFlow's default policy."""
    size_classes: list[SizeClass]
    """The size classes the setting was run in (``steps_per_execution`` is a remedy for per-step overhead, so
    it runs in the dispatch-bound class only)."""


class PhaseNumbers(ContractModel):
    """One option at one setting, one model, one phase (training or inference)."""

    throughput: Interval
    """Samples per second: the median over the pooled timed repeats of every round, with a bootstrap interval
    (rounds resampled, then repeats)."""
    ratio_to_fastest: Interval
    """Throughput over that of the fastest option-and-setting on the same model and phase in this run (1 = the
    fastest), with a bootstrap interval."""
    batch_latency_s: float
    """Seconds per batch (median epoch or pass over its batches)."""
    compile_s: float | None
    """Seconds of tracing and compiling: what the warm-up epochs (or passes) took beyond as many timed ones,
    median over rounds."""
    achieved_gflops: float
    """Matrix-product and convolution GFLOP/s counted from the model sizes, at the median time."""
    roof_fraction: float
    """``achieved_gflops`` over the run's roof on the device the option computed on."""
    repeats: int
    """Timed repeats pooled over the rounds."""
    rounds: int
    """Worker processes (rounds) whose repeats are pooled."""


class ModelCell(ContractModel):
    """One option at one setting on one model."""

    model: str
    """The model (``perf_spec.MODELS``)."""
    size_class: SizeClass
    """Its size class."""
    status: Outcome
    """``works``: it trained and predicted in every round; ``fails``: it raised (``error``)."""
    error: ErrorInfo | None = None
    """The error, when it failed."""
    parameters: int | None = None
    """Trainable weights."""
    batch_size: int
    """Samples per batch."""
    steps_per_epoch: int
    """Batches per training epoch (and per inference pass)."""
    loss_first_epoch: float | None = None
    """Mean training loss of the first epoch."""
    loss_last_epoch: float | None = None
    """Mean training loss of the last epoch: below the first one, so the model learned."""
    graph_breaks: int | None = None
    """``torch.compile`` only: graph breaks Dynamo reported while compiling this model (each one a return to
    eager Python)."""
    phases: dict[Phase, PhaseNumbers] = {}
    """Training and inference numbers, when it worked."""


class ClassPhase(ContractModel):
    """One option, at one setting or at its best, over one size class's models, in one phase."""

    ratio_to_fastest: Interval
    """Geometric mean, over the class's models, of the throughput ratio to the fastest option-and-setting, with
    a bootstrap interval."""
    roof_fraction: float
    """Geometric mean, over the class's models, of the achieved fraction of the roof."""
    compile_s: float | None
    """Seconds of tracing and compiling, summed over the class's models."""
    models: list[str]
    """The models the numbers cover."""
    settings: dict[str, SettingName]
    """The setting each model ran with (for a best cell: each model's fastest setting)."""
    vs_default: Interval | None = None
    """For a setting other than the default: its throughput over the same option's default setting on the same
    models (geometric mean, with a bootstrap interval): the setting's effect. None for the default and for best
    cells."""


class SettingResult(ContractModel):
    """One option at one setting: how it ran, per model and per size class."""

    option: Option
    """The option."""
    setting: SettingName
    """The setting."""
    status: Outcome
    """``works``: every model it was run on worked; ``fails``: at least one failed; ``unavailable``: its worker
    could not start (a framework missing) or crashed; ``not_applicable``: the framework does not offer this
    setting (``reason`` says where it says so)."""
    reason: str | None = None
    """Why the setting is not applicable or unavailable."""
    documented: str
    """What the framework's documentation says this setting is for."""
    run: RunSettings | None = None
    """What it ran with; None when it did not run."""
    models: dict[str, ModelCell] = {}
    """One cell per model it ran."""
    classes: dict[SizeClass, dict[Phase, ClassPhase]] = {}
    """Per size class and phase, over the class's models that worked."""


class OptionResult(ContractModel):
    """One of the four options: its settings, its default and its best."""

    option: Option
    """The option."""
    status: Outcome
    """``works`` when at least one setting worked; ``fails`` when all that ran failed; ``unavailable`` when
    none could run."""
    settings: dict[SettingName, SettingResult]
    """Every setting considered, including those not applicable to this option."""
    default: dict[SizeClass, dict[Phase, ClassPhase]]
    """Per size class and phase, the ``default`` setting's numbers (what a user gets without asking)."""
    best: dict[SizeClass, dict[Phase, ClassPhase]]
    """Per size class and phase, each model at its fastest setting."""
    speed: dict[str, Interval]
    """Geometric mean of the best-setting ratios to the fastest, with a bootstrap interval: under ``all`` over
    every model and phase timed for every option, and under each size class over that class's."""


class EngineCell(ContractModel):
    """One model and phase: the TensorFlow engine's best option-and-setting against the other engines' best."""

    model: str
    """The model."""
    size_class: SizeClass
    """Its size class."""
    phase: Phase
    """Training or inference."""
    tensorflow: str
    """The fastest option and setting on TensorFlow's engine (``keras-tensorflow/xla``)."""
    other: str
    """The fastest option and setting on another engine (``keras-jax/default``)."""
    ratio: float
    """TensorFlow's best throughput over the other engines' best."""
    comparison: Comparison
    """``faster`` / ``slower``: beyond the margin with separate interquartile ranges; else ``within noise``."""


class EngineClass(ContractModel):
    """TensorFlow's engine against the others over one size class (or over all cells)."""

    ratio: Interval
    """Geometric mean over the cells of TensorFlow's best / the others' best throughput, with a bootstrap
    interval (each draw takes each side's best again)."""
    cells: list[EngineCell]
    """The model-and-phase cells."""
    models: list[str]
    """The class's models timed for both sides."""


class Roof(ContractModel):
    """The machine's measured speed: a dense float32 matrix product, the best of every worker's."""

    gflops: dict[str, float]
    """Per device kind (``cpu``, ``gpu``), the best GFLOP/s any worker measured on it."""
    matmul_n: int
    """The side of the square matrices."""
    drift: float
    """The largest change of a worker's framework matmul between before and after its models (0.05 = 5%)."""


class Steadiness(ContractModel):
    """Whether the machine kept its speed during the run (no other process competing for it)."""

    numpy_min: float
    """The slowest NumPy matmul GFLOP/s of any worker."""
    numpy_max: float
    """The fastest."""
    across_workers: float
    """``numpy_min / numpy_max``: 1.0 is perfectly steady."""
    within_worker: float
    """The lowest ratio, over workers, of the framework's matmul before and after the models (smaller over
    larger)."""


class RoundSpread(ContractModel):
    """How far apart one option's worker processes (rounds) were."""

    rounds: list[int]
    """The numbers of rounds the subjects ran."""
    median: float
    """Median, over option-settings and cells, of (largest round median / smallest) - 1."""
    largest: float
    """The largest such spread."""
    where: str
    """The option, setting, model and phase of the largest spread."""


class PublicTask(ContractModel):
    """One task of a public benchmark table: milliseconds per step per Keras 3 backend, as published."""

    task: str
    """Model and task (``BERT fit``)."""
    batch_size: int
    """Its batch size."""
    ms_per_step: dict[str, float]
    """Published milliseconds per step for Keras 3 on each backend (``tensorflow``, ``jax``, ``torch``)."""
    fastest: str
    """The backend with the fewest milliseconds per step."""


class PublicBenchmark(ContractModel):
    """A benchmark in the public record, shown beside our numbers as context, never as a number of ours."""

    url: str
    """Where it is published."""
    source: str
    """The file and commit it was read from."""
    title: str
    """Its title."""
    hardware: str
    """What it ran on."""
    scope: str
    """What it measures, in its own words (out-of-the-box or best possible)."""
    finding: str
    """Its conclusion, in our words."""
    tasks: list[PublicTask]
    """Its table's Keras 3 columns."""

    def fastest_counts(self) -> dict[str, int]:
        """How many tasks each backend was fastest on."""
        counts: dict[str, int] = {}
        for task in self.tasks:
            counts[task.fastest] = counts.get(task.fastest, 0) + 1
        return counts


class PerformanceAssessment(Assessment):
    """Each option at its default and best settings, per size class and phase, on one venue, and TensorFlow's
    engine against the others."""

    STATUSES: ClassVar[tuple[str, ...]] = OUTCOMES

    venue: str
    """The venue the numbers hold for (``cpu-2core``)."""
    accelerator: str | None
    """The accelerator the options computed on (a GPU's name); None on a CPU venue."""
    mode: Literal["quick", "full"]
    """``quick``: tiny sizes for CI, no verdict; ``full``: the published sizes."""
    models: dict[str, SizeClass]
    """Every model timed, with its size class."""
    options: dict[Option, OptionResult]
    """The four options."""
    engines: dict[str, EngineClass]
    """TensorFlow's engine against the others: under each size class, and under ``all`` over every cell."""
    roof: Roof | None
    """The measured roof; None when no worker ran."""
    steadiness: Steadiness | None
    """The machine's steadiness; None when no worker ran."""
    rounds: RoundSpread | None
    """How far one option's rounds were apart; None with one round."""
    public_record: PublicBenchmark
    """keras.io's Keras 3 benchmark, as context."""
    known_issues: list[KnownIssue]
    """Public reports about the settings measured (``torch.compile`` under Keras), cited beside the numbers."""
    not_measured: list[str]
    """Subjects that did not run ok, each with its status and reason."""

    # -- queries for readers ------------------------------------------------------------------------------------
    def option_speed(self, option: str, size_class: str | None = None) -> Interval | None:
        """The option's geometric mean of best-setting throughput ratios to the fastest (1 = fastest everywhere),
        over every cell or one size class's, with its bootstrap interval; None when it has no timings there."""
        result = self.options.get(option)
        if result is None:
            return None
        return result.speed.get(size_class or "all")

    def best(self, option: str, size_class: str, phase: str) -> ClassPhase | None:
        """The option at its best settings over one size class and phase; None when it has no timings there."""
        result = self.options.get(option)
        return result.best.get(size_class, {}).get(phase) if result else None

    def default(self, option: str, size_class: str, phase: str) -> ClassPhase | None:
        """The option at its default setting over one size class and phase; None when it has no timings there."""
        result = self.options.get(option)
        return result.default.get(size_class, {}).get(phase) if result else None

    def setting(self, option: str, setting: str) -> SettingResult | None:
        """One option's setting (its status, what it ran with, its cells); None when it is not considered."""
        result = self.options.get(option)
        return result.settings.get(setting) if result else None

    def cell(self, option: str, setting: str, model: str, phase: str) -> PhaseNumbers | None:
        """One option at one setting on one model and phase; None when it did not run there."""
        found = self.setting(option, setting)
        cell = found.models.get(model) if found else None
        return cell.phases.get(phase) if cell else None

    def size_class_models(self, size_class: str) -> list[str]:
        """The models of one size class that were timed."""
        return [m for m, c in self.models.items() if c == size_class]

    def engine_ratio(self, size_class: str | None = None) -> Interval | None:
        """TensorFlow's best over the other engines' best (geometric mean with interval) over one size class or
        all cells; None when either side has no timings."""
        found = self.engines.get(size_class or "all")
        return found.ratio if found else None

    def fastest_option(self, size_class: str, phase: str) -> str | None:
        """The option whose best settings have the highest ratio to the fastest in one class and phase."""
        candidates = {o: c.ratio_to_fastest.estimate for o in self.options
                      if (c := self.best(o, size_class, phase)) is not None}
        return max(candidates, key=candidates.get) if candidates else None


def across_venues(verdicts: Mapping[str, str]) -> str:
    """One line over every venue's verdict, saying what is missing when no accelerator venue has a result.

    ``verdicts`` maps a venue (``cpu-2core``, ``gpu-h200``) to that result file's verdict; CPU venues come first.

    Examples:
        >>> across_venues({"cpu-2core": "refuted"})
        'refuted on cpu-2core; no accelerator venue has a result, so the claim is untested on GPUs and TPUs'
        >>> across_venues({"gpu-h200": "supported", "cpu-2core": "refuted"})
        'refuted on cpu-2core; supported on gpu-h200'
    """
    order = sorted(verdicts, key=lambda v: (v.startswith("gpu-"), v))
    text = "; ".join(f"{verdicts[v]} on {v}" for v in order) or "no venue has a result"
    if not any(v.startswith("gpu-") for v in order):
        text += "; no accelerator venue has a result, so the claim is untested on GPUs and TPUs"
    return text
