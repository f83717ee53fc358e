"""The Home page (one table: each claim, what the article said, what we found, the verdict and the venue) and the
Claims index.

The Home table is HTML with a label on every cell, so that below 700 px each row becomes a card (the labels
shown) instead of a table that scrolls sideways; its rows are one claim each, its sentences short enough that the
whole table fits a 1280×800 screen.
"""

from __future__ import annotations

import html

from evidence.labels import humanize
from kvt_docs import formatting as fmt
from kvt_docs.markdown import badge, inline
from kvt_docs.sentences import plain_sentence, short_venue
from kvt_docs.site_data import NEEDS_RERUN, NOT_RUN, NOT_WRITTEN, ClaimEntry
from kvt_docs.stories import story_for
from kvt_docs.venue_notes import home_banner

ARTICLE = "Keras vs TensorFlow: What are the differences?"
COLUMNS = ("claim", "what the article said", "what we found", "verdict", "venue")


def found_text(entry: ClaimEntry) -> str:
    """What we found (the claim's plain first sentence, :mod:`kvt_docs.sentences`), or what stands in for it."""
    state = entry.state
    if state == NOT_WRITTEN:
        return "The experiment is not written yet."
    if state == NOT_RUN:
        return f"Not run yet: nox -s evidence -- {entry.id}."
    if state == NEEDS_RERUN:
        return "The result on file is of an older layout and needs a rerun."
    if state != "ok":
        return "The result file is unusable; see the claim's page."
    assert entry.primary is not None  # a claim in state "ok" has a usable result
    return plain_sentence(entry.id, entry.primary)


def _td(label: str, content: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<td data-label="{html.escape(label)}"{cls}>{content}</td>'


def home_table(entries: list[ClaimEntry]) -> str:
    """The verdict table of Home, as HTML (see the module docstring)."""
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in COLUMNS)
    rows = []
    for e in entries:
        story = story_for(e.id, e.title)
        name = html.escape(story.short or e.nav_title)
        article = html.escape(story.article or (e.claim.statement if e.claim else ""))
        if e.state == "ok":
            verdicts = " ".join(badge(r.verdict, stale=e.is_stale(v)) for v, r in e.results.items())
            venues = "<br>".join(html.escape(short_venue(v) if r.claim.machine_dependent else "any machine")
                                 + (" (quick)" if r.mode == "quick" else "") for v, r in e.results.items())
        else:
            verdicts, venues = badge(e.verdict), "—"
        rows.append("<tr>" + _td(COLUMNS[0], f'<a href="{e.url}">{name}</a>', "kvt-home__claim")
                    + _td(COLUMNS[1], article) + _td(COLUMNS[2], html.escape(found_text(e)))
                    + _td(COLUMNS[3], verdicts, "kvt-home__verdict") + _td(COLUMNS[4], venues, "kvt-home__venue")
                    + "</tr>")
    return (f'<table class="kvt-home">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows)
            + "\n</tbody>\n</table>\n")


def since_article(entries: list[ClaimEntry]) -> str:
    """What changed since the article was written, with the version measured when the architecture claim ran."""
    arch = next((e for e in entries if e.id == "architecture" and e.state == "ok"), None)
    version = None
    if arch is not None and arch.primary is not None:
        tf_keras = getattr(arch.primary.assessment, "tf_keras", None)
        version = tf_keras.version if tf_keras and tf_keras.is_keras else None
    keras = f"Keras {html.escape(version)}" if version else "Keras 3"
    return ("Since it was written, Theano and CNTK have stopped, Keras 3 has become multi-backend (TensorFlow, JAX "
            f'and PyTorch), and <code>tf.keras</code> is {keras} itself (<a href="claims/architecture/">measured'
            "</a>).")


def runs_table(entries: list[ClaimEntry]) -> str:
    """When, in which mode and on what machine and software each result was made."""
    rows = []
    for e in entries:
        for venue, r in e.results.items():
            p = r.provenance
            frameworks = ", ".join(f"{n} {p.packages[n]}" for n in ("keras", "tensorflow", "tensorflow-cpu", "jax",
                                                                   "torch") if p.packages.get(n))
            # where it ran is provenance; a claim that holds on any machine says so beside it
            where = venue if r.claim.machine_dependent else f"{venue} (holds on any machine)"
            rows.append(f"| [{e.nav_title}]({e.page}) | {where} | {fmt.date(p.date)} | {p.mode} | "
                        f"{inline(frameworks or '—')} |")
    if not rows:
        return "No claim has a usable result yet.\n"
    return "| claim | venue | date | mode | frameworks |\n| --- | --- | --- | --- | --- |\n" + "\n".join(rows) + "\n"


def render_home(entries: list[ClaimEntry]) -> str:
    """The Home page."""
    return "\n".join([
        "---", "hide:", "  - navigation", "  - toc",
        f'description: "Each claim of the article \\"{ARTICLE}\\" tested by an experiment that runs: verdicts, '
        'numbers and the code, on the machine named."', "---", "",
        "# Keras or TensorFlow? The evidence { .kvt-home-title }\n",
        f'<p class="kvt-lede">Each claim of the article <cite>“{ARTICLE}”</cite>, tested by an experiment that '
        f"runs. {since_article(entries)}</p>\n",
        home_banner(entries),
        home_table(entries),
        "Each verdict holds for the venue it was measured on (the kind of machine: `cpu-2core` is a 2-core CPU). "
        "The [Methodology](methodology.md) says how verdicts are reached, the [Advisor](advisor.md) ranks the "
        "options for your own answers, and [Then and now](then-and-now.md) shows the verdicts on older releases.\n",
        "## When and on what the evidence was produced\n",
        runs_table(entries),
    ])


def render_claims_index(entries: list[ClaimEntry]) -> str:
    """The Claims section's index: each claim with its sub-claims and its verdict on each venue."""
    md = ["# Claims under test\n",
          "Each claim of the article, in our words, with the sub-claims its experiment must settle.\n"]
    for e in entries:
        md.append(f"## [{inline(e.title)}]({e.id}.md)\n")
        if e.claim is None:
            md.append("The experiment is not written yet.\n")
            continue
        verdicts = (" · ".join(f"{badge(r.verdict, stale=e.is_stale(v))} on {v}" for v, r in e.results.items())
                    if e.state == "ok" else badge(e.verdict))
        md.append(f"**Dimension:** {inline(e.claim.dimension)} · **Verdict:** {verdicts}\n")
        md.append(f"> {inline(e.claim.statement)}\n")
        md.append("\n".join(f"- {inline(humanize(v))}" for v in e.claim.sub_claims.values()) + "\n")
    return "\n".join(md)
