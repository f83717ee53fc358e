"""The criteria the advisor scores, each computed from claims' results by a named function.

A criterion names the claims that supply it and a *reader*: a function from the results (claim id ->
:class:`~advisor.result_files.ClaimResult`) to one :class:`OptionValue` per option. Readers follow one contract:

* a value is a *goodness*: a number >= 0 where higher is better for the user (a throughput, ``1 / seconds``,
  a count of working paths), in any unit; the estimator normalises each criterion with scikit-learn;
* ``spread`` is the measurement's noise in the same unit (a standard deviation, e.g. ``IQR / 1.349`` of timed
  repeats); the confidence draws measurement noise from it; 0 where the result gives no spread;
* an option with no evidence gets ``value=None`` and a note saying why; a whole criterion whose results do not
  hold what the reader needs raises :class:`MissingEvidence`; nothing is ever filled in;
* ``basis="definition"`` marks the rare value that holds by what the option is (TensorFlow core runs only on
  TensorFlow), so output can tell it from a measurement.

A criterion whose claim has no result yet has ``reader=None`` until that claim lands and its result layout is
known: the advisor then reports it as missing evidence, naming the claim. To plug in a new claim, write its
reader here and set it on the criterion; the tests run every reader against the layout its claim writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from advisor.options import ECOSYSTEMS, FRAMEWORK_PACKAGE, KERAS_BACKEND, OPTIONS
from advisor.result_files import ClaimResult


class MissingEvidence(Exception):
    """A reader found no usable evidence for its criterion; the message says what is missing."""


@dataclass(frozen=True)
class OptionValue:
    """One option's raw value on one criterion (see the module docstring for the contract)."""

    value: float | None
    spread: float = 0.0
    basis: Literal["measured", "definition"] = "measured"
    note: str = ""


Reader = Callable[[Mapping[str, ClaimResult]], dict[str, OptionValue]]


@dataclass(frozen=True)
class Criterion:
    """A column of ``criterion_scores_``.

    Attributes:
        id: the criterion's id (used in weights, contributions and JSON output).
        label: a short label for tables.
        claims: the claims whose results supply it, in order of importance.
        reader: the named function that maps those results to values, or None while no claim layout exists.
        description: what a high score means, for the docs and ``kvt advise``'s output.
    """

    id: str
    label: str
    claims: tuple[str, ...]
    reader: Reader | None
    description: str


def _absent(claim_id: str, result: ClaimResult | None) -> str:
    """Why ``claim_id``'s result cannot be used, in one phrase."""
    if result is None or result.state == "missing":
        return f"needs claim {claim_id}, which has no result yet"
    return f"needs claim {claim_id}, whose result is invalid ({result.reason})"


def _require(results: Mapping[str, ClaimResult], claim_id: str) -> ClaimResult:
    result = results.get(claim_id)
    if result is None or not result.ok:
        raise MissingEvidence(_absent(claim_id, result))
    return result


def _maxabs(values: dict[str, float]) -> dict[str, float]:
    """Values divided by the largest magnitude, with scikit-learn's ``maxabs_scale`` (ratios are kept)."""
    import numpy as np
    from sklearn.preprocessing import maxabs_scale

    keys = list(values)
    scaled = maxabs_scale(np.array([values[k] for k in keys], dtype=float).reshape(-1, 1)).ravel()
    return dict(zip(keys, scaled.tolist(), strict=True))


# -- readers ----------------------------------------------------------------------------------------------------
def community_values(results: Mapping[str, ClaimResult]) -> dict[str, OptionValue]:
    """Community: how popular and how active the package ecosystems an option can draw on are.

    From the ``community`` claim's ``pypi-listing`` measurements, per option (its ecosystems are Keras's plus its
    engine's, see :data:`advisor.options.ECOSYSTEMS`):

    * popularity: ``1 / rank`` of the best-ranked framework package among them (download counts roughly follow
      Zipf's law, so ``1 / rank`` is proportional to downloads);
    * activity: the number of their packages released in the claim's window before the listing (an overlap
      such as ``tf-keras``, counted under both names, is reported by the claim and is small);

    each divided by its largest value over the options, then averaged. No spread: the listing is one snapshot.
    """
    listing = _require(results, "community").measurements("pypi-listing")
    if not listing:
        raise MissingEvidence("needs claim community, whose pypi-listing subject did not run ok")
    frameworks, ecosystems = listing["frameworks"], listing["ecosystems"]
    popularity, activity, notes = {}, {}, {}
    for option in OPTIONS:
        ranks = {eco: (frameworks.get(FRAMEWORK_PACKAGE[eco]) or {}).get("rank") for eco in ECOSYSTEMS[option]}
        ranked = {eco: r for eco, r in ranks.items() if r}
        if not ranked:
            continue
        best = min(ranked.values())
        popularity[option] = 1.0 / best
        activity[option] = float(sum(ecosystems[eco]["released_in_window"] for eco in ECOSYSTEMS[option]))
        notes[option] = (f"best download rank {best} ({', '.join(f'{e} {r}' for e, r in ranked.items())}); "
                         f"{int(activity[option])} packages released in the window")
    pop, act = _maxabs(popularity), _maxabs(activity)
    return {
        option: (OptionValue((pop[option] + act[option]) / 2, note=notes[option]) if option in pop
                 else OptionValue(None, note="no download rank for its framework packages in the listing"))
        for option in OPTIONS
    }


def backend_flexibility_values(results: Mapping[str, ClaimResult]) -> dict[str, OptionValue]:
    """Backend flexibility: on how many engines the option's model code works without a change.

    From the ``backend_portability`` claim when it has a result: a Keras option counts its own backend plus every
    other training backend it can *switch* with (:func:`advisor.portability.switch`: the same program trained
    to comparable accuracy on both, and each one's saved model predicts the same under the other, by the claim's
    own thresholds). An option that did not train has no value.

    Otherwise from the ``architecture`` claim: every ``backend-NAME`` subject runs one and the same Keras model
    code under ``KERAS_BACKEND=NAME``; the engines where it ``trains`` count, for each Keras option whose own
    backend is among them.

    TensorFlow core's code runs on TensorFlow only, by definition: 1 engine (``basis="definition"``).
    """
    port = results.get("backend_portability")
    if port is not None and port.ok:
        values = _flexibility_from_portability(port)
    else:
        try:
            values = _flexibility_from_architecture(_require(results, "architecture"))
        except MissingEvidence:
            raise MissingEvidence(f"{_absent('backend_portability', port)}; "
                                  f"{_absent('architecture', results.get('architecture'))}") from None
    values["tensorflow-core"] = OptionValue(1.0, basis="definition",
                                            note="TensorFlow core APIs run on the TensorFlow engine only")
    return values


def _flexibility_from_portability(port: ClaimResult) -> dict[str, OptionValue]:
    from advisor.portability import partners

    out = {}
    for option in OPTIONS:
        if KERAS_BACKEND[option] is None:
            continue
        entry = port.subject(option)
        if not ((entry or {}).get("measurements") or {}).get("train"):
            why = f"{entry['status']}: {entry.get('reason') or 'no reason'}" if entry else "not run"
            out[option] = OptionValue(None, note=f"backend_portability has no train result for {option} ({why})")
            continue
        found = partners(port, option)
        ok = [o for o, sw in found.items() if sw.ok]
        note = (f"switches with {', '.join(ok)}" if ok else "switches with no other backend") + "".join(
            f"; not with {o}: {sw.detail}" for o, sw in found.items() if not sw.ok)
        out[option] = OptionValue(1.0 + len(ok), note=f"backend_portability: {note}")
    return out


def _flexibility_from_architecture(arch: ClaimResult) -> dict[str, OptionValue]:
    trained = sorted(
        name.removeprefix("backend-") for name in (arch.data or {}).get("subjects", {})
        if name.startswith("backend-") and (arch.measurements(name) or {}).get("trains") is True
    )
    if not trained:
        raise MissingEvidence("needs claim architecture, whose result shows no backend training")
    out = {}
    for option in OPTIONS:
        backend = KERAS_BACKEND[option]
        if backend is None:
            continue
        if backend in trained:
            out[option] = OptionValue(float(len(trained)),
                                      note=f"architecture: the same Keras code trains on {', '.join(trained)}")
        else:
            entry = arch.subject(f"backend-{backend}")
            why = f"status {entry['status']}: {entry.get('reason') or 'no reason'}" if entry else "not run"
            out[option] = OptionValue(None, note=f"architecture: Keras was not shown training on {backend} ({why})")
    return out


#: The performance claim's subjects that are settings of one option (XLA on or off): an option counts with its
#: faster setting, since its users can choose it.
PERFORMANCE_SETTINGS: dict[str, tuple[str, ...]] = {
    "keras-tensorflow": ("keras-tensorflow", "keras-tensorflow-xla"),
    "keras-jax": ("keras-jax",),
    "keras-torch": ("keras-torch",),
    "tensorflow-core": ("tensorflow-core", "tensorflow-core-xla"),
}
PHASES = ("train", "inference")


def performance_values(results: Mapping[str, ClaimResult]) -> dict[str, OptionValue]:
    """Performance: throughput relative to the fastest option of the same run, over every model and phase.

    From the ``performance`` claim's measurements (``models[<model>][<phase>]`` with ``samples_per_s`` and the
    timed repeats' ``time`` summary, per subject). Each option takes its faster setting
    (:data:`PERFORMANCE_SETTINGS`: XLA on or off) per model and phase; each (model, phase) timed for every option
    with a result gives the ratio of its throughput to the fastest option's; the value is the geometric mean of
    those ratios (1 = fastest everywhere). Spread: the relative spread of each timing
    (``IQR / 1.349 / median``, a standard deviation for normal noise) carried through the geometric mean.
    Ratios are measured in one run, so they compare the options under the same conditions; on a CPU they say
    little about a GPU (the claim's caveat).
    """
    import math

    perf = _require(results, "performance")
    best: dict[str, dict[tuple[str, str], tuple[float, float, str]]] = {}
    for option, settings in PERFORMANCE_SETTINGS.items():
        cells: dict[tuple[str, str], tuple[float, float, str]] = {}
        for subject in settings:
            for model, phases in ((perf.measurements(subject) or {}).get("models") or {}).items():
                for phase in PHASES:
                    stats = phases[phase]
                    speed = float(stats["samples_per_s"])
                    rel = float(stats["time"]["iqr_s"]) / 1.349 / float(stats["time"]["median_s"])
                    if speed > cells.get((model, phase), (0.0, 0.0, ""))[0]:
                        cells[(model, phase)] = (speed, rel, subject)
        if cells:
            best[option] = cells
    if not best:
        raise MissingEvidence("needs claim performance, whose result has no timings for any option")
    common = sorted(set.intersection(*(set(c) for c in best.values())))
    if not common:
        raise MissingEvidence("needs claim performance: no model and phase was timed for every option")
    fastest = {key: max(cells[key][0] for cells in best.values()) for key in common}
    out = {}
    for option in OPTIONS:
        if option not in best:
            entry = [perf.subject(s) for s in PERFORMANCE_SETTINGS[option]]
            why = "; ".join(f"{s}: {e['status']}" if e else f"{s}: not run"
                            for s, e in zip(PERFORMANCE_SETTINGS[option], entry, strict=True))
            out[option] = OptionValue(None, note=f"performance has no timings for {option} ({why})")
            continue
        ratios = [best[option][key][0] / fastest[key] for key in common]
        gmean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        spread = gmean * math.sqrt(sum(best[option][key][1] ** 2 for key in common)) / len(common)
        used = sorted({best[option][key][2] for key in common})
        out[option] = OptionValue(gmean, spread, note=(
            f"throughput {gmean:.2f}× the fastest option's (geometric mean over "
            f"{', '.join(f'{m} {p}' for m, p in common)}; settings {', '.join(used)}; "
            f"{perf.data['provenance']['mode']} mode)"))
    return out


DEPLOYMENT_TARGETS = ("keras", "savedmodel", "onnx", "litert", "openvino")


def deployment_matrix(result: ClaimResult) -> dict[str, dict[str, dict]]:
    """The ``deployment`` claim's target -> option -> cell matrix (``findings["matrix"]``, built by its judge).

    Each cell has a ``status`` (``works``: exported, loaded in a fresh process and answering within the claim's
    output tolerance with the expected signature; else ``fails``, ``unavailable``, ``not applicable`` or ``not
    run``), a ``reason`` when it does not work, and the measured costs when it does.
    """
    matrix = (result.data or {}).get("findings", {}).get("matrix")
    if not isinstance(matrix, dict):
        raise KeyError("findings.matrix")
    return matrix


def deployment_values(results: Mapping[str, ClaimResult]) -> dict[str, OptionValue]:
    """Deployment: the share of the deployment targets that apply to an option which it reaches, end to end.

    From the ``deployment`` claim's matrix (:func:`deployment_matrix`): over the targets (native ``.keras``,
    SavedModel, ONNX, LiteRT, OpenVINO) whose cell is not ``not applicable`` for the option (TensorFlow core has
    no ``.keras`` file), the fraction whose status is ``works``. No spread: each cell is a verified yes or no.
    """
    matrix = deployment_matrix(_require(results, "deployment"))
    out = {}
    for option in OPTIONS:
        cells = {t: matrix[t][option] for t in DEPLOYMENT_TARGETS if t in matrix and option in matrix[t]}
        applicable = {t: c for t, c in cells.items() if c["status"] not in ("not applicable", "not run")}
        if not applicable:
            out[option] = OptionValue(None, note=f"deployment measured no target for {option}")
            continue
        works = [t for t, c in applicable.items() if c["status"] == "works"]
        fails = [f"{t} ({c['status']})" for t, c in applicable.items() if c["status"] != "works"]
        out[option] = OptionValue(len(works) / len(applicable), note=(
            f"reaches {len(works)} of {len(applicable)} targets ({', '.join(works) or 'none'})"
            + (f"; not {', '.join(fails)}" if fails else "")))
    return out


def ease_of_use_values(results: Mapping[str, ClaimResult]) -> dict[str, OptionValue]:
    """Ease of use: how little code, API surface and concepts an option's programs need for the same tasks.

    From the ``ease_of_use`` claim: every task is written once with Keras (the same file on every backend) and
    once with TensorFlow core, each program measured (``metrics[<program>]``: ``logical_lines``,
    ``api_name_count``, ``concept_count``) and run (``runs[<task>]``: ``status``, ``accuracy``). A task counts for
    an option only when its program ran there and reached the claim's accuracy floor for the run's mode; its cost
    is the geometric mean of the three counts, and its score the least cost among the options divided by this
    option's (1 = simplest). The value is the mean over the tasks, a task the option did not do scoring 0.
    """
    import math

    ease = _require(results, "ease_of_use")
    t = ease.data["claim"]["thresholds"]
    costs: dict[str, dict[str, float | None]] = {}
    for option in OPTIONS:
        m = ease.measurements(option)
        if not m:
            continue
        floor = t[f"min_accuracy_{m.get('mode', 'full')}"]
        costs[option] = {}
        for task, run in m["runs"].items():
            # runs name their program by its path in the project, metrics by its file name
            metrics = m["metrics"].get(str(run.get("program", "")).replace("\\", "/").rsplit("/", 1)[-1])
            if run["status"] != "ran" or metrics is None or run.get("accuracy", 0.0) < floor:
                costs[option][task] = None
                continue
            counts = [max(float(metrics[k]), 1.0) for k in ("logical_lines", "api_name_count", "concept_count")]
            costs[option][task] = math.exp(sum(math.log(c) for c in counts) / 3)
    tasks = sorted({task for per in costs.values() for task in per})
    if not tasks:
        raise MissingEvidence("needs claim ease_of_use, whose result has no program runs")
    least = {task: min((c[task] for c in costs.values() if c.get(task)), default=None) for task in tasks}
    out = {}
    for option in OPTIONS:
        if option not in costs:
            entry = ease.subject(option)
            out[option] = OptionValue(None, note=f"ease_of_use has no result for {option} "
                                                 f"({entry['status'] if entry else 'not run'})")
            continue
        scores = {task: (least[task] / c if (c := costs[option].get(task)) and least[task] else 0.0)
                  for task in tasks}
        failed = [task for task in tasks if not costs[option].get(task)]
        out[option] = OptionValue(sum(scores.values()) / len(tasks), note=(
            "; ".join(f"{task} {s:.2f}" for task, s in scores.items()) + " of the simplest program's ease"
            + (f"; did not do {', '.join(failed)} (not run or below the accuracy floor)" if failed else "")))
    return out


def distributed_scale_values(results: Mapping[str, ClaimResult]) -> dict[str, OptionValue]:
    """Distributed scale: which kinds of distributed training are shown correct for the option.

    From the ``distributed_scaling`` claim, read with :func:`advisor.distributed.paths` (a path works when all
    its runs finish with losses within the claim's tolerance of one device's): 1 point when some path trains on
    several devices, 1 more when some path trains across several processes (the multi-machine setup). Speed-up is
    not scored: on a small CPU machine the runs show correctness and overhead, not scaling (the claim's caveat).
    """
    from advisor.distributed import paths

    dist = _require(results, "distributed_scaling")
    out = {}
    for option in OPTIONS:
        found = paths(dist, option)
        if not found:
            entry = dist.subject(option)
            out[option] = OptionValue(None, note=f"distributed_scaling has no runs for {option} "
                                                 f"({entry['status'] if entry else 'not run'})")
            continue
        multi_device = [p.name for p in found.values() if p.works and p.devices >= 2]
        multi_process = [p.name for p in found.values() if p.works and p.processes >= 2]
        broken = [f"{p.name}: {p.detail}" for p in found.values() if not p.works]
        out[option] = OptionValue(float(bool(multi_device)) + float(bool(multi_process)), note=(
            f"several devices: {', '.join(multi_device) or 'no'}; several processes: "
            f"{', '.join(multi_process) or 'no'}" + (f"; failing: {'; '.join(broken)}" if broken else "")))
    return out


def extensibility_values(results: Mapping[str, ClaimResult]) -> dict[str, OptionValue]:
    """Extensibility: the share of the claim's extensions (custom layer, loss, metric, training step, gradient,
    compiled op, ...) that work on the option.

    From the ``extensibility`` claim's per-option ``cells[<extension>]`` with a ``status`` (``works`` when the
    extension trained and its numbers matched NumPy's, weights moving where they should). TensorFlow core's one
    form of a layer, step or gradient fills the rows that Keras splits by API, as the claim records it.
    """
    ext = _require(results, "extensibility")
    out = {}
    for option in OPTIONS:
        cells = (ext.measurements(option) or {}).get("cells")
        if not cells:
            entry = ext.subject(option)
            out[option] = OptionValue(None, note=f"extensibility has no cells for {option} "
                                                 f"({entry['status'] if entry else 'not run'})")
            continue
        works = [e for e, c in cells.items() if c["status"] == "works"]
        others = [f"{e} ({c['status']})" for e, c in cells.items() if c["status"] != "works"]
        out[option] = OptionValue(len(works) / len(cells), note=(
            f"{len(works)} of {len(cells)} extensions work" + (f"; not {', '.join(others)}" if others else "")))
    return out


#: The criteria, in the issue's order. A reader is None while its claim has no result layout to read.
CRITERIA: tuple[Criterion, ...] = (
    Criterion("ease_of_use", "Ease of use", ("ease_of_use",), ease_of_use_values,
              "less code, fewer concepts and API names for the same task at comparable accuracy"),
    Criterion("backend_flexibility", "Backend flexibility", ("backend_portability", "architecture"),
              backend_flexibility_values,
              "the same model code trains on more engines"),
    Criterion("performance", "Performance", ("performance",), performance_values,
              "faster training and inference on the same models, compile time apart"),
    Criterion("distributed_scale", "Distributed scale", ("distributed_scaling",), distributed_scale_values,
              "distributed training shown correct on several devices and across several processes"),
    Criterion("deployment", "Deployment", ("deployment",), deployment_values,
              "more of the deployment targets that apply to it verified working end to end"),
    Criterion("extensibility", "Extensibility", ("extensibility",), extensibility_values,
              "more kinds of custom components (layers, losses, steps, gradients, compiled ops) work"),
    Criterion("community", "Community", ("community",), community_values,
              "more popular and more active package ecosystems to draw on"),
)

CRITERION_IDS: tuple[str, ...] = tuple(c.id for c in CRITERIA)


@dataclass(frozen=True)
class CriterionEvidence:
    """What a criterion's reader made of the results: per-option values, or why the criterion is missing."""

    criterion: str
    claims: tuple[str, ...]
    reader: str | None
    values: dict[str, OptionValue]
    missing_reason: str | None = None

    @property
    def missing(self) -> bool:
        """True when no option has a value."""
        return self.missing_reason is not None


def evaluate(crit: Criterion, results: Mapping[str, ClaimResult]) -> CriterionEvidence:
    """Run ``crit``'s reader on ``results``; a missing claim, a missing reader or a reader error marks it missing.

    A reader that fails on a result's layout (a ``KeyError`` on a renamed measurement, say) does not crash the
    advisor: the criterion is missing with the error named, which is what a stale reader deserves.
    """
    name = crit.reader.__name__ if crit.reader else None
    present = [cid for cid in crit.claims if (r := results.get(cid)) is not None and r.ok]

    def missing(reason: str) -> CriterionEvidence:
        return CriterionEvidence(crit.id, crit.claims, name, {o: OptionValue(None, note=reason) for o in OPTIONS},
                                 reason)

    if crit.reader is None:
        if present:
            return missing(f"claim {present[0]} has a result but the advisor has no reader for it yet "
                           f"(add one in advisor/criteria.py)")
        return missing("; ".join(_absent(cid, results.get(cid)) for cid in crit.claims))
    try:
        values = crit.reader(results)
    except MissingEvidence as exc:
        return missing(str(exc))
    except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
        return missing(f"{name} could not read the result of {'/'.join(crit.claims)}: "
                       f"{type(exc).__name__}: {exc}")
    if all(v.value is None for v in values.values()):
        return missing("; ".join(dict.fromkeys(v.note for v in values.values())) or "no option has a value")
    return CriterionEvidence(crit.id, crit.claims, name, values)
