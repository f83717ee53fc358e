"""Hard constraints: answers that only an option whose evidence shows the path working can satisfy.

Each constraint is tied to one answer (``deploy_target=mobile``), one claim (``deployment``) and a *lookup*: a
small named function with this contract::

    lookup(result: ClaimResult, option: str) -> ConstraintCheck

It is called only with a result that was read (``result.ok``); it returns ``satisfied=True`` only when the
result shows the path working for ``option``, and otherwise ``satisfied=False`` with a reason that quotes the
evidence. A missing or unreadable result, or a claim whose lookup is not written yet, fails the constraint in
:func:`check` with the reason said plainly ("no evidence yet (claim X has no result)"). To plug in a claim when
it lands, write its lookup here against the layout its result has, and set it on the constraint. Every
constraint has one: :func:`portability_check`, :func:`litert_check`, :func:`onnx_check`, :func:`openvino_check`,
:func:`compiled_op_check` and :func:`multi_process_check`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from advisor.options import KERAS_BACKEND
from advisor.result_files import ClaimResult


@dataclass(frozen=True)
class ConstraintCheck:
    """Whether one option satisfies one hard constraint, and the evidence for or against."""

    satisfied: bool
    reason: str


Lookup = Callable[[ClaimResult, str], ConstraintCheck]


@dataclass(frozen=True)
class HardConstraint:
    """An answer that requires evidence of a working path.

    Attributes:
        question: the question id.
        answer: the choice that makes the constraint active.
        claim: the claim whose result can satisfy it.
        requirement: what the evidence must show, in words.
        lookup: the function reading that result (see the module docstring), or None until the claim lands.
    """

    question: str
    answer: str
    claim: str
    requirement: str
    lookup: Lookup | None

    @property
    def id(self) -> str:
        """``question=answer``."""
        return f"{self.question}={self.answer}"


def portability_check(result: ClaimResult, option: str) -> ConstraintCheck:
    """``switch_backends=yes``: the option's code and saved models move to at least one other training backend.

    Reads ``backend_portability`` with :func:`advisor.portability.partners` (same program trained to comparable
    accuracy, saved models predicting the same both ways, by the claim's own thresholds). TensorFlow core is not
    Keras and is not a subject of the claim: its code runs on TensorFlow only.
    """
    from advisor.portability import partners

    if KERAS_BACKEND[option] is None:
        return ConstraintCheck(False, f"{option} is not Keras: its code runs on TensorFlow only, so "
                                      f"{result.claim} has nothing to move")
    found = partners(result, option)
    ok = [o for o, sw in found.items() if sw.ok]
    if ok:
        return ConstraintCheck(True, f"{result.claim}: {option} switches with {', '.join(ok)} "
                                     f"({found[ok[0]].detail})")
    return ConstraintCheck(False, f"{result.claim}: {option} switches with no other backend ("
                                  + "; ".join(f"{o}: {sw.detail}" for o, sw in found.items()) + ")")


def _target_works(result: ClaimResult, option: str, target: str) -> ConstraintCheck:
    """Whether the deployment claim's matrix cell (``target``, ``option``) says ``works``, with its evidence."""
    from advisor.criteria import deployment_matrix

    cell = deployment_matrix(result)[target][option]
    if cell["status"] == "works":
        facts = [f"{cell['artifact_bytes'] / 1e6:.2f} MB"] if cell.get("artifact_bytes") else []
        if cell.get("max_abs_diff") is not None:
            facts.append(f"outputs within {cell['max_abs_diff']:.1e} of the model")
        return ConstraintCheck(True, f"{result.claim}: {target} works for {option}"
                                     + (f" ({', '.join(facts)})" if facts else ""))
    return ConstraintCheck(False, f"{result.claim}: {target} {cell['status']} for {option}: "
                                  f"{cell.get('reason') or 'no reason recorded'}")


def litert_check(result: ClaimResult, option: str) -> ConstraintCheck:
    """``deploy_target=mobile``: the deployment claim shows the option's LiteRT model working end to end."""
    return _target_works(result, option, "litert")


def onnx_check(result: ClaimResult, option: str) -> ConstraintCheck:
    """``deploy_target=onnx``: the deployment claim shows the option's ONNX model working end to end."""
    return _target_works(result, option, "onnx")


def openvino_check(result: ClaimResult, option: str) -> ConstraintCheck:
    """``deploy_target=openvino``: the deployment claim shows the option's OpenVINO IR working end to end."""
    return _target_works(result, option, "openvino")


def compiled_op_check(result: ClaimResult, option: str) -> ConstraintCheck:
    """``custom_ops=compiled_kernels``: the extensibility claim's ``cpp_op`` cell for the option says ``works``
    (a C++ op compiled with g++, loaded with ``tf.load_op_library`` and run inside the option's model)."""
    cell = (result.measurements(option) or {}).get("cells", {}).get("cpp_op")
    if cell is None:
        entry = result.subject(option)
        return ConstraintCheck(False, f"{result.claim} has no cpp_op cell for {option} "
                                      f"({entry['status'] if entry else 'not run'})")
    if cell["status"] == "works":
        return ConstraintCheck(True, f"{result.claim}: the compiled C++ op works for {option}")
    error = cell.get("error") or "no error recorded"
    return ConstraintCheck(False, f"{result.claim}: the compiled C++ op {cell['status']} for {option}: "
                                  f"{str(error).splitlines()[0][:200]}")


def multi_process_check(result: ClaimResult, option: str) -> ConstraintCheck:
    """``scale=multi_node``: some distributed path of the option trains correctly across several processes
    (read with :func:`advisor.distributed.paths`)."""
    from advisor.distributed import paths

    found = paths(result, option)
    multi = {name: p for name, p in found.items() if p.processes >= 2}
    working = [name for name, p in multi.items() if p.works]
    if working:
        return ConstraintCheck(True, f"{result.claim}: {', '.join(working)} trains correctly across processes "
                                     f"({multi[working[0]].detail})")
    if not multi:
        return ConstraintCheck(False, f"{result.claim}: {option} has no multi-process path"
                                      + (f" (measured: {', '.join(found)})" if found else " (no result)"))
    return ConstraintCheck(False, f"{result.claim}: " + "; ".join(f"{n}: {p.detail}" for n, p in multi.items()))


#: Every hard constraint. The lookups of claims without results yet are None: such a constraint is failed
#: with "no evidence yet" until the claim lands and its lookup is written.
HARD_CONSTRAINTS: tuple[HardConstraint, ...] = (
    HardConstraint("deploy_target", "mobile", "deployment",
                   "a LiteRT (.tflite) export that loads in the LiteRT interpreter and agrees with the model",
                   litert_check),
    HardConstraint("deploy_target", "onnx", "deployment",
                   "an ONNX export that runs in ONNX Runtime and agrees with the model", onnx_check),
    HardConstraint("deploy_target", "openvino", "deployment",
                   "an OpenVINO export that runs in OpenVINO and agrees with the model", openvino_check),
    HardConstraint("custom_ops", "compiled_kernels", "extensibility",
                   "a compiled C++ op that loads and runs inside a model", compiled_op_check),
    HardConstraint("scale", "multi_node", "distributed_scaling",
                   "training across real worker processes whose losses agree with one-device training",
                   multi_process_check),
    HardConstraint("switch_backends", "yes", "backend_portability",
                   "the same model code training on another backend, and saved models loading there with equal "
                   "predictions", portability_check),
)


def active(answers: Mapping[str, str]) -> list[HardConstraint]:
    """The hard constraints that ``answers`` switch on."""
    return [c for c in HARD_CONSTRAINTS if answers.get(c.question) == c.answer]


def check(constraint: HardConstraint, results: Mapping[str, ClaimResult], option: str) -> ConstraintCheck:
    """Whether ``option`` satisfies ``constraint`` according to ``results``; never satisfied without evidence."""
    result = results.get(constraint.claim)
    if result is None or result.state == "missing":
        return ConstraintCheck(False, f"no evidence yet (claim {constraint.claim} has no result)")
    if result.state == "invalid":
        return ConstraintCheck(False, f"no usable evidence (claim {constraint.claim}'s result is invalid: "
                                      f"{result.reason})")
    if constraint.lookup is None:
        return ConstraintCheck(False, f"no evidence read yet (claim {constraint.claim} has a result but the "
                                      f"advisor has no lookup for {constraint.id}; add one in "
                                      f"advisor/constraints.py)")
    try:
        return constraint.lookup(result, option)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return ConstraintCheck(False, f"no usable evidence ({constraint.lookup.__name__} could not read claim "
                                      f"{constraint.claim}'s result: {type(exc).__name__}: {exc})")
