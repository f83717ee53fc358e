"""One end-to-end check on the session's real quick run of every claim: the advisor reads every claim's typed
assessment (none needs a rerun, no reader breaks), ranks every persona, and ``kvt advise`` answers from it."""

from __future__ import annotations

import json

import pytest

from advisor.model import CLAIMS_READ, Advisor
from advisor.scenarios import evaluate, load_personas
from tests.conftest import kvt, needs_frameworks

pytestmark = [pytest.mark.slow, needs_frameworks]


def test_the_advisor_reads_every_claim_of_a_real_quick_run(quick_results):
    advisor = Advisor(n_draws=100).fit(quick_results)
    unusable = {c: r.absent() for c, r in advisor.readings_.items() if not r.ok}
    assert not unusable, unusable
    assert set(advisor.readings_) == set(CLAIMS_READ)
    for crit, variants in advisor.tables_.items():
        for variant, table in variants.items():
            # Missing only where it should be: performance on hardware the run did not have.
            if table.missing:
                assert crit == "performance" and "not measured on your hardware" in table.missing, (crit, variant,
                                                                                                   table.missing)
    report = evaluate(advisor, load_personas())
    assert len(report["rows"]) == len(load_personas())
    for row in report["rows"]:
        assert row["ranking"] and row["top"]


def test_kvt_advise_answers_from_a_real_quick_run(quick_results):
    proc = kvt("advise", "--no-input", "--format", "json", "--scale", "multi_node", "--ecosystem", "pytorch",
               "--results-dir", str(quick_results), timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    torch = next(r for r in data["ranking"] if r["option"] == "keras-torch")
    # torch DDP's 2-process run is its own entry: keras-torch is never said to lack a multi-process path.
    assert "no multi-process path" not in torch["requirements"]["scale=multi_node"]["reason"]
