"""The typed measurements the workers of ``backend_portability`` return for the third-party architectures (stages
``arch_train`` and ``arch_load``), serialised into each subject's result and read back by :mod:`.assess`.

Pydantic models only: no framework is imported here.
"""

from __future__ import annotations

from typing import Any, Literal

from evidence.contract import ContractModel, ErrorInfo


class ArchitectureInfo(ContractModel):
    """What an architecture program declares for one mode: whose code it is and how big it is built."""

    title: str
    """What it is, in a line."""
    library: str
    """The library whose code builds it (``keras-hub``, ``keras.applications``)."""
    source: str
    """The library classes or functions called, unchanged."""
    reference: str
    """The library's documentation page of the architecture."""
    requires: list[str]
    """Modules beyond Keras it needs (``keras_hub``)."""
    config: dict[str, Any]
    """The arguments it is built from (a preset's configuration written out, or the application's arguments)."""
    preset: str | None = None
    """The library preset whose configuration ``config`` is, when it is one (weights are never downloaded)."""
    inputs: dict[str, int]
    """What it is fed: batch, and sequence length for text models."""


class ArchitectureTraining(ContractModel):
    """One architecture built, trained a few steps, predicted and saved under one backend."""

    info: ArchitectureInfo
    """Its declarations for the run's mode."""
    status: Literal["trained", "error", "unavailable"]
    """``trained``: every step ran and the file was saved; ``error``: something raised (``error``);
    ``unavailable``: a module it requires is not installed (``reason``)."""
    params: int | None = None
    """Its parameter count, as Keras counts it."""
    losses: list[float] = []
    """The training loss of each step (one batch, fed again each step)."""
    losses_finite: bool | None = None
    """Whether every step's loss was a finite number."""
    variables: int | None = None
    """Trainable variables."""
    variables_changed: int | None = None
    """Trainable variables whose values the steps changed."""
    build_s: float | None = None
    """Seconds to build it (and compile, for KerasHub's tasks)."""
    step_s: list[float] = []
    """Seconds of each training step; the first traces and compiles the step."""
    predict_s: float | None = None
    """Seconds of the first prediction (tracing included)."""
    save_s: float | None = None
    """Seconds to save the ``.keras`` file."""
    saved_bytes: int | None = None
    """Size of the ``.keras`` file."""
    output_shape: list[int] = []
    """Shape of its predictions."""
    error: ErrorInfo | None = None
    """What it raised."""
    reason: str | None = None
    """Why it was not tried."""


class ArchitectureTrainings(ContractModel):
    """The ``arch_train`` stage of one training backend."""

    backend: str
    """The Keras backend."""
    steps: int
    """Training steps run for each architecture."""
    programs: dict[str, ArchitectureTraining]
    """Per architecture program (a path under ``evidence/programs/``)."""


class Comparison(ContractModel):
    """Predictions on the same inputs against a reference."""

    max_abs_diff: float
    """Largest absolute difference."""
    reference_scale: float
    """Largest absolute value of the reference: the scale the difference is judged against."""
    top1_agreement: float
    """Share of positions whose top-scoring class (over the last axis) is the reference's."""
    top1_differing: int
    """Positions whose top-scoring class differs."""
    shape: list[int]
    """Shape of the predictions compared."""

    @property
    def relative_diff(self) -> float:
        """``max_abs_diff`` over the reference's scale (at least 1, so that near-zero outputs are judged
        absolutely)."""
        return self.max_abs_diff / max(self.reference_scale, 1.0)


class ArchitectureLoad(ContractModel):
    """One saved ``.keras`` file of an architecture, loaded and run under one backend."""

    status: Literal["loaded", "error", "missing", "unavailable"]
    """``loaded``: it loaded and predicted (``comparison``); ``error``: loading or predicting raised; ``missing``:
    the saving backend made no file; ``unavailable``: a module it requires is not installed here."""
    load_s: float | None = None
    """Seconds to load the file."""
    predict_s: float | None = None
    """Seconds of the prediction (tracing included)."""
    comparison: Comparison | None = None
    """Its predictions against the saving backend's own."""
    error: ErrorInfo | None = None
    """What loading or predicting raised."""
    reason: str | None = None
    """Why it was not tried."""


class ArchitectureLoads(ContractModel):
    """The ``arch_load`` stage of one backend: every architecture's saved files loaded here."""

    backend: str
    """The Keras backend that loaded."""
    programs: dict[str, dict[str, ArchitectureLoad]]
    """Per architecture program, per saving backend."""


# -- the model program (stages train and load) and our own corpus (stage corpus) ----------------------------------
class ModelTraining(ContractModel):
    """The ``train`` stage: the model program trained unchanged under one training backend, saved."""

    backend: str
    """The Keras backend."""
    program: str
    """The model program (``digits_mlp.py``)."""
    epochs: int
    """Epochs trained."""
    batch_size: int
    """Batch size."""
    train_samples: int
    """Training examples."""
    test_samples: int
    """Held-out test examples."""
    test_accuracy: float
    """Accuracy on the test split."""
    final_loss: float
    """Training loss of the last epoch."""
    loss_per_epoch: list[float]
    """Training loss of each epoch."""
    warmup_epochs: int
    """Epochs left out of the timing (the first traces and compiles)."""
    warmup_epoch_s: list[float]
    """Seconds of those epochs."""
    epoch_time: dict[str, Any]
    """The later epochs' seconds summarised (:func:`evidence.timing.summarize`)."""
    train_s: float
    """Seconds of the whole training."""
    saved: str
    """The ``.keras`` file's name in the run's folder."""
    saved_bytes: int
    """Its size."""
    inputs_identical: bool
    """Whether this backend's test inputs were byte-identical to those the load stage predicts on."""
    torch_threads: int | None = None
    """Intra-op threads torch ran with; None on other backends."""


class Agreement(ContractModel):
    """Predicted probabilities against the saving backend's own."""

    max_abs_diff: float | None = None
    """Largest absolute difference."""
    class_agreement: float | None = None
    """Share of inputs whose predicted class agrees."""
    classes_differing: int | None = None
    """Inputs whose predicted class differs."""
    precision: str | None = None
    """The inference precision the engine compiled with, where it reports one (OpenVINO)."""
    error: ErrorInfo | None = None
    """What the prediction raised (the OpenVINO f32-hinted rerun)."""


class LoadedSource(Agreement):
    """One training backend's saved file of the model program, loaded and run under the loading backend."""

    status: Literal["loaded", "error", "missing"]
    """``loaded``: it loaded and predicted; ``error``: it raised (``error``); ``missing``: no file."""
    load_predict_s: float | None = None
    """Seconds to load and predict."""
    f32_hint: Agreement | None = None
    """OpenVINO only: the rerun with ``INFERENCE_PRECISION_HINT=f32``."""
    reason: str | None = None
    """Why it was not tried."""


class TrainAttempt(ContractModel):
    """An inference-only backend's attempt to train the model program."""

    works: bool
    """Whether ``fit`` ran."""
    final_loss: float | None = None
    """The loss it reached, when it ran."""
    error: ErrorInfo | None = None
    """What ``fit`` raised."""


class ModelLoads(ContractModel):
    """The ``load`` stage: every training backend's saved model program loaded under one backend."""

    backend: str
    """The Keras backend that loaded."""
    inputs: int
    """Test inputs predicted on."""
    sources: dict[str, LoadedSource]
    """Per saving backend."""
    train_attempt: TrainAttempt | None = None
    """The inference-only backends' training attempt."""


class ProgramInfo(ContractModel):
    """A corpus program's declarations and the frameworks its source imports."""

    title: str
    """What it is."""
    modelled_on: str
    """The keras.io guide or example whose kind of program it is."""
    features: list[str]
    """The Keras features it exercises."""
    imports: list[str]
    """The frameworks it imports besides Keras (``["keras"]`` when none)."""


class CorpusEntry(ContractModel):
    """One corpus program run unchanged under one training backend."""

    info: ProgramInfo
    """Its declarations."""
    ran: bool
    """Whether it ran to the end without raising."""
    loss_before: float | None = None
    """Its loss before training (None: not a finite number)."""
    loss_after: float | None = None
    """Its loss after training."""
    checks: dict[str, bool] = {}
    """Its own checks."""
    error: ErrorInfo | None = None
    """What it raised."""
    seconds: float
    """Seconds it took, loading included."""


class CorpusRuns(ContractModel):
    """The ``corpus`` stage of one training backend."""

    backend: str
    """The Keras backend."""
    epochs: int
    """Epochs each program trained."""
    programs: dict[str, CorpusEntry]
    """Per corpus program."""
