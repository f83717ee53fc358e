"""The code a user writes for a deployment route: logical lines and steps, counted from the program files.

Python programs are measured with :mod:`evidence.code_metrics` (as the ease-of-use claim measures its programs);
the browser programs (JavaScript modules under ``evidence/programs/``) with a small counter of their own, since
the standard library has no JavaScript parser: it counts code lines and calls of the ``load`` and ``predict``
functions, the same rules for every option.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR

#: Modules whose names :mod:`evidence.code_metrics` resolves as API names here: the frameworks and the runtimes.
RUNTIME_ROOTS: tuple[str, ...] = (*code_metrics.FRAMEWORK_ROOTS, "onnxruntime", "openvino", "ai_edge_litert",
                                  "tf2onnx", "executorch")
_BUILTINS = frozenset(dir(builtins))


def _resolve(program: str | os.PathLike) -> Path:
    path = Path(program)
    return PROGRAMS_DIR / path if not path.is_absolute() and path.parent == Path(".") else path


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a callee; ``f().g`` and ``a[].b`` where the chain passes through a call or subscript."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = _dotted(node.func)
        return f"{base}()" if base else None
    if isinstance(node, ast.Subscript):
        base = _dotted(node.value)
        return f"{base}[]" if base else None
    return None


def route_metrics(program: str | os.PathLike, functions: Sequence[str]) -> dict[str, Any]:
    """Lines and steps a user writes for ``functions`` of ``program`` (and the program's helpers they call).

    - ``lines``: logical lines of those functions, as :func:`evidence.code_metrics.analyse_symbols` counts
      them for the ease-of-use claim (``def`` lines and imports inside the functions included, docstrings,
      comments, blank lines and the file's top-level imports not).
    - ``steps``: calls in the function bodies to anything but a Python builtin or a helper of the program:
      each library call is one step (``ov.save_model(ov.convert_model(m), p)`` is two). Counted here rather
      than from ``code_metrics``' API names, whose type inference does not follow an unannotated parameter:
      ``model.export(...)`` on the ``model`` a function receives would not count at all.
    - ``api``: the distinct dotted names called; ``framework_api``: the framework and runtime names that
      ``code_metrics`` resolves through the imports.

    Raises:
        ValueError: a function is not defined at the top level of ``program``.
    """
    path = _resolve(program)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    missing = [f for f in functions if f not in defs]
    if missing:
        raise ValueError(f"Expected functions {missing} in {path.name}; it defines {sorted(defs)}")
    todo, counted = list(functions), []
    while todo:
        name = todo.pop(0)
        if name not in counted:
            counted.append(name)
            todo += [sub.func.id for sub in ast.walk(defs[name])
                     if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in defs]
    steps = 0
    api: set[str] = set()
    for name in counted:
        for sub in ast.walk(defs[name]):
            if isinstance(sub, ast.Call):
                callee = _dotted(sub.func)
                if callee is None or callee in _BUILTINS or callee in defs:
                    continue
                steps += 1
                api.add(callee)
    metrics = code_metrics.analyse_symbols(path, counted, roots=RUNTIME_ROOTS)
    return {"program": path.name, "functions": counted, "lines": metrics.logical_lines, "steps": steps,
            "api": sorted(api), "framework_api": list(metrics.api_names)}


_JS_FUNCTION = re.compile(r"^export\s+(?:async\s+)?function\s+(\w+)\s*\(", re.M)
_JS_CALL = re.compile(r"(?<![\w.$])((?:new\s+)?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\(")
_JS_NOT_CALLS = frozenset({"if", "for", "while", "switch", "catch", "function", "return", "await", "typeof"})


def _js_functions(source: str) -> dict[str, str]:
    """Each top-level ``export function`` of a module with its text, up to the ``}`` that closes it at column 0."""
    out = {}
    for match in _JS_FUNCTION.finditer(source):
        end = source.find("\n}", match.start())
        out[match.group(1)] = source[match.start():end + 2 if end >= 0 else len(source)]
    return out


def _js_code_lines(text: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    lines = [re.sub(r"(^|\s)//.*$", "", ln).strip() for ln in text.splitlines()]
    return [ln for ln in lines if ln and ln not in ("}", "});", "};", ")", ");")]


def js_route_metrics(program: str | os.PathLike, functions: Sequence[str] = ("load", "predict")) -> dict[str, Any]:
    """Code lines and calls of the exported ``functions`` of a JavaScript module under ``evidence/programs/``.

    ``lines``: lines with code (the function line included; comments, blank lines and lines holding only a
    closing bracket not), plus the module's top-level ``import`` lines, which a page needs for these functions.
    ``steps``: calls (``name(`` or ``a.b(``, ``new X(`` included; ``if (`` and the like not), helpers of the
    module left out.

    Raises:
        ValueError: a function is not exported by the module.
    """
    path = _resolve(program)
    source = path.read_text(encoding="utf-8")
    defs = _js_functions(source)
    missing = [f for f in functions if f not in defs]
    if missing:
        raise ValueError(f"Expected exported functions {missing} in {path.name}; it exports {sorted(defs)}")
    imports = [ln for ln in source.splitlines() if ln.startswith("import ")]
    lines = len(imports)
    calls: list[str] = []
    for name in functions:
        body = _js_functions(source)[name]
        code = _js_code_lines(body)
        lines += len(code)
        for line in code[1:]:  # the function's own line is its declaration, not a call
            calls += [c for c in _JS_CALL.findall(re.sub(r"(['\"`]).*?\1", "''", line))
                      if c.split(".")[0] not in _JS_NOT_CALLS and c not in defs]
    return {"program": path.name, "functions": list(functions), "lines": lines, "steps": len(calls),
            "api": sorted(set(calls)), "framework_api": []}
