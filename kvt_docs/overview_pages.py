"""The Home page (what the site is, the verdict table, when and on what the evidence was made) and the Claims index."""

from __future__ import annotations

from kvt_docs.markdown import badge, cell, inline, table
from kvt_docs.site_data import ClaimEntry

INTRO = """\
A widely copied article compares Keras and TensorFlow with a handful of claims. Many were true when it was
written; the frameworks have changed since, and a claim is only as good as its evidence today.
This site settles each claim with an **experiment that runs**: the code is shown as it ran, the numbers
come from the experiment's result file, and the verdict follows from thresholds written in the code.
Nothing here is typed by hand, and every page can be regenerated with one `nox` command
(see [Reproduce](reproduce.md)).

Verdicts: **supported**, **partly supported**, **refuted**, **outdated** (true of an older version, false
now) and **inconclusive** (data missing or too noisy). How they are reached is on the
[Methodology](methodology.md) page; which option suits *your* project is the [Advisor](advisor.md)'s job.
"""


def evidence_line(entry: ClaimEntry) -> str:
    """One line of evidence for the verdict table: the result's summary, or what is missing."""
    if entry.claim is None:
        return "The experiment is not written yet."
    if entry.result_error:
        return "The result file is unusable; see the claim's page."
    if entry.result is None:
        return f"Not run yet: `nox -s evidence -- {entry.id}`."
    return cell(entry.result.summary)


def verdict_table(entries: list[ClaimEntry], link_prefix: str = "") -> str:
    """Each claim: our statement, the verdict badge, one line of evidence, a link to its page."""
    rows = []
    for e in entries:
        statement = cell(e.claim.statement) if e.claim else ""
        rows.append([f"[{cell(e.title)}]({link_prefix}{e.page})", statement, badge(e.verdict, stale=e.stale),
                     evidence_line(e)])
    return table(["claim", "the claim in our words", "verdict", "evidence"], rows)


def runs_table(entries: list[ClaimEntry]) -> str:
    """When, in which mode and on what machine and software each result was made."""
    rows = []
    for e in entries:
        if not e.result:
            continue
        p = e.result.provenance
        frameworks = ", ".join(f"{n} {p.packages[n]}" for n in ("keras", "tensorflow", "tensorflow-cpu", "jax",
                                                               "torch") if p.packages.get(n))
        rows.append([f"[{e.id}]({e.page})", cell(p.date), cell(p.mode),
                     cell(f"{p.cpu_model}, {p.cpu_count} CPUs" + (f", {p.gpu}" if p.gpu else "")),
                     cell(f"Python {p.python}" + (f"; {frameworks}" if frameworks else "")),
                     cell((p.git_commit or "—")[:12])])
    if not rows:
        return "No claim has a result yet.\n"
    return table(["claim", "date", "mode", "machine", "software", "commit"], rows)


def render_home(entries: list[ClaimEntry]) -> str:
    """The Home page."""
    return "\n".join([
        "# Keras or TensorFlow? The evidence\n",
        INTRO,
        "## Verdicts\n",
        verdict_table(entries),
        "## When and on what the evidence was produced\n",
        runs_table(entries),
    ])


def render_claims_index(entries: list[ClaimEntry]) -> str:
    """The Claims section's index: each claim by dimension, with what it needs evidence for."""
    md = ["# Claims under test\n",
          "Each claim of the article, in our words, with the sub-claims its experiment must settle.\n"]
    for e in entries:
        md.append(f"## [{inline(e.title)}]({e.id}.md)\n")
        if e.claim is None:
            md.append("The experiment is not written yet.\n")
            continue
        md.append(f"**Dimension:** {inline(e.claim.dimension)} · **Verdict:** {badge(e.verdict, stale=e.stale)}\n")
        md.append(f"> {inline(e.claim.statement)}\n")
        md.append("\n".join(f"- `{k}`: {inline(v)}" for k, v in e.claim.sub_claims.items()) + "\n")
    return "\n".join(md)
