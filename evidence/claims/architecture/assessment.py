"""The typed assessment of ``architecture``: which backend names Keras accepts and trains on, what tf.keras is,
and when the old backends last released. No framework is imported here: the advisor and the site import it."""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

from evidence.contract import Assessment, ContractModel, ErrorInfo, Interval

Backend = Literal["tensorflow", "jax", "torch", "numpy", "openvino", "theano", "cntk"]
Capability = Literal["trains", "inference_only", "rejected", "ignored", "broken", "unavailable", "failed"]


class BackendTrial(ContractModel):
    """What Keras did under one ``KERAS_BACKEND`` name."""

    backend: Backend
    """The name given to ``KERAS_BACKEND``."""
    status: Capability
    """``trains``: one ``fit`` epoch ran; ``inference_only``: ``predict`` ran but ``fit`` raised;
    ``rejected``: ``import keras`` raised for the name; ``ignored``: Keras imported but ran on another backend
    (Keras 2 reads no ``KERAS_BACKEND`` and always runs on TensorFlow); ``broken``: it imported but could not
    predict;
    ``unavailable``: the backend's package is not installed (not tried); ``failed``: the worker crashed."""
    keras_version: str | None = None
    """The Keras version that ran."""
    active_backend: str | None = None
    """The backend Keras reported running on (``keras.backend.backend()``)."""
    error: ErrorInfo | None = None
    """The error of the first step that failed (the import for a rejected name, ``fit`` for inference only)."""
    reason: str | None = None
    """Why the backend was not tried, or how the worker failed."""
    cold_import_s: Interval | None = None
    """Seconds a fresh ``import keras`` takes under the backend (median of fresh processes, with the
    interquartile range)."""


class TfKeras(ContractModel):
    """What ``tf.keras`` is in the installed TensorFlow."""

    tensorflow_version: str
    """TensorFlow's version."""
    module: str
    """The module ``tf.keras`` resolves to."""
    version: str | None
    """Its version."""
    is_keras: bool
    """Whether ``tf.keras.Model is keras.Model`` (the standalone Keras, not a copy)."""


class LastRelease(ContractModel):
    """A package's newest release in the PyPI listing."""

    version: str
    """The version."""
    month: str
    """Its month (YYYY-MM)."""
    months_before_listing: int
    """Whole months between it and the listing."""


class CitedFact(ContractModel):
    """A fact of the public record, with its date and source: what the claim states about a past it cannot run."""

    date: str
    """When it happened (YYYY-MM, or YYYY-MM-DD where the source gives the day)."""
    fact: str
    """The fact, in our words."""
    source: str
    """Where it is recorded (a URL)."""
    title: str
    """The source's title."""


class ArchitectureAssessment(Assessment):
    """Which backend names Keras accepts and trains on today, what tf.keras is, and when the old backends last
    released."""

    STATUSES: ClassVar[tuple[str, ...]] = get_args(Capability)

    backends: dict[Backend, BackendTrial]
    """One trial per backend name tried."""
    tf_keras: TfKeras | None
    """What tf.keras is; None when the inspection did not run."""
    last_release: dict[str, LastRelease | None]
    """The newest release of each package in the listing (theano, cntk, tensorflow, keras, jax, torch)."""
    listing: str
    """The listing the releases come from."""
    discontinued: list[str]
    """Old backends with no release for at least the threshold's months."""
    history: list[CitedFact] = []
    """The article's era as cited fact (multi-backend Keras 2.x and its end), each with its date and source."""
    not_measured: list[str]
    """Subjects that did not run ok, each with its status and reason."""

    def training_backends(self) -> list[str]:
        """The backends Keras trained on."""
        return [b for b, t in self.backends.items() if t.status == "trains"]

    def inference_only_backends(self) -> list[str]:
        """The backends that predict but do not train."""
        return [b for b, t in self.backends.items() if t.status == "inference_only"]

    def rejected_backends(self) -> list[str]:
        """The names Keras refused at import."""
        return [b for b, t in self.backends.items() if t.status == "rejected"]

    def ignored_backends(self) -> list[str]:
        """The names Keras accepted but did not run on (it ran on another backend)."""
        return [b for b, t in self.backends.items() if t.status == "ignored"]

    def untried_backends(self) -> list[str]:
        """The names that could not be tried (their package is not installed, or the worker failed)."""
        return [b for b, t in self.backends.items() if t.status in ("unavailable", "failed")]
