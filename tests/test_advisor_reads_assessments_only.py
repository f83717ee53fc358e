"""The advisor reads typed assessments only (issue 11): no file under ``advisor/`` reads a result's raw
``measurements`` or its ``findings`` (attribute or key), opens result files itself, or swallows layout errors with
a blanket ``except (KeyError, TypeError, ...)``; the copies of claim judges are gone."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

ADVISOR = sorted((ROOT / "advisor").glob("*.py"))
RAW = {"measurements", "findings", "subjects"}
LAYOUT_ERRORS = {"KeyError", "TypeError", "AttributeError", "IndexError"}


def offences(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in RAW:
            out.append(f"{path.name}:{node.lineno} .{node.attr}")
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in RAW:
            out.append(f"{path.name}:{node.lineno} [{node.slice.value!r}]")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
                node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in RAW:
            out.append(f"{path.name}:{node.lineno} .get({node.args[0].value!r})")
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
            if names & LAYOUT_ERRORS:
                out.append(f"{path.name}:{node.lineno} except {sorted(names)}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "loads" and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == "json" and path.name != "answers.py":
            out.append(f"{path.name}:{node.lineno} json.loads (result files are read by evidence.results)")
    return out


def test_no_advisor_file_reads_raw_measurements_or_findings():
    assert ADVISOR and all(not offences(p) for p in ADVISOR), [o for p in ADVISOR for o in offences(p)]


def test_the_copies_of_the_judges_and_the_second_reader_are_gone():
    for name in ("result_files.py", "distributed.py", "portability.py"):
        assert not (ROOT / "advisor" / name).exists(), name
    source = "\n".join(p.read_text(encoding="utf-8") for p in ADVISOR)
    assert "from evidence.results import" in source and "load_venues" in source
    assert "scenario_report" not in (ROOT / "advisor" / "model.py").read_text()  # the model <-> scenarios circle


def test_the_scan_catches_what_it_forbids(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(r):\n    try:\n        return r.measurements['x'], r.data['findings']\n"
                   "    except (KeyError, TypeError):\n        return None\n")
    assert len(offences(bad)) == 3
