"""Code metrics of Python programs, with the standard library's ``ast`` and ``tokenize`` only (no regexes).

What is counted, for a file or a source string:

logical lines
    Python's logical lines (``tokenize``'s ``NEWLINE`` tokens: a statement wrapped over several physical lines
    counts once), minus docstrings; comments and blank lines are not logical lines to begin with.
framework lines
    The logical lines that name at least one framework API.
tokens
    Tokens of code (names, operators, literals), without comments, docstrings, newlines and indentation.
API names
    Each framework name the program uses, resolved through its imports to a dotted name, and methods through a
    light, flow-insensitive type inference: see :mod:`evidence.api_names`.
branches, cyclomatic complexity
    Decision points: ``if``/``elif``, conditional expressions, ``for``/``while`` loops, ``except`` clauses,
    each ``for`` and ``if`` of a comprehension, each extra operand of ``and``/``or``, and ``match`` cases.
    McCabe's cyclomatic complexity of a function is 1 + its decision points (nested functions count
    separately); of the module body, likewise. ``cyclomatic_total`` sums them; ``cyclomatic_max`` is the
    largest.
API surfaces
    The concepts a program needs, counted by code from its API names with no table: each class it uses, with its
    methods folded in (``keras.Model.fit`` and ``keras.Model.compile`` are one surface, ``keras.Model``), and
    each function it calls (``tensorflow.reduce_mean``); see :func:`api_surface`.
concepts
    The same API names grouped by meaning, by :data:`CONCEPTS`, a declared
    table of concept -> name patterns (``fnmatch`` patterns; the first concept with a matching pattern wins).
    Names no pattern matches are listed as ``unmapped_api_names``, so that a gap in the table shows.

Entry points: :func:`analyse_file` (a file: its metrics, project-relative path and sha256),
:func:`analyse_source` (a string), :func:`analyse_symbols` (some classes/functions of a file, measured with the
file's imports), :func:`symbol_source`, :func:`completing_calls`, :func:`logical_lines` (just the count),
:func:`cpp_logical_lines` (C/C++ code lines), :func:`module_constants` (a program's ``UPPER_CASE`` literals)
and :func:`file_sha256`.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import io
import textwrap
import tokenize
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from evidence.api_names import FRAMEWORK_ROOTS, ApiCollector, dotted

#: Concept a newcomer must learn -> the API names (``fnmatch`` patterns, canonical dotted names) that need it.
#: Order matters: a name belongs to the first concept with a matching pattern, so specific entries come first.
CONCEPTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("early stopping", ("keras.callbacks.EarlyStopping*",)),
    ("checkpointing weights", ("keras.callbacks.ModelCheckpoint*", "keras.*.load_weights", "keras.*.save_weights",
                               "tensorflow.train.Checkpoint*", "tensorflow.train.CheckpointManager*",
                               "tensorflow.train.latest_checkpoint")),
    ("callbacks", ("keras.callbacks.*",)),
    ("reproducible seeding", ("keras.utils.set_random_seed", "tensorflow.random.set_seed")),
    ("weight initialisation", ("keras.initializers.*", "tensorflow.random.*", "tensorflow.initializers.*")),
    ("compile: optimizer, loss and metrics by name", ("keras.*.compile",)),
    ("fit / evaluate / predict", ("keras.*.fit", "keras.*.evaluate", "keras.*.predict")),
    ("custom gradients", ("keras.ops.custom_gradient", "tensorflow.custom_gradient", "tensorflow.RegisterGradient",
                          "tensorflow.stop_gradient")),
    ("custom training steps", ("keras.Model.train_step", "keras.Model.test_step", "keras.Model.compute_loss",
                               "keras.*.stateless_*", "keras.Model.metrics", "keras.Model.optimizer*",
                               "keras.Model.compiled_loss", "keras.Model.zero_grad")),
    ("parameter tracking", ("tensorflow.Module*", "*.trainable_variables", "*.trainable_weights",
                            "*.non_trainable_variables")),
    ("model definition", ("keras.Sequential", "keras.Model", "keras.Input", "keras.models.*")),
    ("custom layers and models", ("keras.layers.Layer*", "keras.Model.*", "keras.Sequential.*")),
    ("layers", ("keras.layers.*",)),
    ("optimizers", ("keras.optimizers.*",)),
    ("losses", ("keras.losses.*", "tensorflow.nn.*cross_entropy*", "tensorflow.losses.*")),
    ("metrics", ("keras.metrics.*",)),
    ("backend-neutral tensor ops", ("keras.ops.*",)),
    ("variables and in-place updates", ("tensorflow.Variable*", "tensorflow.*.assign*")),
    ("automatic differentiation", ("tensorflow.GradientTape*",)),
    ("graph compilation", ("tensorflow.function", "tensorflow.TensorSpec")),
    ("input pipelines", ("tensorflow.data.*",)),
    ("neural-network ops", ("tensorflow.nn.*",)),
    ("dtypes", ("tensorflow.float*", "tensorflow.int*", "tensorflow.bool", "tensorflow.dtypes.*")),
    ("tensor ops", ("tensorflow.math.*", "tensorflow.linalg.*", "tensorflow.matmul", "tensorflow.reduce_*",
                    "tensorflow.reshape", "tensorflow.argmax", "tensorflow.cast", "tensorflow.sqrt",
                    "tensorflow.square", "tensorflow.exp", "tensorflow.zeros*", "tensorflow.ones*",
                    "tensorflow.constant", "tensorflow.convert_to_tensor", "tensorflow.shape", "tensorflow.equal",
                    "tensorflow.maximum", "tensorflow.minimum", "tensorflow.where", "tensorflow.clip_by_value",
                    "tensorflow.sigmoid", "tensorflow.tanh", "tensorflow.gather", "tensorflow.concat",
                    "tensorflow.stack", "tensorflow.expand_dims", "tensorflow.squeeze", "tensorflow.abs",
                    "tensorflow.Tensor*", "tensorflow.*.numpy", "tensorflow.range", "tensorflow.size")),
    ("compiled C++ ops", ("tensorflow.load_op_library", "tensorflow.sysconfig.*")),
    ("JAX transformations", ("jax.*",)),
    ("PyTorch autograd", ("torch.*",)),
)

_DECISIONS = (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.match_case)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class ProgramMetrics:
    """The metrics of one program (see the module docstring for what each counts).

    Attributes:
        file: the path as given (relative to the project root for :func:`analyse_file` on project files).
        sha256: hex digest of the file's bytes (of the source's UTF-8 for :func:`analyse_source`).
        logical_lines: logical lines of code, docstrings excluded.
        framework_lines: logical lines that name a framework API.
        tokens: tokens of code.
        api_names: distinct framework API names, sorted.
        api_references: how many times framework API names appear in the code.
        branches: decision points in the whole program.
        cyclomatic_total: sum of the cyclomatic complexities of the module body and every function.
        cyclomatic_max: the largest of them.
        cyclomatic: function name (``Class.method`` for methods, ``<module>`` for the body) -> complexity.
        concepts: concept -> the program's API names that need it, in :data:`CONCEPTS` order.
        unmapped_api_names: API names that no concept pattern matches.
        surfaces: API surface -> the program's API names on it (:func:`api_surface`), sorted.
    """

    file: str
    sha256: str
    logical_lines: int
    framework_lines: int
    tokens: int
    api_names: tuple[str, ...]
    api_references: int
    branches: int
    cyclomatic_total: int
    cyclomatic_max: int
    cyclomatic: dict[str, int] = field(default_factory=dict)
    concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unmapped_api_names: tuple[str, ...] = ()
    surfaces: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def surface_count(self) -> int:
        """How many API surfaces (classes with their methods, functions) the program uses."""
        return len(self.surfaces)

    @property
    def concept_count(self) -> int:
        """How many concepts the program needs (unmapped names not included)."""
        return len(self.concepts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: tuples become lists, and the counts of API names and concepts are added."""
        out = asdict(self)
        out["api_names"] = list(self.api_names)
        out["unmapped_api_names"] = list(self.unmapped_api_names)
        out["concepts"] = {k: list(v) for k, v in self.concepts.items()}
        out["api_name_count"] = len(self.api_names)
        out["concept_count"] = self.concept_count
        out["surfaces"] = {k: list(v) for k, v in self.surfaces.items()}
        out["surface_count"] = self.surface_count
        return out


# -- lines and tokens ---------------------------------------------------------------------------------------------
def _docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers taken by docstrings (the first statement of a module, class or function, a string)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def _logical_line_spans(source: str, skip: set[int]) -> tuple[list[tuple[int, int]], int]:
    """([(first row, last row)] of every logical line of code, number of code tokens), docstring rows skipped."""
    spans: list[tuple[int, int]] = []
    tokens = 0
    start: int | None = None
    ignorable = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                 tokenize.ENCODING, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NEWLINE:
            if start is not None:
                spans.append((start, tok.start[0]))
            start = None
            continue
        if tok.type in ignorable or tok.start[0] in skip:
            continue
        tokens += 1
        if start is None:
            start = tok.start[0]
    if start is not None:  # a last line with no newline at the end of the file
        spans.append((start, start))
    return spans, tokens


def logical_lines(source: str) -> int:
    """Logical lines of code in ``source``: statements, however wrapped, without comments, blanks or docstrings."""
    source = textwrap.dedent(source)
    return len(_logical_line_spans(source, _docstring_lines(ast.parse(source)))[0])


# -- complexity -----------------------------------------------------------------------------------------------------
def _decisions(node: ast.AST) -> int:
    """Decision points directly in ``node``'s scope (nested functions and classes excluded)."""
    count = 0
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (*_SCOPES, ast.ClassDef)):
            continue
        if isinstance(child, _DECISIONS):
            count += 1
        elif isinstance(child, ast.BoolOp):
            count += len(child.values) - 1
        elif isinstance(child, ast.comprehension):
            count += 1 + len(child.ifs)
        count += _decisions(child)
    return count


def _complexities(tree: ast.Module) -> dict[str, int]:
    """Cyclomatic complexity of the module body and of every function, lambda and method (``Class.method``).

    A decision directly in a class body (rare) counts towards the module body.
    """
    out = {"<module>": 1 + _decisions(tree)}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                out["<module>"] += _decisions(child)
                walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, _SCOPES):
                name = f"{prefix}{getattr(child, 'name', f'<lambda:{child.lineno}>')}"
                while name in out:  # a redefinition (a property setter): keep both
                    name += "'"
                out[name] = 1 + _decisions(child)
                walk(child, f"{name}.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return out


# -- concepts -------------------------------------------------------------------------------------------------------
def api_surface(name: str) -> str:
    """The API surface of a canonical dotted name: up to its first class (a capitalised part), so that a class's
    methods and attributes fold into it; a function or constant of a module is its own surface.

    Examples:
        >>> api_surface("keras.Model.fit"), api_surface("tensorflow.data.Dataset.batch"), api_surface("tensorflow.cast")
        ('keras.Model', 'tensorflow.data.Dataset', 'tensorflow.cast')
    """
    parts = name.split(".")
    for i, part in enumerate(parts):
        if part[:1].isupper():
            return ".".join(parts[:i + 1])
    return name


def surfaces_for(api_names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """API surface -> the names on it, for ``api_names`` (sorted), counted by :func:`api_surface` alone."""
    found: dict[str, list[str]] = {}
    for name in sorted(set(api_names)):
        found.setdefault(api_surface(name), []).append(name)
    return {k: tuple(v) for k, v in sorted(found.items())}


def concepts_for(api_names: Iterable[str],
                 mapping: tuple[tuple[str, tuple[str, ...]], ...] = CONCEPTS) -> tuple[dict[str, tuple[str, ...]],
                                                                                      tuple[str, ...]]:
    """(concept -> the names needing it, in ``mapping`` order; names no pattern matches), for ``api_names``."""
    found: dict[str, list[str]] = {}
    unmapped = []
    for name in sorted(set(api_names)):
        for concept, patterns in mapping:
            if any(fnmatchcase(name, p) for p in patterns):
                found.setdefault(concept, []).append(name)
                break
        else:
            unmapped.append(name)
    ordered = {c: tuple(found[c]) for c, _ in mapping if c in found}
    return ordered, tuple(unmapped)


# -- entry points ---------------------------------------------------------------------------------------------------
def analyse_source(source: str, *, file: str = "<string>", sha256: str | None = None,
                   roots: tuple[str, ...] = FRAMEWORK_ROOTS,
                   concepts: tuple[tuple[str, tuple[str, ...]], ...] = CONCEPTS) -> ProgramMetrics:
    """The metrics of Python ``source`` (dedented first, so a method's source can be measured on its own).

    Raises:
        SyntaxError: ``source`` is not valid Python.
    """
    source = textwrap.dedent(source)
    tree = ast.parse(source)
    spans, tokens = _logical_line_spans(source, _docstring_lines(tree))
    collector = ApiCollector(tree, roots)
    collector.collect(tree)
    api_lines = {line for _, line in collector.references}
    framework_lines = sum(1 for first, last in spans if any(first <= line <= last for line in api_lines))
    names = tuple(sorted({name for name, _ in collector.references}))
    complexity = _complexities(tree)
    concept_map, unmapped = concepts_for(names, concepts)
    return ProgramMetrics(
        file=file,
        sha256=sha256 or hashlib.sha256(source.encode()).hexdigest(),
        logical_lines=len(spans),
        framework_lines=framework_lines,
        tokens=tokens,
        api_names=names,
        api_references=len(collector.references),
        branches=sum(v - 1 for v in complexity.values()),
        cyclomatic_total=sum(complexity.values()),
        cyclomatic_max=max(complexity.values()),
        cyclomatic=complexity,
        concepts=concept_map,
        unmapped_api_names=unmapped,
        surfaces=surfaces_for(names),
    )


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def display_path(path: str | Path, root: str | Path | None = None) -> str:
    """``path`` relative to ``root`` (the project root by default) when inside it, else as given."""
    path = Path(path).resolve()
    base = Path(root).resolve() if root else Path(__file__).resolve().parent.parent
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)


def analyse_file(path: str | Path, **kwargs: Any) -> ProgramMetrics:
    """The metrics of the Python file at ``path``, named by its project-relative path and its bytes' sha256."""
    path = Path(path)
    return analyse_source(path.read_text(encoding="utf-8"), file=display_path(path), sha256=file_sha256(path),
                          **kwargs)


def symbol_source(path: str | Path, symbol: str) -> str:
    """The source of the top-level class or function ``symbol`` of a file (``Class.method`` for a method),
    decorators included.

    Raises:
        LookupError: no such class or function in the file.
    """
    source = Path(path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    scope: list[ast.stmt] = tree.body
    node: ast.AST | None = None
    for part in symbol.split("."):
        node = next((n for n in scope if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                     and n.name == part), None)
        if node is None:
            raise LookupError(f"No class or function {symbol!r} in {path}")
        scope = node.body
    assert node is not None
    lines = source.splitlines(keepends=True)
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return textwrap.dedent("".join(lines[first - 1:node.end_lineno]))


def completing_calls(path: str | Path, symbols: Iterable[str]) -> list[str]:
    """The module-level call statements of a file made on one of ``symbols``, in file order.

    Some definitions are finished by a call after them: ``f.defvjp(fwd, bwd)`` gives a ``jax.custom_vjp``
    function its rule, ``op.register_autograd(backward)`` a torch custom op its gradient. Only a bare call
    statement whose callee is an attribute of a symbol counts (not an assignment or a table that names it).
    """
    wanted = set(symbols)
    source = Path(path).read_text(encoding="utf-8")
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            callee = dotted(node.value.func)
            if callee and len(callee) > 1 and callee[0] in wanted:
                out.append(ast.get_source_segment(source, node) or ast.unparse(node))
    return out


#: :func:`analyse_symbols`' results by file (path, size, modification time) and question: a judge asks for the
#: same symbols of the same program once per option and route, and a file's analysis takes tens of milliseconds.
_SYMBOLS_CACHE: dict[tuple[Any, ...], ProgramMetrics] = {}


def analyse_symbols(path: str | Path, symbols: Iterable[str], *, completions: bool = False,
                    **kwargs: Any) -> ProgramMetrics:
    """The metrics of several classes/functions of one file measured together, with the file's imports.

    The imports are prepended so that API names resolve; they are counted in neither lines nor tokens (the
    import lines are measured alone and subtracted), since a file imports a framework once for all it holds.
    With ``completions``, the module-level calls that finish a symbol's definition (:func:`completing_calls`)
    count with it. A file unchanged since it was last analysed for the same symbols is not analysed again (the
    caller gets its own copy).
    """
    path = Path(path)
    symbols = list(symbols)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, tuple(symbols), completions,
           tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
    if key not in _SYMBOLS_CACHE:
        _SYMBOLS_CACHE[key] = _analyse_symbols(path, symbols, completions=completions, **kwargs)
    return copy.deepcopy(_SYMBOLS_CACHE[key])


def _analyse_symbols(path: Path, symbols: list[str], *, completions: bool, **kwargs: Any) -> ProgramMetrics:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = "".join(ast.unparse(n) + "\n" for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom))
    parts = [symbol_source(path, s) for s in symbols]
    if completions:
        parts += completing_calls(path, symbols)
    body = "\n\n".join(parts)
    whole = analyse_source(imports + body, file=f"{display_path(path)}::{'+'.join(symbols)}",
                           sha256=file_sha256(path), **kwargs)
    base_spans, base_tokens = _logical_line_spans(imports, set())
    import_count = len(base_spans)
    complexity_module = whole.cyclomatic.get("<module>", 1)
    return ProgramMetrics(
        file=whole.file, sha256=whole.sha256,
        logical_lines=whole.logical_lines - import_count,
        framework_lines=whole.framework_lines,
        tokens=whole.tokens - base_tokens,
        api_names=whole.api_names, api_references=whole.api_references,
        branches=whole.branches,
        cyclomatic_total=whole.cyclomatic_total - (1 if complexity_module == 1 else 0),
        cyclomatic_max=whole.cyclomatic_max,
        cyclomatic={k: v for k, v in whole.cyclomatic.items() if k != "<module>" or v > 1},
        concepts=whole.concepts, unmapped_api_names=whole.unmapped_api_names, surfaces=whole.surfaces,
    )


def module_constants(path: str | Path) -> dict[str, Any]:
    """The module-level ``UPPER_CASE = <literal>`` assignments of a Python file (its hyper-parameters), read with
    ``ast.literal_eval`` without importing the file; tuples become lists (JSON-ready)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper():
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    continue  # not a literal (a computed value): not a hyper-parameter we can compare
                out[name] = list(value) if isinstance(value, tuple) else value
    return out


def cpp_logical_lines(source: str) -> int:
    """Lines of C/C++ code: lines with something left after removing ``//`` and ``/* */`` comments.

    A character scanner (string and character literals are skipped, so ``"//"`` in a string is code).
    Preprocessor lines count as code.
    """
    code_lines: set[int] = set()
    i, line, n = 0, 1, len(source)
    in_block = False
    while i < n:
        ch = source[i]
        if ch == "\n":
            line += 1
            i += 1
            continue
        if in_block:
            if source.startswith("*/", i):
                in_block = False
                i += 2
            else:
                i += 1
            continue
        if source.startswith("//", i):
            while i < n and source[i] != "\n":
                i += 1
            continue
        if source.startswith("/*", i):
            in_block = True
            i += 2
            continue
        if ch in "\"'":
            code_lines.add(line)
            quote, i = ch, i + 1
            while i < n and source[i] != quote:
                if source[i] == "\\":
                    i += 1
                elif source[i] == "\n":
                    line += 1
                i += 1
            i += 1
            continue
        if not ch.isspace():
            code_lines.add(line)
        i += 1
    return len(code_lines)
