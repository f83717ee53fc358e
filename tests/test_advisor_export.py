"""The export holds everything the ranking needs: a second ranker written from the export's JSON alone (as the
browser's will be) ranks 300 generated answer sets exactly as :meth:`Advisor.rank` does: the same order, the same
scores (bit for bit), the same failed and unverified requirements, the same confidence.

The ranker below reads nothing of :mod:`advisor` but the exported data; it is the reference the site's
JavaScript copy follows.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.export import export_advisor
from advisor.model import Advisor
from advisor.questions import QUESTIONS
from evidence.options import OPTIONS
from tests.test_advisor_support import evidence


# -- a ranker from the export alone ---------------------------------------------------------------------------------
def mulberry32(seed: int):
    a = seed & 0xFFFFFFFF
    while True:
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = ((a ^ (a >> 15)) * (1 | a)) & 0xFFFFFFFF
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & 0xFFFFFFFF)) & 0xFFFFFFFF) ^ t
        yield ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0


def canonical(data: dict, answers: dict) -> dict:
    out = {}
    for q in data["questions"]:
        value = answers.get(q["id"], q["default"])
        value = q["legacy"].get(value, value)
        if q["multiple"]:
            parts = set(value if isinstance(value, list) else [p.strip() for p in value.split(",")])
            value = ",".join(c for c in q["choices"] if c in parts)
        out[q["id"]] = value
    return out


def rank_from_export(data: dict, answers: dict) -> dict:
    answers = canonical(data, answers)
    rule, crits = data["weights_rule"], [c["id"] for c in data["criteria"]]
    raises, lowers = {c: [] for c in crits}, {c: [] for c in crits}
    variants = {c: "all" for c in crits}
    requirements = ["platform=" + "/".join(answers[q] for q in data["platform_questions"])]
    sources = []
    for q in data["questions"]:
        values = answers[q["id"]].split(",") if q["multiple"] else [answers[q["id"]]]
        for v in values:
            for crit, level in q["importance"][v].items():
                (raises if rule["levels"][level] > 1 else lowers)[crit].append(rule["levels"][level])
            if v in q["requires"]:
                requirements.append(q["requires"][v])
        for crit in q["variant_of"]:
            variants[crit] = answers[q["id"]]
    for v in answers["ecosystem"].split(","):
        if v != "none":
            sources.append(("ecosystem", v))
    if answers["pretrained"] != "none":
        sources.append(("pretrained", answers["pretrained"]))
    raw = {c: max(raises[c]) if raises[c] else min(lowers[c]) if lowers[c] else 1.0 for c in crits}
    raw["fit"] = rule["fit_weight"] if sources else 0.0
    total = 0.0
    for v in raw.values():
        total += v
    w = {k: v / total for k, v in raw.items()}
    fit = {}
    for o in data["options"]:
        s = 0.0
        for kind, name in sources:
            s += data["fit"][kind][name][o]["share"]
        fit[o] = s / len(sources) if sources else 0.0
    rows = []
    for i, o in enumerate(data["options"]):
        score = 0.0
        for c in crits:
            score += w[c] * data["tables"][c][variants[c]]["options"][o]["score"]
        score += w["fit"] * fit[o]
        states = {r: data["requirements"][r]["checks"][o]["state"] for r in requirements}
        rows.append({"option": o, "i": i, "score": score,
                     "failed": [r for r, s in states.items() if s == "failed"],
                     "not_verified": [r for r, s in states.items() if s == "not_verified"]})
    rows.sort(key=lambda r: (len(r["failed"]), len(r["not_verified"]), -r["score"], r["i"]))
    top = rows[0]
    group = [r for r in rows if (len(r["failed"]), len(r["not_verified"])) == (len(top["failed"]),
                                                                            len(top["not_verified"]))]
    confidence = None
    # A proxy criterion that alone separates the top two is drawn over its whole scale [0, 1].
    proxy_decides = False
    if len(group) > 1:
        second = group[1]["option"]
        for k, c in enumerate(crits):
            if data["criteria"][k]["proxy"] and w[c] > 0:
                def without(o, skip=c):
                    t = 0.0
                    for cc in crits:
                        if cc != skip:
                            t += w[cc] * data["tables"][cc][variants[cc]]["options"][o]["score"]
                    return t + w["fit"] * fit[o]
                proxy_decides = proxy_decides or without(second) >= without(top["option"])
    if len(group) > 1:
        conf = data["confidence"]
        u, kept = mulberry32(conf["seed"]), 0
        for _ in range(conf["n_draws"]):
            wd = [w[c] * (1.0 + conf["weight_noise"] * (2.0 * next(u) - 1.0)) for c in crits]
            wf = w["fit"] * (1.0 + conf["weight_noise"] * (2.0 * next(u) - 1.0))
            totals = []
            for r in group:
                t = 0.0
                for k, c in enumerate(crits):
                    cell = data["tables"][c][variants[c]]["options"][r["option"]]
                    low, high = (0.0, 1.0) if proxy_decides and data["criteria"][k]["proxy"] else (cell["low"],
                                                                                                   cell["high"])
                    t += wd[k] * (low + (high - low) * next(u))
                t += wf * fit[r["option"]]
                totals.append(t)
            kept += all(totals[0] > t for t in totals[1:])
        confidence = kept / conf["n_draws"]
    return {"order": [r["option"] for r in rows], "scores": [r["score"] for r in rows],
            "failed": [r["failed"] for r in rows], "not_verified": [r["not_verified"] for r in rows],
            "weights": w, "confidence": confidence, "among": [r["option"] for r in group]}


# -- the parity check -----------------------------------------------------------------------------------------------
answers_st = st.fixed_dictionaries({}, optional={
    q.id: (st.lists(st.sampled_from(q.values[1:]), min_size=1, unique=True).map(",".join) | st.just("none"))
    if q.multiple else st.sampled_from(q.values + tuple(q.legacy)) for q in QUESTIONS})


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    fitted = Advisor(n_draws=60).fit(evidence())
    # Give the requirements every state, so that the order's first two keys are exercised too.
    states = ["met", "failed", "not_verified", "met"]
    from advisor.constraints import Check

    fitted.checks_ = {r: {o: Check(states[(i + j) % 4], "synthetic") for j, o in enumerate(OPTIONS)}
                      for i, r in enumerate(fitted.checks_)}
    return fitted


@pytest.fixture(scope="module")
def exported(advisor) -> dict:
    return json.loads(json.dumps(export_advisor(advisor)))  # what the browser gets: JSON, nothing else


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=answers_st)
def test_a_ranker_from_the_export_alone_ranks_as_the_advisor(advisor, exported, answers):
    rec = advisor.rank(answers)
    mine = rank_from_export(exported, answers)
    assert mine["order"] == [r.option for r in rec.ranking]
    assert mine["scores"] == [r.score for r in rec.ranking]  # exactly: same operations in the same order
    assert mine["failed"] == [r.failed for r in rec.ranking]
    assert mine["not_verified"] == [r.not_verified for r in rec.ranking]
    assert mine["weights"] == rec.weights
    assert mine["among"] == rec.confidence_among
    assert mine["confidence"] == rec.confidence


def test_the_export_is_documented_and_complete(exported):
    assert exported["format"] == "kvt-advisor" and exported["version"] == 2
    assert [q["id"] for q in exported["questions"]] == [q.id for q in QUESTIONS]
    assert set(exported["tables"]) == {c["id"] for c in exported["criteria"]}
    for crit in exported["criteria"]:
        assert set(exported["tables"][crit["id"]]) == set(crit["variants"])
    assert "mulberry32" in exported["confidence"]["text"]
    assert exported["reproduce"]["exactly"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_generator_matches_javascript():
    js = ("function m(a){return function(){a=(a+0x6D2B79F5)|0;let t=Math.imul(a^(a>>>15),1|a);"
          "t=(t+Math.imul(t^(t>>>7),61|t))^t;return((t^(t>>>14))>>>0)/4294967296;};}"
          "for(const s of [0,1,12345,4294967295]){const r=m(s);const o=[];for(let i=0;i<1000;i++)o.push(r());"
          "console.log(JSON.stringify(o));}")
    out = subprocess.run(["node", "-e", js], capture_output=True, text=True, timeout=60, check=True).stdout
    from advisor.confidence import mulberry32 as ours

    for seed, line in zip([0, 1, 12345, 4294967295], out.splitlines(), strict=True):
        u = ours(seed)
        assert json.loads(line) == [next(u) for _ in range(1000)]
