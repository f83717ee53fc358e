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

from evidence.options import LABELS
from evidence.results import results_dir
from kvt_docs import formatting as fmt
from kvt_docs.markdown import admonition, cell, fence, inline, rst_to_markdown, table
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


def _prose(docstring: str) -> str:
    """A docstring shown to people: its doctest examples left out, its reST roles as code spans
    (``:data:`FIT``` becomes `FIT`)."""
    return rst_to_markdown(docstring.split("Examples:")[0].strip())


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
        rows.append([f"[{cell(e['claim'].replace('_', ' '))}](claims/{e['claim']}.md)", cell(state), cell(said)])
    return table(["claim", "state", "what the advisor read"], rows)


#: A requirement's state in words, for the platform table.
STATE_WORDS = {"met": "runs", "not_verified": "not verified", "failed": "does not run"}


def criteria_markdown(data: dict[str, Any]) -> str:
    """Each criterion in words: what counts as better, the claims it reads, and whether it is a proxy."""
    rows = []
    for c in data["criteria"]:
        claims = ", ".join(f"[{cell(cid.replace('_', ' '))}](claims/{cid}.md)" for cid in c["claims"])
        proxy = f"yes: {c['proxy']}" if c.get("proxy") else "no"
        rows.append([cell(c["label"]), cell(c["description"]), claims, cell(proxy)])
    return table(["criterion", "better means", "evidence", "a proxy?"], rows)


def community_markdown(data: dict[str, Any]) -> str:
    """The community criterion: its one definition, what it gives each option, and what it cannot say."""
    crit = next((c for c in data["criteria"] if c["id"] == "community"), None)
    table_ = data["tables"].get("community", {}).get("all") or {}
    if crit is None:
        return ""
    md = [f"**One definition for every option.** Community counts {inline(crit['description'])}: Keras's own "
          "ecosystem and the engine's, each package once (a package that belongs to both counts once), read from "
          "the committed PyPI listing of the [community claim](claims/community.md). No download rank is used: a "
          "framework's rank counts every install of it (Keras is installed with every TensorFlow, and PyTorch's "
          "rank counts every PyTorch user), so it would count one framework twice beside its packages.\n"]
    options = table_.get("options") or {}
    if options:
        md.append(table(["option", "score (the most packages = 1)", "what was counted"],
                        [[LABELS.get(o, o), fmt.number(v["score"]) if v.get("score") is not None else "—",
                          cell(v.get("note") or "")] for o, v in options.items()]))
    if table_.get("missing"):
        md.append(f"The community evidence is missing: {inline(table_['missing'])}.\n")
    md.append(f"**It is a proxy:** {inline(crit['proxy'] or 'a stand-in for what it is named after')}. It cannot "
              "say whether your questions will be answered, whether a package works with Keras 3 on your "
              "backend, or how long a framework will be maintained. So when it alone separates the pick from the "
              "runner-up, the ranking says so in words, and the confidence draws this criterion over its whole "
              "scale, so a race decided by popularity alone reads as close.\n")
    return "\n".join(md)


def platform_markdown(data: dict[str, Any]) -> str:
    """The platform requirement: what it is, and which option meets it on each accelerator and system."""
    questions = data.get("platform_questions") or []
    reqs = {k: r for k, r in data["requirements"].items() if k.startswith("platform=")}
    if not reqs:
        return ""
    rows = []
    absent = []
    for r in reqs.values():
        checks = r["checks"]
        if all(c["state"] == "failed" and c["reason"].startswith("not applicable") for c in checks.values()):
            absent.append(r["label"].removeprefix("trains on "))
            continue
        rows.append([cell(r["label"].removeprefix("trains on ")),
                     *[STATE_WORDS.get(checks[o]["state"], checks[o]["state"]) for o in data["options"]]])
    texts = {q["id"]: q["text"] for q in data["questions"]}
    md = [f"**Your hardware and operating system are a hard requirement** (the questions "
          f"{' and '.join(f'“{texts.get(q, q)}”' for q in questions)}), read from the "
          "[platform claim](claims/platform.md): "
          "an option meets it only where the platform evidence records it as supported (the installed packages' "
          "own code where it can say, the frameworks' documentation and release notes, with the date read, "
          "otherwise). An experimental plugin, or a combination nothing read speaks of, is *not verified*, "
          "ranked after the options that meet it but never counted as failing; an option that does not run "
          "there fails the requirement. Answers that no option can meet together (a TPU with PyTorch code, a "
          "sharded model that must run in a browser) are named in one line above the ranking.\n",
          table(["trains on", *[LABELS.get(o, o) for o in data["options"]]], rows)]
    if absent:
        md.append(f"No such platform: {inline(fmt.listing(absent))} (every option fails it, and the advisor says "
                  "why above the ranking).\n")
    return "\n".join(md)


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
          "answers; an answer that is a hard requirement (your hardware and operating system, a deploy target, "
          "several machines, a sharded model, compiled kernels) is met only by an option whose evidence shows it "
          "working. It is the ranking of `kvt advise`, computed in "
          "this page: nothing is sent anywhere.\n",
          form_html(data),
          "## How the ranking works\n",
          admonition("abstract", "Weights, score, order and confidence, as the advisor documents them",
                     f"**Weights.** {inline(_prose(data['weights_rule']['text']))}\n\n"
                     f"**Score and order.** {inline(data['ranking']['text'])}\n\n"
                     f"**Confidence.** {inline(_prose(data['confidence']['text']))}\n", collapsible=True),
          admonition("info", "What each criterion means", criteria_markdown(data), collapsible=True),
          admonition("info", "Community: one definition for every option, and a proxy", community_markdown(data),
                     collapsible=True),
          admonition("info", "Your hardware and operating system: a hard requirement", platform_markdown(data),
                     collapsible=True),
          admonition("info", "The evidence the advisor read", evidence_table(data), collapsible=True),
          admonition("tip", "The same in a terminal",
                     "Every question is also a flag; the page's answers as a command are under the ranking.\n\n"
                     + fence("pip install -e .\nkvt advise                 # the questions, one by one\n"
                             "kvt advise --no-input --format json   # the defaults, as data", "bash"),
                     collapsible=True)]
    page = AdvisorPage("\n".join(md))
    page.files[DATA_PATH] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return page
