"""One page per claim: the claim, verdict, method, numbers, charts, code, caveats, sources, reproduction, provenance.

Everything on the page comes from the claim module (statement, sub-claims, docstrings, thresholds and their
code comments, program files) or from its result file (verdict, summary, findings, measurements, provenance).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

from evidence.claim import Claim
from evidence.results import ResultFile
from kvt_docs.charts import Chart, charts_for
from kvt_docs.markdown import admonition, badge, cell, fence, format_number, inline, rst_to_markdown, table, tabs
from kvt_docs.numbers import measurement_tables, subjects_table, thresholds_table
from kvt_docs.programs import code_section
from kvt_docs.site_data import ClaimEntry
from kvt_docs.sources import sources_for

#: Where chart images go inside the site, relative to the docs root.
CHARTS_DIR = "assets/charts"


@dataclass
class ClaimPage:
    """A generated claim page: its Markdown and the chart images it links to."""

    markdown: str
    charts: dict[str, bytes] = field(default_factory=dict)  # path inside the docs root -> PNG


def threshold_meanings(claim) -> dict[str, str]:
    """Each threshold's comment in the claim's ``thresholds = {...}`` source.

    A comment covers the keys below it up to the next comment: the first key gets the text, the others
    point back to that key.
    """
    try:
        lines = inspect.getsource(type(claim)).splitlines()
    except (OSError, TypeError):
        return {}
    start = next((i for i, line in enumerate(lines) if re.match(r"\s*thresholds\b.*=\s*\{", line)), None)
    if start is None:
        return {}
    meanings: dict[str, str] = {}
    pending: list[str] = []
    current, first_key = "", ""
    for line in lines[start + 1:]:
        stripped = line.strip()
        if stripped.startswith("}"):
            break
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        match = re.match(r"""["']([A-Za-z0-9_]+)["']\s*:""", stripped)
        if not match:
            continue
        key = match.group(1)
        if pending:
            current, first_key, pending = " ".join(pending), key, []
            meanings[key] = current
        elif current:
            meanings[key] = f"as for `{first_key}`"
    return meanings


def method_markdown(entry: ClaimEntry) -> str:
    """The module docstring minus its first line (which restates the claim), then the judge's docstring."""
    doc = entry.module_doc()
    paragraphs = doc.split("\n\n")
    body = "\n\n".join(paragraphs[1:]) if len(paragraphs) > 1 else doc
    body = rst_to_markdown(body).strip()
    judge_doc = inspect.getdoc(type(entry.claim).judge) if entry.claim else None
    base_doc = inspect.getdoc(Claim.judge)
    out = (body or "The claim module has no docstring describing its method.") + "\n"
    if judge_doc and judge_doc != base_doc:
        out += f"\n**How the verdict is reached.** {rst_to_markdown(judge_doc)}\n"
    return out


def findings_markdown(entry: ClaimEntry, result: ResultFile) -> tuple[str, list[str]]:
    """(table of sub-claims and their findings, caveat texts found among the findings)."""
    sub_claims = result.claim.sub_claims
    findings = dict(result.findings)
    caveats = []
    for key in [k for k in findings if "caveat" in k.lower()]:
        value = findings.pop(key)
        caveats += value if isinstance(value, list) else [value]
    rows = []
    for key, question in sub_claims.items():
        rows.append([f"`{key}`", cell(question), _finding_cell(findings.pop(key, None))])
    for key, value in findings.items():
        rows.append([f"`{key}`", "", _finding_cell(value)])
    return table(["sub-claim", "what needs evidence", "finding"], rows), [c if isinstance(c, str) else str(c)
                                                                        for c in caveats]


def _finding_cell(value) -> str:
    if value is None:
        return "not reported by this run"
    if isinstance(value, dict) and "verdict" in value:
        rest = {k: v for k, v in value.items() if k != "verdict"}
        text = " ".join(str(v) for v in rest.values()) if all(isinstance(v, str) for v in rest.values()) \
            else cell(rest)
        return f"{badge(str(value['verdict']))} {cell(text)}"
    return cell(value)


def reruns_markdown(result: ResultFile) -> str:
    """The verdict of each back-to-back run, when the claim was run several times; the numbers are the last's."""
    verdicts = {r.verdict for r in result.reruns}
    agree = (f"All {len(result.reruns)} runs reached the same verdict." if len(verdicts) == 1 else
             f"The runs disagreed ({len(verdicts)} different verdicts), so no verdict is given.")
    rows = [[str(i), cell(r.date), f"{format_number(r.duration_s)} s", badge(r.verdict)]
            for i, r in enumerate(result.reruns, 1)]
    return ("### Runs\n\n"
            f"The experiment ran {len(result.reruns)} times back to back on the same machine and code. {agree} "
            "The numbers on this page are the last run's.\n\n" + table(["run", "date", "run time", "verdict"], rows))


def provenance_table(entry: ClaimEntry, result: ResultFile) -> str:
    """Where, when and with what the result was made, and how its code compares with today's."""
    p = result.provenance
    packages = ", ".join(f"{name} {version}" for name, version in p.packages.items() if version)
    environment = ", ".join(f"{k}={v}" for k, v in p.environment.items()) or "—"
    commit = (p.git_commit or "not recorded") + (" (uncommitted changes)" if p.git_dirty else "")
    current = entry.claim.code_hash() if entry.claim else "—"
    rows = [
        ("date", p.date), ("mode", p.mode), ("run time", f"{format_number(p.duration_s)} s"),
        ("runs back to back", str(len(result.reruns) or 1)),
        ("timed repeats / warm-up runs", f"{p.repeats} / {p.warmup}"), ("git commit", commit),
        ("Python", p.python), ("platform", p.platform), ("CPU", f"{p.cpu_model} ({p.cpu_count} logical CPUs)"),
        ("GPU", p.gpu or "none"), ("packages", packages), ("environment", environment),
        ("subjects run", ", ".join(p.subjects_run)),
        ("code hash of the result", result.code_hash), ("code hash of the claim now", current),
        ("result file", entry.result_file.name),
    ]
    return table(["field", "value"], [[cell(k), cell(v)] for k, v in rows])


def reproduce_markdown(claim_id: str) -> str:
    """Tabs with the one command that reruns the claim, its quick variant and the CLI equivalent."""
    return tabs([
        ("nox", "Rerun the experiment and rewrite its result file, then rebuild the site:\n\n"
         + fence(f"nox -s evidence -- {claim_id}\nnox -s docs", "bash")),
        ("nox, quick", "Tiny sizes, as the tests and CI use (not for conclusions):\n\n"
         + fence(f"nox -s evidence -- {claim_id} --quick", "bash")),
        ("kvt", "In an environment with the evidence extra installed:\n\n"
         + fence(f'pip install -e ".[evidence]"\nkvt evidence run {claim_id}\nkvt evidence show {claim_id}',
                 "bash")),
    ])


def banners(entry: ClaimEntry) -> str:
    """The admonitions at the top of the page: stale, invalid, not run, not written, quick mode."""
    out = []
    if entry.claim is None:
        out.append(admonition("info", "Experiment not written yet",
                              f"The claim `{entry.id}` is registered, but its module is not written yet. "
                              "This page fills in once it is."))
    elif entry.result_error:
        out.append(admonition("danger", "Result file unusable",
                              f"{fence(entry.result_error)}\nRerun it with `nox -s evidence -- {entry.id}`."))
    elif entry.result is None:
        out.append(admonition("info", "Not run yet",
                              f"This claim has no result yet. Run it with `nox -s evidence -- {entry.id}` "
                              f"(or `kvt evidence run {entry.id}`), then rebuild the site with `nox -s docs`."))
    if entry.stale:
        out.append(admonition("warning", "Stale result",
                              "The claim's code (its module, programs or data) changed after this result was "
                              f"made, so the numbers below may not match what the code does now. Rerun it with "
                              f"`nox -s evidence -- {entry.id}`."))
    if entry.result and entry.result.provenance.mode == "quick":
        out.append(admonition("note", "Quick-mode result",
                              "This result was made with tiny sizes for tests and CI; rerun it in full mode "
                              f"(`nox -s evidence -- {entry.id}`) before drawing conclusions."))
    return "\n".join(out)


def render_claim_page(entry: ClaimEntry) -> ClaimPage:
    """The Markdown of ``entry``'s page and the charts it shows."""
    claim, result = entry.claim, entry.result
    md = [f"# {inline(entry.title)}\n", banners(entry)]
    if claim is None:
        return ClaimPage("\n".join(md))

    md.append(f"**Dimension:** {inline(claim.dimension)} · **Verdict:** {badge(entry.verdict, stale=entry.stale)}\n")
    md.append("## The claim\n")
    md.append(f"> {inline(claim.statement)}\n")
    md.append("What needs evidence:\n")
    md.append("\n".join(f"- `{key}`: {inline(text)}" for key, text in claim.sub_claims.items()) + "\n")

    md.append("## Verdict\n")
    caveats: list[str] = []
    if result:
        md.append(f"{badge(result.verdict, stale=entry.stale)} {inline(result.summary)}\n")
        if result.reruns:
            md.append(reruns_markdown(result))
        findings, caveats = findings_markdown(entry, result)
        md.append("### Findings\n")
        md.append(findings)
    else:
        md.append(f"{badge(entry.verdict)} No verdict until the experiment has run.\n")

    md.append("## Method\n")
    md.append(method_markdown(entry))
    thresholds = result.claim.thresholds if result else claim.thresholds
    if thresholds:
        md.append("### Thresholds\n")
        md.append(("The values the verdict was judged against, as recorded in the result.\n\n" if result else
                   "The values the verdict will be judged against, as declared in the claim's code.\n\n")
                  + thresholds_table(thresholds, threshold_meanings(claim)))

    page = ClaimPage("")
    if result:
        md.append("## Numbers\n")
        md.append("### Subjects\n")
        md.append(subjects_table(result))
        md.append("### Measurements\n")
        md.append(measurement_tables(result.subjects))
        charts = charts_for(entry.id, result)
        if charts:
            md.append("## Charts\n")
            md.append(_charts_markdown(entry.id, charts, page))

    md.append("## The code that ran\n")
    md.append("Each listing is the file itself, read when this site was built.\n")
    md.append(code_section(claim))
    if claim.data_files:
        md.append("Data files read: " + ", ".join(f"`evidence/data/{name}`" for name in claim.data_files)
                  + " (their provenance is in `evidence/data/README.md`).\n")

    failed = {s: r for s, r in result.subjects.items() if r.status != "ok"} if result else {}
    if caveats or failed:
        md.append("## Caveats\n")
        md += [admonition("warning", "Caveat", inline(text)) for text in caveats]
        md += [admonition("failure" if r.status == "failed" else "note", f"{s}: {r.status}",
                          inline(r.short_reason())) for s, r in failed.items()]

    sources = sources_for(entry.id)
    if sources:
        md.append("## Sources from the public record\n")
        md.append("How public sources stand on the article's claim (links for checking us; no number on this "
                  "page comes from them).\n")
        md.append(table(["source", "on the article's claim", "what it says"],
                        [[f"[{cell(s.title)}]({s.url})", s.stance, cell(s.says)] for s in sources]))

    md.append("## Reproduce\n")
    md.append(reproduce_markdown(entry.id))
    if result:
        md.append("## Provenance\n")
        md.append(provenance_table(entry, result))
    page.markdown = "\n".join(part for part in md if part)
    return page


def _charts_markdown(claim_id: str, charts: list[Chart], page: ClaimPage) -> str:
    parts = []
    for chart in charts:
        path = f"{CHARTS_DIR}/{claim_id}/{chart.name}.png"
        page.charts[path] = chart.png
        parts.append(f"![{cell(chart.caption)}](../{path}){{ .kvt-chart }}\n")
    return "\n".join(parts)
