"""The report of ``kvt check``: typed (pydantic, no framework), judged by rules declared here; its table and
Markdown forms are :mod:`evidence.check.report_render`.

The judge is a function of the report's own fields and the declared tolerances (:func:`problems_of`), so a
report read back from JSON is judged the same way. A backend *ports* when everything tried under it works:

- a module: it trains ``--steps`` steps with a finite loss, its loss stays within :data:`TOLERANCES` ``loss`` of
  the reference backend's when both started from the same weights and data, it saves, and it loads every file
  the other backends saved and predicts what they predicted (within ``prediction``);
- a ``.keras`` file: it loads (``safe_mode`` on) and predicts what the reference backend predicts;
- a script: it exits with status 0 before its timeout;
- and, whatever PATH is, it exports to every target named with ``--targets`` (targets tried by default are
  reported, not counted: a user who did not ask for LiteRT is not told the model does not port).

A backend that could not be tried (its framework is not installed) is ``unavailable``, never "does not port".
"""

from __future__ import annotations

from typing import Literal

from evidence.check.advice import Change
from evidence.check.export_diagnosis import Blocker, describe
from evidence.check.scan import Finding
from evidence.contract import ContractModel, ErrorInfo, KnownIssue, Outcome, Threshold
from evidence.errors import IssuePattern, known_issues

Kind = Literal["keras_file", "module", "script", "h5_file", "saved_model"]
#: The kinds that are a saved model (loaded and predicted, not trained): Keras 3's ``.keras``, Keras 2's files.
SAVED_KINDS: tuple[str, ...] = ("keras_file", "h5_file", "saved_model")

#: The tolerances of the comparisons, fixed before the corpus ran (2026-12-02).
TOLERANCES: dict[str, Threshold] = {
    "prediction": Threshold(
        value=1e-4,
        reason="largest absolute difference between two backends' predictions of the same file on the same "
               "inputs, over max(1, largest |prediction|): float32 arithmetic in another order differs in the "
               "last digits (~1e-7 relative); a gap of 1e-4 means the model computes something else there"),
    "loss": Threshold(
        value=1e-3,
        reason="relative difference of the last training loss from the reference backend's, both started from "
               "the same initial weights and data, unshuffled: a few steps of float32 rounding stay orders "
               "below it; a random layer (dropout) or a backend-specific op moves the loss by more"),
}

#: Errors with a known cause and fix, matched in the first error's text (see :func:`evidence.errors.known_issues`).
KNOWN_CAUSES: tuple[IssuePattern, ...] = (
    IssuePattern(r"Requested the deserialization of a `?Lambda`? layer|safe_mode=False|unsafe_deserialization",
                 "https://keras.io/api/layers/core_layers/lambda/",
                 "a Lambda layer holding a Python lambda is refused by safe_mode on load: write it as a Layer "
                 "subclass with keras.ops"),
    IssuePattern(r"Could not locate (class|function)|Unknown (layer|loss|metric)",
                 "https://keras.io/guides/serialization_and_saving/",
                 "the file names a custom object whose code is not registered: decorate it with "
                 "@keras.saving.register_keras_serializable() (and give it get_config()), or pass its module "
                 "with --custom-objects"),
    IssuePattern(r"KerasTensor cannot be used as input to a TensorFlow function|A KerasTensor is symbolic",
                 "https://keras.io/guides/functional_api/",
                 "a TensorFlow op was applied to a symbolic Keras input: wrap it in a layer that uses keras.ops"),
    IssuePattern(r"Triggering __jax_array__\(\) during abstractification",
                 "https://github.com/keras-team/keras/pull/21719",
                 "a keras.Variable reached JAX as it is (a metric's result() returning its variable, a variable "
                 "handed to a jax.numpy op); recent JAX refuses to convert it: pass it through keras.ops "
                 "(ops.convert_to_tensor, ops.cast) first"),
    IssuePattern(r"has no attribute 'numpy'|Can't call numpy\(\) on Tensor",
                 "https://www.tensorflow.org/api_docs/python/tf/keras/ops/convert_to_numpy",
                 "a tensor's .numpy() method is TensorFlow's (a JAX array has none; torch refuses it for a tensor "
                 "that requires grad): call keras.ops.convert_to_numpy(x) instead"),
    IssuePattern(r"TFSMLayer is only currently supported with the TensorFlow backend",
                 "https://keras.io/api/models/model_saving_apis/#tfsmlayer-class",
                 "a SavedModel runs in Keras 3 through keras.layers.TFSMLayer, on the TensorFlow backend only: to "
                 "run the model on JAX or PyTorch, build it in Keras 3 code and load its weights (a Keras 2 .h5 "
                 "file of it loads on every backend)"),
    IssuePattern(r"TracerArrayConversionError|Tracer|ConcretizationTypeError",
                 "https://jax.readthedocs.io/en/latest/errors.html",
                 "under JAX, a traced value reached code that needs a concrete array (a TensorFlow or NumPy op in "
                 "the model): use keras.ops"),
)


class Step(ContractModel):
    """One thing tried under one backend."""

    status: Outcome
    """``works``, ``fails`` (tried, and it broke), ``unavailable`` (could not be tried: a framework is not
    installed) or ``not_applicable`` (not tried, because a step it needs did not work)."""
    seconds: float | None = None
    """Wall seconds it took inside the trial."""
    error: ErrorInfo | None = None
    """How it failed."""
    reason: str | None = None
    """Why it was not tried, or how the trial ended (``timed out after 60 s and was killed``)."""

    def text(self) -> str:
        """The status with its error or reason, on one line."""
        if self.error is not None:
            return f"{self.status}: {error_line(self.error, 160)}"
        return f"{self.status}: {self.reason}" if self.reason else self.status


class Comparison(ContractModel):
    """Numbers of one backend compared with another's."""

    status: Outcome
    """``works`` within the tolerance, ``fails`` beyond it, ``not_applicable`` when there is nothing to compare."""
    reference: str | None = None
    """The backend compared against."""
    difference: float | None = None
    """The difference, in the tolerance's terms (see :data:`TOLERANCES`)."""
    tolerance: float
    """The tolerance applied."""
    reason: str | None = None
    """Why nothing was compared."""


class Training(Step):
    """``build_model()`` trained ``--steps`` steps with ``fit`` under one backend."""

    losses: list[float] = []
    """The loss Keras logged after each step (its running mean over the epoch)."""
    start_from: str | None = None
    """The backend whose initial weights it started from; None: its own (it is the reference, or loading the
    reference's weights failed)."""
    data: str | None = None
    """How its data was made (``make_data()``, or synthetic from the model's inputs and loss)."""
    data_digest: str | None = None
    """A digest of the data it trained on: equal digests, equal data."""
    init_error: ErrorInfo | None = None
    """Why the reference's initial weights did not load, when they did not."""


class Load(Step):
    """A file saved under another backend, loaded under this one (``safe_mode`` on) and run on the saving
    backend's inputs."""

    saved_under: str
    """The backend that saved the file."""
    difference: float | None = None
    """Largest absolute difference from the saving backend's own predictions, over max(1, largest |value|)."""


class Export(Step):
    """The model exported to one deployment target under this backend."""

    target: str
    """The target (``onnx``, ``litert`` …), as the deployment claim names it."""
    parity: float | None = None
    """Largest absolute difference between the exported artifact's outputs and the model's own."""
    artifact_bytes: int | None = None
    """Size of what the export wrote."""
    known_issue: KnownIssue | None = None
    """A public report that matches the failure."""
    blocker: Blocker | None = None
    """What blocked it, as the converter named it: the op or construct, the layer, the fix
    (:mod:`evidence.check.export_diagnosis`)."""
    static_shape: str | None = None
    """After a failed export, how the target program's static-shape route (a fixed batch of 1) went, where the
    program has one."""


class ScriptRun(Step):
    """The script run unchanged under one backend."""

    exit_status: int | None = None
    """Its exit status; None when it timed out."""
    wall_s: float
    """Wall seconds from start to end (or to the kill)."""
    first_error: str | None = None
    """The first error line of its stderr (the exception, when it raised one)."""


class BackendResult(ContractModel):
    """Everything tried under one backend, and whether the model ports to it."""

    backend: str
    """``tensorflow``, ``jax`` or ``torch``."""
    keras_version: str | None = None
    """The Keras version the trial ran."""
    imports: Step | None = None
    """Keras under this backend, then the user's module, imported."""
    build: Step | None = None
    """``build_model()`` called (a module)."""
    trains: Training | None = None
    """The training run (a module)."""
    same_loss: Comparison | None = None
    """The last loss against the reference backend's (a module)."""
    saves: Step | None = None
    """``model.save`` to ``.keras`` (a module)."""
    loads: dict[str, Load] = {}
    """Per saving backend, its file loaded here (a module), or the user's file (a ``.keras`` file: key ``file``)."""
    predicts: Step | None = None
    """Predictions on the generated inputs (a ``.keras`` file) or on one batch after training (a module)."""
    predicts_same: Comparison | None = None
    """The predictions against the reference backend's (a ``.keras`` file) or, for a module, the largest
    difference over the files of the other backends loaded here."""
    exports: dict[str, Export] = {}
    """Per deployment target, the export and its parity."""
    same_as_keras2: Comparison | None = None
    """A Keras 2 file (``.h5``, SavedModel): the predictions against Keras 2's own on the same inputs (the
    keras-2.15 release set's loader), when that environment is built; None when not compared."""
    script: ScriptRun | None = None
    """The script's run (a script)."""
    problems: list[str] = []
    """Why it does not port, one line each (empty: it ports, or it could not be tried)."""
    ports: bool | None = None
    """True: it ports; False: it does not; None: it could not be tried (unavailable) or every problem was a
    timeout (``timed_out``)."""
    timed_out: bool = False
    """A trial was killed at its timeout: whether it ports is not known (never reported as "does not port")."""
    change: Change | None = None
    """What to change first under this backend, typed (:mod:`evidence.check.advice`), when it does not port."""


class CheckReport(ContractModel):
    """What ``kvt check PATH`` found."""

    path: str
    """PATH as given."""
    kind: Kind
    """``keras_file``, ``module`` or ``script``."""
    backends: list[str]
    """The backends asked for, in the order they ran."""
    targets: list[str]
    """The export targets tried."""
    targets_asked: bool
    """Whether the targets were named with ``--targets`` (then they count towards porting)."""
    steps: int
    """Training steps per backend (a module)."""
    batch_size: int
    """Samples per step, and per prediction batch."""
    timeout_s: float
    """Seconds a trial may run before it is killed."""
    venue: str
    """The kind of machine it ran on (``cpu-2core``)."""
    keras_version: str | None = None
    """The Keras version of the trials."""
    model: dict[str, str | int | list[list[str]] | None] | None = None
    """What the first trial saw of the model: class, inputs (name, shape, dtype), parameters, loss."""
    results: dict[str, BackendResult]
    """Per backend, what was tried and how it went."""
    findings: list[Finding] = []
    """Backend-specific calls in the source (Python sources only)."""
    tolerances: dict[str, Threshold]
    """The tolerances of the comparisons (see :data:`TOLERANCES`)."""
    ports: bool
    """True when the model ports to every backend asked (exit status 0)."""
    first_change: str
    """One line: what to change first."""
    notes: list[str] = []
    """What the reader should know about how it was checked (data derived, folder not copied …)."""
    legacy: dict[str, str | int | bool | list[str] | dict[str, list[str]] | None] | None = None
    """A Keras 2 file (``.h5``, SavedModel): its format, what saved it, the loader used, and for a SavedModel its
    signatures, variables and what loading it into Keras 3 loses (``loses``)."""
    wall_s: float
    """Wall seconds of the whole check."""


# -- the judge ---------------------------------------------------------------------------------------------------
def _load_label(saved_under: str, backend: str) -> str:
    if saved_under == "file":
        return "loading the file"
    if saved_under == backend:
        return "reloading its own saved file"
    return f"loading the file saved under {saved_under}"


def error_line(error: ErrorInfo, limit: int = 200) -> str:
    """An error on one line, with the innermost error it wraps when that says more (``… (from
    jax.errors.TracerArrayConversionError: …)``)."""
    text = error.text(limit)
    if error.root:
        text += f" (from {error.root[:limit]})"
    return text


def _failed(step: Step | None) -> bool:
    return step is not None and step.status == "fails"


def problems_of(result: BackendResult, kind: Kind, targets_asked: bool) -> list[str]:
    """Why ``result``'s backend does not port, one line each, from its fields alone."""
    out: list[str] = []

    def add(what: str, step: Step | None) -> None:
        if step is not None and step.status == "fails":
            out.append(f"{what}: {step.text()[len('fails: '):] if step.error or step.reason else 'fails'}")

    add("import", result.imports)
    if kind == "script":
        if result.script is not None and result.script.status == "fails":
            out.append(f"script: {result.script.reason or 'failed'}"
                       + (f" ({result.script.first_error})" if result.script.first_error else ""))
        return out
    add("build_model()", result.build)
    add("training", result.trains)
    if result.same_loss is not None and result.same_loss.status == "fails":
        out.append(f"training: last loss differs from {result.same_loss.reference}'s by "
                   f"{result.same_loss.difference:.2g} (relative; tolerance {result.same_loss.tolerance:g})")
    add("saving", result.saves)
    for name, load in result.loads.items():
        add(_load_label(name, result.backend), load)
    add("prediction", result.predicts)
    for same in (result.predicts_same, result.same_as_keras2):
        if same is not None and same.status == "fails":
            out.append(f"predictions differ from {same.reference}'s by "
                       + (f"{same.difference:.2g}" if same.difference is not None else f"? ({same.reason})")
                       + f" (tolerance {same.tolerance:g})")
    if targets_asked:
        for target, export in result.exports.items():
            if export.status == "fails" and export.blocker is not None:
                out.append(f"export to {target}: blocked by {describe(export.blocker)}")
            else:
                add(f"export to {target}", export)
    return out


def is_unavailable(result: BackendResult) -> bool:
    """Whether the backend could not be tried at all (its framework, or one the model needs, is missing)."""
    first = result.imports if result.imports is not None else result.script
    return first is not None and first.status == "unavailable"


#: How a step killed at its timeout reads (:meth:`evidence.processes.ProcessOutcome.how`).
TIMED_OUT = "timed out after"


def judged(result: BackendResult, kind: Kind, targets_asked: bool) -> BackendResult:
    """``result`` with its ``problems`` and ``ports`` filled in by :func:`problems_of`."""
    problems = problems_of(result, kind, targets_asked)
    timeouts = [p for p in problems if TIMED_OUT in p]
    ports = None if (is_unavailable(result) and not problems) or (timeouts and timeouts == problems) else not problems
    return result.model_copy(update={"problems": problems, "ports": ports, "timed_out": bool(timeouts)})


def first_failure(result: BackendResult) -> str:
    """What broke first under a backend, as the report words it (``training``, ``build_model()``, ``loading the
    file saved under tensorflow``, ``the script`` …); empty when nothing did."""
    return first_error(result)[0]


def first_error(result: BackendResult) -> tuple[str, ErrorInfo | None, str | None]:
    """The first thing that broke under a backend: (what, its error, its reason)."""
    candidates: list[tuple[str, Step | None]] = [("importing", result.imports), ("build_model()", result.build),
                                                 ("training", result.trains), ("saving", result.saves)]
    candidates += [(_load_label(k, result.backend), v) for k, v in result.loads.items()]
    candidates += [("predicting", result.predicts), ("the script", result.script)]
    candidates += [(f"exporting to {k}", v) for k, v in result.exports.items()]
    for what, step in candidates:
        if _failed(step):
            return what, step.error, step.reason
    return "", None, None


def _matching_finding(error: ErrorInfo | None, findings: list[Finding], backend: str) -> Finding | None:
    """The finding on the line the error arose at, else the first one in the model of another framework."""
    if error is not None and error.at:
        location = error.at.split(" in ")[0]
        for f in findings:
            if f.location == location:
                return f
    foreign = [f for f in findings if f.in_model and f.framework != backend]
    return foreign[0] if foreign else None


def first_change(results: dict[str, BackendResult], findings: list[Finding], kind: Kind) -> str:
    """One line saying what to change first, from the first backend that does not port."""
    failing = [r for r in results.values() if r.ports is False]
    timed_out = [r for r in results.values() if r.ports is None and r.timed_out]
    if not failing and timed_out:
        what, _, reason = first_error(timed_out[0])
        return (f"Under {', '.join(r.backend for r in timed_out)}, {what} {reason}: whether it ports is not known "
                "(a timeout, not a failure); rerun with a larger --timeout, or on a quieter machine.")
    if not failing:
        missing = [r.backend for r in results.values() if r.ports is None]
        if missing:
            return (f"Nothing failed, but {', '.join(missing)} could not be tried: install "
                    f"{' and '.join(missing)} to check {'it' if len(missing) == 1 else 'them'}.")
        data = [f for f in findings if f.scope == "data"]
        line = f"Nothing to change: it ports to {', '.join(results)}."
        if any(f.framework == "tensorflow" for f in data):
            line += " Its tf.data pipeline needs TensorFlow installed whatever the backend."
        return line
    result = failing[0]
    what, error, reason = first_error(result)
    others = [r.backend for r in failing[1:]]
    also = f" (also {', '.join(others)})" if others else ""
    if result.change is not None:
        return render_change(result, failing[1:], what, error, reason)
    finding = _matching_finding(error, findings, result.backend) if kind not in SAVED_KINDS else None
    error_text = error_line(error, 160) if error is not None else (reason or "")
    if finding is not None and what in ("training", "build_model()", "predicting", "the script", "importing"):
        fix = (f"replace it with {finding.keras_ops}" if finding.keras_ops
               else finding.advice or "rewrite it with keras.ops")
        return (f"{finding.call} at {finding.location} (in {finding.where}): {fix}; under {result.backend}{also} "
                f"{what} fails with {error_text}")
    issues = known_issues(error_text, KNOWN_CAUSES) if error is not None else []
    at = f" at {error.at.split(' in ')[0]}" if error is not None and error.at else ""
    if issues:
        return f"Under {result.backend}{also}, {what} fails{at} ({error_text}): {issues[0].title}."
    if what:
        return f"Under {result.backend}{also}, {what} fails{at}: {error_text}"
    return f"Under {result.backend}{also}: {result.problems[0]}"


def render_change(result: BackendResult, others: list[BackendResult], what: str, error: ErrorInfo | None,
                  reason: str | None) -> str:
    """The first-change line from a backend's typed :class:`~evidence.check.advice.Change`; the other failing
    backends are named when their change is the same."""
    change = result.change
    same = [r.backend for r in others if r.change is not None and (r.change.failure_class, r.change.call)
            == (change.failure_class, change.call)]
    under = result.backend + (f" (also {', '.join(same)})" if same else "")
    error_text = error_line(error, 160) if error is not None else (reason or "")
    if change.failure_class == "broken":
        return (f"It fails on its own backend ({change.call}) as on every other, so it is broken rather than "
                f"not portable: fix it there first ({what} fails"
                + (f" at {change.location}" if change.location else "") + f": {error_text}).")
    if change.failure_class == "export_blocked":
        return f"Under {under}, {what} is blocked by {change.call}: {change.fix}."
    head = f"{change.call} at {change.location}" if change.call and change.location else (change.call or "")
    head = f"{head}: " if head else ""
    where = "every backend, its own included," if change.everywhere else under
    return f"{head}{change.fix}; under {where} {what} fails with {error_text}"
