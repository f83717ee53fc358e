"""The corpus of ``backend_portability``: which programs it holds, what each one is, and how a failure is classed.

A corpus program is a file under ``evidence/programs/corpus/`` with the interface every one of them shares:
``TITLE``, ``MODELLED_ON`` (the keras.io guide or example whose kind of program it is), ``FEATURES``, and
``run(epochs, workdir) -> {"loss_before", "loss_after", "checks"?}``. :func:`describe_program` reads those
declarations and the frameworks the program imports from its source, without importing it (the parent process
has no framework). :func:`outcome` decides whether a run worked, and :func:`classify` puts a failure into one of
:data:`FAILURE_RULES`, by what the error says and what the program imports: no program declares its own class.

Pure Python: the claim's ``assess`` and the tests use it without a framework.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from evidence.claim import PROGRAMS_DIR

#: Modules whose import makes a program depend on one framework, and the framework.
FRAMEWORK_MODULES: dict[str, str] = {"tensorflow": "tensorflow", "tf_keras": "tensorflow", "jax": "jax",
                                     "jaxlib": "jax", "flax": "jax", "optax": "jax", "torch": "torch"}


def describe_program(name: str) -> dict[str, Any]:
    """``TITLE``, ``MODELLED_ON``, ``FEATURES`` and the frameworks imported (anywhere in the file) of program
    ``name`` (a path under ``evidence/programs/``), read from its source.

    Raises:
        ValueError: the program lacks one of the declarations; the message names it.
    """
    path = PROGRAMS_DIR / name
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    declared: dict[str, Any] = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in ("TITLE", "MODELLED_ON", "FEATURES")):
            declared[node.targets[0].id] = ast.literal_eval(node.value)
    missing = [k for k in ("TITLE", "MODELLED_ON", "FEATURES") if k not in declared]
    if missing:
        raise ValueError(f"Expected corpus program {name} to declare {', '.join(missing)}")
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    frameworks = sorted({FRAMEWORK_MODULES[m] for m in imported if m in FRAMEWORK_MODULES})
    return {"title": declared["TITLE"], "modelled_on": declared["MODELLED_ON"],
            "features": list(declared["FEATURES"]), "imports": frameworks or ["keras"]}


#: ``FailureRule.imports`` value: the program imports some framework other than the backend it ran under.
FOREIGN = "foreign"


@dataclass(frozen=True)
class FailureRule:
    """A class of code that does not port, and how to recognise its failures.

    Attributes:
        id: the class id.
        title: what kind of code it is.
        why: why it does not port, in the public record's terms.
        reference: where the public record says so.
        portable_route: what ports instead.
        pattern: searched in the failure's text (``Type: message``, the wrapped error, where it arose in the program
            and that line's source).
        imports: None: any program; a framework: only a program importing it, run under another backend;
            :data:`FOREIGN`: only a program importing a framework other than the backend it ran under.
        home: the backend where such code works, under which the rule never applies (None: none).
    """

    id: str
    title: str
    why: str
    reference: str
    portable_route: str
    pattern: str
    imports: str | None = None
    home: str | None = None

    def matches(self, text: str, imports: list[str], backend: str) -> bool:
        """Whether a failure with ``text``, of a program importing ``imports``, run under ``backend``, is of this
        class."""
        if backend == self.home:
            return False
        if self.imports == FOREIGN:
            if not any(f not in ("keras", backend) for f in imports):
                return False
        elif self.imports is not None and (self.imports not in imports or self.imports == backend):
            return False
        return re.search(self.pattern, text) is not None


#: The classes, tried in order (the most specific first); a failure no rule matches is ``unclassified`` (and named
#: in the findings).
FAILURE_RULES: tuple[FailureRule, ...] = (
    FailureRule(
        id="train_step_signature",
        title="A train_step override, which the JAX trainer calls with another signature",
        why=("The JAX trainer calls train_step(state, data), a pure function returning the new state; the TensorFlow "
             "and PyTorch trainers call train_step(data) and expect variables updated in place. An override written "
             "for one of the two conventions fails under the other, even one that only calls super().train_step "
             "with keras.ops."),
        reference="https://keras.io/guides/custom_train_step_in_jax/",
        portable_route=("override compute_loss (or compute_metrics) and leave the step to each backend's trainer; "
                        "or write one train_step per backend, as keras.io's three guides do"),
        pattern=r"train_step\(\) (missing \d+ required positional argument|takes \d+ positional arguments? but "
                r"\d+ (were|was) given)",
    ),
    FailureRule(
        id="torch_module_in_model",
        title="A PyTorch module inside the model (TorchModuleWrapper)",
        why="TorchModuleWrapper's docstring: it is only compatible with the PyTorch backend.",
        reference="https://keras.io/api/layers/backend_specific_layers/torch_module_wrapper/",
        portable_route="the same layers written as Keras layers",
        pattern=r"TorchModuleWrapper|torch\.",
        imports="torch",
    ),
    FailureRule(
        id="framework_training_code",
        title="Training code written with one framework's autodiff (tf.GradientTape, loss.backward(), tf.function)",
        why=("A gradient tape, torch's backward() or a tf.function differentiates or traces its own framework's "
             "tensors only; keras.io's guides to a custom train_step or training loop come in one version per "
             "backend."),
        reference="https://keras.io/guides/writing_a_custom_training_loop_in_tensorflow/",
        portable_route=("fit() with a compute_loss override; a custom loop needs one version per backend (keras.io "
                        "has the TensorFlow, JAX and PyTorch ones)"),
        pattern=r"in train_step\b|GradientTape|tape\.gradient|\.backward\(|zero_grad",
        imports=FOREIGN,
    ),
    FailureRule(
        id="tf_preprocessing_in_model",
        title="A TensorFlow-backed preprocessing layer inside the model, fed strings (TextVectorization, StringLookup)",
        why=("TextVectorization's docstring: it uses TensorFlow internally and cannot be part of the compiled "
             "computation of a model on a backend other than TensorFlow; JAX and PyTorch have no string tensors, so "
             "the string batches Keras hands them are NumPy object arrays it cannot convert."),
        reference="https://keras.io/api/layers/preprocessing_layers/text/text_vectorization/",
        portable_route=("apply the layer outside the model: in a tf.data map or once, eagerly, on the raw data, as "
                        "the docstring recommends (text_lstm.py)"),
        pattern=r"Invalid dtype: (object|str\d*)",
        home="tensorflow",
    ),
    FailureRule(
        id="tf_ops_in_model",
        title="TensorFlow ops inside a layer, a Lambda or a model's call",
        why=("Keras 3 hands a layer the tensors of the backend that runs (a JAX tracer, a torch.Tensor); "
             "TensorFlow ops cannot trace or differentiate them, and TensorFlow's conversion of them raises."),
        reference="https://keras.io/guides/migrating_to_keras_3/",
        portable_route="the same computation with keras.ops, which every backend implements",
        pattern=(r"TracerArrayConversionError|numpy\(\) on Tensor that requires grad|Attempt to convert a value"
                 r"|to a Tensor|tf\.|EagerTensor|_error_repr"),
        imports="tensorflow",
    ),
)

UNCLASSIFIED = FailureRule(
    id="unclassified",
    title="Failures that no declared class describes",
    why="Not yet understood: each one is listed with its error in the findings.",
    reference="",
    portable_route="",
    pattern=r".",
)

RULES_BY_ID: dict[str, FailureRule] = {r.id: r for r in (*FAILURE_RULES, UNCLASSIFIED)}


def failure_text(error: dict[str, Any]) -> str:
    """The text a rule is searched in: ``Type: message``, the wrapped error, the program's function it arose in
    (``in train_step``; not the file's name, which would match a rule by itself) and that line's source."""
    where = (error.get("at") or "").rpartition(" in ")
    parts = [f"{error.get('type', '')}: {error.get('message', '')}", error.get("root") or "",
             f"in {where[2]}" if where[1] else "", error.get("line") or ""]
    return " | ".join(p for p in parts if p)


def classify(error: dict[str, Any], imports: list[str], backend: str) -> str:
    """The id of the first rule of :data:`FAILURE_RULES` that the failure matches, else ``unclassified``.

    Examples:
        >>> classify({"type": "TypeError", "message": "M.train_step() missing 1 required positional argument: "
        ...           "'data'"}, ["jax"], "torch")
        'train_step_signature'
        >>> classify({"type": "ZeroDivisionError", "message": "division by zero"}, ["keras"], "jax")
        'unclassified'
    """
    text = failure_text(error)
    return next((r.id for r in FAILURE_RULES if r.matches(text, imports, backend)), UNCLASSIFIED.id)


def outcome(entry: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """``("works", None)`` or ``("fails", error)`` for one corpus run's raw entry.

    A run works when it ran to the end, both losses are finite, the loss after training is below the loss before
    (it learned something in a few epochs of an easy task), and every check it made held. Otherwise the error is
    what it raised, or a ``CheckFailed`` record naming what did not hold.
    """
    if not entry.get("ran"):
        return "fails", entry.get("error") or {"type": "unknown", "message": "no error recorded"}
    before, after = entry.get("loss_before"), entry.get("loss_after")
    if before is None or after is None:
        return "fails", {"type": "CheckFailed", "message": f"a loss is not a finite number (before {before}, "
                                                           f"after {after})"}
    failed = [name for name, held in (entry.get("checks") or {}).items() if not held]
    if failed:
        return "fails", {"type": "CheckFailed", "message": "did not hold: " + "; ".join(failed)}
    if not after < before:
        return "fails", {"type": "CheckFailed",
                         "message": f"the loss did not go down in training ({before:.4g} before, {after:.4g} after)"}
    return "works", None
