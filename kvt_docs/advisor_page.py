"""The Advisor page: how scoring works, the criteria and their sources, the questionnaire, the scenarios.

Generated from the advisor's own modules, each imported guarded so that the site builds while the advisor is
still being written: a part whose module is missing says so instead of failing the build.

- :mod:`advisor.questions`: the questions, choices, defaults and weight multipliers (the questionnaire reference);
- :mod:`advisor.criteria`: the criteria, the claims each reads and the reader function's docstring;
- :mod:`advisor.constraints`: the hard constraints and the claim that can satisfy each;
- :mod:`advisor.model`: the estimator's docstring;
- :mod:`advisor.scenarios`: the reference scenarios, ranked by the advisor fitted on the site's results.
"""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

from evidence.results import results_dir
from kvt_docs.markdown import admonition, cell, fence, format_number, inline, rst_to_markdown, table
from kvt_docs.site_data import ClaimEntry

NOT_YET = "The advisor reference is not available yet: `{module}` is not written."


def optional_module(name: str) -> ModuleType | None:
    """``name`` imported, or None when that module itself does not exist (other import errors propagate)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def _claim_links(claim_ids, entries: dict[str, ClaimEntry]) -> str:
    return ", ".join(f"[{cid}](claims/{cid}.md)" if cid in entries else f"`{cid}`" for cid in claim_ids)


def _doc(obj) -> str:
    return rst_to_markdown(inspect.getdoc(obj) or "")


def scoring_markdown(model: ModuleType | None, criteria: ModuleType | None) -> str:
    """How scoring works: the estimator's docstring and the criteria contract, in the advisor's own words."""
    parts = []
    if model is not None and model.__doc__:
        parts.append(_doc(model))
    else:
        parts.append("The advisor scores each option on every criterion from measured numbers, weights the "
                     "criteria by your answers, and ranks the options; an answer that is a hard requirement "
                     "is met only by an option whose evidence shows it working. (The estimator's own "
                     "description appears here once `advisor.model` is written.)")
    if criteria is not None and criteria.__doc__:
        parts.append("### From results to criterion values\n\n" + _doc(criteria))
    return "\n\n".join(parts) + "\n"


def criteria_markdown(criteria: ModuleType, entries: dict[str, ClaimEntry]) -> str:
    """A table of the criteria, then each reader's docstring: where each criterion's numbers come from."""
    rows, details = [], []
    for crit in criteria.CRITERIA:
        reader = crit.reader.__name__ if crit.reader else "none yet"
        rows.append([f"`{crit.id}`", cell(crit.label), cell(crit.description), _claim_links(crit.claims, entries),
                     f"`{reader}`" if crit.reader else reader])
        if crit.reader is not None:
            details.append(f"#### {inline(crit.label)}: `{crit.reader.__name__}`\n\n{_doc(crit.reader)}\n")
        else:
            details.append(f"#### {inline(crit.label)}\n\nNo reader yet: this criterion is reported as missing "
                           f"evidence until {_claim_links(crit.claims, entries)} has a result and a reader.\n")
    return table(["criterion", "label", "a high score means", "claims it reads", "reader"], rows) \
        + "\n" + "\n".join(details)


def questionnaire_markdown(questions: ModuleType) -> str:
    """Every question with its flag, help text, choices, default and the weights each choice multiplies."""
    md = []
    base = getattr(questions, "BASE_WEIGHTS", None)
    if base:
        md.append("Every criterion weight starts at its base value; each answer multiplies the weights its "
                  "choice names, and the weights are then scaled to sum to one.\n")
        md.append(table(["criterion", "base weight"], [[f"`{k}`", cell(v)] for k, v in base.items()]))
    for q in questions.QUESTIONS:
        md.append(f"### `{q.id}`\n")
        md.append(f"**{inline(q.text)}** — flag `{q.flag}`, default `{q.default}`.\n")
        md.append(f"{inline(q.help)}\n")
        rows = []
        for choice in q.choices:
            weights = ", ".join(f"`{k}` × {format_number(v)}" for k, v in choice.weights.items()) or "—"
            marker = " (default)" if choice.value == q.default else ""
            rows.append([f"`{choice.value}`{marker}", cell(choice.label), weights])
        md.append(table(["answer", "meaning", "weight multipliers"], rows))
    md.append("Answer every question at once in a script:\n")
    flags = "".join(f" \\\n    {q.flag} {q.default}" for q in questions.QUESTIONS)
    md.append(fence(f"kvt advise --no-input --format json{flags}", "bash"))
    return "\n".join(md)


def constraints_markdown(constraints: ModuleType, entries: dict[str, ClaimEntry]) -> str:
    """The hard constraints: the answer that switches each on and the evidence that can satisfy it."""
    rows = [[f"`{c.question}={c.answer}`", cell(c.requirement), _claim_links([c.claim], entries),
             f"`{c.lookup.__name__}`" if c.lookup else "none yet: never satisfied until written"]
            for c in constraints.HARD_CONSTRAINTS]
    return ("An option that fails an active constraint ranks below every option that meets it, with the failed "
            "constraint and its evidence named.\n\n"
            + table(["answer", "what the evidence must show", "claim", "lookup"], rows))


def scenarios_markdown(model: ModuleType | None, scenarios: ModuleType | None) -> str:
    """The reference scenarios and the advisor's answers to them, from :mod:`advisor.scenarios`.

    The advisor is fitted on the same results folder as the rest of the site (``$KVT_RESULTS_DIR`` or
    ``evidence/results``), so its answers move with the evidence shown on the claim pages.
    """
    if model is None or scenarios is None or not hasattr(scenarios, "evaluate"):
        return admonition("info", "Not available yet",
                          "The reference scenarios and the advisor's answers to them appear here once the "
                          "advisor publishes its scenario report (`advisor.scenarios`).")
    try:
        cases = scenarios.load_scenarios()
    except FileNotFoundError as exc:
        return admonition("info", "Not available yet", f"No reference scenarios found: {inline(str(exc))}")
    advisor = model.Advisor().fit(str(results_dir()))
    report = scenarios.evaluate(advisor, cases)
    m = report["metrics"]
    md = [f"Each scenario is a set of answers and the top picks a reviewer would accept, with the reason. "
          f"The advisor answers from the evidence on this site: {m['decided']} of {m['scenarios']} scenarios "
          "are decided by evidence it reads now; the others wait for the claims they need and are not held "
          "against it.\n"]
    md.append(table(["metric (scikit-learn)", "all scenarios", "decided scenarios"],
                    [[f"`{key}`", cell(m.get(key)), cell(m.get(f"{key}_decided"))]
                     for key in ("top1_accuracy", "ndcg", "ndcg_at_1", "lrap")]))
    rows = []
    for r in report["rows"]:
        answers = "; ".join(f"{k}: {v}" for k, v in r["answers"].items()) or "all defaults"
        acceptable = ", ".join(f"**{o}**" if o in r.get("preferred", []) else o for o in r["acceptable"])
        outcome = "accepted" if r["ok"] else "**not accepted**"
        if not r["satisfied"]:
            outcome += "; fails a hard constraint"
        decided = "yes" if r["decided"] else f"not yet (needs {', '.join(r['missing'])})"
        rows.append([cell(r["name"]), cell(answers), acceptable, f"`{r['top']}`", outcome, cell(decided),
                     cell(r["confidence"]), cell(r["reason"])])
    md.append(table(["scenario", "answers", "acceptable (preferred in bold)", "advisor's pick", "outcome",
                     "decided", "confidence", "why"], rows))
    missing = advisor.missing_evidence()
    if missing:
        md.append("### Evidence the advisor does not have yet\n")
        md.append(table(["criterion", "claims", "why"],
                        [[f"`{e['criterion']}`", ", ".join(e["claims"]), cell(e["reason"])] for e in missing]))
    return "\n".join(md)


def render_advisor(entries: list[ClaimEntry]) -> str:
    """The Advisor page."""
    by_id = {e.id: e for e in entries}
    questions = optional_module("advisor.questions")
    criteria = optional_module("advisor.criteria")
    constraints = optional_module("advisor.constraints")
    model = optional_module("advisor.model")
    scenarios = optional_module("advisor.scenarios")
    options = optional_module("advisor.options")
    listed = f" ({', '.join(f'`{o}`' for o in options.OPTIONS)})" if options else ""
    md = ["# The advisor\n",
          f"`kvt advise` asks a few questions about your project and ranks the options{listed} — Keras on "
          "its backends, and TensorFlow's own low-level APIs — from the evidence on this site. "
          "This page is generated from the advisor's code and data.\n",
          "## How scoring works\n", scoring_markdown(model, criteria),
          "## Criteria and where each comes from\n"]
    md.append(criteria_markdown(criteria, by_id) if criteria else NOT_YET.format(module="advisor.criteria") + "\n")
    md.append("## Questionnaire reference\n")
    md.append(questionnaire_markdown(questions) if questions else NOT_YET.format(module="advisor.questions") + "\n")
    md.append("## Hard constraints\n")
    md.append(constraints_markdown(constraints, by_id) if constraints
              else NOT_YET.format(module="advisor.constraints") + "\n")
    md.append("## Reference scenarios\n")
    md.append(scenarios_markdown(model, scenarios))
    return "\n".join(md)
