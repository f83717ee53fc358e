"""Any claim's typed assessment as readable tables, with no claim-specific code: the fallback for the details of a
claim page, and for a claim that has no story of its own yet.

The assessment is a pydantic model (:class:`evidence.contract.Assessment`); its fields and their docstrings say
what each value is. The rules:

- a field holding a list or a dict of models (one per option, target, path, cell) is a table: one row per item,
  one column per field of the item that some row fills, headed by the field's name in words with its
  description as a tooltip;
- the other fields (numbers, words, intervals, lists of names) form one table of name and value;
- a value is formatted for reading (:mod:`kvt_docs.formatting`): an interval as ``estimate (low–high)``, an error
  as its one line, a nested record as ``name: value; ...``, seconds and sizes in their units; long text is cut.

Nothing is computed: every figure shown is a value of the assessment, only formatted.
"""

from __future__ import annotations

import html
from typing import Any

from pydantic import BaseModel

from evidence.contract import ErrorInfo, Interval, KnownIssue, describe_fields
from kvt_docs import formatting as fmt
from kvt_docs.markdown import cell, table

#: Longest text shown in one cell; the rest is cut with an ellipsis.
CELL_CHARS = 160
#: Most rows a generic table shows before saying how many it left out.
MAX_ROWS = 60


def describe(model: type[BaseModel], name: str) -> str:
    """The first sentence of field ``name``'s docstring on ``model``."""
    text = " ".join(describe_fields(model).get(name, "").split())
    return text.split(". ")[0].rstrip(".") if text else ""


def short(text: str, limit: int = CELL_CHARS) -> str:
    """``text`` cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def number_for(name: str, value: float | int) -> str:
    """A number formatted by what its field's name says it is (seconds, bytes, a share)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name.endswith("_s") or name in ("seconds", "duration"):
        return fmt.seconds(value)
    if name.endswith("_bytes") or name == "bytes":
        return fmt.size(int(value))
    if name.endswith("_ms"):
        return f"{fmt.number(value)} ms"
    return fmt.number(value)


def value_text(value: Any, name: str = "") -> str:
    """One value as plain text for a reader (never JSON)."""
    if value is None:
        return "—"
    if isinstance(value, bool | int | float):
        return number_for(name, value)
    if isinstance(value, str):
        return short(value)
    if isinstance(value, Interval):
        unit = fmt.seconds if name.endswith("_s") else fmt.number
        return fmt.interval(value, unit)
    if isinstance(value, ErrorInfo):
        return short(value.text(CELL_CHARS))
    if isinstance(value, KnownIssue):
        return short(f"{value.title} ({value.url})")
    if isinstance(value, BaseModel):
        parts = [f"{fmt.words(k)}: {value_text(v, k)}" for k, v in _filled(value).items()
                 if not isinstance(v, list | dict | BaseModel) or isinstance(v, Interval)]
        return short("; ".join(parts))
    if isinstance(value, list | tuple):
        if not value:
            return "none"
        if all(isinstance(v, BaseModel) for v in value):
            return f"{len(value)} records"
        return short(", ".join(value_text(v, name) for v in value))
    if isinstance(value, dict):
        if not value:
            return "none"
        return short("; ".join(f"{k}: {value_text(v, name)}" for k, v in value.items()))
    return short(str(value))


def _filled(model: BaseModel) -> dict[str, Any]:
    return {k: getattr(model, k) for k in type(model).model_fields if getattr(model, k) not in (None, [], {}, "")}


def is_records(value: Any) -> bool:
    """A non-empty list or dict whose items are all models: one table of records."""
    items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else []
    return bool(items) and all(isinstance(v, BaseModel) and not isinstance(v, Interval) for v in items)


def records_table(value: list[BaseModel] | dict[str, BaseModel], key_header: str = "") -> str:
    """One row per record, one column per field that some record fills (headers with tooltips)."""
    items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
    model = type(items[0][1])
    columns = [f for f in model.model_fields if any(getattr(v, f) not in (None, [], {}, "") for _, v in items)]
    if isinstance(value, dict):  # the key usually repeats a field (option, backend): keep one of the two
        keys = [k for k, _ in items]
        columns = [f for f in columns if [str(getattr(v, f)) for _, v in items] != keys]
    headers = ([cell(key_header or "item")] if isinstance(value, dict) else []) + [
        f'<span title="{html.escape(describe(model, f), quote=True)}">{cell(fmt.words(f))}</span>'
        for f in columns]
    rows = []
    for key, record in items[:MAX_ROWS]:
        row = [f"**{cell(str(key))}**"] if isinstance(value, dict) else []
        rows.append(row + [cell(value_text(getattr(record, f), f)) for f in columns])
    out = table(headers, rows)
    if len(items) > MAX_ROWS:
        out += f"\n{len(items) - MAX_ROWS} more rows are in the raw result (download link under Provenance).\n"
    return out


def assessment_sections(assessment: BaseModel) -> list[tuple[str, str]]:
    """(title, Markdown) sections showing every field of ``assessment``: the record tables, then the rest."""
    model = type(assessment)
    sections: list[tuple[str, str]] = []
    rest = []
    for name in model.model_fields:
        value = getattr(assessment, name)
        if is_records(value):
            note = describe(model, name)
            sections.append((fmt.words(name).capitalize(), (f"{cell(note)}.\n\n" if note else "")
                             + records_table(value, fmt.words(name))))
        else:
            rest.append([cell(fmt.words(name)), cell(value_text(value, name)), cell(describe(model, name))])
    if rest:
        sections.append(("Other values", table(["value", "measured", "what it is"], rest)))
    return sections
