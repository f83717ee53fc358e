"""The readers of :mod:`advisor.criteria`: one function per criterion, ``reader(readings, variant) -> Found``, that
turns the claims' typed assessments into a value per option, following the contract written in
:mod:`advisor.criteria`'s docstring; and the variants each reader knows (deploy targets, accelerators, scales,
extensions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from evidence.errors import KvtError
from evidence.options import KERAS_BACKEND, KERAS_OPTIONS, OPTION_BACKEND, OPTIONS, TF_CORE

if TYPE_CHECKING:  # the claims' typed assessments, for the type checker (read at run time through the results)
    from advisor.assessments import ClaimReading, Readings
    from evidence.claims.architecture.assessment import ArchitectureAssessment
    from evidence.claims.backend_portability.assessment import PortabilityAssessment
    from evidence.claims.community.assessment import CommunityAssessment
    from evidence.claims.deployment.assessment import Cell as DeploymentCell
    from evidence.claims.deployment.assessment import DeploymentAssessment
    from evidence.claims.distributed_scaling.assessment import DistributedAssessment, PathRun
    from evidence.claims.ease_of_use.assessment import EaseOfUseAssessment
    from evidence.claims.extensibility.assessment import ExtensibilityAssessment


class MissingEvidence(KvtError):
    """A reader found no usable evidence for its criterion; the message says what is missing."""


@dataclass(frozen=True)
class Value:
    """One option's raw value on one criterion (see the module docstring for the contract).

    Attributes:
        value: the goodness (>= 0), None without evidence.
        low: lower end of the assessment's interval around ``value``, same unit; None: the criterion's width.
        high: upper end, likewise.
        note: one plain line naming the evidence.
        basis: ``measured``; ``definition`` for a value true by what the option is; ``cited`` for a number from
            the public record that the project did not measure (shown as "cited, not measured here").
    """

    value: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""
    basis: Literal["measured", "definition", "cited"] = "measured"


@dataclass(frozen=True)
class Found:
    """What a reader returns: a value per option, the claim and venue they come from."""

    values: dict[str, Value]
    claim: str
    venue: str | None = None


def need(readings: Readings, claim: str, venue: str | None = None) -> tuple[Any, str | None]:
    """The assessment of ``claim`` (on ``venue``, else its first) and its venue, or :class:`MissingEvidence`."""
    reading = readings.get(claim)
    if reading is None or not reading.ok:
        raise MissingEvidence(reading.absent() if reading is not None else f"claim {claim} was not read")
    venue = venue or reading.first_venue()
    assessment = reading.assessment(venue)
    if assessment is None:
        raise MissingEvidence(f"claim {claim} has no result on {venue}")
    return assessment, venue


def none_for_all(note: str) -> dict[str, Value]:
    return {o: Value(None, note=note) for o in OPTIONS}


# -- ease of use -------------------------------------------------------------------------------------------------
def ease_of_use_values(readings: Readings, variant: str = "all") -> Found:
    """Ease of use: how little code, API surface and concepts the option needs for the claim's tasks.

    From ``EaseOfUseAssessment.option_cost(option)``: per task, the cost of the cheapest style that serves the
    option and reached the accuracy floor there (the claim's geometric mean of logical lines, API names and
    concepts). A task's score is the least cost any option paid for it over this option's (1 = simplest), 0 for a
    task the option did not do; the value is the mean over the tasks.
    """
    a: EaseOfUseAssessment
    a, venue = need(readings, "ease_of_use")
    costs = {o: c for o in OPTIONS if (c := a.option_cost(o)) is not None}
    tasks = sorted({t for c in costs.values() for t in c.tasks})
    if not tasks:
        raise MissingEvidence("claim ease_of_use's assessment has no task")
    least = {t: min((d.cost for c in costs.values() if (d := c.tasks.get(t)) is not None), default=None)
             for t in tasks}
    out = {}
    for option in OPTIONS:
        cost = costs.get(option)
        if cost is None:
            out[option] = Value(None, note="the ease_of_use claim did not run it")
            continue
        total, parts = 0.0, []
        for task in tasks:
            done, best = cost.tasks.get(task), least[task]
            if done is None or not best:
                parts.append(f"{task} not done")
                continue
            total += best / done.cost
            parts.append(f"{task} {done.logical_lines} lines with {done.style}")
        out[option] = Value(total / len(tasks), note="; ".join(parts))
    return Found(out, "ease_of_use", venue)


# -- community ----------------------------------------------------------------------------------------------------
def community_values(readings: Readings, variant: str = "all") -> Found:
    """Community: how many maintained packages the option's code can draw on: one definition for every option.

    From ``CommunityAssessment.option(option)``: the distinct classified packages of Keras's and the option's
    engine's ecosystems (each package once, so a package of both counts once) that released in the claim's
    activity window. Download ranks are not used: a framework's rank counts every install of it (keras is a
    dependency of tensorflow, so keras's rank counts TensorFlow's installs again, and torch's counts every
    PyTorch user), which would count a framework twice beside its packages. The interval is the claim's own
    noise band (a count known within a factor of ``noise_band`` either way). It stays a proxy for help and
    longevity: the output says so when it alone separates the top two.
    """
    a: CommunityAssessment
    a, _ = need(readings, "community")
    found: dict[str, tuple[float, str]] = {}
    for option in OPTIONS:
        oc = a.option(option)
        if oc is not None and oc.packages:
            found[option] = (float(oc.active), f"{oc.active} of {oc.packages} packages of "
                             f"{' and '.join(oc.ecosystems)} released in the {a.active_window_months} months "
                             f"before the {a.source.split(' (')[0]} (each package once)")
    if not found:
        raise MissingEvidence("claim community's assessment has no option with classified packages")
    band = a.noise_band
    out = {}
    for option in OPTIONS:
        if option not in found:
            out[option] = Value(None, note="no classified package among its ecosystems in the listing")
            continue
        value, note = found[option]
        out[option] = Value(value, value / band, value * band, note)
    # A dated listing holds for its date, not for a machine: no venue.
    return Found(out, "community", None)


# -- backend flexibility --------------------------------------------------------------------------------------------
def backend_flexibility_values(readings: Readings, variant: str = "all") -> Found:
    """Backend flexibility: on how many engines the option's model code works without a change.

    From ``backend_portability`` when it has a result: a Keras option counts its own backend plus each other
    Keras option it *switches* with (``partners(option)``: the same program trained to comparable accuracy on
    both, and each one's saved model predicts the same under the other, by the claim's own judgement), each
    weighted by the share of the claim's corpus of Keras programs that ran unchanged on both. Otherwise from
    ``architecture``: the backends where one and the same Keras program trains (``training_backends()``), for
    each Keras option whose own backend is among them. TensorFlow core's code runs on TensorFlow only, by
    definition: 1 engine.
    """
    port = readings.get("backend_portability")
    if port is not None and port.ok:
        found = _flexibility_from_portability(*need(readings, "backend_portability"))
    else:
        try:
            found = _flexibility_from_architecture(*need(readings, "architecture"))
        except MissingEvidence as exc:
            why = port.absent() if port is not None else "claim backend_portability was not read"
            raise MissingEvidence(f"{why}; {exc}") from None
    found.values[TF_CORE] = Value(1.0, note="TensorFlow core's APIs run on the TensorFlow engine only",
                                  basis="definition")
    return found


def _flexibility_from_portability(a: PortabilityAssessment, venue: str | None) -> Found:
    """1 for the option's own backend, plus, for each other Keras option it switches with (``partners``), the share
    of the claim's corpus that ran unchanged on both (``corpus_ported_between``; 1 where no corpus program was
    tried on both)."""
    out = {}
    trained = {str(b): t for b, t in a.trained.items()}  # keyed by the claim's backend Literal
    for option in KERAS_OPTIONS:
        backend = OPTION_BACKEND[option]
        training = trained.get(backend)
        if training is None or training.status != "works":
            why = f"{training.status}: {training.reason or 'no reason recorded'}" if training else "not run"
            out[option] = Value(None, note=f"the model program did not train on {backend} ({why})")
            continue
        value, ok, no = 1.0, [], []
        for other, (switches, detail) in a.partners(option).items():
            if not switches:
                no.append(f"{other} ({detail})")
                continue
            share = a.corpus_ported_between(backend, OPTION_BACKEND[other])
            value += share.share if share.tried else 1.0
            ok.append(f"{other} ({share.ported} of {share.tried} corpus programs ran on both)" if share.tried
                      else other)
        note = (f"switches with {', '.join(ok)}" if ok else "switches with no other backend") + (
            f"; not with {', '.join(no)}" if no else "")
        out[option] = Value(value, note=note)
    return Found(out, "backend_portability", venue)


def _flexibility_from_architecture(a: ArchitectureAssessment, venue: str | None) -> Found:
    trained = a.training_backends()
    if not trained:
        raise MissingEvidence("claim architecture shows Keras training on no backend")
    out = {}
    for option in OPTIONS:
        backend = KERAS_BACKEND[option]
        if backend is None:
            continue
        if backend in trained:
            out[option] = Value(float(len(trained)), note=f"the same Keras program trains on {', '.join(trained)}")
        else:
            trial = a.backends.get(backend)  # type: ignore[call-overload]  # a Backend name, typed as str here
            why = f"{trial.status}" + (f": {trial.error.text(80)}" if trial and trial.error else "") if trial \
                else "not tried"
            out[option] = Value(None, note=f"Keras was not shown training on {backend} ({why})")
    return Found(out, "architecture", venue)


# -- performance -----------------------------------------------------------------------------------------------------
def performance_values(readings: Readings, variant: str = "cpu") -> Found:
    """Performance: throughput relative to the fastest option, on the venue that stands for your accelerator.

    The accelerator (the variant) chooses the venue (:func:`advisor.options.venue_for`); a venue's numbers are
    never borrowed for another: where no result holds for your hardware the criterion is missing, "not measured
    on your hardware", with the widest uncertainty. From ``PerformanceAssessment.option_speed(option)``: the
    geometric mean, over every model and phase timed for every option, of the option's best-setting throughput
    over the fastest option-and-setting's in the same run (1 = fastest everywhere), with the claim's bootstrap
    interval.
    """
    from advisor.options import ACCELERATOR_NAMES, venue_for

    reading = readings.get("performance")
    if reading is None or not reading.ok:
        raise MissingEvidence(reading.absent() if reading is not None else "claim performance was not read")
    venue = venue_for(variant, reading.venues)
    if venue is None:
        cited = _cited_speed(reading, variant)
        if cited is not None:
            return cited
        raise MissingEvidence(f"not measured on your hardware ({ACCELERATOR_NAMES[variant]}): performance has "
                              f"results for {', '.join(reading.venues)} only, and their numbers are not borrowed")
    a = reading.assessment(venue)
    out = {}
    for option in OPTIONS:
        speed = a.option_speed(option)
        if speed is None:
            result = a.options.get(option)
            why = f"{result.status}" if result is not None else "not run"
            out[option] = Value(None, note=f"no timings on {venue} ({why})")
            continue
        out[option] = Value(speed.estimate, speed.low, speed.high, note=(
            f"{speed.estimate:.2f}x the fastest option's throughput at its best settings ({speed.level:.0%} "
            f"interval {speed.low:.2f}-{speed.high:.2f}; {a.mode} mode, {len(a.models)} models)"))
    return Found(out, "performance", venue)


#: Accelerators whose speed the public record in the performance claim covers when no venue of that kind was
#: measured: keras.io's Keras 3 benchmark ran on one NVIDIA A100 (``PerformanceAssessment.public_record``).
CITED_SPEED_HARDWARE: dict[str, str] = {"nvidia_gpu": "NVIDIA"}


def _cited_speed(reading: ClaimReading, variant: str) -> Found | None:
    """Speed on ``variant`` from the public record when a benchmark of that hardware is in the performance
    assessment: per Keras option the geometric mean over the published tasks of the fastest backend's ms per step
    over its own (1 = fastest everywhere), labelled "cited, not measured here" with the widest uncertainty (the
    interval is the whole scale: another setup's out-of-the-box numbers). TensorFlow core was not in the
    benchmark: no value."""
    vendor = CITED_SPEED_HARDWARE.get(variant)
    record = next((a.public_record for a in reading.assessments.values()
                   if getattr(a, "public_record", None) is not None), None)
    if vendor is None or record is None or vendor not in record.hardware:
        return None
    out = {}
    for option in OPTIONS:
        backend = KERAS_BACKEND[option]
        ratios = [min(t.ms_per_step.values()) / t.ms_per_step[backend] for t in record.tasks
                  if backend is not None and backend in t.ms_per_step]
        if not ratios:
            out[option] = Value(None, note=f"not in {record.title} ({record.url}); not measured here on this "
                                           f"hardware")
            continue
        product = 1.0
        for r in ratios:
            product *= r
        value = product ** (1.0 / len(ratios))
        out[option] = Value(value, 0.0, 1.0, basis="cited", note=(
            f"cited, not measured here: {value:.2f}x the fastest backend's step time, geometric mean of "
            f"{len(ratios)} tasks of {record.title} on {record.hardware} ({record.url})"))
    return Found(out, "performance", None)


# -- distributed scale -----------------------------------------------------------------------------------------------
#: Points a fault outcome of the option's best multi-process run adds (``fault_outcome(option)``): a job that
#: recovers from a killed worker, or fails fast, is robust; one that hangs is not.
FAULT_POINTS: dict[str, float] = {"recovers": 0.5, "fails_fast": 0.25, "hangs": 0.0, "not_reached": 0.0}


def _runs(runs: list[PathRun]) -> str:
    """The runs in words (what each is, once), not their ids."""
    return ", ".join(dict.fromkeys(r.what for r in runs)) or "no"


#: The ``scale`` answers' variants of distributed scale: what each asks of the evidence. One device: every path
#: (the weight is low: a breadth bonus only); several devices in one machine: the multi-device path alone; several
#: machines: the multi-process path and its fault behaviour. A sharded model is its own hard requirement.
SCALE_VARIANTS = ("single_device", "multi_device", "multi_node")


def distributed_scale_values(readings: Readings, variant: str = "single_device") -> Found:
    """Distributed scale: the kinds of distributed training the answers ask for, shown correct for the option.

    From ``DistributedAssessment``: 1 point each for ``multi_device_ok``, ``multi_process_ok`` and
    ``model_parallel_ok`` (a run whose loss is within the claim's tolerance of one device's, and for model
    parallelism whose weights were really sharded), plus :data:`FAULT_POINTS` for what a killed worker did to the
    option's best multi-process job (``fault_outcome``); the variant (:data:`SCALE_VARIANTS`) keeps only what it
    asks: ``multi_device`` the multi-device point, ``multi_node`` the multi-process point and the fault points,
    ``single_device`` all of them. Speed-up is not scored: on a small CPU machine the runs show correctness,
    overhead and fault behaviour, not scaling (the claim's ``scope``).
    """
    a: DistributedAssessment
    a, venue = need(readings, "distributed_scaling")
    out = {}
    for option in OPTIONS:
        runs = a.paths_for(option)
        if not runs:
            out[option] = Value(None, note="the distributed_scaling claim ran no path for it")
            continue
        ok = [r for r in runs if r.status == "works"]
        devices = [r for r in ok if r.multi_device]
        processes = [r for r in ok if r.multi_process]
        sharded = [r for r in ok if r.kind == "model_parallel"]
        fault = a.fault_outcome(option)
        fault_points = FAULT_POINTS[fault.outcome] if fault is not None and processes else 0.0
        if variant == "multi_device":
            value = float(bool(devices))
        elif variant == "multi_node":
            value = float(bool(processes)) + fault_points
        else:
            value = float(bool(devices)) + float(bool(processes)) + float(bool(sharded)) + fault_points
        note = (f"several devices: {_runs(devices)}; several processes: {_runs(processes)}; model-parallel: "
                f"{_runs(sharded)}")
        if fault is not None and processes:
            note += f"; a killed worker: {fault.outcome.replace('_', ' ')}"
        out[option] = Value(value, note=note)
    return Found(out, "distributed_scaling", venue)


#: Deploy-target variants; ``none`` scores the breadth of targets reached.
DEPLOY_VARIANTS = ("none", "tf_serving", "web_service", "android", "ios", "browser", "onnx", "openvino")
#: The deployment claim's targets that serve each answer of ``deploy_target``: any one working meets it.
#: TensorFlow Serving loads SavedModels only; a web service of one's own can load the native file, a SavedModel,
#: an ONNX file or a .pt2 program; Android and iOS run LiteRT (ai.google.dev/edge/litert) and ExecuTorch
#: (pytorch.org/executorch); a browser runs ONNX Runtime Web or LiteRT.js.
DEPLOY_TARGETS: dict[str, tuple[str, ...]] = {
    "tf_serving": ("savedmodel",),
    "web_service": ("keras", "savedmodel", "onnx", "torch_pt2"),
    "android": ("litert", "executorch"),
    "ios": ("litert", "executorch"),
    "browser": ("browser_onnx", "browser_litert"),
    "onnx": ("onnx",),
    "openvino": ("openvino",),
}

#: Accelerator variants of the performance criterion.
ACCELERATOR_VARIANTS = ("cpu", "nvidia_gpu", "amd_gpu", "tpu", "apple_silicon")
#: Custom-ops variants of the extensibility criterion, and the extensibility claim's needs each one asks for.
EXTENSION_NEEDS: dict[str, tuple[str, ...]] = {
    "none": ("layer", "loss", "metric", "custom training", "custom gradient", "compiled op"),
    "layers": ("layer", "loss", "metric"),
    "training_loop": ("custom training", "custom gradient"),
    "compiled_kernels": ("compiled op", "custom gradient"),
}
EXTENSION_VARIANTS = tuple(EXTENSION_NEEDS)


def _parity(diff: float | None) -> str | None:
    """A parity difference in words: none recorded, identical, or within its order of magnitude."""
    if diff is None:
        return None
    return "identical outputs" if diff == 0 else f"outputs within {diff:.0e}"


def cell_facts(cell: DeploymentCell) -> str:
    """A working deployment cell's costs in a few words: lines, steps, packages, size, cold start, parity."""
    facts = [f"{cell.lines} lines" if cell.lines is not None else None,
             f"{cell.steps} steps" if cell.steps is not None else None,
             f"needs {', '.join(cell.extra_packages)}" if cell.extra_packages else None,
             f"{cell.artifact_bytes / 1e6:.2f} MB" if cell.artifact_bytes else None,
             f"cold start {cell.cold_start_s.estimate:.2f} s" if cell.cold_start_s else None,
             _parity(cell.parity_max_abs_diff)]
    return ", ".join(f for f in facts if f)


def deployment_values(readings: Readings, variant: str = "none") -> Found:
    """Deployment: for a deploy target, the effort of the option's easiest working route to it; with no target,
    the breadth of targets it reaches.

    From ``DeploymentAssessment.cell(option, target)``. For a target (:data:`DEPLOY_TARGETS`), each working cell's
    effort is the lines plus the library calls (``steps``) a user writes to export, load and predict; the value is
    ``1 / effort`` of the cheapest working cell, 0 when the claim tried every route and none works, and unknown
    when a route could not be tried (``unavailable``: "not verified"). With no target (``none``), the share of the
    targets that apply to the option (not ``not_applicable``) that work end to end.
    """
    a: DeploymentAssessment
    a, venue = need(readings, "deployment")
    out = {}
    for option in OPTIONS:
        if variant == "none":
            cells = [c for c in a.cells if c.option == option and c.status != "not_applicable"]
            if not cells:
                out[option] = Value(None, note="no deployment target was run for it")
                continue
            works = [c.target for c in cells if c.status == "works"]
            out[option] = Value(len(works) / len(cells), note=(
                f"reaches {len(works)} of {len(cells)} targets ({', '.join(works) or 'none'})"))
            continue
        cells = [c for t in DEPLOY_TARGETS[variant] if (c := a.cell(option, t)) is not None
                 and c.status != "not_applicable"]
        working = [c for c in cells if c.status == "works" and c.lines is not None]
        if working:
            best = min(working, key=lambda c: ((c.lines or 0) + (c.steps or 0), c.target))
            out[option] = Value(1.0 / max((best.lines or 0) + (best.steps or 0), 1), note=f"{best.target} works: "
                                f"{cell_facts(best)}")
        elif cells and all(c.status == "fails" for c in cells):
            out[option] = Value(0.0, note="; ".join(f"{c.target} fails" + (f" at {c.stage}" if c.stage else "")
                                                   for c in cells))
        else:
            why = "; ".join(f"{c.target} {c.status.replace('_', ' ')}"
                            + (f" ({c.why_unavailable})" if c.why_unavailable else "") for c in cells)
            out[option] = Value(None, note=f"not verified: {why or 'no route to it was run'}")
    return Found(out, "deployment", venue)


def extensibility_values(readings: Readings, variant: str = "none") -> Found:
    """Extensibility: the share of the extensions you need that work through the option's own mechanisms.

    From ``ExtensibilityAssessment.covers(option)`` (Keras's portable API and the option's own framework's
    mechanisms: ``jax.custom_vjp``, ``torch.autograd.Function``, ``tf.custom_gradient``, ``jax.ffi``,
    ``torch.utils.cpp_extension``, ``tf.load_op_library``...): over the needs the answer names
    (:data:`EXTENSION_NEEDS`; every need with no custom code asked), the met needs over those tried.
    Another backend's code is portability, not capability, and does not count.
    """
    a: ExtensibilityAssessment
    a, venue = need(readings, "extensibility")
    wanted = EXTENSION_NEEDS[variant]
    out = {}
    for option in OPTIONS:
        cov = a.covers(option)
        if cov is None:
            out[option] = Value(None, note="the extensibility claim did not run it")
            continue
        met = [n for n in wanted if n in cov.met]
        unmet = [n for n in wanted if n in cov.unmet]
        if not met and not unmet:
            out[option] = Value(None, note=f"not verified: none of {', '.join(wanted)} could be tried")
            continue
        how = "; ".join(f"{n} by {', '.join(cov.met[n])}" for n in met)
        out[option] = Value(len(met) / (len(met) + len(unmet)), note=(
            f"{len(met)} of {len(met) + len(unmet)} needs met with its own tools" + (f" ({how})" if how else "")
            + (f"; not {', '.join(unmet)}" if unmet else "")))
    return Found(out, "extensibility", venue)
