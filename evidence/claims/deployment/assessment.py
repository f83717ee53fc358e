"""The typed assessment of the deployment claim: one cell per (option, target), and the comparisons built on them.

Readers (the advisor, the site, ``kvt check``) read these models, never the raw measurements: a cell's status
(``works`` / ``fails`` / ``unavailable`` / ``not_applicable``), its cost (lines, steps, extra packages), its
weight (artifact size, cold start), how it serves (latency, parity with the original model) and, where it does
not work, the error, why it could not be tried, and the public report that matches. ``cell(option, target)``
answers for one cell; ``ease[option]`` holds the "easier than TensorFlow core" comparison with the targets that
decided it, and ``weight`` the "lighter" one.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from evidence.contract import OUTCOMES, Assessment, ContractModel, ErrorInfo, Interval, KnownIssue, Outcome

from .targets import Target, TargetKind

Option = Literal["keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core"]
CorruptionKind = Literal["truncated", "garbled"]


class TargetInfo(ContractModel):
    """What a target is."""

    label: str
    """Its name in tables (``ONNX in the browser``)."""
    kind: TargetKind
    """``native`` (the framework's own format), ``server``, ``edge`` (mobile and embedded), ``browser``."""
    runtime: str
    """What serves it."""
    reuses: Target | None = None
    """For a browser target, the target whose artifact it serves (no export of its own)."""


class Latency(ContractModel):
    """Per-call latency at one batch size, warm-up calls excluded."""

    batch: int
    """Rows per call."""
    p50_ms: float
    """Median milliseconds per call."""
    p90_ms: float
    """90th percentile."""
    p99_ms: float
    """99th percentile."""
    calls: int
    """Timed calls."""


class Cell(ContractModel):
    """One option taken to one target: exported, loaded in a fresh process (or page), asked, timed, compared."""

    option: Option
    """The option."""
    target: Target
    """The target."""
    status: Outcome
    """``works``: the artifact loads in a fresh process and answers like the original within the tolerance;
    ``fails``: we tried and it broke (``error`` and ``stage`` say how and where); ``unavailable``: we could not
    try (``why_unavailable`` says why: a package, an environment, a browser); ``not_applicable``: the target
    has no meaning for the option (``reason``)."""
    stage: str | None = None
    """Where a cell that does not work stopped: ``export``, ``environment``, ``import``, ``load``, ``answer``,
    ``predict``, ``latency``, ``process`` (the serving process died), ``compare`` (wrong answers),
    ``signature``, ``browser``."""
    route: str | None = None
    """The export function of the target's program that produced the artifact (``export_keras``, or a
    workaround such as ``export_keras_jax`` when the direct call failed)."""
    program: str | None = None
    """The program holding the route and the serving code (``deploy_onnx.py``)."""
    lines: int | None = None
    """Logical lines a user writes: the export function plus ``load`` and ``predict`` (for a browser target,
    the export plus the JavaScript ``load`` and ``predict``)."""
    steps: int | None = None
    """Library calls in that code."""
    export_lines: int | None = None
    """Lines of the export function alone."""
    extra_packages: list[str] = []
    """Packages the route needs beyond the option's own framework, where exported and where served."""
    environment: str | None = None
    """The virtual environment of its own the export (or server) ran in, when the project's could not host it
    (see ``DeploymentAssessment.environments``)."""
    runtime: str | None = None
    """The runtime that served it, with its version (``onnxruntime 1.32.0``, ``onnxruntime-web 1.30.0 in
    Chromium 156``)."""
    artifact_bytes: int | None = None
    """Size of the artifact (all its files)."""
    export_s: float | None = None
    """Seconds the export call took."""
    cold_start_s: Interval | None = None
    """Seconds from a fresh process (or page) to the first answer, over the timed processes: median within the
    interquartile range. For a browser target, timed in the page from its script's start (the browser already
    running)."""
    import_s: float | None = None
    """Median seconds of the cold start spent importing the runtime."""
    load_s: float | None = None
    """Median seconds spent loading the artifact."""
    first_answer_s: float | None = None
    """Median seconds of the first answer."""
    latency: list[Latency] = []
    """Per-call latency per batch size."""
    parity_max_abs_diff: float | None = None
    """Largest absolute difference between its outputs and the original model's over the test set."""
    class_agreement: float | None = None
    """Share of test inputs whose predicted class equals the original's."""
    serving_distributions: int | None = None
    """Distributions the serving process imported (numpy excluded): how much a server carries."""
    error: ErrorInfo | None = None
    """For ``fails`` (and an ``unavailable`` caused by a missing module): the error."""
    direct_route_error: ErrorInfo | None = None
    """When a workaround route produced the artifact: the error of the direct one (for LiteRT in the browser,
    LiteRT.js's error on the LiteRT file as the ``litert`` target wrote it, with a variable batch)."""
    reason: str | None = None
    """One line for people: why it fails, or why it is not applicable."""
    why_unavailable: str | None = None
    """For ``unavailable``: what was missing and why it could not be installed or built."""
    known_issue: KnownIssue | None = None
    """A public report that matches the error."""


class EaseOnTarget(ContractModel):
    """A Keras option against TensorFlow core on one target."""

    target: Target
    """The target."""
    outcome: Literal["easier", "harder", "same", "only_keras", "only_core"]
    """``easier``/``harder``: both reach it and the lines differ by at least the margin (steps not the other
    way); ``same``: both reach it within the margin; ``only_keras``/``only_core``: one reaches it and the other
    was tried and failed."""
    keras_lines: int | None
    """The Keras option's lines."""
    core_lines: int | None
    """TensorFlow core's lines."""
    keras_steps: int | None
    """The Keras option's steps."""
    core_steps: int | None
    """TensorFlow core's steps."""


class Ease(ContractModel):
    """Whether one Keras option is easier to deploy than TensorFlow core, and which targets decided it."""

    option: Option
    """The Keras option."""
    easier: bool
    """It is easier on more targets than it is harder on, by at least the declared count."""
    easier_on: list[Target]
    """Targets where it is easier (fewer lines by the margin, or only it gets there)."""
    harder_on: list[Target]
    """Targets where it is harder (more lines by the margin, or only TensorFlow core gets there)."""
    same_on: list[Target]
    """Targets both reach within the margin."""
    not_compared: dict[str, str]
    """Targets left out of the comparison, with why (a cell unavailable, not applicable to one side, or failed
    on both)."""
    targets: list[EaseOnTarget]
    """The comparison on each target compared."""


class SizePair(ContractModel):
    """Artifact sizes of Keras on TensorFlow and TensorFlow core on one target."""

    target: Target
    """The target."""
    keras_bytes: int
    """Keras on TensorFlow's artifact."""
    core_bytes: int
    """TensorFlow core's artifact."""


class Weight(ContractModel):
    """Whether Keras's artifacts are lighter than TensorFlow core's on the same targets."""

    pairs: list[SizePair]
    """Both sizes on each target both reach."""
    median_ratio: float | None
    """Median of Keras on TensorFlow's size over TensorFlow core's; None with no pair."""
    lighter: bool
    """The median ratio is at most the declared threshold."""


class EnvironmentRecord(ContractModel):
    """A virtual environment of its own that a target needed (its packages conflict with the project's)."""

    name: str
    """Its name (``litert-torch``)."""
    ok: bool
    """It was there, or was built, and its import check passed."""
    requirements: list[list[str]]
    """The pip install steps, in order (torch first, pinned)."""
    versions: dict[str, str | None] = {}
    """Versions installed in it."""
    reused: bool = False
    """It existed before this run (built by an earlier one)."""
    creation_s: float | None = None
    """Seconds building it took (in this run, or in the run that built it)."""
    created: str | None = None
    """When it was built (ISO date)."""
    why: str | None = None
    """Why it is not there: the build failed (how), or the run did not build it (quick mode)."""


class NpmRecord(ContractModel):
    """The npm packages of the browser runtimes."""

    ok: bool
    """They are installed."""
    packages: dict[str, str]
    """The packages asked for, with their pinned versions."""
    versions: dict[str, str | None] = {}
    """The versions installed."""
    reused: bool = False
    """They were installed before this run."""
    install_s: float | None = None
    """Seconds ``npm install`` took (in this run, or in the run that installed them)."""
    why: str | None = None
    """Why they are not there."""


class BrowserRecord(ContractModel):
    """The browser the browser targets ran in."""

    ok: bool
    """Chromium and Playwright are installed."""
    chromium: str | None = None
    """Chromium's version."""
    playwright: str | None = None
    """Playwright's version."""
    why: str | None = None
    """What is missing."""


class CorruptionOutcome(ContractModel):
    """What a loader did with one damaged copy of an artifact."""

    kind: CorruptionKind
    """``truncated`` (cut to half its length) or ``garbled`` (256 bytes of its weights inverted)."""
    outcome: Literal["rejected", "crashed", "answered"]
    """``rejected``: the loader raised an error; ``crashed``: the serving process died; ``answered``: it loaded
    and answered."""
    silent_corruption: bool = False
    """It answered, and its answers are off by more than the tolerance (or wrongly shaped)."""
    file: str
    """The file damaged."""
    max_abs_diff: float | None = None
    """For an answer: the largest difference from the original's outputs."""
    error: ErrorInfo | None = None
    """For a rejection or a crash: the error."""
    known_issue: KnownIssue | None = None
    """A public report that matches the error."""


class CorruptionCheck(ContractModel):
    """The damaged copies of one target's artifact (made from the first option that exported it)."""

    target: Target
    """The target."""
    option: Option
    """Whose artifact was copied."""
    outcomes: list[CorruptionOutcome]
    """One per kind of damage."""


class TrainedModel(ContractModel):
    """The model an option trained and deployed."""

    program: str
    """The program that defines and trains it."""
    epochs: int
    """Training epochs."""
    test_accuracy: float
    """Accuracy on the held-out test set (recorded, not judged: the artifact only has to be a trained model)."""
    test_samples: int
    """Inputs every artifact answers for the parity check."""


class DeploymentAssessment(Assessment):
    """Every option taken to every target, for real, and what that says about "easier" and "lighter"."""

    STATUSES: ClassVar[tuple[str, ...]] = OUTCOMES

    cells: list[Cell]
    """One cell per (option, target) run, in option then target order."""
    targets: dict[Target, TargetInfo]
    """What each target is."""
    models: dict[Option, TrainedModel]
    """The model each option trained."""
    tolerance: float
    """Largest max-abs difference from the original's outputs for a cell that ``works``."""
    ease: dict[Option, Ease]
    """Per Keras option, whether it is easier to deploy than TensorFlow core and which targets decided it."""
    ease_margin_lines: int
    """The margin in lines a difference must reach on a target before it counts."""
    weight: Weight
    """Whether Keras on TensorFlow's artifacts are lighter than TensorFlow core's."""
    environments: dict[str, EnvironmentRecord]
    """The virtual environments of their own that targets needed, by name."""
    npm: NpmRecord | None
    """The browser runtimes' npm packages; None when no browser cell ran."""
    browser: BrowserRecord | None
    """The browser; None when no browser cell ran."""
    corruption: list[CorruptionCheck]
    """Per target, what its loader did with damaged copies."""
    not_measured: list[str]
    """Options without a complete result, each with its status and reason."""

    def cell(self, option: str, target: str) -> Cell | None:
        """The cell of ``option`` on ``target``; None when it was not run."""
        return next((c for c in self.cells if c.option == option and c.target == target), None)

    def reach(self, option: str) -> list[str]:
        """The targets ``option`` works on, in target order."""
        return [c.target for c in self.cells if c.option == option and c.status == "works"]

    def cells_with(self, status: str) -> list[Cell]:
        """Every cell whose status is ``status``."""
        return [c for c in self.cells if c.status == status]

    def browser_cells(self) -> list[Cell]:
        """The cells of browser targets."""
        return [c for c in self.cells if self.targets[c.target].kind == "browser"]
