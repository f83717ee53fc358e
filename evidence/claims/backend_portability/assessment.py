"""The typed assessment of ``backend_portability``: what its judge concluded, as readers (advisor, site) read it.

Four parts, each a field of :class:`PortabilityAssessment`:

- ``trained``: the one model program (``digits_mlp.py``) trained unchanged under each training backend;
- ``loads``: every ``.keras`` file saved under a training backend, loaded and run under every backend (the
  inference-only numpy and openvino included), with OpenVINO's float32-hint rerun;
- ``switches``: between each pair of Keras options, whether the same program and its saved models move (the
  switch rule, decided in :meth:`BackendPortabilityClaim.assess <evidence.claims.backend_portability.claim>`),
  queried with :meth:`PortabilityAssessment.switch`;
- ``corpus`` and ``failure_classes``: programs of the kinds Keras users write, each run unchanged under each
  training backend, and what did not port, grouped into classes, each with its share and one real error.

No framework is imported here: the advisor and the site import this module.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from evidence.contract import Assessment, ContractModel, ErrorInfo, Interval, Outcome
from evidence.options import KERAS_OPTIONS

KerasOption = Literal["keras-tensorflow", "keras-jax", "keras-torch"]
TrainingBackend = Literal["tensorflow", "jax", "torch"]
LoadingBackend = Literal["tensorflow", "jax", "torch", "numpy", "openvino"]
#: ``keras``: a program that imports no framework besides Keras (and NumPy); otherwise the framework it imports.
Framework = Literal["keras", "tensorflow", "jax", "torch"]


class Training(ContractModel):
    """The model program trained unchanged under one training backend."""

    option: KerasOption
    """The Keras option (``keras-jax``)."""
    backend: TrainingBackend
    """Its Keras backend."""
    status: Outcome
    """``works``: it trained and its test accuracy was measured; ``fails``: the worker broke (``reason``);
    ``unavailable``: the backend's framework is not installed (we could not try)."""
    program: str
    """The program that trained (``digits_mlp.py``), the same file under every backend."""
    epochs: int | None = None
    """Epochs trained."""
    batch_size: int | None = None
    """Batch size."""
    test_accuracy: float | None = None
    """Accuracy on the held-out test split."""
    final_loss: float | None = None
    """Training loss of the last epoch."""
    epoch_s: Interval | None = None
    """Seconds per epoch after the first (compiling) epoch: the median with the interquartile range. Speed is the
    performance claim's subject; this is context."""
    first_epoch_s: float | None = None
    """Seconds of the first epoch, which traces and compiles the train step."""
    torch_threads: int | None = None
    """Intra-op threads torch ran with (set to 1 on this shared 2-core machine); None on other backends."""
    inputs_identical: bool | None = None
    """Whether this backend's test inputs were byte-identical to those the load stage predicts on."""
    reason: str | None = None
    """Why it did not train, when it did not."""


class CrossLoad(ContractModel):
    """A ``.keras`` file saved under one training backend, loaded and run under one backend."""

    saved_under: TrainingBackend
    """The backend that trained and saved the file."""
    loaded_by: LoadingBackend
    """The backend that loaded it and predicted."""
    status: Outcome
    """``works``: it loaded and predicted; ``fails``: loading or predicting raised (``error``); ``unavailable``:
    there was no file (its trainer did not run) or the loader's framework is missing (``reason``)."""
    equal: bool
    """Whether its predictions equal the saving backend's by the declared tolerances: within
    ``prediction_tolerance`` when computed in float32; for an engine that computes below float32 by default,
    within ``reduced_precision_tolerance`` with ``min_class_agreement`` of classes agreeing, and within
    ``prediction_tolerance`` again with the f32 inference-precision hint."""
    max_abs_diff: float | None = None
    """Largest absolute difference between its probabilities and the saving backend's own, at the engine's default
    precision."""
    class_agreement: float | None = None
    """Fraction of test inputs whose predicted class is the saving backend's."""
    classes_differing: int | None = None
    """Test inputs whose predicted class differs."""
    precision: str | None = None
    """The inference precision the engine compiled with, where it reports one (OpenVINO: ``bf16`` on CPUs with
    bf16 units); None: float32, the Keras default."""
    reduced_precision: bool = False
    """Whether the engine computed below float32 by default."""
    f32_max_abs_diff: float | None = None
    """The largest difference in float32: the rerun with OpenVINO's ``INFERENCE_PRECISION_HINT=f32`` for a
    reduced-precision engine, else ``max_abs_diff``."""
    f32_error: ErrorInfo | None = None
    """The error of the f32-hinted rerun, when it raised."""
    load_predict_s: float | None = None
    """Seconds to load the file and predict on the test inputs."""
    error: ErrorInfo | None = None
    """What loading or predicting raised."""
    reason: str | None = None
    """Why it was not tried."""


class Switch(ContractModel):
    """Whether two Keras options can switch: the switch rule applied to one pair."""

    a: KerasOption
    """One option."""
    b: KerasOption
    """The other."""
    ok: bool
    """Both trained the same program unchanged to at least the accuracy floor, their accuracies lie within the
    tolerance, and each one's saved model loads under the other and predicts within the prediction tolerance."""
    detail: str
    """One line: the numbers when ``ok``, else the first condition that failed."""


class InferenceOnly(ContractModel):
    """A backend that loads and runs models but cannot train them, and the training attempt that shows it."""

    backend: Literal["numpy", "openvino"]
    """The backend."""
    status: Outcome
    """``fails``: ``fit`` raised, as Keras documents for this backend; ``works``: it trained (unexpected);
    ``unavailable``: not tried."""
    error: ErrorInfo | None = None
    """What ``fit`` raised."""
    reason: str | None = None
    """Why it was not tried."""


class CorpusRun(ContractModel):
    """One corpus program run unchanged under one training backend."""

    backend: TrainingBackend
    """The Keras backend it ran under."""
    status: Outcome
    """``works``: it ran to the end, its losses are finite, its loss on its own training data went down, and every
    check it makes held; ``fails``: it raised, or one of those did not hold (``error``); ``unavailable``: the
    backend's worker did not run (``reason``)."""
    failure_class: str | None = None
    """The id of the :class:`FailureClass` its failure belongs to; None when it worked."""
    error: ErrorInfo | None = None
    """The error it raised, located in the program (``at``, ``line``); for a check that did not hold, type
    ``CheckFailed`` and the check's name."""
    loss_before: float | None = None
    """Its loss on its training data before training."""
    loss_after: float | None = None
    """The same loss after training."""
    checks: dict[str, bool] = {}
    """The program's own checks (a reloaded model predicts the same, a state counter counted every batch)."""
    seconds: float | None = None
    """Seconds the run took, loading the program included."""
    reason: str | None = None
    """Why it was not run."""


class CorpusProgram(ContractModel):
    """A program of the corpus: the kind of code Keras users write, and how it fared under each backend."""

    program: str
    """Its path under ``evidence/programs/`` (``corpus/cnn_augment.py``)."""
    title: str
    """What it is, in a line."""
    modelled_on: str
    """The keras.io guide or example whose kind of program it is (written by us, not copied)."""
    features: list[str]
    """The Keras features it exercises (layers, APIs, data inputs)."""
    imports: list[Framework]
    """The frameworks its source imports besides Keras and NumPy, found by reading it; ``["keras"]`` when none."""
    runs: dict[TrainingBackend, CorpusRun]
    """Its run under each training backend."""

    @property
    def keras_only(self) -> bool:
        """Whether it imports no framework besides Keras: code written to the Keras API alone."""
        return self.imports == ["keras"]

    def tried(self) -> list[str]:
        """The backends it was run under (not ``unavailable``)."""
        return [b for b, r in self.runs.items() if r.status != "unavailable"]

    def worked_on(self) -> list[str]:
        """The backends it ran under unchanged."""
        return [b for b, r in self.runs.items() if r.status == "works"]

    def ported(self) -> bool:
        """Whether it ran unchanged under every backend it was tried on (at least two)."""
        tried = self.tried()
        return len(tried) >= 2 and self.worked_on() == tried

    def broken(self) -> bool:
        """Whether it worked under no backend: a defect of the program (or of Keras), not a portability finding."""
        return bool(self.tried()) and not self.worked_on()


class FailureClass(ContractModel):
    """A kind of code that did not port, with its share of the corpus and one real failing attempt."""

    id: str
    """Its id (``tf_ops_in_model``)."""
    title: str
    """What kind of code it is, in a line."""
    why: str
    """Why it does not port, in the public record's terms."""
    reference: str
    """Where the public record says so (a keras.io page, a Keras docstring or issue)."""
    portable_route: str
    """What ports instead, where there is such a route."""
    runs: int
    """Corpus runs (program x backend) that failed with it."""
    share_of_runs: float
    """``runs`` over every corpus run tried."""
    programs: list[str]
    """The programs that failed with it."""
    share_of_programs: float
    """``programs`` over every corpus program tried."""
    backends: list[TrainingBackend]
    """The backends where it failed."""
    example: ErrorInfo
    """One real error of the class, as raised."""
    example_program: str
    """The program that raised ``example``."""
    example_backend: TrainingBackend
    """The backend it raised under."""


class ArchitectureRun(ContractModel):
    """A third-party architecture built, trained a few steps and saved under one training backend."""

    backend: TrainingBackend
    """The Keras backend it ran under."""
    status: Outcome
    """``works``: every step ran with a finite loss, the steps changed its weights, and its ``.keras`` file was
    saved; ``fails``: it raised, or one of those did not hold (``error``); ``unavailable``: a library it needs is
    not installed, or the backend's worker did not run (``reason``)."""
    params: int | None = None
    """Its parameter count under this backend."""
    losses: list[float] = []
    """The training loss of each step (one batch, fed again each step)."""
    variables_changed: int | None = None
    """Trainable variables the steps changed, of ``variables``."""
    variables: int | None = None
    """Trainable variables."""
    first_step_s: float | None = None
    """Seconds of the first step, which traces and compiles it."""
    step_s: float | None = None
    """Median seconds of the later steps (context: speed is the performance claim's subject)."""
    saved_bytes: int | None = None
    """Size of its ``.keras`` file."""
    error: ErrorInfo | None = None
    """What it raised, or what did not hold (type ``CheckFailed``)."""
    reason: str | None = None
    """Why it was not tried."""


class ArchitectureCrossLoad(ContractModel):
    """A third-party architecture's ``.keras`` file saved under one training backend, loaded under one."""

    saved_under: TrainingBackend
    """The backend that trained and saved it."""
    loaded_by: TrainingBackend
    """The backend that loaded it and predicted."""
    status: Outcome
    """``works``: it loaded and predicted; ``fails``: loading or predicting raised (``error``); ``unavailable``:
    no file (its trainer did not run or failed) or the loader could not run (``reason``)."""
    equal: bool
    """Whether its predictions equal the saving backend's within ``architecture_tolerance`` (relative to their
    scale)."""
    max_abs_diff: float | None = None
    """Largest absolute difference from the saving backend's own predictions on the same inputs."""
    relative_diff: float | None = None
    """``max_abs_diff`` over the predictions' largest magnitude (at least 1): what the tolerance judges."""
    top1_agreement: float | None = None
    """Share of positions (examples, or tokens for a language model) whose top-scoring class agrees."""
    load_s: float | None = None
    """Seconds to load the file."""
    error: ErrorInfo | None = None
    """What loading or predicting raised."""
    reason: str | None = None
    """Why it was not tried."""


class Architecture(ContractModel):
    """An architecture from the field's libraries (code nobody here wrote), run unchanged under every training
    backend: trained a few steps, saved under each, loaded under each."""

    program: str
    """The program that calls the library (``architectures/bert.py``), under ``evidence/programs/``."""
    title: str
    """What it is, in a line."""
    library: str
    """The library whose code it is (``keras-hub``, ``keras.applications``)."""
    source: str
    """The library classes or functions called, unchanged."""
    reference: str
    """The library's documentation page."""
    config: dict[str, Any]
    """The configuration it was built from (random weights; nothing downloaded)."""
    preset: str | None = None
    """The library preset whose configuration ``config`` is, when it is one."""
    inputs: dict[str, int]
    """What it was fed: batch, and sequence length for text models (the cut from the architecture's full use)."""
    params: int | None = None
    """Its parameter count (the same under every backend that built it)."""
    runs: dict[TrainingBackend, ArchitectureRun]
    """Its training under each training backend."""
    loads: list[ArchitectureCrossLoad]
    """Every (saving, loading) pair of two different training backends."""

    def tried(self) -> list[str]:
        """The backends it was trained under (not ``unavailable``)."""
        return [b for b, r in self.runs.items() if r.status != "unavailable"]

    def trained_on(self) -> list[str]:
        """The backends it trained and saved under."""
        return [b for b, r in self.runs.items() if r.status == "works"]

    def cross_loads(self) -> list[ArchitectureCrossLoad]:
        """Its cross-backend loads that were tried (not ``unavailable``)."""
        return [c for c in self.loads if c.status != "unavailable"]

    def ported(self) -> bool:
        """Whether it trained under every backend it was tried on (at least two), and every file saved under one
        loaded under each of the others with the same predictions."""
        tried = self.tried()
        if len(tried) < 2 or self.trained_on() != tried:
            return False
        cells = [c for c in self.loads if c.saved_under in tried and c.loaded_by in tried]
        return len(cells) == len(tried) * (len(tried) - 1) and all(c.status == "works" and c.equal for c in cells)


class Share(ContractModel):
    """A share of corpus programs, with its counts."""

    ported: int
    """Programs that worked (for a backend) or ported to every backend tried (overall)."""
    tried: int
    """Programs counted."""
    share: float
    """``ported / tried`` (0 when none was tried)."""


class PortabilityAssessment(Assessment):
    """The same Keras code under the three training backends and two inference-only ones: what trained, what loaded,
    which options can switch, and what share of a corpus of Keras programs ran unchanged, with what did not."""

    STATUSES: ClassVar[tuple[str, ...]] = ("works", "fails", "unavailable", "not_applicable")

    quick: bool
    """Whether the run was in quick mode (its thresholds' quick values apply)."""
    trained: dict[TrainingBackend, Training]
    """The model program's training under each training backend."""
    loads: list[CrossLoad]
    """Every (saving backend, loading backend) pair, the same-backend round trips included."""
    switches: list[Switch]
    """The switch rule for each pair of Keras options, in option order; see :meth:`switch`."""
    inference_only: dict[Literal["numpy", "openvino"], InferenceOnly]
    """The inference-only backends' training attempts."""
    corpus: list[CorpusProgram]
    """Every corpus program with its run under each training backend."""
    shares: dict[TrainingBackend, Share]
    """Per backend: the corpus programs (not broken everywhere) that ran unchanged under it."""
    share_overall: Share
    """Corpus programs (not broken everywhere) that ran unchanged under every training backend tried."""
    share_keras_only: Share
    """The same, among programs that import no framework besides Keras: what the claim is about."""
    shares_by_imports: dict[Framework, Share]
    """The same, per framework the programs import (``keras``: none besides Keras); a program importing two
    frameworks counts under each."""
    failure_classes: list[FailureClass]
    """What did not port, by class, most frequent first."""
    broken: list[str]
    """Corpus programs that worked under no backend (excluded from the shares)."""
    architectures: list[Architecture] = []
    """Architectures from the field's libraries (KerasHub, ``keras.applications``), code nobody here wrote, each
    trained, saved and cross-loaded under every training backend: counted apart from the corpus, our own
    programs."""
    share_architectures: Share = Share(ported=0, tried=0, share=0.0)
    """Architectures that ported (:meth:`Architecture.ported`), over those tried on at least two backends."""
    architectures_unavailable: list[str] = []
    """Architectures that could not be tried (a library missing), each with why: never counted as failures."""
    not_measured: list[str]
    """Subjects that did not run ok, each with its status and reason."""

    # -- queries --------------------------------------------------------------------------------------------------
    def switch(self, a: str, b: str) -> tuple[bool, str]:
        """Whether options ``a`` and ``b`` can switch, and a one-line detail (either order).

        Raises:
            ValueError: ``a`` or ``b`` is not a Keras option, or they are the same.
        """
        for s in self.switches:
            if {s.a, s.b} == {a, b} and a != b:
                return s.ok, s.detail
        raise ValueError(f"Expected two different options of {KERAS_OPTIONS} that both ran; received: a={a!r}, "
                         f"b={b!r}")

    def partners(self, option: str) -> dict[str, tuple[bool, str]]:
        """For a Keras ``option``: every other Keras option with :meth:`switch`'s answer."""
        out = {}
        for s in self.switches:
            if option in (s.a, s.b):
                out[s.b if s.a == option else s.a] = (s.ok, s.detail)
        return out

    def load(self, saved_under: str, loaded_by: str) -> CrossLoad | None:
        """The cross-load of ``saved_under``'s file under ``loaded_by``, None when it was not recorded."""
        return next((c for c in self.loads if c.saved_under == saved_under and c.loaded_by == loaded_by), None)

    def program(self, name: str) -> CorpusProgram | None:
        """The corpus program ``name`` (``corpus/cnn_augment.py`` or just ``cnn_augment.py``), None if absent."""
        return next((p for p in self.corpus if name in (p.program, p.program.rsplit("/", 1)[-1])), None)

    def failure_class(self, class_id: str) -> FailureClass | None:
        """The failure class ``class_id``, None when no run failed with it."""
        return next((f for f in self.failure_classes if f.id == class_id), None)

    def corpus_ported_between(self, a: str, b: str) -> Share:
        """Corpus programs (not broken everywhere) that ran under both backends ``a`` and ``b`` (``jax``), over
        those tried under both: how much of the corpus moves between the two."""
        both = [p for p in self.corpus if not p.broken() and {a, b} <= set(p.tried())]
        ok = sum(1 for p in both if {a, b} <= set(p.worked_on()))
        return Share(ported=ok, tried=len(both), share=ok / len(both) if both else 0.0)
