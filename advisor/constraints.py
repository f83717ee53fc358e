"""Hard requirements: answers that only an option whose evidence shows the path working can meet.

Each requirement is switched on by one answer (``deploy_target=android``; see :data:`advisor.questions.QUESTIONS`,
``Choice.requires``), read from one claim's typed assessment by a *check*: a small named function

    check(assessment, option) -> Check

that asks the assessment's query methods and returns one of three states:

- ``met``: the evidence shows the path working for the option (the claim's cell or path ``works``);
- ``failed``: the claim tried and it broke (``fails``); the reason names the target or path and the error, short;
- ``not_verified``: nobody could try (``unavailable``: a package missing), or there is no usable evidence at all;
  shown as such, never as a failure.

A claim that cannot be read makes every option ``not_verified`` with the reader's own message ("needs a rerun of
CLAIM"). The checks never repeat a claim's judge: they read the cell the judge wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from evidence.options import KERAS_BACKEND

State = Literal["met", "not_verified", "failed"]
#: Longest error text shown for a failed requirement.
ERROR_LIMIT = 120


@dataclass(frozen=True)
class Check:
    """Whether one option meets one hard requirement, and the evidence for or against.

    Attributes:
        state: ``met``, ``not_verified`` or ``failed``.
        reason: one plain line: what the evidence shows (the target or path, and the error in short).
    """

    state: State
    reason: str

    @property
    def met(self) -> bool:
        """Whether the requirement is met."""
        return self.state == "met"


@dataclass(frozen=True)
class Requirement:
    """An answer that requires evidence of a working path.

    Attributes:
        id: ``question=answer``, as in :data:`advisor.questions.REQUIREMENT_IDS`.
        claim: the claim whose assessment can meet it.
        needs: what the evidence must show, in words.
        check: the function reading that assessment (see the module docstring).
    """

    id: str
    claim: str
    needs: str
    check: Callable[[Any, str], Check]

    @property
    def question(self) -> str:
        """The question that switches it on."""
        return self.id.split("=", 1)[0]

    @property
    def answer(self) -> str:
        """The answer that switches it on."""
        return self.id.split("=", 1)[1]


def short_error(error: Any, limit: int = ERROR_LIMIT) -> str:
    """An :class:`~evidence.contract.ErrorInfo` (or None) in one short line: ``Type: message``."""
    return error.text(limit) if error is not None else "no error recorded"


# -- backend_portability -------------------------------------------------------------------------------------------
def portability_check(a: Any, option: str) -> Check:
    """``switch_backends=yes``: the option's code and saved models move to at least one other Keras option
    (``partners(option)`` of the backend_portability assessment: the claim's switch rule). TensorFlow core is not
    Keras: its code runs on TensorFlow only, by definition."""
    if KERAS_BACKEND[option] is None:
        return Check("failed", f"{option} is not Keras: its code runs on TensorFlow only (by definition)")
    training = a.trained.get(KERAS_BACKEND[option])
    if training is None or training.status == "unavailable":
        return Check("not_verified", f"the model program was not run on {KERAS_BACKEND[option]} "
                                     f"({training.reason if training else 'no run recorded'})")
    partners = a.partners(option)
    ok = [o for o, (switches, _) in partners.items() if switches]
    if ok:
        return Check("met", f"switches with {', '.join(ok)} ({partners[ok[0]][1]})")
    return Check("failed", "switches with no other backend: " + "; ".join(
        f"{o}: {detail}" for o, (_, detail) in partners.items()) if partners else
        f"the model program did not train on {KERAS_BACKEND[option]}: {training.reason or 'no reason recorded'}")


def _pending(claim: str) -> Callable[[Any, str], Check]:
    def check(assessment: Any, option: str) -> Check:
        return Check("not_verified", f"the advisor does not read claim {claim}'s typed assessment yet")

    check.pending = True  # type: ignore[attr-defined]
    check.__name__ = f"{claim}_check"
    return check


#: Every hard requirement, in the order of :data:`advisor.questions.REQUIREMENT_IDS`.
REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("deploy_target=tf_serving", "deployment",
                "a SavedModel export that TensorFlow Serving loads and that agrees with the model",
                _pending("deployment")),
    Requirement("deploy_target=web_service", "deployment",
                "a model a web service can load and answer with (native .keras, SavedModel, ONNX or .pt2)",
                _pending("deployment")),
    Requirement("deploy_target=android", "deployment",
                "a LiteRT (.tflite) model that the LiteRT interpreter runs and that agrees with the model",
                _pending("deployment")),
    Requirement("deploy_target=ios", "deployment",
                "a LiteRT (.tflite) model (LiteRT runs on iOS) that agrees with the model",
                _pending("deployment")),
    Requirement("deploy_target=browser", "deployment",
                "a model that a browser runtime loads in a real browser and that agrees with the model",
                _pending("deployment")),
    Requirement("deploy_target=onnx", "deployment",
                "an ONNX export that runs in ONNX Runtime and agrees with the model", _pending("deployment")),
    Requirement("deploy_target=openvino", "deployment",
                "an OpenVINO model that runs in OpenVINO and agrees with the model", _pending("deployment")),
    Requirement("scale=multi_node", "distributed_scaling",
                "training across real worker processes whose losses agree with one-device training",
                _pending("distributed_scaling")),
    Requirement("model_size=needs_sharding", "distributed_scaling",
                "a model-parallel path: variables sharded across devices, training correctly",
                _pending("distributed_scaling")),
    Requirement("custom_ops=compiled_kernels", "extensibility",
                "a compiled C++ op, built through the option's own framework, that runs inside a model",
                _pending("extensibility")),
    Requirement("switch_backends=yes", "backend_portability",
                "the same model code training on another backend, and saved models loading there with equal "
                "predictions", portability_check),
)
BY_ID: dict[str, Requirement] = {r.id: r for r in REQUIREMENTS}


def check(requirement: Requirement, readings: Any, option: str) -> tuple[Check, str | None]:
    """Whether ``option`` meets ``requirement`` according to ``readings``, and the venue read; never met without
    evidence."""
    reading = readings.get(requirement.claim)
    if reading is None or not reading.ok:
        why = reading.absent() if reading is not None else f"claim {requirement.claim} was not read"
        return Check("not_verified", f"no usable evidence: {why}"), None
    venue = reading.first_venue()
    return requirement.check(reading.assessment(venue), option), venue
