"""Reference scenarios (answers -> acceptable top picks) and how well the advisor meets them.

The scenarios are data in ``tests/scenarios/reference.toml``. :func:`evaluate` ranks every scenario and scores the
rankings with scikit-learn's ranking metrics (NDCG, label-ranking average precision) and the top-1 hit rate;
:func:`scenario_report` gives the per-scenario rows the docs site prints. A scenario whose deciding claims have no
evidence the advisor reads yet is reported (``decided: false``) but left out of the metrics that hold the advisor
to account (``*_decided``): it cannot be right or wrong on evidence it does not have.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.options import OPTIONS
from advisor.questions import AnswerError, validate_answers

DEFAULT_SCENARIOS = Path(__file__).resolve().parent.parent / "tests" / "scenarios" / "reference.toml"


@dataclass(frozen=True)
class Scenario:
    """One reference scenario (see the header of ``reference.toml`` for the fields)."""

    name: str
    answers: dict[str, str]
    acceptable: tuple[str, ...]
    preferred: tuple[str, ...]
    needs: tuple[str, ...]
    reason: str

    def relevance(self) -> list[int]:
        """Graded relevance of each option (in :data:`~advisor.options.OPTIONS` order): 2 preferred, 1 acceptable."""
        return [2 if o in self.preferred else 1 if o in self.acceptable else 0 for o in OPTIONS]


def load_scenarios(path: str | os.PathLike | None = None) -> list[Scenario]:
    """The scenarios of ``path`` (default: ``tests/scenarios/reference.toml``), validated.

    Raises:
        ValueError: a scenario with a bad answer, an unknown option, or a missing field; the message names it.
    """
    path = Path(path or DEFAULT_SCENARIOS)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, raw in enumerate(data.get("scenario", [])):
        name = raw.get("name", f"#{i + 1}")
        missing = {"name", "answers", "acceptable", "needs", "reason"} - set(raw)
        if missing:
            raise ValueError(f"{path}: scenario {name!r} lacks {', '.join(sorted(missing))}")
        try:
            answers = validate_answers(raw["answers"], f"scenario {name!r}")
        except AnswerError as exc:
            raise ValueError(f"{path}: {exc}") from None
        acceptable, preferred = tuple(raw["acceptable"]), tuple(raw.get("preferred", ()))
        unknown = [o for o in (*acceptable, *preferred) if o not in OPTIONS]
        if unknown or not acceptable or not set(preferred) <= set(acceptable):
            raise ValueError(f"{path}: scenario {name!r}: acceptable must be a non-empty list of options "
                             f"{OPTIONS} and preferred a subset of it; received acceptable={list(acceptable)}, "
                             f"preferred={list(preferred)}")
        out.append(Scenario(name, answers, acceptable, preferred, tuple(raw["needs"]), raw["reason"]))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: scenario names repeat: {names}")
    return out


def claim_read(advisor, claim_id: str) -> bool:
    """Whether the fitted ``advisor`` has evidence from ``claim_id`` that it actually reads.

    True when the claim's result is ok and a criterion with a reader took values from it, or a hard constraint on
    it has a lookup.
    """
    from advisor.constraints import HARD_CONSTRAINTS

    result = advisor.results_.get(claim_id)
    if result is None or not result.ok:
        return False
    if any(claim_id in ev.claims and ev.reader and not ev.missing for ev in advisor.evidence_.values()):
        return True
    return any(c.claim == claim_id and c.lookup is not None for c in HARD_CONSTRAINTS)


def evaluate(advisor, scenarios: list[Scenario]) -> dict[str, Any]:
    """Rank every scenario with the fitted ``advisor``; per-scenario rows and sklearn ranking metrics.

    Returns:
        ``{"rows": [...], "metrics": {...}}``. Each row has ``name``, ``answers``, ``acceptable``, ``preferred``,
        ``top``, ``ranking``, ``ok`` (top pick acceptable), ``satisfied`` (top pick meets the active hard
        constraints), ``decided`` (every claim in ``needs`` has evidence the advisor reads), ``missing``
        (those that do not), ``confidence``, ``evidence_coverage`` and ``reason``. The metrics are
        ``top1_accuracy``, ``ndcg`` and ``ndcg_at_1`` (:func:`sklearn.metrics.ndcg_score` on graded relevance)
        and ``lrap`` (:func:`sklearn.metrics.label_ranking_average_precision_score`), each over all scenarios
        and over the decided ones (``*_decided``; None when none is decided), with the counts.
    """
    import numpy as np
    from sklearn.metrics import label_ranking_average_precision_score, ndcg_score

    rows = []
    for sc in scenarios:
        rec = advisor.rank(sc.answers)
        missing = [c for c in sc.needs if not claim_read(advisor, c)]
        rows.append({
            "name": sc.name, "answers": sc.answers, "acceptable": list(sc.acceptable),
            "preferred": list(sc.preferred), "top": rec.top_pick, "ranking": [r.option for r in rec.ranking],
            "ok": rec.top_pick in sc.acceptable, "satisfied": rec.satisfied, "decided": not missing,
            "missing": missing, "confidence": rec.confidence,
            "evidence_coverage": rec.ranking[0].evidence_coverage, "reason": sc.reason,
        })

    def metrics(idx: list[int]) -> dict[str, float | None]:
        if not idx:
            return {"top1_accuracy": None, "ndcg": None, "ndcg_at_1": None, "lrap": None}
        chosen = [scenarios[i] for i in idx]
        y_true = np.array([s.relevance() for s in chosen])
        y_score = advisor.decision_function([s.answers for s in chosen])
        return {
            "top1_accuracy": float(np.mean([rows[i]["ok"] for i in idx])),
            "ndcg": float(ndcg_score(y_true, y_score)),
            "ndcg_at_1": float(ndcg_score(y_true, y_score, k=1)),
            "lrap": float(label_ranking_average_precision_score(y_true > 0, y_score)),
        }

    decided = [i for i, r in enumerate(rows) if r["decided"]]
    every = metrics(list(range(len(rows))))
    held = metrics(decided)
    out = dict(every)
    out.update({f"{k}_decided": v for k, v in held.items()})
    out.update(scenarios=len(rows), decided=len(decided))
    return {"rows": rows, "metrics": out}


def scenario_report(path: str | os.PathLike | None = None,
                    results: str | os.PathLike | Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Per-scenario rows (see :func:`evaluate`) for the docs site: scenarios from ``path``, evidence from ``results``
    (a results folder, a mapping, or None for ``$KVT_RESULTS_DIR`` / ``evidence/results``)."""
    from advisor.model import Advisor

    return evaluate(Advisor().fit(results), load_scenarios(path))["rows"]


def scenario_metrics(path: str | os.PathLike | None = None,
                     results: str | os.PathLike | Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ranking metrics of :func:`evaluate` for the scenarios of ``path`` and the evidence of ``results``."""
    from advisor.model import Advisor

    return evaluate(Advisor().fit(results), load_scenarios(path))["metrics"]


def report_markdown(report: dict[str, Any]) -> str:
    """A Markdown summary of :func:`evaluate`'s output: the metrics, then one row per scenario."""
    m = report["metrics"]

    def num(v):
        return "—" if v is None else f"{v:.3f}"

    lines = [f"{m['decided']} of {m['scenarios']} scenarios are decided by evidence the advisor reads.", "",
             "| metric | all scenarios | decided scenarios |", "| --- | --- | --- |"]
    for key in ("top1_accuracy", "ndcg", "ndcg_at_1", "lrap"):
        lines.append(f"| {key} | {num(m[key])} | {num(m[key + '_decided'])} |")
    lines += ["", "| scenario | acceptable | top pick | accepted | decided | why |",
              "| --- | --- | --- | --- | --- | --- |"]
    for r in report["rows"]:
        decided = "yes" if r["decided"] else f"no (needs {', '.join(r['missing'])})"
        lines.append(f"| {r['name']} | {', '.join(r['acceptable'])} | {r['top']} | {'yes' if r['ok'] else 'no'} "
                     f"| {decided} | {r['reason']} |")
    return "\n".join(lines) + "\n"
