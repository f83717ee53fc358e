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
from typing import TYPE_CHECKING, Any, Literal

from evidence.options import KERAS_BACKEND

if TYPE_CHECKING:  # the claims' typed assessments, for the type checker (read at run time through the results)
    from advisor.assessments import Readings
    from evidence.claims.backend_portability.assessment import PortabilityAssessment
    from evidence.claims.deployment.assessment import Cell as DeploymentCell
    from evidence.claims.deployment.assessment import DeploymentAssessment
    from evidence.claims.distributed_scaling.assessment import DistributedAssessment, PathRun
    from evidence.claims.extensibility.assessment import ExtensibilityAssessment
    from evidence.claims.platform.assessment import PlatformAssessment

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
def portability_check(a: PortabilityAssessment, option: str) -> Check:
    """``switch_backends=yes``: the option's code and saved models move to at least one other Keras option
    (``partners(option)`` of the backend_portability assessment: the claim's switch rule). TensorFlow core is not
    Keras: its code runs on TensorFlow only, by definition."""
    if KERAS_BACKEND[option] is None:
        return Check("failed", f"{option} is not Keras: its code runs on TensorFlow only (by definition)")
    training = {str(b): t for b, t in a.trained.items()}.get(KERAS_BACKEND[option] or "")
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


# -- deployment -----------------------------------------------------------------------------------------------------
def _cell_problem(cell: DeploymentCell) -> str:
    """A deployment cell that does not work, in one line: target, status, stage, the error in short."""
    if cell.status == "unavailable":
        return f"{cell.target} not verified ({cell.why_unavailable or cell.reason or 'could not be tried'})"
    if cell.status == "not_applicable":
        return f"{cell.target} does not apply ({cell.reason or 'no such artifact'})"
    where = f" at {cell.stage}" if cell.stage else ""
    issue = f"; {cell.known_issue.url}" if cell.known_issue else ""
    return f"{cell.target} fails{where}: {short_error(cell.error) if cell.error else cell.reason or 'no error'}{issue}"


def deploy_check(answer: str) -> Callable[[DeploymentAssessment, str], Check]:
    """The check of ``deploy_target=answer``: some cell of the targets that serve the answer
    (:data:`advisor.readers.DEPLOY_TARGETS`) works for the option. Met when one works; failed when every one was
    tried and failed (or does not apply); not verified when one could not be tried or was not run."""
    from advisor.readers import DEPLOY_TARGETS, cell_facts

    targets = DEPLOY_TARGETS[answer]

    def check(a: DeploymentAssessment, option: str) -> Check:
        cells = {t: a.cell(option, t) for t in targets}
        working = [c for c in cells.values() if c is not None and c.status == "works"]
        if working:
            return Check("met", f"{working[0].target} works: {cell_facts(working[0])}")
        problems = [_cell_problem(c) if c is not None else f"{t} was not run" for t, c in cells.items()]
        tried = [c for c in cells.values() if c is not None and c.status in ("fails", "not_applicable")]
        state: Literal["failed", "not_verified"] = "failed" if len(tried) == len(cells) else "not_verified"
        return Check(state, "; ".join(problems))

    check.__name__ = f"deploy_{answer}_check"
    check.__doc__ = f"``deploy_target={answer}``: a working cell among {', '.join(targets)}."
    return check


# -- distributed_scaling -----------------------------------------------------------------------------------------
def _run_problem(run: PathRun) -> str:
    """A distributed run that does not work, in one line: what it is (in words, not its id), its status, the error
    in short, a public report."""
    why = short_error(run.error) if run.error else run.reason or "no error recorded"
    issue = f"; {run.known_issues[0].url}" if run.known_issues else ""
    return f"{run.what} {run.status.replace('_', ' ')}: {why}{issue}"


def multi_process_check(a: DistributedAssessment, option: str) -> Check:
    """``scale=multi_node``: some run of the option trained correctly across several worker processes
    (``multi_process_ok(option)``; each run is one configuration, so a 2-process run counts whatever its
    1-process reference did)."""
    runs = [r for r in a.paths_for(option) if r.multi_process]
    working = [r for r in runs if r.status == "works"]
    if working:
        best = working[0]
        fault = a.fault_outcome(option)
        diff = ("" if best.loss_rel_diff is None else ", loss identical to one device's" if best.loss_rel_diff == 0
                else f", loss within {best.loss_rel_diff:.0e} of one device's")
        return Check("met", f"{best.what} ({best.processes} processes) trains{diff}"
                            + (f"; a killed worker: {fault.outcome.replace('_', ' ')}" if fault else ""))
    if not runs:
        return Check("failed", f"no multi-process path of {option} was found to run (runs: "
                               f"{', '.join(r.what for r in a.paths_for(option)) or 'none'})")
    tried = [r for r in runs if r.status in ("fails", "not_applicable")]
    return Check("failed" if len(tried) == len(runs) else "not_verified",
                 "; ".join(_run_problem(r) for r in runs))


def model_parallel_check(a: DistributedAssessment, option: str) -> Check:
    """``model_size=needs_sharding``: a measured model-parallel run of the option trained with its weights really
    sharded (``model_parallel_ok(option)``); otherwise what its model-parallel routes are (run here and failed,
    not applicable, or recorded from the public record only: not verified)."""
    working = [r for r in a.paths_for(option) if r.kind == "model_parallel" and r.status == "works"]
    if working:
        run = working[0]
        # In words: which variable was split, not its PartitionSpec (the claim's page shows that).
        split = next((s for s in run.sharding if s.sharded), None)
        if split is None:
            return Check("met", f"{run.what} trains with its weights sharded over {run.devices} devices")
        layer, _, name = split.variable.rpartition("/")

        def dims(shape: list[int]) -> str:
            return "×".join(map(str, shape))

        return Check("met", f"{run.what} trains with its weights sharded over {run.devices} devices (layer "
                            f"{layer.rpartition('/')[2] or layer}'s {name}, {dims(split.global_shape)}, in "
                            f"{dims(split.shard_shape)} pieces)")
    routes = a.model_parallel_routes(option)
    if not routes:
        return Check("not_verified", "the distributed_scaling claim records no model-parallel route for it")
    if any(r.status is None or r.status == "unavailable" for r in routes):
        return Check("not_verified", "; ".join(f"{r.route}: {r.statement}" for r in routes))
    return Check("failed", "; ".join(f"{r.route} {(r.status or '').replace('_', ' ')}: {r.statement}"
                                     for r in routes))


# -- extensibility --------------------------------------------------------------------------------------------------
def compiled_op_check(a: ExtensibilityAssessment, option: str) -> Check:
    """``custom_ops=compiled_kernels``: the option's compiled C++ op through its own framework's mechanism
    (``compiled_op(option)``: ``tf.load_op_library``, ``jax.ffi``, ``torch.utils.cpp_extension``) works inside a
    model, gradient checked."""
    cell = a.compiled_op(option)
    if cell is None:
        return Check("not_verified", "the extensibility claim tried no compiled op for it")
    if cell.status == "works":
        grad = " and gradient-checked" if cell.gradient_check and cell.gradient_check.passed else ""
        steps = len(cell.build_steps)
        return Check("met", f"{cell.mechanism}: a C++ op built{grad} inside a model ({cell.lines} lines, "
                            f"{steps} build step{'s' if steps != 1 else ''})")
    if cell.status == "unavailable":
        return Check("not_verified", f"{cell.mechanism} could not be tried ({cell.reason or 'a tool was missing'})")
    if cell.status == "not_applicable":
        return Check("failed", f"{cell.mechanism} does not apply ({cell.reason or 'no such mechanism'})")
    return Check("failed", f"{cell.mechanism} fails: {short_error(cell.error) if cell.error else cell.reason}")


# -- platform ------------------------------------------------------------------------------------------------------
#: The platform evidence's support -> the requirement's state: only ``supported`` meets it; ``experimental`` and
#: ``unknown`` are not verified (nothing read shows it working as supported); ``unsupported`` and
#: ``not_applicable`` (that hardware does not exist with that system) fail.
PLATFORM_STATE: dict[str, State] = {"supported": "met", "experimental": "not_verified", "unknown": "not_verified",
                                    "unsupported": "failed", "not_applicable": "failed"}


def platform_check(accelerator: str, system: str) -> Callable[[PlatformAssessment, str], Check]:
    """The check of ``platform=accelerator/system``: the platform assessment's cell for the option
    (``cell(option, accelerator, system)``), its status mapped by :data:`PLATFORM_STATE`, its ``how`` the reason."""

    def check(a: PlatformAssessment, option: str) -> Check:
        cell = a.cell(option, accelerator, system)
        if cell is None:
            return Check("not_verified", f"the platform evidence records nothing for {accelerator} on {system}")
        basis = {"code": "installed code", "cited": "cited", "code_and_cited": "installed code and cited"}
        status = cell.status.replace("_", " ")
        return Check(PLATFORM_STATE[cell.status], f"{status}: {cell.how} ({basis[cell.basis]})")

    check.__name__ = f"platform_{accelerator}_{system}_check"
    check.__doc__ = f"``platform={accelerator}/{system}``: the platform evidence's cell for it."
    return check


def _platform_requirements() -> tuple[Requirement, ...]:
    from advisor.questions import BY_ID_VALUES

    return tuple(Requirement(f"platform={a}/{o}", "platform",
                             "the platform evidence shows the option supported there (an experimental plugin, "
                             "or nothing recorded either way: not verified)",
                             platform_check(a, o))
                 for a in BY_ID_VALUES["accelerator"] for o in BY_ID_VALUES["os"])


#: Every hard requirement, in the order of :data:`advisor.questions.REQUIREMENT_IDS`.
REQUIREMENTS: tuple[Requirement, ...] = (*_platform_requirements(),
    Requirement("deploy_target=tf_serving", "deployment",
                "a SavedModel that loads in a fresh process and agrees with the model (what TensorFlow Serving "
                "loads)", deploy_check("tf_serving")),
    Requirement("deploy_target=web_service", "deployment",
                "a model a Python service loads and answers with (native .keras, SavedModel, ONNX or .pt2)",
                deploy_check("web_service")),
    Requirement("deploy_target=android", "deployment",
                "a LiteRT (.tflite) or ExecuTorch model that its runtime runs and that agrees with the model",
                deploy_check("android")),
    Requirement("deploy_target=ios", "deployment",
                "a LiteRT (.tflite) or ExecuTorch model (both run on iOS) that agrees with the model",
                deploy_check("ios")),
    Requirement("deploy_target=browser", "deployment",
                "a model that ONNX Runtime Web or LiteRT.js runs in a real browser and that agrees with the model",
                deploy_check("browser")),
    Requirement("deploy_target=onnx", "deployment",
                "an ONNX export that runs in ONNX Runtime and agrees with the model", deploy_check("onnx")),
    Requirement("deploy_target=openvino", "deployment",
                "an OpenVINO model that runs in OpenVINO and agrees with the model", deploy_check("openvino")),
    Requirement("scale=multi_node", "distributed_scaling",
                "training across real worker processes whose losses agree with one-device training",
                multi_process_check),
    Requirement("model_size=needs_sharding", "distributed_scaling",
                "a model-parallel path: variables sharded across devices, training correctly",
                model_parallel_check),
    Requirement("custom_ops=compiled_kernels", "extensibility",
                "a compiled C++ op, built through the option's own framework, that runs inside a model",
                compiled_op_check),
    Requirement("switch_backends=yes", "backend_portability",
                "the same model code training on another backend, and saved models loading there with equal "
                "predictions", portability_check),
)
BY_ID: dict[str, Requirement] = {r.id: r for r in REQUIREMENTS}


def check(requirement: Requirement, readings: Readings, option: str) -> tuple[Check, str | None]:
    """Whether ``option`` meets ``requirement`` according to ``readings``, and the venue read (the first whose
    assessment shows it met, else the first); never met without evidence."""
    reading = readings.get(requirement.claim)
    if reading is None or not reading.ok:
        why = reading.absent() if reading is not None else f"claim {requirement.claim} was not read"
        return Check("not_verified", f"no usable evidence: {why}"), None
    # A path shown working on any venue works; otherwise the first venue (CPU first) says why not.
    checks = [(requirement.check(reading.assessment(v), option), v) for v in reading.venues]
    return next((c for c in checks if c[0].met), checks[0])
