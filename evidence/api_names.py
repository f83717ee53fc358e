"""The framework API names a Python program uses, resolved with the standard library's ``ast`` only (for
:mod:`evidence.code_metrics`).

Each framework name the program uses, resolved through its imports to a dotted name: with
``import tensorflow as tf``, ``tf.nn.relu`` is ``tensorflow.nn.relu``; with ``from keras import layers``,
``layers.Dense`` is ``keras.layers.Dense``. Only the longest chain counts (``keras.layers.Dense``, not also
``keras.layers``). Methods are resolved through a light, flow-insensitive inference, so that
``model.fit`` and ``tape.gradient`` count too:

* a name (or ``self.name``) assigned a framework constructor call (``model = keras.Sequential(...)``), bound
  by ``with tf.GradientTape() as tape``, or annotated with a framework class (``model: keras.Model``) has
  that class as its type, and ``model.fit`` is ``keras.Sequential.fit``;
* in a class derived from a framework class, ``self.x``/``super().x`` where the class itself defines no
  ``x`` is the base's ``x`` (``self.add_weight`` in a ``keras.layers.Layer`` is
  ``keras.layers.Layer.add_weight``);
* an attribute of a framework call's result: of a constructor (``Dataset(...)``) or class method
  (``tf.data.Dataset.from_tensor_slices(...)``) is an attribute of that class, and a method called on a
  typed value returns the same type (fluent chains such as ``.shuffle(...).batch(...)``);
* an instance of a class of the file derived from a framework class (``model = MLP()`` with
  ``class MLP(tf.Module)``) has that base's members, except those the class defines itself;
* defining a hook method of :data:`HOOKS` (``call``, ``build``, ``train_step``...) in such a class is
  using that API.

A "constructor" or "class" is a dotted name whose last part starts with a capital letter. Imports are
collected from the whole file, wherever they appear. Names this inference cannot type (a function's
unannotated parameter, the result of ``x = model.fit(...)``) are not counted: the counts are a lower bound,
the same rules for both sides of a comparison."""

from __future__ import annotations

import ast

#: Top-level modules whose names count as framework API.
FRAMEWORK_ROOTS: tuple[str, ...] = ("keras", "tensorflow", "jax", "torch")

#: Methods a subclass of a framework class overrides to hook into it: defining one is using that API (the
#: name must be known), so ``def train_step`` in a ``keras.Model`` subclass counts as ``keras.Model.train_step``.
HOOKS: frozenset[str] = frozenset({
    "call", "build", "train_step", "test_step", "predict_step", "compute_loss", "compute_output_shape",
    "get_config", "from_config", "update_state", "result", "reset_state", "on_epoch_begin", "on_epoch_end",
    "on_train_begin", "on_train_end", "on_batch_begin", "on_batch_end", "on_train_batch_end", "metrics",
    "__len__", "__getitem__",
})

#: Prefix of a type that is a class of the analysed file itself (with a framework class among its bases).
LOCAL = "<local>:"


# -- the collector ---------------------------------------------------------------------------------------------
def dotted(node: ast.AST) -> list[str] | None:
    """``a.b.c`` as ``["a", "b", "c"]``; None for anything but a chain of attributes on a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _is_class_name(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1][:1].isupper()


class ApiCollector:
    """Resolves a module's framework names; see the module docstring for the rules."""

    def __init__(self, tree: ast.Module, roots: tuple[str, ...]):
        self.roots = roots
        self.aliases: dict[str, str] = {}
        self.types: dict[str, str] = {}  # "name" or "self.name" -> framework class
        self.class_bases: dict[str, list[str]] = {}  # class name -> its framework bases
        self.class_members: dict[str, set[str]] = {}  # class name -> names it defines (methods, self.x)
        self.references: list[tuple[str, int]] = []  # (api name, line)
        self._collect_imports(tree)
        self._collect_classes(tree)
        self._collect_types(tree)

    # framework-ness of a dotted name
    def _framework(self, dotted: str | None) -> bool:
        return bool(dotted) and dotted.split(".", 1)[0] in self.roots

    def _collect_imports(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:  # ``import a.b`` binds ``a``
                        top = alias.name.split(".", 1)[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def resolve(self, node: ast.AST) -> str | None:
        """The canonical dotted name of ``node`` (a name or attribute chain) if it is framework API, else None."""
        parts = dotted(node)
        if parts:
            head, rest = parts[0], parts[1:]
            if head in self.aliases:
                full = ".".join([self.aliases[head], *rest])
                return full if self._framework(full) else None
            if head == "self" and rest:
                typed = self.types.get(f"self.{rest[0]}")
                if typed:
                    return self._member(typed, rest[1:])
                return None  # inherited members are resolved in visit, where the enclosing class is known
            if head in self.types:
                return self._member(self.types[head], rest)
            return None
        # an attribute of a call result: the type the call returns, if known
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
            returned = self.call_type(node.value, fluent=True)
            if returned:
                return f"{returned}.{node.attr}"
        return None

    def _member(self, typed: str, rest: list[str]) -> str | None:
        """The API name of ``value.rest`` for a value of type ``typed``; None for the value alone, or for a
        member that a class of this file defines itself."""
        if not rest:
            return None
        if typed.startswith(LOCAL):
            cls = typed.removeprefix(LOCAL)
            if rest[0] in self.class_members.get(cls, set()):
                return None
            return ".".join([self.class_bases[cls][0], *rest])
        return ".".join([typed, *rest])

    def call_type(self, call: ast.Call, *, fluent: bool = False) -> str | None:
        """The framework class a call returns, when it can be told from the call alone.

        A constructor (``keras.Sequential(...)``) returns its class; a class method reached through a module
        (``tf.data.Dataset.from_tensor_slices(...)``) returns its class; and, only where ``fluent`` (the call's
        result is used on the spot, as in ``.shuffle(...).batch(...)``), a method returns its receiver's type.
        ``history = model.fit(...)`` gets no type: a method's return type is unknown.
        """
        if isinstance(call.func, ast.Name) and self.class_bases.get(call.func.id):
            return f"{LOCAL}{call.func.id}"  # an instance of a class of this file derived from a framework class
        callee = self.resolve(call.func)
        if not callee:
            return None
        if _is_class_name(callee):
            return callee
        owner = callee.rsplit(".", 1)[0]
        if "." not in callee or not _is_class_name(owner):
            return None
        parts = dotted(call.func)
        through_module = bool(parts) and parts[0] in self.aliases
        return owner if (through_module or fluent) else None

    def _collect_classes(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases: list[str] = []
            inherited: set[str] = set()
            for base in node.bases:
                if isinstance(base, ast.Name) and self.class_bases.get(base.id):
                    bases += self.class_bases[base.id]  # a class of this file derived from a framework class
                    inherited |= self.class_members.get(base.id, set())
                elif resolved := self.resolve(base):
                    bases.append(resolved)
            self.class_bases[node.name] = bases
            members = {n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
            for sub in ast.walk(node):
                for target in self._targets(sub):
                    parts = dotted(target)
                    if parts and len(parts) == 2 and parts[0] == "self":
                        members.add(parts[1])
                if isinstance(sub, ast.Assign | ast.AnnAssign) and sub in node.body:
                    for target in self._targets(sub):
                        if isinstance(target, ast.Name):
                            members.add(target.id)
            self.class_members[node.name] = members | inherited

    @staticmethod
    def _targets(node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.Assign):
            out: list[ast.AST] = []
            for target in node.targets:
                out += list(target.elts) if isinstance(target, ast.Tuple) else [target]
            return out
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            return [node.target]
        return []

    def _collect_types(self, tree: ast.Module) -> None:
        # Two passes, so that a type learnt late in the file (a class attribute) still types earlier uses.
        for _ in range(2):
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                    typed = self.call_type(node.value)
                    if typed:
                        for target in node.targets:
                            self._bind(target, typed)
                elif isinstance(node, ast.AnnAssign):
                    typed = self._annotation(node.annotation)
                    if typed:
                        self._bind(node.target, typed)
                elif isinstance(node, ast.With | ast.AsyncWith):
                    for item in node.items:
                        if item.optional_vars is not None and isinstance(item.context_expr, ast.Call):
                            typed = self.call_type(item.context_expr)
                            if typed:
                                self._bind(item.optional_vars, typed)
                elif isinstance(node, ast.arg) and node.annotation is not None:
                    typed = self._annotation(node.annotation)
                    if typed:
                        self.types[node.arg] = typed

    def _annotation(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a string annotation
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        typed = self.resolve(node)
        return typed if typed and _is_class_name(typed) else None

    def _bind(self, target: ast.AST, typed: str) -> None:
        parts = dotted(target)
        if parts and len(parts) == 1:
            self.types[parts[0]] = typed
        elif parts and len(parts) == 2 and parts[0] == "self":
            self.types[f"self.{parts[1]}"] = typed

    def _inherited(self, node: ast.AST, cls: str | None) -> str | None:
        """``self.x`` or ``super().x`` in a class with framework bases, where the class defines no ``x``."""
        if cls is None or not self.class_bases.get(cls):
            return None
        attr_chain: list[str] = []
        current = node
        while isinstance(current, ast.Attribute):
            attr_chain.append(current.attr)
            current = current.value
        attr_chain.reverse()
        if not attr_chain:
            return None
        is_self = isinstance(current, ast.Name) and current.id == "self"
        is_super = (isinstance(current, ast.Call) and isinstance(current.func, ast.Name)
                    and current.func.id == "super")
        if is_super or (is_self and attr_chain[0] not in self.class_members.get(cls, set())):
            return ".".join([self.class_bases[cls][0], *attr_chain])
        return None

    def collect(self, tree: ast.Module) -> None:
        """Record every framework reference of ``tree`` with its line, longest chains only."""
        self._visit(tree, None)

    def _visit(self, node: ast.AST, cls: str | None) -> None:
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                self._visit(base, cls)
            for decorator in node.decorator_list:
                self._visit(decorator, cls)
            bases = self.class_bases.get(node.name) or []
            for child in node.body:
                if bases and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name in HOOKS:
                    self.references.append((f"{bases[0]}.{child.name}", child.lineno))
                self._visit(child, node.name)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            return  # importing a name is not using it
        if isinstance(node, ast.Attribute | ast.Name):
            name = self.resolve(node) or (self._inherited(node, cls) if isinstance(node, ast.Attribute) else None)
            if name:
                self.references.append((name, node.lineno))
                # The longest chain is recorded, its prefixes are not; but a call inside the chain
                # (``Dataset.from_tensor_slices(x).batch``) and its arguments are visited.
                inner = node
                while isinstance(inner, ast.Attribute):
                    inner = inner.value
                if not isinstance(inner, ast.Name):
                    self._visit(inner, cls)
                return
        for child in ast.iter_child_nodes(node):
            self._visit(child, cls)
