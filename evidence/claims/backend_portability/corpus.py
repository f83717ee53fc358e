"""The corpus of ``backend_portability``: which programs it holds, what each one is, and how a failure is classed.

A corpus program is a file under ``evidence/programs/corpus/`` with the interface every one of them shares:
``TITLE``, ``MODELLED_ON`` (the keras.io guide or example whose kind of program it is), ``FEATURES``, and
``run(epochs, workdir) -> {"loss_before", "loss_after", "checks"?}``. :func:`describe_program` reads those
declarations and the frameworks the program imports from its source, without importing it (the parent process
has no framework). :func:`outcome` decides whether a run worked, and :func:`classify` puts a failure into one of
:data:`FAILURE_RULES` (the data file ``data/failure_rules.json``), by what the error says and what the program
imports: no program declares its own class.

Pure Python: the claim's ``assess`` and the tests use it without a framework.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
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


#: The data file of the failure classes (with their sources): the rules, tried in order.
RULES_FILE = Path(__file__).parent / "data" / "failure_rules.json"
_RULES = json.loads(RULES_FILE.read_text(encoding="utf-8"))
#: The classes, tried in order (the most specific first); a failure no rule matches is ``unclassified`` (and named
#: in the findings).
FAILURE_RULES: tuple[FailureRule, ...] = tuple(FailureRule(**rule) for rule in _RULES["rules"])
UNCLASSIFIED = FailureRule(**_RULES["unclassified"])

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
