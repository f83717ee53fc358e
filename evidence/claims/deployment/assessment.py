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

#: The targets (the same list as :data:`evidence.runtimes.targets.TARGETS`; a test keeps them equal, so that this
#: module imports nothing but the contract).
Target = Literal["keras", "savedmodel", "onnx", "litert", "openvino", "torch_pt2", "executorch", "browser_onnx",
                 "browser_litert"]
TargetKind = Literal["native", "server", "edge", "browser"]
Option = Literal["keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core"]
ModelName = Literal["resnet50", "bert_base", "mobilenet_v3_small"]
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
    model: ModelName
    """The model taken to the target."""
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
    extra_steps: list[str] = []
    """What a user must do beyond the export call (the "easier" rule counts these): each extra package
    (``package:onnxruntime``), an environment of its own (``environment:litert-torch``), a shape signature
    written by hand (``shape signature``), a detour through another format (``intermediate format``) or another
    Keras backend (``reload under the TensorFlow backend``)."""
    static_batch: int | None = None
    """The fixed batch size of an artifact exported through a static-shape route (None: variable batch)."""
    attempts: list[str] = []
    """The routes tried, in order, each with how it ended (``export_keras: fails``)."""
    blockers: list[str] = []
    """What blocked the routes that failed: the op or construct their errors name (from the claim's
    ``data/blockers.json``), whether or not a later route got past it."""
    got_past_by: str | None = None
    """For a cell that works after its direct route failed: what got past the blocker (``static shape``,
    ``intermediate format``, ``reload under the TensorFlow backend``)."""
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
    """A Keras option against TensorFlow core on one model and target."""

    model: ModelName
    """The model."""
    target: Target
    """The target."""
    outcome: Literal["easier", "harder", "same", "only_keras", "only_core"]
    """``easier``/``harder``: both reach it and one needs at least the declared number of extra steps fewer
    (see ``Cell.extra_steps``); ``same``: both reach it within that; ``only_keras``/``only_core``: one reaches it
    and the other was tried and failed."""
    keras_extra: list[str] = []
    """The Keras option's extra steps."""
    core_extra: list[str] = []
    """TensorFlow core's extra steps."""
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
    easier_on: list[str]
    """``model/target`` pairs where it is easier (fewer extra steps by the margin, or only it gets there)."""
    harder_on: list[str]
    """``model/target`` pairs where it is harder (more extra steps, or only TensorFlow core gets there)."""
    same_on: list[str]
    """``model/target`` pairs both reach within the margin."""
    not_compared: dict[str, str]
    """``model/target`` pairs left out of the comparison, with why (a cell unavailable, not applicable to one
    side, or failed on both)."""
    targets: list[EaseOnTarget]
    """The comparison on each pair compared."""


class SizePair(ContractModel):
    """Artifact sizes of Keras on TensorFlow and TensorFlow core on one model and target."""

    model: ModelName
    """The model."""
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
    model: ModelName
    """Whose artifact was copied: the model."""
    option: Option
    """Whose artifact was copied: the option."""
    outcomes: list[CorruptionOutcome]
    """One per kind of damage."""


class ModelInfo(ContractModel):
    """A model of the zoo as one option built it: its configuration, size and what the artifacts answer for."""

    name: ModelName
    """The zoo's name for it."""
    builder: str
    """What built it (``keras.applications.ResNet50``, ``keras_hub.models.BertBackbone``)."""
    config: dict[str, bool | int | float | str | list[int]]
    """The configuration it was built from (random weights: nothing is downloaded)."""
    tiny: bool
    """The tiny configuration of quick mode (same family, smaller), not the published architecture."""
    params: int
    """Its weights, counted by Keras."""
    input_shape: list[int | None]
    """The served input's shape (``None``: the batch)."""
    input_dtype: str
    """The served input's dtype (``int32`` token ids, ``float32`` images)."""
    output_shape: list[int | None]
    """The output's shape."""
    parity_rows: int
    """Inputs every artifact answers for the parity check (the original model's outputs on them are the
    reference)."""
    build_s: float
    """Seconds building it and computing the reference took in the export worker."""


class DeploymentAssessment(Assessment):
    """Every option taken to every target, for real, and what that says about "easier" and "lighter"."""

    STATUSES: ClassVar[tuple[str, ...]] = OUTCOMES

    cells: list[Cell]
    """One cell per (option, target) run, in option then target order."""
    targets: dict[Target, TargetInfo]
    """What each target is."""
    models: dict[Option, list[ModelInfo]]
    """The models each option built (configuration and weights)."""
    model_targets: dict[ModelName, list[Target]]
    """The targets each model is taken to."""
    settings: dict[str, int | float | str | list[int]]
    """What was measured with what: batch sizes, cold-start processes, latency calls and time budgets."""
    cuts: list[str]
    """What was cut to fit the run's time budget (batch, resolution, sequence length, repeats), in words."""
    tolerance: float
    """Largest max-abs difference from the original's outputs for a cell that ``works``."""
    ease: dict[Option, Ease]
    """Per Keras option, whether it is easier to deploy than TensorFlow core and which targets decided it."""
    ease_margin_steps: int
    """The margin in extra steps a difference must reach on a model and target before it counts."""
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

    def cell(self, option: str, target: str, model: str | None = None) -> Cell | None:
        """The cell of ``option`` taking ``model`` to ``target``; None when it was not run. Without a model, one
        cell for the target: the first one that does not work (a target works for an option only when every
        model taken there works), else the first."""
        cells = [c for c in self.cells if c.option == option and c.target == target
                 and (model is None or c.model == model)]
        return next((c for c in cells if c.status != "works"), cells[0] if cells else None)

    def reach(self, option: str) -> list[str]:
        """The targets ``option`` works on for every model taken there, in target order."""
        targets = dict.fromkeys(c.target for c in self.cells if c.option == option)
        return [t for t in targets if all(c.status == "works" for c in self.cells
                                          if c.option == option and c.target == t)]

    def model_info(self, name: str) -> ModelInfo | None:
        """The model ``name`` as the first option that built it recorded it."""
        return next((m for infos in self.models.values() for m in infos if m.name == name), None)

    def cells_with(self, status: str) -> list[Cell]:
        """Every cell whose status is ``status``."""
        return [c for c in self.cells if c.status == status]

    def browser_cells(self) -> list[Cell]:
        """The cells of browser targets."""
        return [c for c in self.cells if self.targets[c.target].kind == "browser"]
