"""The recommendation for people: plain text that reads at 80 columns (and uses more when there is more), and
Markdown to paste into a design document.

Nothing a reader must copy is ever broken across lines: the table's cells are short and fixed (an option id is
at most 16 characters, a value 4), and prose wraps between words only (``break_long_words=False``,
``break_on_hyphens=False``), so ``keras-tensorflow`` or a path stays whole.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from advisor.criteria import BY_ID as CRITERIA
from advisor.questions import FIT, QUESTIONS
from evidence.labels import label
from evidence.options import OPTIONS
from evidence.tables import escape_cell, markdown_table

#: Below this width the compact table is used (at most 78 columns wide).
WIDE_AT = 132
NARROWEST = 40
_STATE = {"met": "met", "failed": "failed", "not_verified": "not verified"}


_CODE = re.compile(r"`[^`]*`")
#: A number and the word after it (its unit: ``0.40 s``, ``7 lines``) stay on one line.
_VALUE = re.compile(r"(?<=\d) (?=\S)")
_NBSP = "\xa0"


def sentence(text: str) -> str:
    """``text`` as the start of a sentence: its first letter capitalised, unless it starts with an option's id
    ("keras-jax is the only option ..."), which is a name and stays as written. The browser advisor
    (``docs/javascripts/advisor.js``, ``sentence``) applies the same rule."""
    first = text.split(" ", 1)[0]
    return text if first in OPTIONS else text[:1].upper() + text[1:]


def wrap(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` wrapped between words; a `command` in backticks is never split (its spaces held together), nor a
    number from its unit."""
    held = _VALUE.sub(_NBSP, _CODE.sub(lambda m: m.group(0).replace(" ", _NBSP), text))
    lines = textwrap.wrap(held, width=max(width, NARROWEST), initial_indent=indent if first is None else first,
                          subsequent_indent=indent, break_long_words=False, break_on_hyphens=False) or [""]
    return [line.replace(_NBSP, " ") for line in lines]


def _columns(rec) -> list[str]:
    cols = list(CRITERIA)
    if rec.weights[FIT] > 0:
        cols.append(FIT)
    return cols


def _needs(row) -> str:
    if not row.failed and not row.not_verified:
        return "ok" if row.requirements else "—"
    parts = ([f"{len(row.failed)}✗"] if row.failed else []) + ([f"{len(row.not_verified)}?"] if row.not_verified
                                                              else [])
    return " ".join(parts)


def _label(col: str, wide: bool) -> str:
    if col == FIT:
        return "fit"
    return CRITERIA[col].label if wide else CRITERIA[col].short


def table_lines(rec, width: int) -> list[str]:
    """The ranking as fixed-width lines: compact (72 columns) below :data:`WIDE_AT`, else with the criteria's
    full labels and each contribution's uncertainty."""
    wide = width >= WIDE_AT
    cols = _columns(rec)
    cw = [max(len(_label(c, True)), 10) + 1 if wide else 5 for c in cols]  # 5: a short label or 0.00, a space
    head = f"# {'option':<19}{'score':>6}" + "".join(f"{_label(c, wide):>{w}}" for c, w in zip(cols, cw,
                                                                                                        strict=True))
    lines = [head + "  req"]
    for row in rec.ranking:
        cells = []
        for col, w in zip(cols, cw, strict=True):
            value = row.contributions[col]
            if value is None:
                cells.append(f"{'—':>{w}}")
            elif wide and col != FIT:
                low, high = row.intervals[col]
                half = rec.weights[col] * (high - low) / 2
                cells.append(f"{f'{value:.2f}±{half:.2f}':>{w}}")
            else:
                cells.append(f"{value:>{w}.2f}")
        lines.append(f"{row.rank} {label(row.option):<19}{row.score:>6.3f}" + "".join(cells) + f"  {_needs(row)}")
    legend = ("Each column is weight × score (best option = 1); — no evidence; req: ok meets every requirement, "
              "✗ failed, ? not verified.")
    if wide:
        legend += " ± is half the uncertainty interval behind the confidence."
    return lines + wrap(legend, width)


def answers_line(rec) -> str:
    """The answers as ``id=value`` words."""
    return "Your answers: " + " ".join(f"{q.id}={rec.answers[q.id]}" for q in QUESTIONS)


def venue_line(rec) -> str:
    """Where the numbers came from, in words."""
    used = sorted({v for v in rec.venues.values() if v})
    perf = rec.criteria["performance"]
    text = f"Numbers from {', '.join(used)}." if used else "No venue's numbers could be used."
    if perf["missing"]:
        text += f" Performance: {perf['missing']}."
    elif perf["venue"]:
        text += f" Performance on {perf['venue']}."
    return text


def requirement_lines(rec, width: int) -> list[str]:
    """Per active requirement: what it needs, then each option that does not meet it, with the reason."""
    if not rec.requirements:
        return []
    lines = ["Hard requirements:"]
    for req in rec.requirements:
        lines += wrap(f"{req['label']} ({req['id']}): needs {req['needs']} (claim {req['claim']}).", width,
                       "    ", "  ")
        for who, state, reason in _grouped(rec, req["id"]):
            lines += wrap(f"{who}: {_STATE[state]}: {reason}", width, "      ", "    ")
    return lines


def _grouped(rec, req_id: str) -> list[tuple[str, str, str]]:
    """The options' checks of one requirement, options with the same state and reason said once."""
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rec.ranking:
        check = row.requirements[req_id]
        groups.setdefault((check["state"], check["reason"]), []).append(row.option)
    every = len(rec.ranking)
    return [("every option" if len(opts) == every > 1 else ", ".join(opts), state, reason)
            for (state, reason), opts in groups.items()]


def reason_lines(rec, width: int) -> list[str]:
    """One plain line per reason for the top pick, naming its evidence and the claim's page; then its caveats."""
    runner = rec.ranking[1].option if len(rec.ranking) > 1 else None
    lines = [f"Why {rec.top_pick}" + (f", over {runner} (largest margin first):" if runner else ":")]
    for r in rec.reasons:
        where = r["where"] + (f", {r['page']}" if r.get("page") else "")
        lines += wrap(f"- {r['label']}: {r['text']} ({where})", width, "    ", "  ")
    for caveat in rec.caveats:
        lines += wrap(f"- but: {caveat}", width, "    ", "  ")
    return lines


def evidence_lines(rec, width: int) -> list[str]:
    """Missing evidence, then the claims read with their verdicts and pages."""
    lines = []
    if rec.missing_evidence:
        lines.append("Evidence the advisor lacks (these criteria score 0 and the widest uncertainty):")
        for m in rec.missing_evidence:
            lines += wrap(f"- {CRITERIA[m['criterion']].label}: {m['reason']}", width, "    ", "  ")
    lines.append("Evidence read (`kvt evidence show CLAIM` or the pages):")
    for e in rec.evidence:
        if e["state"] == "ok":
            extra = ", ".join(filter(None, [e.get("mode"), ", ".join(e["venues"]),
                                            "stale: its code changed, rerun it" if e.get("stale") else None]))
            lines += wrap(f"- {e['claim']}: {e.get('verdict', 'read')} ({extra}) {e['page']}", width, "    ", "  ")
        elif e["state"] == "invalid":
            lines += wrap(f"- {e['claim']}: not used: {e['reason']}", width, "    ", "  ")
    absent = [e["claim"] for e in rec.evidence if e["state"] == "missing"]
    if absent:
        lines += wrap(f"- no result yet: {', '.join(absent)} (`kvt evidence run CLAIM`)", width, "    ", "  ")
    return lines


def text_report(rec, width: int = 80, show_answers: bool = True) -> str:
    """The whole recommendation as plain text for a terminal ``width`` columns wide."""
    out: list[str] = []
    if show_answers:
        out += wrap(answers_line(rec), width, "  ", "")
    for note in rec.notes:
        out += wrap(f"Note: {note}.", width, "  ")
    for c in rec.contradictions:
        out += wrap(f"Contradiction: {c['text']}.", width, "  ")
    for w in rec.warnings:
        out += wrap(f"Note: {sentence(w)}.", width, "  ")
    out += ["", *table_lines(rec, width)]
    for row in rec.ranking:
        if row.note:
            out += wrap(f"{row.rank} {row.option}: {row.note}.", width, "    ")
    out.append("")
    head = f"Top pick: {rec.top_pick}."
    if not rec.satisfied:
        head += " No option meets every hard requirement according to the evidence."
    out += wrap(f"{head} {sentence(rec.confidence_text)}.", width)
    if rec.proxy_decides:
        out += wrap(f"Beware: {rec.proxy_decides['text']}.", width)
    if rec.tied_with:
        out += wrap(f"Tied with {', '.join(rec.tied_with)}: no evidence separates them (ordered by option).", width)
    out += wrap(venue_line(rec), width)
    out += ["", *reason_lines(rec, width)]
    req = requirement_lines(rec, width)
    if req:
        out += ["", *req]
    out += ["", *evidence_lines(rec, width)]
    return "\n".join(out) + "\n"


def _md_table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """A Markdown table's lines (:func:`evidence.tables.markdown_table`), the cells escaped."""
    return markdown_table(list(head), rows, escape_cell).split("\n")


def markdown_report(rec) -> str:
    """The recommendation as Markdown: answers, the ranking table, confidence, reasons, requirements, evidence."""
    cols = _columns(rec)
    md = [f"## kvt advise: {rec.top_pick}", "", "**Answers:** " + ", ".join(
        f"`{q.id}={rec.answers[q.id]}`" for q in QUESTIONS), ""]
    md += [f"*Note: {n}.*" for n in rec.notes] + ([""] if rec.notes else [])
    md += [f"**Contradiction:** {escape_cell(c['text'])}." for c in rec.contradictions]
    md += [f"*Note: {escape_cell(sentence(w))}.*" for w in rec.warnings]
    md += [""] if rec.contradictions or rec.warnings else []
    rows = []
    for row in rec.ranking:
        cells = ["—" if row.contributions[c] is None else f"{row.contributions[c]:.3f}" for c in cols]
        needs = "meets all" if row.meets_requirements else "; ".join(
            [f"fails {r}" for r in row.failed] + [f"{r} not verified" for r in row.not_verified])
        rows.append([str(row.rank), f"`{row.option}`", f"{row.score:.3f}", *cells,
                     needs if row.requirements else "—"])
    md += _md_table(["#", "option", "score", *(_label(c, True) for c in cols), "requirements"], rows)
    md += ["", "Each column is weight × score (best option = 1); — means no evidence.", "",
           f"**Top pick: `{rec.top_pick}`.** {sentence(rec.confidence_text)}. "
           f"{venue_line(rec)}" + (f" **Beware:** {escape_cell(rec.proxy_decides['text'])}." if rec.proxy_decides
                                  else ""), ""]
    md += [f"- {row.rank} `{row.option}`: {escape_cell(row.note)}." for row in rec.ranking if row.note]
    md += ["", f"### Why {rec.top_pick}", ""]
    for r in rec.reasons:
        page = f", [{r['claim']}]({r['page']})" if r.get("page") else ""
        md.append(f"- **{r['label']}**: {escape_cell(r['text'])} ({r['where']}{page})")
    md += [f"- *but*: {escape_cell(c)}" for c in rec.caveats]
    if rec.requirements:
        md += ["", "### Hard requirements", ""]
        for req in rec.requirements:
            md.append(f"- {req['label']} (`{req['id']}`): needs {req['needs']} (claim `{req['claim']}`)")
            for who, state, reason in _grouped(rec, req["id"]):
                md.append(f"    - {who}: {_STATE[state]}: {escape_cell(reason)}")
    md += ["", "### Evidence", ""]
    for m in rec.missing_evidence:
        md.append(f"- missing, {CRITERIA[m['criterion']].label}: {escape_cell(m['reason'])}")
    for e in rec.evidence:
        if e["state"] == "ok":
            md.append(f"- [{e['claim']}]({e['page']}): {e.get('verdict', 'read')} ({', '.join(e['venues'])})")
        else:
            md.append(f"- {e['claim']}: not used: {escape_cell(e['reason'])}")
    return "\n".join(md) + "\n"
