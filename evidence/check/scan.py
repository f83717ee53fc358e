"""The static scan of ``kvt check``: backend-specific calls in a Python source, found with ``ast`` (never imported).

A call is *backend-specific* when its callee resolves, through the file's imports (``import tensorflow as tf``,
``from jax import numpy as jnp``, ``from torch.nn import functional as F``), to TensorFlow (``tensorflow``,
``tf_keras``), JAX (``jax``, ``jaxlib``) or PyTorch (``torch``). Decorators such as ``@tf.function`` count as
calls. Each finding says where in the model it is reachable from:

- ``model``: the methods of every Keras class of the file (a class whose bases resolve to ``keras.*``, to
  ``tf.keras.*`` or to another such class of the file: layers, models, losses, metrics), ``build_model()``,
  functions and ``lambda``\\ s handed to a Keras API (``keras.layers.Lambda(...)``) or to ``compile(loss=...,
  metrics=...)``;
- ``train step``: functions named like a train step (``train_step``, ``test_step``, ``compute_loss``, ``*_step``
  compiled with ``tf.function``, ``jax.jit`` or ``torch.compile``) outside a Keras class;
- ``data``: ``make_data()`` (Keras 3 feeds a ``tf.data`` pipeline to every backend while TensorFlow is installed);
- ``other``: the rest (top-level code, helpers no model code calls).

Reachability follows calls to the file's own module-level functions, transitively; it does not follow other
files, methods of non-Keras classes, or calls through variables. The ``keras.ops`` equivalent of a call is looked
up by name in the installed Keras's own ``keras/ops`` API files (read as text, so no framework is imported); a
same-named op is a candidate whose signature is still to be checked, not a proof of equal semantics.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from evidence.check import keras_api

#: Top-level modules and the framework each belongs to.
FRAMEWORK_MODULES: dict[str, str] = {
    "tensorflow": "tensorflow", "tf_keras": "tensorflow",
    "jax": "jax", "jaxlib": "jax",
    "torch": "torch",
}
#: Dotted prefixes that are the Keras API (``tf.keras`` is Keras 3 reached through TensorFlow).
KERAS_PREFIXES: tuple[str, ...] = ("keras.", "tensorflow.keras.", "tf_keras.")
#: Scopes of a finding, from the model's core outwards.
SCOPES: tuple[str, ...] = ("model", "train step", "data", "other")
#: Names of functions that are a model's training logic wherever they are defined.
STEP_NAMES = re.compile(r"(^|_)(train|test|predict|eval)_step$|^compute_loss$")
#: Decorators that compile a function into a step.
COMPILE_DECORATORS: frozenset[str] = frozenset({"tensorflow.function", "jax.jit", "torch.compile"})

#: Constructs with no op equivalent, and what to do instead: (regex on the resolved call, advice). These are
#: advice in our words, keyed by the framework's own names; equivalents of ops come from keras.ops itself.
ADVICE: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), a) for p, a in (
    (r"^tensorflow\.GradientTape$|^jax\.(grad|value_and_grad|vjp)$|^torch\.autograd\.",
     "gradients taken with one framework's autodiff run on that backend only: override compute_loss() and let "
     "Keras take the gradients, or write one train_step per backend"),
    (r"^tensorflow\.function$|^jax\.jit$|^torch\.compile$",
     "Keras compiles the train step itself on every backend (compile(jit_compile=...)); drop the decorator"),
    (r"^tensorflow\.data\.",
     "a tf.data pipeline feeds model.fit on every Keras 3 backend, as long as TensorFlow is installed"),
    (r"^tensorflow\.Variable$|^torch\.nn\.Parameter$",
     "create state with self.add_weight() or keras.Variable"),
    (r"^tensorflow\.keras\.|^tf_keras\.",
     "tf.keras is Keras reached through TensorFlow (tf_keras is Keras 2, TensorFlow only): import keras"),
    (r"^tensorflow\.(py_function|numpy_function)$|^jax\.pure_callback$",
     "a host callback ties the graph to one framework; keras.ops has no equivalent"),
))


class Finding(BaseModel):
    """One backend-specific call in a source file."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    file: str
    """The file's name."""
    line: int
    """Its line (1-based)."""
    call: str
    """The callee as written (``tf.math.cumsum``)."""
    resolved: str
    """The callee with the file's import aliases resolved (``tensorflow.math.cumsum``)."""
    framework: str
    """``tensorflow``, ``jax`` or ``torch``."""
    scope: str
    """Where it is reachable from: ``model``, ``train step``, ``data`` or ``other`` (see the module's doc)."""
    where: str
    """The chain from the root that reaches it (``TfCumsum.call``, ``build_model → helper``)."""
    keras_ops: str | None = None
    """The same-named op of the installed ``keras.ops`` (``keras.ops.cumsum``), when there is one."""
    advice: str | None = None
    """What to do instead, for a construct that is not an op (a gradient tape, a compile decorator)."""
    category: str = "op"
    """What kind of call it is, for the advice (:mod:`evidence.check.advice`): ``op`` (a framework op),
    ``autodiff`` (one framework's gradients), ``compile`` (a compile decorator), ``strings`` (string tensors),
    ``numpy`` (a tensor's ``.numpy()``), ``keras2`` (a Keras 2 API gone from, or a stub in, the installed Keras),
    ``data`` (``tf.data``), ``state`` (a framework variable), ``keras`` (``tf.keras``), ``callback`` (a host
    callback)."""

    @property
    def location(self) -> str:
        """``file:line``."""
        return f"{self.file}:{self.line}"

    @property
    def in_model(self) -> bool:
        """Whether the model itself (a layer, the model, its loss, metrics or train step) runs this call."""
        return self.scope in ("model", "train step")


# -- keras.ops names, from the installed Keras's API files ------------------------------------------------------
@functools.lru_cache(maxsize=1)
def keras_ops_names() -> dict[str, frozenset[str]]:
    """The names ``keras.ops`` exports, per namespace (``""`` for ``keras.ops`` itself, ``"nn"``, ``"image"`` …).

    Read with ``ast`` from the ``keras/ops/**/__init__.py`` files Keras generates for its public API, located
    with :func:`importlib.util.find_spec` (which does not import Keras); empty when Keras is not installed.
    """
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        return {}
    ops_dir = Path(next(iter(spec.submodule_search_locations))) / "ops"
    out: dict[str, frozenset[str]] = {}
    for init in sorted(ops_dir.glob("**/__init__.py")):
        space = ".".join(init.parent.relative_to(ops_dir).parts)
        try:
            tree = ast.parse(init.read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        names = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("keras.ops"):
                names.update(a.asname or a.name for a in node.names)
        out[space] = frozenset(n for n in names if not n.startswith("_"))
    return out


def keras_ops_equivalent(resolved: str) -> str | None:
    """The Keras equivalent of the framework call ``resolved`` in any namespace that has one (``keras.ops``,
    ``keras.random``, ``keras.layers`` …: :func:`evidence.check.keras_api.equivalent`), or None.

    The name is the call's last part, with the framework's naming conventions mapped (TensorFlow's ``reduce_``
    prefix, PyTorch's in-place ``_`` suffix, ``conv2d`` for ``conv``, ``randn`` for ``normal``); namespaces the
    call names come first (``tf.image.resize``: ``keras.ops.image``; ``tf.random.normal``: ``keras.random``).

    Examples:
        >>> keras_ops_equivalent("tensorflow.math.cumsum") if keras_ops_names() else "keras.ops.cumsum"
        'keras.ops.cumsum'
    """
    parts = resolved.split(".")
    if FRAMEWORK_MODULES.get(parts[0]) is None or len(parts) < 2 or resolved.startswith(KERAS_PREFIXES):
        return None
    return keras_api.equivalent(resolved)


def advice_for(resolved: str) -> str | None:
    """What to do instead of ``resolved`` when it is a construct rather than an op (see :data:`ADVICE`)."""
    return next((text for pattern, text in ADVICE if pattern.search(resolved)), None)


# -- the scan -----------------------------------------------------------------------------------------------------
def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attribute accesses on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def import_aliases(tree: ast.Module) -> dict[str, str]:
    """Each name the file's imports bind (anywhere in the file), and the dotted module path it stands for."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:  # `import jax.numpy` binds `jax`
                    head = alias.name.split(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


@dataclass
class _Function:
    """A function or method of the file, and how it is reached."""

    name: str  # qualified: `build_model`, `TfCumsum.call`
    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: str | None = None
    where: str = ""


class _Scanner:
    """One pass over one file; :meth:`findings` does the work."""

    def __init__(self, tree: ast.Module, file: str):
        self.tree, self.file = tree, file
        self.aliases = import_aliases(tree)
        self.functions: dict[str, _Function] = {}  # module-level functions, by name
        self.methods: dict[str, _Function] = {}  # methods of Keras classes, by `Class.method`
        self.others: list[_Function] = []  # methods of other classes
        self.keras_classes: dict[str, str] = {}
        self.classes: dict[str, list[_Function]] = {}  # methods of the file's other classes, by class
        # Values of the file's plain assignments `name = value` (the last one wins), to see strings through them.
        self.assigned: dict[str, ast.AST] = {
            n.targets[0].id: n.value for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)}

    def resolve(self, node: ast.AST) -> str | None:
        """The dotted path ``node`` stands for through the imports, or None when it is not an imported name."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head not in self.aliases:
            return None
        return self.aliases[head] + (f".{rest}" if rest else "")

    def framework_of(self, path: str | None) -> str | None:
        return FRAMEWORK_MODULES.get(path.split(".")[0]) if path else None

    def is_keras(self, path: str | None) -> bool:
        return bool(path) and (path == "keras" or path.startswith(KERAS_PREFIXES))

    # -- pass 1: the file's functions and Keras classes --------------------------------------------------------
    def collect(self) -> None:
        classes = [n for n in self.tree.body if isinstance(n, ast.ClassDef)]
        changed = True
        while changed:  # a class deriving from a Keras class of the file is a Keras class too
            changed = False
            for cls in classes:
                if cls.name in self.keras_classes:
                    continue
                for base in cls.bases:
                    path = self.resolve(base)
                    local = dotted(base)
                    if self.is_keras(path) or local in self.keras_classes:
                        self.keras_classes[cls.name] = path or self.keras_classes[local]
                        changed = True
                        break
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name] = _Function(node.name, node)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        fn = _Function(f"{node.name}.{item.name}", item)
                        if node.name in self.keras_classes:
                            self.methods[fn.name] = fn
                        else:
                            self.others.append(fn)
                            self.classes.setdefault(node.name, []).append(fn)

    # -- pass 2: roots and what they reach ---------------------------------------------------------------------
    def _handed_to_keras(self) -> dict[str, str]:
        """Module-level functions passed by name to a Keras API call or to ``compile(loss=, metrics=)``."""
        out: dict[str, str] = {}
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            callee = self.resolve(node.func)
            method = node.func.attr if isinstance(node.func, ast.Attribute) else None
            values: list[ast.AST] = []
            if self.is_keras(callee):
                values = [*node.args, *(k.value for k in node.keywords)]
            elif method == "compile" and callee is None:  # model.compile(optimizer, loss, ..., metrics=...)
                values = [*node.args[1:], *(k.value for k in node.keywords
                                            if k.arg in ("loss", "metrics", "weighted_metrics"))]
            elif method in ("fit", "evaluate", "predict") and callee is None:  # callbacks run inside the loop
                values = [k.value for k in node.keywords if k.arg == "callbacks"]
            label = (callee or method or "compile").split(".")[-1]
            for value in values:
                for sub in ast.walk(value):
                    if isinstance(sub, ast.Name) and (sub.id in self.functions or sub.id in self.classes):
                        out.setdefault(sub.id, f"{sub.id} (passed to {label})")
        return out

    def _is_step(self, fn: _Function) -> bool:
        if STEP_NAMES.search(fn.node.name):
            return True
        decorated = {self.resolve(d.func if isinstance(d, ast.Call) else d) for d in fn.node.decorator_list}
        return bool(decorated & COMPILE_DECORATORS) and fn.node.name.endswith("step")

    def reach(self) -> None:
        queue: deque[_Function] = deque()

        def mark(fn: _Function, scope: str, where: str) -> None:
            if fn.scope is None or SCOPES.index(scope) < SCOPES.index(fn.scope):
                fn.scope, fn.where = scope, where
                queue.append(fn)

        for fn in self.methods.values():
            mark(fn, "model", fn.name)
        for name, where in self._handed_to_keras().items():
            if name in self.functions:
                mark(self.functions[name], "model", where)
            for fn in self.classes.get(name, ()):  # a class of the file handed over: its methods run in the model
                mark(fn, "model", f"{where.split(' (')[0]}.{fn.node.name} ({where.split(' (', 1)[-1]}")
        if "build_model" in self.functions:
            mark(self.functions["build_model"], "model", "build_model")
        for fn in [*self.functions.values(), *self.others]:
            if self._is_step(fn):
                mark(fn, "train step", fn.name)
        if "make_data" in self.functions:
            mark(self.functions["make_data"], "data", "make_data")
        while queue:
            fn = queue.popleft()
            for node in ast.walk(fn.node):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    callee = self.functions.get(node.func.id)
                    if callee is not None and callee is not fn:
                        mark(callee, fn.scope, f"{fn.where} → {callee.name}")

    # -- pass 3: the calls ------------------------------------------------------------------------------------
    def _finding(self, node: ast.AST, target: ast.AST, scope: str, where: str, decorator: bool = False):
        path = self.resolve(target)
        call = (dotted(target) or path or "") + (" (decorator)" if decorator else "")
        if path is None:
            return self._method_finding(node, target, scope, where)
        keras2 = self._keras2(path)
        if keras2 is not None:
            status, replacement = keras2
            gone = {"gone": "gone in Keras 3", "stub": "only a stub that raises in Keras 3",
                    "tensorflow only": "kept in tf.keras for the TensorFlow backend only (keras.src.legacy)",
                    "tf_keras": "Keras 2 (the tf_keras package, TensorFlow only)"}[status]
            return Finding(file=self.file, line=node.lineno, call=call, resolved=path, framework="keras 2",
                           scope=scope, where=where, keras_ops=replacement, category="keras2",
                           advice=f"{call} is Keras 2 API, {gone}" + (f": use {replacement}" if replacement else ""))
        strings = (isinstance(node, ast.Call) and path.rsplit(".", 1)[-1] in keras_api.TENSOR_MAKERS
                   and keras_api.has_strings(node, self.assigned))
        framework = self.framework_of(path)
        if framework is None:
            if strings and self.is_keras(path):  # keras.ops.convert_to_tensor(["a", "b"]): TensorFlow only
                return Finding(file=self.file, line=node.lineno, call=call, resolved=path, framework="tensorflow",
                               scope=scope, where=where, advice=keras_api.STRING_ADVICE, category="strings")
            return None
        category = "strings" if strings else keras_api.category_of(path)
        return Finding(file=self.file, line=node.lineno, call=call, resolved=path, framework=framework, scope=scope,
                       where=where, category=category,
                       keras_ops=None if category == "strings" else keras_ops_equivalent(path),
                       advice=(keras_api.STRING_ADVICE if category == "strings" else
                               advice_for(path) or keras_api.no_equivalent(path)))

    def _keras2(self, path: str) -> tuple[str, str | None] | None:
        """(status, replacement) of a Keras API path that is Keras 2's, not the installed Keras's; else None."""
        if path.startswith("tf_keras."):
            rest = path.removeprefix("tf_keras.")
            replacement = f"keras.{rest}" if keras_api.keras2_status(rest, tf_keras=False) is None else None
            return "tf_keras", replacement
        for prefix, tf_keras in (("tensorflow.keras.", True), ("keras.", False)):
            if path.startswith(prefix):
                return keras_api.keras2_status(path.removeprefix(prefix), tf_keras=tf_keras)
        return None

    def _method_finding(self, node: ast.AST, target: ast.AST, scope: str, where: str) -> Finding | None:
        """A method call on a value (not an imported name): ``x.numpy()``, a Keras 2 ``model.fit_generator``, or
        ``model.save`` of a Keras 2 format."""
        if not isinstance(node, ast.Call) or not isinstance(target, ast.Attribute):
            return None
        receiver = dotted(target.value) or ast.unparse(target.value)[:40]
        if self.resolve(target.value) is not None:  # a module's function (np.save), not a method
            return None
        name, call = target.attr, f"{receiver}.{target.attr}"
        if name == "numpy" and not node.args and not node.keywords:
            return Finding(file=self.file, line=node.lineno, call=f"{call}()", resolved="tensorflow.Tensor.numpy",
                           framework="tensorflow", scope=scope, where=where, category="numpy",
                           keras_ops="keras.ops.convert_to_numpy", advice=keras_api.NUMPY_ADVICE)
        removed = keras_api.removed_methods()
        if name in removed:
            return Finding(file=self.file, line=node.lineno, call=call, resolved=f"keras.Model.{name}",
                           framework="keras 2", scope=scope, where=where, category="keras2",
                           advice=f"Model.{name} is Keras 2 API, gone in Keras 3: use {removed[name]}")
        if name == "save" and keras_api.keras2_save(node):
            return Finding(file=self.file, line=node.lineno, call=call, resolved="keras.Model.save",
                           framework="keras 2", scope=scope, where=where, category="keras2",
                           advice=keras_api.SAVE_ADVICE)
        return None

    def import_findings(self) -> list[Finding]:
        """``import``/``from … import`` statements of Keras 2 modules or names gone from the installed Keras."""
        out = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                paths = [f"{node.module}.{a.name}" for a in node.names if a.name != "*"] or [node.module]
                shown = f"from {node.module} import {', '.join(a.name for a in node.names)}"
            elif isinstance(node, ast.Import):
                paths, shown = [a.name for a in node.names], f"import {', '.join(a.name for a in node.names)}"
            else:
                continue
            for path in paths:
                if not (path.startswith(("tensorflow.keras.", "tf_keras")) or path.startswith("keras.")):
                    continue
                status = self._keras2(path) if path != "tf_keras" else ("tf_keras", None)
                if status is None:
                    continue
                replacement = status[1]
                out.append(Finding(file=self.file, line=node.lineno, call=shown, resolved=path, framework="keras 2",
                                   scope="other", where="top level" if node.col_offset == 0 else "an import",
                                   keras_ops=replacement, category="keras2",
                                   advice=f"{path} is Keras 2 API, not in the installed Keras"
                                          + (f": use {replacement}" if replacement else
                                             ": import keras (Keras 3) and its own modules")))
                break
        return out

    def _walk(self, root: ast.AST, scope: str, where: str, out: dict[tuple[int, int], Finding],
              skip: set[int]) -> None:
        """Findings under ``root``; a lambda handed to a Keras API is the model's, wherever it stands."""
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in skip and node is not root:
                continue
            if isinstance(node, ast.Call):
                callee = self.resolve(node.func)
                if self.is_keras(callee) or (isinstance(node.func, ast.Attribute) and node.func.attr == "compile"):
                    for arg in [*node.args, *(k.value for k in node.keywords)]:
                        for lam in (n for n in ast.walk(arg) if isinstance(n, ast.Lambda)):
                            if scope != "model":
                                label = f"lambda in {(callee or 'compile').split('.')[-1]} at line {lam.lineno}"
                                self._walk(lam, "model", label, out, skip)
                                skip.add(id(lam))
                found = self._finding(node, node.func, scope, where)
                if found is not None:
                    out.setdefault((node.lineno, node.col_offset), found)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for dec in node.decorator_list:
                    target = dec.func if isinstance(dec, ast.Call) else dec
                    if not isinstance(dec, ast.Call):  # a decorator call `@tf.function(...)` is found as a Call
                        found = self._finding(dec, target, scope, where, decorator=True)
                        if found is not None:
                            out.setdefault((dec.lineno, dec.col_offset), found)
            stack.extend(ast.iter_child_nodes(node))

    def findings(self) -> list[Finding]:
        self.collect()
        self.reach()
        out: dict[tuple[int, int], Finding] = {}
        every = [*self.functions.values(), *self.methods.values(), *self.others]
        skip = {id(fn.node) for fn in every}
        # Functions by the scope they are reached from, innermost scope first, so a call gets its best scope.
        for fn in sorted(every, key=lambda f: SCOPES.index(f.scope or "other")):
            self._walk(fn.node, fn.scope or "other", fn.where or fn.name, out, set(skip) - {id(fn.node)})
        for node in self.tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self._walk(node, "other", "top level", out, skip)
        for found in self.import_findings():
            out.setdefault((found.line, -1), found)
        return sorted(out.values(), key=lambda f: (f.line, f.call))


def scan_source(source: str, file: str) -> list[Finding]:
    """The backend-specific calls of ``source`` (the text of ``file``), by line.

    Raises:
        SyntaxError: ``source`` is not valid Python.
    """
    return _Scanner(ast.parse(source, filename=file), file).findings()


def scan_file(path: str | Path) -> list[Finding]:
    """:func:`scan_source` of the file at ``path``."""
    path = Path(path)
    return scan_source(path.read_text(encoding="utf-8"), path.name)


def defines(source: str, name: str) -> bool:
    """Whether ``source`` defines a module-level function ``name`` (or binds the name at top level)."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return True
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            return True
    return False
