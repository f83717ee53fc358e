"""The codebase's own rules, read from the source with ``ast`` (nothing imported, milliseconds per file): no import
circle, every file compiles, no module over 500 lines, one root for kvt's exceptions, every ``KVT_*`` variable read
through :mod:`evidence.settings`, no argparse outside the commands, docstrings that cite only the repository's
files. ARCHITECTURE.md says why each rule holds.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("advisor", "evidence", "kvt", "kvt_docs")
MAX_LINES = 500

#: Modules over MAX_LINES, owned by other work in progress (issue 21's claim packages, results and release sets):
#: a list that only shrinks. A module that drops under the limit must leave it (the test says so).
OVERSIZED: set[str] = set()

#: Import circles that run only through ``if TYPE_CHECKING:`` imports, left to the modules' owners (issue 21's
#: core: the registry maps a claim to its assessment type by dotted path; the release sets' runner): a list that
#: only shrinks. No circle may run at import time.
TYPE_ONLY_CIRCLES = {
    frozenset({"evidence.claim", "evidence.registry", "evidence.results"}),
    frozenset({"evidence.releases", "evidence.runner"}),
}

#: Exception classes not yet under :class:`evidence.errors.KvtError`, in modules other work owns: a list that only
#: shrinks.
UNROOTED: set[str] = {
    # A program run by workers (and in the own environments of conflicting targets) imports nothing of kvt.
    "evidence/programs/zoo.py:ZooUnavailable",
}

#: ``KVT_*`` variables still read from ``os.environ`` outside :mod:`evidence.settings`, in modules other work owns
#: (path: variable constant or name): a list that only shrinks.
RAW_SETTINGS = {
    "evidence/registry.py",
    "evidence/claims/distributed_scaling/measure.py",
}


def _files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """The ids of the nodes under an ``if TYPE_CHECKING:`` block (imports for annotations only)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(id(n) for n in ast.walk(node))
    return out


def import_graph(*, type_checking: bool) -> dict[str, set[str]]:
    """Module -> the project modules it imports, anywhere in it (in functions too), ``from pkg import mod``
    counted as an import of ``pkg.mod``; ``type_checking``: count the imports made for annotations only."""
    paths = {_module_name(p): p for p in _files()}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = _tree(path)
        skipped = set() if type_checking else _type_checking_nodes(tree)
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        out: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                out.update(a.name for a in node.names if a.name in paths)
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                source = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    target = f"{source}.{alias.name}"
                    if target in paths:
                        out.add(target)
                    elif source in paths:
                        out.add(source)
        out.discard(name)
        graph[name] = out
    return graph


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_circle_finder_finds_a_circle_through_an_in_function_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [frozenset({"a", "b", "c"})]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_at_import_time():
    found = circles(import_graph(type_checking=False))
    assert not found, f"import circles (in-function imports included): {[sorted(c) for c in found]}"


def test_no_import_circle_even_through_annotations_beyond_the_declared_ones():
    found = set(circles(import_graph(type_checking=True)))
    assert found <= TYPE_ONLY_CIRCLES, f"new import circles: {[sorted(c) for c in found - TYPE_ONLY_CIRCLES]}"


def test_every_file_compiles():
    """What ``python -m compileall`` checks, without writing byte code into the tree."""
    for path in [*_files(), *sorted((ROOT / "tests").rglob("*.py")), ROOT / "noxfile.py"]:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)


def test_no_module_over_500_lines():
    sizes = {_rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in _files()}
    over = {path for path, n in sizes.items() if n > MAX_LINES}
    assert over <= OVERSIZED, f"modules over {MAX_LINES} lines: {sorted(over - OVERSIZED)}"
    shrunk = {p for p in OVERSIZED if p not in over}
    assert not shrunk, f"now under {MAX_LINES} lines (or gone): take them off OVERSIZED: {sorted(shrunk)}"


_BUILTIN_BASES = {"Exception", "ValueError", "RuntimeError", "TypeError", "KeyError", "LookupError", "OSError",
                  "BaseException", "ArithmeticError"}


def test_every_exception_class_derives_from_kvts_root():
    """An exception class whose bases are only Python's own is a second root; :class:`evidence.errors.KvtError`
    is the one (``InputError``, ``UsageError`` under it)."""
    roots = set()
    for path in _files():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
                if bases and bases <= _BUILTIN_BASES:
                    roots.add(f"{_rel(path)}:{node.name}")
    assert roots - {"evidence/errors.py:KvtError"} <= UNROOTED, sorted(roots - UNROOTED)


def _reads_environ(node: ast.AST) -> str | None:
    """The variable read by ``os.environ[...]``, ``os.environ.get(...)`` or ``os.getenv(...)``, as source text."""
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
        return ast.unparse(node.slice)
    if isinstance(node, ast.Call) and node.args:
        func = ast.unparse(node.func)
        if func in ("os.environ.get", "os.getenv", "environ.get"):
            return ast.unparse(node.args[0])
    return None


def test_kvt_variables_are_read_through_the_settings_module():
    readers = set()
    for path in _files():
        if _rel(path) == "evidence/settings.py" or "programs" in path.parts:  # programs run in workers, alone
            continue
        constants = {t.id: n.value.value for n in ast.walk(_tree(path)) if isinstance(n, ast.Assign)
                     and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                     for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(_tree(path)):
            name = _reads_environ(node)
            if name is not None and "KVT_" in (constants.get(name, "") + name):
                readers.add(_rel(path))
    assert readers <= RAW_SETTINGS, f"read KVT_* through evidence.settings.get: {sorted(readers - RAW_SETTINGS)}"


def test_the_libraries_hold_no_argparse():
    """Command-line code lives in :mod:`kvt.commands`; a program run as a worker script parses its own line."""
    scripts = {"evidence/worker.py", "evidence/releases/run.py"}
    found = set()
    for path in _files():
        rel = _rel(path)
        if rel.startswith("kvt/") or "programs" in path.parts or rel in scripts:
            continue
        if re.search(r"^\s*(import argparse|from argparse import)", path.read_text(encoding="utf-8"), re.M) and \
                'if __name__ == "__main__"' not in path.read_text(encoding="utf-8"):
            found.add(rel)
    assert not found, f"argparse outside kvt/: {sorted(found)}"


#: Design files that live outside the repository; a docstring that cites one sends a reader nowhere.
_OUTSIDE = re.compile(r"\b(DESIGN|CLAIMS|FINDINGS|STYLE)\.md\b|\.\./shared|\bshared/")
#: Modules that still cite one, owned by other work (the claim base, registry and results; the deployment
#: claim, whose code hash a comment's edit would change): a list that only shrinks.
CITES_OUTSIDE = {"evidence/claims/deployment/browser.py"}


@pytest.mark.parametrize("package", [*PACKAGES, "tests"])
def test_docstrings_cite_only_files_in_the_repository(package):
    cited = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if path.name == "test_codebase.py" or _rel(path) in CITES_OUTSIDE:
            continue
        cited += [f"{_rel(path)}: {m.group(0)}" for m in _OUTSIDE.finditer(path.read_text(encoding="utf-8"))]
    assert not cited, cited


#: Modules the type checker's configuration excuses from some checks (pyproject.toml's ``[[tool.mypy.overrides]]``),
#: owned by the claim packages' work: a list that only shrinks.
TYPE_EXCUSED = {
    "evidence.claims.backend_portability.assessment",
    "evidence.claims.community.assessment",
    "evidence.claims.distributed_scaling.assessment",
    "evidence.claims.extensibility.assessment",
    "evidence.claims.performance.assessment",
}


def test_the_type_checker_excuses_no_more_modules():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    excused = {m for o in config.get("overrides", []) if o.get("disable_error_code") or o.get("ignore_errors")
               for m in ([o["module"]] if isinstance(o["module"], str) else o["module"])}
    assert excused <= TYPE_EXCUSED, sorted(excused - TYPE_EXCUSED)
    assert config["follow_imports"] == "silent" and "ignore_errors" not in config


def test_only_the_claims_and_their_one_seam_import_a_claims_modules():
    """Outside ``evidence/claims/``, a claim's modules are imported by the registry (by dotted path) and by
    :mod:`evidence.claim_parts`, what ``kvt check`` borrows; readers import only a claim's ``assessment`` module,
    the typed contract they read."""
    allowed = {"evidence/registry.py", "evidence/claim_parts.py"}
    found = set()
    for path in _files():
        rel = _rel(path)
        if rel.startswith("evidence/claims/") or rel in allowed:
            continue
        for node in ast.walk(_tree(path)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            if any((n == "evidence.claims" or n.startswith("evidence.claims.")) and not n.endswith(".assessment")
                   for n in names):
                found.add(rel)
    assert not found, sorted(found)


def test_cache_folders_come_from_platformdirs_unless_a_variable_names_one(tmp_path):
    from platformdirs import user_cache_path

    from evidence.settings import SettingsError, cache_dir

    assert cache_dir("npm", "KVT_NPM_DIR", {}) == user_cache_path("kvt", appauthor=False) / "npm"
    assert cache_dir("envs", "KVT_ENVS_DIR", {"KVT_ENVS_DIR": str(tmp_path)}) == tmp_path
    with pytest.raises(SettingsError, match="KVT_ENVS_DIR"):
        cache_dir("envs", "KVT_ENVS_DIR", {"KVT_ENVS_DIR": " padded "})


def test_imports_between_the_packages_run_one_way():
    """``kvt`` and ``kvt_docs`` read ``advisor`` and ``evidence``; ``advisor`` reads ``evidence``; ``evidence``
    reads none of them (ARCHITECTURE.md)."""
    allowed = {"evidence": set(), "advisor": {"evidence"}, "kvt": {"evidence", "advisor"},
               "kvt_docs": {"evidence", "advisor"}}
    wrong = sorted(f"{m} -> {d}" for m, deps in import_graph(type_checking=True).items() for d in deps
                   if d.split(".")[0] != m.split(".")[0] and d.split(".")[0] not in allowed[m.split(".")[0]])
    assert not wrong, wrong
