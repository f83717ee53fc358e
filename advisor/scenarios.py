"""Reference personas (answers -> acceptable top picks, with the source that justifies them) and how well the
advisor meets them.

The personas are data in ``tests/scenarios/personas.toml``. :func:`evaluate` ranks each and scores the rankings
with scikit-learn's ranking metrics (NDCG, label-ranking average precision) and the top-1 hit rate. A persona
whose deciding claims the advisor cannot read yet is reported (``decided: false``) but left out of the metrics
that hold the advisor to account (``*_decided``): it cannot be right or wrong on evidence it does not have.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.questions import AnswerError, validate_answers
from evidence.options import OPTIONS

DEFAULT_PERSONAS = Path(__file__).resolve().parent.parent / "tests" / "scenarios" / "personas.toml"
FIELDS = ("name", "who", "answers", "acceptable", "needs", "source")


@dataclass(frozen=True)
class Persona:
    """One reference persona (see the header of ``personas.toml`` for the fields)."""

    name: str
    who: str
    answers: dict[str, str]
    acceptable: tuple[str, ...]
    preferred: tuple[str, ...]
    needs: tuple[str, ...]
    source: str

    @property
    def reason(self) -> str:
        """The source, under the name the site's table uses."""
        return self.source

    def relevance(self) -> list[int]:
        """Graded relevance of each option (in :data:`evidence.options.OPTIONS` order): 2 preferred, 1 acceptable."""
        return [2 if o in self.preferred else 1 if o in self.acceptable else 0 for o in OPTIONS]


def load_personas(path: str | os.PathLike | None = None) -> list[Persona]:
    """The personas of ``path`` (default: ``tests/scenarios/personas.toml``), validated.

    Raises:
        ValueError: a persona with a bad answer, an unknown option or claim, or a missing field; the message
            names it.
    """
    from evidence.registry import claim_ids

    path = Path(path or DEFAULT_PERSONAS)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known_claims = set(claim_ids())
    out = []
    for i, raw in enumerate(data.get("persona", [])):
        name = raw.get("name", f"#{i + 1}")
        missing = set(FIELDS) - set(raw)
        if missing:
            raise ValueError(f"{path}: persona {name!r} lacks {', '.join(sorted(missing))}")
        try:
            answers = validate_answers(raw["answers"], f"persona {name!r}")
        except AnswerError as exc:
            raise ValueError(f"{path}: {exc}") from None
        acceptable, preferred = tuple(raw["acceptable"]), tuple(raw.get("preferred", ()))
        unknown = [o for o in (*acceptable, *preferred) if o not in OPTIONS]
        if unknown or not acceptable or not set(preferred) <= set(acceptable):
            raise ValueError(f"{path}: persona {name!r}: acceptable must be a non-empty list of options {OPTIONS} "
                             f"and preferred a subset of it; received acceptable={list(acceptable)}, "
                             f"preferred={list(preferred)}")
        if not set(raw["needs"]) <= known_claims or not raw["source"].strip():
            raise ValueError(f"{path}: persona {name!r}: needs must name registered claims and source must say "
                             f"why; received needs={raw['needs']}")
        out.append(Persona(name, raw["who"], answers, acceptable, preferred, tuple(raw["needs"]), raw["source"]))
    names = [p.name for p in out]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: persona names repeat: {names}")
    return out


#: The name the site's advisor page imports.
load_scenarios = load_personas


def claim_read(advisor, claim_id: str) -> bool:
    """Whether the fitted ``advisor`` uses evidence of ``claim_id``: its result is usable and a criterion took
    values from it, or a hard requirement of it is checked by a reader (not waiting for the claim)."""
    from advisor.constraints import REQUIREMENTS

    reading = advisor.readings_.get(claim_id)
    if reading is None or not reading.ok:
        return False
    if any(t.claim == claim_id and not t.missing for vs in advisor.tables_.values() for t in vs.values()):
        return True
    return any(r.claim == claim_id and not getattr(r.check, "pending", False) for r in REQUIREMENTS)


def evaluate(advisor, personas: list[Persona]) -> dict[str, Any]:
    """Rank every persona with the fitted ``advisor``: per-persona rows and sklearn ranking metrics.

    Returns:
        ``{"rows": [...], "metrics": {...}}``. Each row has ``name``, ``who``, ``answers``, ``acceptable``,
        ``preferred``, ``top``, ``ranking``, ``ok`` (top pick acceptable), ``satisfied`` (top pick meets the
        requirements), ``decided`` (every claim in ``needs`` is read), ``missing`` (those that are not),
        ``confidence``, ``confidence_text``, ``source`` (also as ``reason``). The metrics are ``top1_accuracy``,
        ``ndcg``, ``ndcg_at_1`` (:func:`sklearn.metrics.ndcg_score` on graded relevance) and ``lrap``
        (:func:`sklearn.metrics.label_ranking_average_precision_score`), over all personas and over the decided
        ones (``*_decided``; None when none is decided), with the counts.
    """
    import numpy as np
    from sklearn.metrics import label_ranking_average_precision_score, ndcg_score

    rows = []
    for p in personas:
        rec = advisor.rank(p.answers)
        missing = [c for c in p.needs if not claim_read(advisor, c)]
        rows.append({
            "name": p.name, "who": p.who, "answers": p.answers, "acceptable": list(p.acceptable),
            "preferred": list(p.preferred), "top": rec.top_pick, "ranking": [r.option for r in rec.ranking],
            "ok": rec.top_pick in p.acceptable, "satisfied": rec.satisfied, "decided": not missing,
            "missing": missing, "confidence": rec.confidence, "confidence_text": rec.confidence_text,
            "source": p.source, "reason": p.source,
        })

    def metrics(idx: list[int]) -> dict[str, float | None]:
        if not idx:
            return {"top1_accuracy": None, "ndcg": None, "ndcg_at_1": None, "lrap": None}
        chosen = [personas[i] for i in idx]
        y_true = np.array([p.relevance() for p in chosen])
        y_score = advisor.decision_function([p.answers for p in chosen])
        return {
            "top1_accuracy": float(np.mean([rows[i]["ok"] for i in idx])),
            "ndcg": float(ndcg_score(y_true, y_score)),
            "ndcg_at_1": float(ndcg_score(y_true, y_score, k=1)),
            "lrap": float(label_ranking_average_precision_score(y_true > 0, y_score)),
        }

    decided = [i for i, r in enumerate(rows) if r["decided"]]
    out = dict(metrics(list(range(len(rows)))))
    out.update({f"{k}_decided": v for k, v in metrics(decided).items()})
    out.update(scenarios=len(rows), decided=len(decided))
    return {"rows": rows, "metrics": out}


def scenario_report(path: str | os.PathLike | None = None,
                    results: str | os.PathLike | Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Per-persona rows (see :func:`evaluate`): personas from ``path``, evidence from ``results`` (a results
    folder, a mapping of assessments, or None for ``$KVT_RESULTS_DIR`` / ``evidence/results``)."""
    from advisor.model import Advisor

    return evaluate(Advisor().fit(results), load_personas(path))["rows"]


def report_markdown(report: dict[str, Any]) -> str:
    """A Markdown summary of :func:`evaluate`'s output: the metrics, then one row per persona."""
    m = report["metrics"]

    def num(v):
        return "—" if v is None else f"{v:.3f}"

    lines = [f"{m['decided']} of {m['scenarios']} personas are decided by evidence the advisor reads.", "",
             "| metric | all personas | decided personas |", "| --- | --- | --- |"]
    for key in ("top1_accuracy", "ndcg", "ndcg_at_1", "lrap"):
        lines.append(f"| {key} | {num(m[key])} | {num(m[key + '_decided'])} |")
    lines += ["", "| persona | acceptable | top pick | accepted | decided | source |",
              "| --- | --- | --- | --- | --- | --- |"]
    for r in report["rows"]:
        decided = "yes" if r["decided"] else f"no (needs {', '.join(r['missing'])})"
        lines.append(f"| {r['name']} | {', '.join(r['acceptable'])} | {r['top']} | {'yes' if r['ok'] else 'no'} "
                     f"| {decided} | {r['source']} |")
    return "\n".join(lines) + "\n"
