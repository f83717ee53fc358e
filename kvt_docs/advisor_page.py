"""The Advisor page: the questionnaire and a live ranking with its explanation, computed in the page.

At build time the advisor is fitted on the site's results folder (:class:`advisor.ranking.Ranker`, the ranking
``kvt advise`` uses) and exported with :func:`advisor.export.export_advisor`, which documents every field and the
order of operations a copy must follow. The page's script (``docs/javascripts/advisor.js``, the project's own
code, no third-party library) reads that export and ranks the options for the answers in the form, as
``kvt advise --format json`` does: the same order, scores, failed and unverified requirements and confidence
(a parity test checks this on more than 200 answer sets). There is no server: the export is a static file
beside the page.

The form itself is HTML made here from the export's questions, so the page reads (and is indexed) without its
script; the script fills in the ranking.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from evidence.results import results_dir
from kvt_docs import formatting as fmt
from kvt_docs.markdown import admonition, cell, fence, inline, table
from kvt_docs.site_data import ClaimEntry

#: Where the export goes inside the site, and where the script lives (both relative to the docs root).
DATA_PATH = "assets/advisor/advisor.json"
SCRIPT_PATH = "javascripts/advisor.js"
#: The page is served at ``advisor/``: its links to the site root go up one level.
UP = "../"


@dataclass
class AdvisorPage:
    """The Advisor page's Markdown and the files it needs (the export)."""

    markdown: str
    files: dict[str, str | bytes] = field(default_factory=dict)


def export_data() -> dict[str, Any]:
    """The fitted advisor's export (the site's results folder)."""
    from advisor.export import export_advisor
    from advisor.ranking import Ranker

    return export_advisor(Ranker().fit(str(results_dir())))


def _question_html(q: dict[str, Any]) -> str:
    """One question as a fieldset: a group of radio buttons, or checkboxes when several answers may be given."""
    qid = html.escape(q["id"])
    kind = "checkbox" if q["multiple"] else "radio"
    legend = html.escape(q["text"])
    items = []
    for value in q["choices"]:
        checked = " checked" if value == q["default"] else ""
        vid = html.escape(f"q-{q['id']}-{value}")
        items.append(f'<label for="{vid}"><input type="{kind}" id="{vid}" name="{qid}" '
                     f'value="{html.escape(value)}"{checked}> {html.escape(q["labels"][value])}</label>')
    return (f'<fieldset class="kvt-q" data-question="{qid}" data-multiple="{str(q["multiple"]).lower()}">'
            f'<legend>{legend}</legend><p class="kvt-q__help">{html.escape(q["help"])}</p>'
            + "".join(items) + "</fieldset>")


def form_html(data: dict[str, Any]) -> str:
    """The questionnaire and the region the script fills with the ranking."""
    questions = "\n".join(_question_html(q) for q in data["questions"])
    return (f'<div class="kvt-advisor" data-export="{UP}{DATA_PATH}" data-site-root="{UP}">\n'
            f'<form class="kvt-advisor__form" id="kvt-advisor-form" aria-label="Your answers">\n{questions}\n'
            '<p><button type="reset" class="md-button">Back to the defaults</button></p>\n</form>\n'
            '<section class="kvt-advisor__result" id="kvt-advisor-result" aria-live="polite">'
            '<p class="kvt-advisor__loading">The ranking appears here once the page\'s script has loaded the '
            "advisor's data.</p>"
            '<noscript><p>The live ranking needs JavaScript. In a terminal, the same ranking: '
            "<code>kvt advise</code>.</p></noscript></section>\n</div>\n"
            f'<script src="{UP}{SCRIPT_PATH}" defer></script>\n')


def evidence_table(data: dict[str, Any]) -> str:
    """The claims the advisor read, with their state."""
    rows = []
    for e in data["evidence"]:
        state = e["state"]
        if state == "ok":
            said = f"{e.get('verdict', '')} on {', '.join(e['venues'])} ({e.get('mode', '')} run of " \
                   f"{fmt.date(e.get('date'))})"
        else:
            reason = e.get("reason") or ""
            said = ("needs a rerun: the result on file is of an older layout" if "needs a rerun" in reason
                    else reason)
        rows.append([f"[{cell(e['claim'])}](claims/{e['claim']}.md)", cell(state), cell(said)])
    return table(["claim", "state", "what the advisor read"], rows)


def render_advisor(entries: list[ClaimEntry]) -> AdvisorPage:
    """The Advisor page and its export."""
    data = export_data()
    criteria = ", ".join(c["label"] for c in data["criteria"])
    md = ["---", "hide:", "  - navigation", "  - toc",
          'description: "Answer a few questions and see Keras on TensorFlow, JAX or PyTorch and TensorFlow core '
          'ranked for your project, from the evidence on this site."', "---", "",
          "# The advisor\n",
          "Answer the questions; the options are ranked for your answers as you change them, from the evidence "
          f"on this site ({inline(criteria)}). Each score is a weighted sum of the criteria, weighted by your "
          "answers; an answer that is a hard requirement (a deploy target, several machines, compiled kernels) is "
          "met only by an option whose evidence shows it working. It is the ranking of `kvt advise`, computed in "
          "this page: nothing is sent anywhere.\n",
          form_html(data),
          "## How the ranking works\n",
          admonition("abstract", "Weights, score, order and confidence, as the advisor documents them",
                     f"**Weights.** {inline(data['weights_rule']['text'])}\n\n"
                     f"**Score and order.** {inline(data['ranking']['text'])}\n\n"
                     f"**Confidence.** {inline(data['confidence']['text'])}\n", collapsible=True),
          admonition("info", "The evidence the advisor read", evidence_table(data), collapsible=True),
          admonition("tip", "The same in a terminal",
                     "Every question is also a flag; the page's answers as a command are under the ranking.\n\n"
                     + fence("pip install -e .\nkvt advise                 # the questions, one by one\n"
                             "kvt advise --no-input --format json   # the defaults, as data", "bash"),
                     collapsible=True)]
    page = AdvisorPage("\n".join(md))
    page.files[DATA_PATH] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return page
