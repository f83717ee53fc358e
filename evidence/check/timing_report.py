"""The report of ``kvt check --time``: typed numbers, the statistics behind them, the ranking, and its renderings.

Each backend-and-setting's steady step time is the median of its timed windows' seconds per step, with a 90%
bootstrap interval (windows resampled). Two settings compare as the ratio of their median step times, with a 90%
interval from one bootstrap that resamples both sets of windows; the ranking uses each backend at its fastest
setting. A backend is called faster than another only by the performance claim's own rule for one model and one
phase (:data:`FASTER_MARGIN`, read from ``evidence/claims/performance``): its median step is shorter by that
factor and the interval of the ratio lies wholly above 1. Anything less is a tie, inside the noise.

The windows of one setting come from one worker process, so their spread understates the spread between
processes (about a fifth on this project's 2-core machine, the performance claim found): the margin is there for
that. Nothing here imports a framework.
"""

from __future__ import annotations

import random
import statistics
from typing import Any, Literal

from evidence.contract import ContractModel, ErrorInfo, Interval, Threshold

Phase = Literal["train", "predict"]
#: A setting's outcome: the contract's four, and ``over_budget``: a compiled call ran past ``--compile-budget``,
#: so the setting was stopped and its compile took at least that long (tried and measured, neither a failure nor
#: "could not try").
TimingStatus = Literal["works", "fails", "unavailable", "not_applicable", "over_budget"]
PHASES: tuple[Phase, ...] = ("train", "predict")
#: Bootstrap draws and level of every interval.
BOOTSTRAP_DRAWS = 2000
LEVEL = 0.9


def _faster_margin() -> Threshold:
    from evidence.claim_parts import PERFORMANCE

    return PERFORMANCE.thresholds["faster_margin"]


#: The performance claim's margin for calling one option-and-setting faster than another on one model and phase.
FASTER_MARGIN: Threshold = _faster_margin()


class PhaseTiming(ContractModel):
    """One backend at one setting, one phase (training or inference)."""

    step_s: Interval
    """Seconds per step (one batch): the median over the timed windows, with a 90% bootstrap interval."""
    samples_per_s: Interval
    """Throughput at the report's batch size: batch size over ``step_s`` (its interval inverted)."""
    first_s: float | None
    """Seconds of the first compiled call (tracing and compiling included, plus its steps_per_execution steps)."""
    windows: list[float]
    """Each timed window's seconds per step, in order."""


class OverBudget(ContractModel):
    """Where a setting was stopped at the compile budget."""

    phase: Phase
    """The phase of the call that ran past the budget."""
    call: int
    """Which compiled call of that phase (1: the first, which traces and compiles)."""
    budget_s: float
    """The budget (``--compile-budget``)."""
    lower_bound_s: float
    """Seconds the call had run when it was stopped: its time is at least this."""


class SettingTiming(ContractModel):
    """One backend at one setting, timed in its own worker process."""

    backend: str
    """The Keras backend."""
    setting: str
    """The setting's name, as the performance claim declares it (``default``, ``xla``, ``torch_compile``...)."""
    status: TimingStatus
    """``works``: it trained and predicted; ``fails``: a step raised, or the worker ran out of time or memory;
    ``unavailable``: the framework is not installed; ``not_applicable``: the backend does not offer it;
    ``over_budget``: a compiled call ran past ``--compile-budget`` and the setting was stopped there."""
    reason: str | None = None
    """Why it is not ``works``: the step that broke and how (``timed out after 300 s and was killed``)."""
    error: ErrorInfo | None = None
    """The error, when a step raised."""
    documented: str
    """What the framework's documentation says of this setting (from the performance claim)."""
    jit_compile: bool | str | None = None
    """The ``jit_compile`` asked for (``"auto"`` is Keras's default)."""
    resolved_jit_compile: bool | str | None = None
    """What Keras resolved it to in the worker."""
    steps_per_execution: int = 1
    """Steps per compiled call."""
    compiled_with: str | None = None
    """Whose optimizer and loss the timing ran with."""
    train: PhaseTiming | None = None
    """Training numbers, when it trained."""
    predict: PhaseTiming | None = None
    """Inference numbers, when it predicted."""
    loss_first: float | None = None
    """Training loss after the first call."""
    loss_last: float | None = None
    """Training loss after the last call."""
    host_peak_bytes: int | None = None
    """The worker's peak resident memory (framework, model, data and both phases)."""
    device_peak_bytes: int | None = None
    """On a GPU: peak device memory from the backend's own allocator; None on a CPU."""
    device_api: str | None = None
    """The API the device peak came from."""
    worker_s: float = 0.0
    """Seconds the worker process ran, start-up and loading included."""
    over_budget: OverBudget | None = None
    """For ``over_budget``: the call that ran past the budget and how long it ran at least."""


class Rank(ContractModel):
    """One backend at its fastest setting in one phase."""

    backend: str
    """The backend."""
    setting: str
    """Its fastest setting in this phase."""
    step_s: Interval
    """That setting's seconds per step."""
    ratio_to_fastest: Interval
    """Its median step time over the fastest backend's (1 for the fastest; 1.5: 1.5 times slower), with a 90%
    bootstrap interval."""
    tie: bool
    """Whether it is inside the noise of the fastest (not called slower; see :data:`FASTER_MARGIN`)."""
    vs_default: Interval | None = None
    """For a best setting other than ``default``: the default's step time over this one (how much the setting
    gains), with a 90% bootstrap interval."""


class PhaseRanking(ContractModel):
    """The backends, fastest first, in one phase."""

    phase: Phase
    """Training or inference."""
    ranks: list[Rank]
    """Every backend with a timing, fastest first."""
    winner: str | None
    """The backend faster than every other beyond the noise; None when the fastest ties with another."""
    sentence: str
    """The ranking in one sentence."""


class TimingReport(ContractModel):
    """``kvt check PATH --time``: every backend at every setting, on one machine."""

    path: str
    """PATH as given."""
    kind: Literal["keras_file", "module"]
    """What PATH is."""
    model: dict[str, Any] | None = None
    """The model's class, inputs, weight count and loss, as the first worker saw it."""
    keras_version: str | None = None
    """Keras's version in the workers."""
    batch_size: int | None
    """Samples per step."""
    batch_from: str | None = None
    """Where the batch size came from (``--batch-size``, the model's input, the default)."""
    data: str | None = None
    """What the steps were fed."""
    machine: dict[str, Any]
    """The machine, as :func:`evidence.check.machine.probe` returned it."""
    machine_line: str
    """The machine in one line."""
    venue: str
    """The venue name of the machine."""
    accelerator: Literal["cpu", "gpu", "mps"]
    """Where the frameworks computed by default."""
    method: dict[str, Any]
    """Warm-up calls, windows, steps per window, the timeout, and how a step is timed."""
    backends: list[str]
    """The backends asked, in run order."""
    settings: dict[str, dict[str, SettingTiming]]
    """Per backend, every setting considered."""
    ranking: dict[Phase, PhaseRanking]
    """Per phase, the backends at their fastest setting, fastest first."""
    faster_margin: Threshold
    """The rule for "faster" (the performance claim's)."""
    not_covered: list[str]
    """What the numbers do not say."""
    notes: list[str] = []
    """Anything else the reader should know."""
    all_timed: bool
    """Whether every available backend's every applicable setting was timed or stopped at the compile budget
    (exit status 0): none failed and none could not be tried."""
    wall_s: float
    """Seconds the whole check took."""


# -- statistics --------------------------------------------------------------------------------------------------
def _quantiles(draws: list[float]) -> tuple[float, float]:
    draws = sorted(draws)
    tail = (1 - LEVEL) / 2
    return draws[int(tail * (len(draws) - 1))], draws[round((1 - tail) * (len(draws) - 1))]


def median_interval(windows: list[float], seed: int = 0) -> Interval:
    """The median of ``windows`` with a 90% percentile-bootstrap interval (windows resampled).

    Examples:
        >>> median_interval([1.0, 1.0, 1.0]).model_dump(exclude={"method"})
        {'estimate': 1.0, 'low': 1.0, 'high': 1.0, 'level': 0.9}
    """
    rng = random.Random(seed)
    draws = [statistics.median(rng.choices(windows, k=len(windows))) for _ in range(BOOTSTRAP_DRAWS)]
    low, high = _quantiles(draws)
    return Interval(estimate=statistics.median(windows), low=min(low, statistics.median(windows)),
                    high=max(high, statistics.median(windows)), level=LEVEL,
                    method=f"percentile bootstrap of the median over {len(windows)} timed windows")


def ratio_interval(num: list[float], den: list[float], seed: int = 0) -> Interval:
    """median(``num``) / median(``den``) with a 90% interval from one bootstrap resampling both."""
    rng = random.Random(seed)
    draws = [statistics.median(rng.choices(num, k=len(num))) / statistics.median(rng.choices(den, k=len(den)))
             for _ in range(BOOTSTRAP_DRAWS)]
    low, high = _quantiles(draws)
    est = statistics.median(num) / statistics.median(den)
    return Interval(estimate=est, low=min(low, est), high=max(high, est), level=LEVEL,
                    method="percentile bootstrap of the ratio of medians, both sides' windows resampled")


def throughput(step: Interval, batch: int) -> Interval:
    """Samples per second from seconds per step: the interval's ends swap."""
    return Interval(estimate=batch / step.estimate, low=batch / step.high, high=batch / step.low, level=step.level,
                    method=f"batch size over seconds per step ({step.method})")


def phase_timing(entry: dict[str, Any], batch: int) -> PhaseTiming | None:
    """A worker's record of one phase as numbers; None without at least two timed windows."""
    windows = [float(w) for w in entry.get("step_s") or []]
    if entry.get("status") != "works" or len(windows) < 2:
        return None
    step = median_interval(windows)
    return PhaseTiming(step_s=step, samples_per_s=throughput(step, batch), first_s=entry.get("first_s"),
                       windows=windows)


def is_faster(ratio: Interval, margin: float) -> bool:
    """The rule: the slower side's median step is longer by ``1 + margin`` and the ratio's interval is above 1.

    Examples:
        >>> from evidence.contract import Interval
        >>> is_faster(Interval(estimate=1.4, low=1.2, high=1.6, method="m"), 0.25)
        True
        >>> is_faster(Interval(estimate=1.4, low=0.98, high=1.6, method="m"), 0.25)
        False
    """
    return ratio.estimate >= 1 + margin and ratio.low > 1


def rank_phase(settings: dict[str, dict[str, SettingTiming]], phase: Phase, margin: float) -> PhaseRanking:
    """The backends at their fastest setting in ``phase``, fastest first, each with its ratio to the fastest."""
    best: dict[str, SettingTiming] = {}
    for backend, by_setting in settings.items():
        timed = [s for s in by_setting.values() if getattr(s, phase) is not None]
        if timed:
            best[backend] = min(timed, key=lambda s: getattr(s, phase).step_s.estimate)
    order = sorted(best.values(), key=lambda s: getattr(s, phase).step_s.estimate)
    if not order:
        return PhaseRanking(phase=phase, ranks=[], winner=None, sentence=f"No backend was timed in {phase}.")
    top = getattr(order[0], phase)
    ranks = []
    for s in order:
        mine = getattr(s, phase)
        ratio = (ratio_interval(mine.windows, top.windows) if s is not order[0] else
                 Interval(estimate=1.0, low=1.0, high=1.0, level=LEVEL, method="the fastest itself"))
        default = settings[s.backend].get("default")
        vs_default = None
        if s.setting != "default" and default is not None and getattr(default, phase) is not None:
            vs_default = ratio_interval(getattr(default, phase).windows, mine.windows)
        ranks.append(Rank(backend=s.backend, setting=s.setting, step_s=mine.step_s, ratio_to_fastest=ratio,
                          tie=s is not order[0] and not is_faster(ratio, margin), vs_default=vs_default))
    ties = [r.backend for r in ranks[1:] if r.tie]
    winner = ranks[0].backend if len(ranks) > 1 and not ties else None
    what = "training" if phase == "train" else "inference"
    first = f"{ranks[0].backend} ({ranks[0].setting}) is fastest in {what}"
    if len(ranks) == 1:
        sentence = f"{first}, the only backend timed."
    else:
        rest = "; ".join(f"{r.backend} ({r.setting}) {fmt_ratio(r.ratio_to_fastest)} times its step time"
                         + (", a tie inside the noise" if r.tie else "") for r in ranks[1:])
        sentence = (f"{first}: " if winner else f"{first} but not beyond the noise: ") + rest + "."
    return PhaseRanking(phase=phase, ranks=ranks, winner=winner, sentence=sentence)


# -- rendering ---------------------------------------------------------------------------------------------------
def fmt_ratio(ratio: Interval) -> str:
    """``1.42 [1.31, 1.55]``."""
    return f"{ratio.estimate:.2f} [{ratio.low:.2f}, {ratio.high:.2f}]"


def _ms(step: Interval) -> str:
    return f"{step.estimate * 1e3:.1f} [{step.low * 1e3:.1f}, {step.high * 1e3:.1f}]"


def _mib(value: int | None) -> str:
    return "—" if value is None else f"{value / 2**20:,.0f}"


def _secs(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def tables(report: TimingReport) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) of the report's tables: every setting's numbers, then the ranking per phase."""
    gpu = report.accelerator == "gpu"
    headers = ["backend", "setting", "train ms/step [90%]", "train samples/s", "first train call s",
               "predict ms/step [90%]", "predict samples/s", "first predict call s", "peak host MiB"]
    if gpu:
        headers.append("peak device MiB")
    rows = []
    for backend, by_setting in report.settings.items():
        for name, s in by_setting.items():
            if s.status not in ("works", "over_budget") and s.train is None:
                why = s.reason or s.status
                row = [backend, name, f"{s.status}: {why}", *([""] * (len(headers) - 3))]
                rows.append(row)
                continue
            row = [backend, name]
            for which, phase in zip(PHASES, (s.train, s.predict), strict=True):
                if phase:
                    row += [_ms(phase.step_s), f"{phase.samples_per_s.estimate:,.1f}", _secs(phase.first_s)]
                elif s.over_budget and s.over_budget.phase == which:
                    row += ["over budget", "—", f"> {s.over_budget.lower_bound_s:.0f} (stopped at "
                            f"--compile-budget {s.over_budget.budget_s:g})"]
                else:
                    row += ["—", "—", "—"]
            row.append(_mib(s.host_peak_bytes))
            if gpu:
                row.append(_mib(s.device_peak_bytes))
            rows.append(row)
    out = [(f"Step times at batch size {report.batch_size} on {report.venue} ({report.machine_line})", headers, rows)]
    for phase, ranking in report.ranking.items():
        ranked = [[str(i + 1), r.backend, r.setting, _ms(r.step_s), fmt_ratio(r.ratio_to_fastest),
                   "tie" if r.tie else ("fastest" if i == 0 else "slower"),
                   fmt_ratio(r.vs_default) if r.vs_default else "—"] for i, r in enumerate(ranking.ranks)]
        out.append((f"Ranking, {'training' if phase == 'train' else 'inference'}",
                    ["rank", "backend", "fastest setting", "ms/step [90%]", "× fastest's step time [90%]",
                     "verdict", "default ÷ this setting [90%]"], ranked))
    return out


def summary_lines(report: TimingReport) -> list[str]:
    """The ranking sentences, what the numbers do not cover, and the notes."""
    lines = [r.sentence for r in report.ranking.values()]
    lines.append(f"Faster means: a median step time shorter by a factor of {1 + FASTER_MARGIN.value:g} (the "
                 "performance claim's faster_margin) and a 90% interval of the ratio above 1; anything less is a tie.")
    lines += [f"Not covered: {n}" for n in report.not_covered]
    lines += [f"Note: {n}" for n in report.notes]
    lines.append(f"({report.wall_s:.0f} s)")
    return lines


def render_markdown(report: TimingReport) -> str:
    """The report as Markdown, for a pull request: tables and the closing lines."""
    from evidence.check.render import escape_cell, markdown

    heading = f"**kvt check {escape_cell(report.path)} --time** (Keras {report.keras_version or '?'})"
    return markdown(tables(report), summary_lines(report), heading)


def render_table(report: TimingReport) -> None:
    """Print the report with Rich tables."""
    from evidence.check.render import print_tables

    print_tables(tables(report), summary_lines(report))
