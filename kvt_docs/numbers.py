"""Measurements (any JSON a claim's ``measure`` returned) turned into Markdown tables, with no claim-specific code.

The rules, applied to the subjects whose status is ``ok``:

1. A *cell* is a scalar (number, string, boolean, null), a timing summary (a dict with ``median_s``, as made by
   :func:`evidence.timing.summarize`: shown as median, IQR and count) or a list of scalars (shown inline).
2. Top-level cells: subjects whose cell keys mostly overlap are grouped, and each group is one table with one
   row per measurement and one column per subject, so subjects are compared side by side.
3. Every other top-level measurement gets its own table:

   - reported by one subject and shaped as records (a dict of flat dicts, like ``frameworks`` → ``tensorflow``
     → ``rank``): one row per record, one column per field;
   - otherwise it is flattened to dotted paths of cells (``sources.jax.max_abs_diff``): one row per path, one
     column per subject reporting it. A structure too large to tabulate is shown as JSON, closed by default.

Nothing is computed here: every figure shown is a value read from the result, only formatted.
"""

from __future__ import annotations

import json
from typing import Any

from evidence.results import ResultFile, SubjectResult
from kvt_docs.markdown import admonition, cell, fence, format_number, format_value, table

#: A list longer than this is shortened in a cell (its first values, then how many there are).
LIST_CELL_ITEMS = 10
#: A flattened measurement with more rows than this is shown as JSON instead.
MAX_FLAT_ROWS = 150


def is_scalar(value: Any) -> bool:
    """A JSON value that fits in one table cell as it is."""
    return value is None or isinstance(value, bool | int | float | str)


def is_timing(value: Any) -> bool:
    """A timing summary of :func:`evidence.timing.summarize`."""
    return (isinstance(value, dict) and isinstance(value.get("median_s"), int | float)
            and not isinstance(value.get("median_s"), bool))


def is_scalar_list(value: Any) -> bool:
    """A list of scalars, or of lists of scalars (``[[rank, name], ...]``)."""
    return isinstance(value, list) and all(
        is_scalar(v) or (isinstance(v, list) and all(is_scalar(x) for x in v)) for v in value)


def is_cell(value: Any) -> bool:
    """A value shown in one cell (rule 1)."""
    return is_scalar(value) or is_timing(value) or is_scalar_list(value)


def format_timing(value: dict[str, Any]) -> str:
    """``median 1.23 s (IQR 0.01 s, n=5)`` from a timing summary."""
    text = f"median {format_number(value['median_s'])} s"
    extras = []
    if isinstance(value.get("iqr_s"), int | float):
        extras.append(f"IQR {format_number(value['iqr_s'])} s")
    if isinstance(value.get("repeats"), int):
        extras.append(f"n={value['repeats']}")
    return text + (f" ({', '.join(extras)})" if extras else "")


def format_cell(value: Any) -> str:
    """A cell's Markdown (rule 1), escaped; long lists shortened with their length stated."""
    if is_timing(value):
        return cell(format_timing(value))
    if isinstance(value, list) and len(value) > LIST_CELL_ITEMS:
        return cell(format_value(value[:LIST_CELL_ITEMS]) + f", … ({len(value)} values)")
    return cell(value)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted paths to the cells inside ``value`` (list items of dicts are numbered: ``attempts.0.ok``)."""
    if is_cell(value):
        return {prefix or "value": value}
    out: dict[str, Any] = {}
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, inner in items:
        out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
    return out


def group_subjects(cells: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Subjects grouped so that each shares at least half of its cell keys with its group's keys."""
    groups: list[tuple[list[str], set[str]]] = []
    for subject, values in cells.items():
        keys = set(values)
        if not keys:
            continue
        for members, group_keys in groups:
            if len(keys & group_keys) * 2 >= min(len(keys), len(group_keys)):
                members.append(subject)
                group_keys |= keys
                break
        else:
            groups.append(([subject], set(keys)))
    return [members for members, _ in groups]


def comparison_table(columns: dict[str, dict[str, Any]]) -> str:
    """Rows of keys, one column per subject (a blank where a subject lacks the key)."""
    keys = list(dict.fromkeys(k for values in columns.values() for k in values))
    rows = [[f"`{k}`"] + [format_cell(values[k]) if k in values else "" for values in columns.values()]
            for k in keys]
    return table(["measurement"] + [f"`{s}`" for s in columns], rows)


def is_records(value: Any) -> bool:
    """A dict of flat dicts (or nulls): a table of records."""
    return (isinstance(value, dict) and bool(value)
            and all(v is None or (isinstance(v, dict) and all(is_cell(x) for x in v.values()))
                    for v in value.values()))


def records_table(value: dict[str, dict[str, Any] | None]) -> str:
    """One row per record, one column per field."""
    fields = list(dict.fromkeys(k for v in value.values() if v for k in v))
    rows = [[f"`{key}`"] + [format_cell(record.get(f)) if record else "—" for f in fields]
            for key, record in value.items()]
    return table([""] + [f"`{f}`" for f in fields], rows)


def subjects_table(result: ResultFile) -> str:
    """Every subject with its status, stages, run time and, when it did not finish, why."""
    rows = []
    for subject, res in result.subjects.items():
        stages = ", ".join(f"{stage}: {status}" for stage, status in res.stages.items())
        rows.append([f"`{subject}`", f"**{res.status}**", cell(stages), cell(f"{format_number(res.duration_s)} s"),
                     cell(res.short_reason() if res.status != "ok" else "")])
    return table(["subject", "status", "stages", "run time", "reason"], rows)


def measurement_tables(subjects: dict[str, SubjectResult]) -> str:
    """All measurements of the ``ok`` subjects, as Markdown (see the module docstring for the rules)."""
    ok = {s: r.measurements for s, r in subjects.items() if r.status == "ok"}
    if not ok:
        return "No subject produced measurements.\n"
    parts = []
    cells = {s: {k: v for k, v in m.items() if is_cell(v)} for s, m in ok.items()}
    for members in group_subjects(cells):
        parts.append(comparison_table({s: cells[s] for s in members}))
    nested_keys = list(dict.fromkeys(k for m in ok.values() for k, v in m.items() if not is_cell(v)))
    for key in nested_keys:
        values = {s: m[key] for s, m in ok.items() if key in m and not is_cell(m[key])}
        label = f"`{key}`" + (f" of `{next(iter(values))}`" if len(values) == 1 and len(ok) > 1 else "")
        if len(values) == 1 and is_records(next(iter(values.values()))):
            parts.append(f"#### {label}\n\n{records_table(next(iter(values.values())))}")
            continue
        flat = {s: flatten(v) for s, v in values.items()}
        if len({k for f in flat.values() for k in f}) > MAX_FLAT_ROWS:
            body = "\n".join(fence(json.dumps(v, indent=2, ensure_ascii=False), "json", s) for s, v in values.items())
            parts.append(f"#### {label}\n\n" + admonition("abstract", f"{key}: as recorded", body, collapsible=True))
            continue
        parts.append(f"#### {label}\n\n{comparison_table(flat)}")
    return "\n".join(parts)


def thresholds_table(thresholds: dict[str, float], meanings: dict[str, str]) -> str:
    """The thresholds the verdict was judged against, with the claim code's comment on each."""
    return table(["threshold", "value", "meaning (from the claim's code)"],
                 [[f"`{k}`", cell(v), cell(meanings.get(k, ""))] for k, v in thresholds.items()])
