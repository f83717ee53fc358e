"""The performance claim's typed assessment: what its judge concludes, for the advisor, the site and ``kvt``.

One result file is one venue (``cpu-2core``). The zoo class holds real architectures (ResNet-50, BERT-base,
GPT-2 small) timed on six options: Keras on each engine (``keras-tensorflow``, ``keras-jax``, ``keras-torch``) and
each engine natively (``tensorflow-core``, ``jax-native``, ``torch-native``), each at its default and its documented
best settings; the dispatch-bound class holds the first design's small models on the Keras options and TensorFlow
core. Every timed cell names its model, batch, phase and setting; every ratio names both sides and carries the
claim's decision for it (``comparison``), so readers render decisions and never re-judge. Readers call the query
methods (:meth:`PerformanceAssessment.option_speed`, :meth:`~PerformanceAssessment.cell`,
:meth:`~PerformanceAssessment.best`, :meth:`~PerformanceAssessment.overhead`).

This module imports pydantic and the standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from evidence.contract import OUTCOMES, Assessment, ContractModel, ErrorInfo, Interval, KnownIssue, Outcome

Option = Literal["keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core", "jax-native", "torch-native"]
Engine = Literal["tensorflow", "jax", "torch"]
SizeClass = Literal["zoo", "dispatch-bound"]
#: ``generate_b1`` / ``generate_batch``: GPT-2 generation at batch 1 and at the larger batch.
Phase = Literal["train", "inference", "generate_b1", "generate_batch"]
Comparison = Literal["faster", "slower", "within noise"]
OPTION_NAMES: tuple[str, ...] = Option.__args__
ENGINES: tuple[str, ...] = Engine.__args__
PHASE_NAMES: tuple[str, ...] = Phase.__args__


class ModelInfo(ContractModel):
    """One model as it ran: its configuration, what was cut for the budget, weights and FLOPs."""

    model: str
    """``resnet50``, ``bert_base``, ``gpt2_small`` (zoo) or ``mlp``, ``cnn``, ``attention`` (dispatch-bound)."""
    size_class: SizeClass
    """``zoo`` (real architectures) or ``dispatch-bound`` (small hand-made models)."""
    architecture: str
    """The implementations that ran (``keras.applications.ResNet50 / torchvision resnet50``)."""
    config: dict[str, int | float | str | list[int]]
    """The architecture's configuration and the input shape it ran at."""
    cut: str
    """What was cut from the published size to fit the budget (never layers or widths); empty when nothing."""
    parameters: dict[str, int]
    """Weights per implementation (``keras``, ``torch``, ``keras-hub from transformers``)."""
    flops: dict[str, int]
    """Matrix-product FLOPs per sample (``train``, ``forward``) or per generated token (``token``), counted once
    from the configuration for every implementation."""
    same_function: str
    """Whether the implementations compute the same function, and how that was shown."""


class Parity(ContractModel):
    """transformers' weights copied into KerasHub (KerasHub's own converter), outputs compared."""

    model: str
    """``bert_base`` or ``gpt2_small``."""
    status: Outcome
    """``works``: compared; ``fails``: the copy or the call raised; ``unavailable``: a package is missing."""
    max_abs_diff: float | None = None
    """Largest absolute difference of the last hidden states."""
    scale: float | None = None
    """Largest absolute value of the reference output (the difference's yardstick)."""
    parameters: dict[str, int] = {}
    """Weights of each side."""
    reason: str | None = None
    """Why it did not run, or the error."""


class Cell(ContractModel):
    """One option at one setting on one model and phase."""

    option: Option
    """The option."""
    setting: str
    """The setting (``default``, ``xla``, ``torch_compile``, ``compile``, ``channels_first``, ...)."""
    model: str
    """The model."""
    phase: Phase
    """Training step, inference batch, or generation (batch 1 / larger batch)."""
    size_class: SizeClass
    """The model's class."""
    status: Outcome
    """``works``: timed; ``fails``: it raised (``error``); ``unavailable``: a package missing or the budget spent
    (``reason``); ``not_applicable``: the setting does not exist there (``reason``)."""
    error: ErrorInfo | None = None
    """The error, when it failed."""
    reason: str | None = None
    """Why it is unavailable or not applicable."""
    batch: int
    """Samples (sequences, images) per step."""
    unit: Literal["samples/s", "tokens/s"]
    """What ``throughput`` counts: samples per second, or generated tokens per second (all sequences)."""
    throughput: Interval | None = None
    """Median throughput with its bootstrap interval over the timed windows."""
    step_s: float | None = None
    """Median seconds per step (per generation call for generation)."""
    compile_s: float | None = None
    """The first call's seconds beyond a steady step: tracing and compiling."""
    peak_rss_gib: float | None = None
    """The worker's peak resident memory while the cell ran (the process's, framework included)."""
    achieved_gflops: float | None = None
    """Matrix-product GFLOP/s at the median, from the FLOPs counted once per model."""
    roof_fraction: float | None = None
    """``achieved_gflops`` over the run's best measured matmul GFLOP/s."""
    windows: int = 0
    """Timed windows."""
    steps_per_window: int = 0
    """Steps per timed window."""
    parameters: int | None = None
    """Weights of the model this option ran."""


class Ratio(ContractModel):
    """A throughput ratio between two sides on one model and phase, with the claim's decision."""

    model: str
    """The model."""
    phase: Phase
    """The phase."""
    batch: int
    """The batch both sides ran."""
    numerator: str
    """``option/setting`` of the first side (each side at its best setting there)."""
    denominator: str
    """``option/setting`` of the second side."""
    ratio: Interval
    """Numerator throughput over denominator throughput (above 1: the numerator is faster)."""
    comparison: Comparison
    """The claim's decision: ``faster`` / ``slower`` when the whole interval clears the margin, else
    ``within noise``."""


class EngineSummary(ContractModel):
    """TensorFlow's native best against one engine's (or all others') native best over the zoo's cells."""

    against: str
    """``jax``, ``torch`` or ``all`` (each cell against the faster of the two)."""
    mean: Interval
    """Geometric mean of the cells' ratios, with a bootstrap interval."""
    cells: int
    """Model-phase cells in the mean."""
    faster: int
    """Cells where TensorFlow is faster beyond the margin."""
    slower: int
    """Cells where it is slower beyond the margin."""


class Decision(ContractModel):
    """The verdict and the numbers it rests on (no prose)."""

    verdict: Literal["supported", "partly supported", "refuted", "inconclusive"]
    """The verdict code."""
    reason: Literal["decided", "quick_mode", "too_few_cells", "unsteady", "side_missing"]
    """Why it is what it is: ``decided`` from the ratios, or why no verdict could be reached."""
    engine_mean: Interval | None
    """TensorFlow native best over the others' native best, geometric mean over the cells."""
    cells: int
    """Cells the verdict rests on."""
    faster: int
    """Cells where TensorFlow is faster beyond the margin."""
    slower: int
    """Cells where it is slower."""


class OptionResult(ContractModel):
    """One option: its status, its settings' statuses, and its speed relative to the fastest."""

    option: Option
    """The option."""
    status: Outcome
    """``works`` when at least one cell was timed; ``fails`` when all that ran failed; ``unavailable``."""
    settings: dict[str, Outcome] = {}
    """Each setting considered, with its status (``works`` when any of its cells was timed)."""
    speed: dict[str, Interval] = {}
    """Geometric mean, over the zoo's cells (``all``) and each class, of the option's best-setting throughput over
    the fastest option-and-setting on the same cell (1 = fastest everywhere)."""


class Roof(ContractModel):
    """The machine's measured speed: a dense float32 matrix product in each engine and NumPy."""

    gflops: dict[str, float]
    """Per framework (``tensorflow``, ``jax``, ``torch``, ``numpy``), the best GFLOP/s any of its workers measured."""
    best: float
    """The best of them: the roof fractions' denominator."""
    matmul_n: int
    """The side of the square matrices."""
    drift: float
    """The largest change of a worker's framework matmul between before and after its models (0.05 = 5%)."""


class Steadiness(ContractModel):
    """Whether the machine kept its speed during the run."""

    numpy_min: float
    """The slowest NumPy matmul GFLOP/s of any worker."""
    numpy_max: float
    """The fastest."""
    across_workers: float
    """``numpy_min / numpy_max``: 1.0 is perfectly steady."""
    within_worker: float
    """The lowest ratio, over workers, of the framework's matmul before and after its models."""


class CpuInfo(ContractModel):
    """What the CPU offers for bfloat16, and what followed for the settings."""

    amx_bf16: bool
    """AMX tiles with bfloat16 (what Keras's ``mixed_bfloat16`` and PyTorch's bf16 autocast need to pay off)."""
    avx512_bf16: bool
    """AVX-512 BF16 instructions."""
    bf16_settings: str
    """Whether bf16 settings ran, and why."""


class PublicTask(ContractModel):
    """One task of a public benchmark table: milliseconds per step per Keras 3 backend, as published."""

    task: str
    """Model and task (``BERT fit``)."""
    batch_size: int
    """Its batch size."""
    ms_per_step: dict[str, float]
    """Published milliseconds per step for Keras 3 on each backend."""
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
    """What it measures."""
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
    """Every option on the zoo and the small models; engine against engine, and Keras against native."""

    STATUSES: ClassVar[tuple[str, ...]] = OUTCOMES

    venue: str
    """The venue the numbers hold for (``cpu-2core``)."""
    accelerator: str | None
    """The accelerator the options computed on; None on a CPU venue."""
    mode: Literal["quick", "full"]
    """``quick``: tiny models for CI, no verdict; ``full``: the zoo's real architectures."""
    models: dict[str, SizeClass]
    """Every model timed, with its class."""
    model_info: dict[str, ModelInfo] = {}
    """Per model, its configuration, cuts, weights and FLOPs."""
    parity: list[Parity] = []
    """Outputs compared after a weight copy between transformers and KerasHub."""
    options: dict[Option, OptionResult]
    """The six options."""
    cells: list[Cell] = []
    """Every option, setting, model and phase."""
    engines: list[Ratio] = []
    """Question 1: per zoo model and phase, TensorFlow's native best over JAX's and over PyTorch's native best."""
    engine_summary: list[EngineSummary] = []
    """Question 1 over the zoo's cells: against JAX, against PyTorch, and against the faster of the two."""
    keras_overhead: list[Ratio] = []
    """Question 2: per engine, model and phase, Keras-on-the-engine's best over the engine's native best."""
    decision: Decision | None = None
    """The verdict and the numbers it rests on."""
    roof: Roof | None = None
    """The measured roof; None when no worker ran."""
    steadiness: Steadiness | None = None
    """The machine's steadiness; None when no worker ran."""
    cpu: CpuInfo | None = None
    """The CPU's bfloat16 support and what followed."""
    cuts: list[str] = []
    """Everything cut to fit the budget (sizes, reruns, settings not run), in words."""
    public_record: PublicBenchmark
    """keras.io's Keras 3 benchmark, as context."""
    known_issues: list[KnownIssue] = []
    """Public reports matching what the run showed."""
    not_measured: list[str] = []
    """Subjects that did not run ok, each with its status and reason."""
    over_memory: list[str] = []
    """Cells whose worker's peak resident memory passed the claim's ``max_rss_gib`` (``option/setting model
    phase: N GiB``); empty when every worker stayed under it."""

    # -- queries for readers ------------------------------------------------------------------------------------
    def option_speed(self, option: str, size_class: str | None = None) -> Interval | None:
        """The option's geometric mean of best-setting throughput over the fastest (1 = fastest everywhere), over
        the zoo's cells (or one class's); None when it has no timings there."""
        result = self.options.get(option)
        return result.speed.get(size_class or "all") if result else None

    def cell(self, option: str, setting: str, model: str, phase: str) -> Cell | None:
        """One option at one setting on one model and phase; None when it was not considered."""
        return next((c for c in self.cells if (c.option, c.setting, c.model, c.phase) == (option, setting, model,
                                                                                            phase)), None)

    def best(self, option: str, model: str, phase: str) -> Cell | None:
        """The option's fastest timed setting on one model and phase; None when none was timed."""
        timed = [c for c in self.cells if c.option == option and c.model == model and c.phase == phase
                 and c.throughput is not None]
        return max(timed, key=lambda c: c.throughput.estimate) if timed else None

    def overhead(self, engine: str) -> list[Ratio]:
        """Question 2 for one engine: Keras-on-it over its native best, per model and phase."""
        keras_option = {"tensorflow": "keras-tensorflow", "jax": "keras-jax", "torch": "keras-torch"}[engine]
        return [r for r in self.keras_overhead if r.numerator.split("/")[0] == keras_option]

    def engine_ratio(self, against: str = "all") -> Interval | None:
        """TensorFlow's native best over ``against``'s (``jax``, ``torch`` or ``all``): the geometric mean."""
        found = next((s for s in self.engine_summary if s.against == against), None)
        return found.mean if found else None

    def size_class_models(self, size_class: str) -> list[str]:
        """The models of one class that were timed."""
        return [m for m, c in self.models.items() if c == size_class]


def across_venues(verdicts: Mapping[str, str]) -> str:
    """One line over every venue's verdict, saying what is missing when no accelerator venue has a result.

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
