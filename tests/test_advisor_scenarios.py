"""Reference personas as data: at least 20, covering every question, each with its acceptable picks and the source
that justifies them; on synthetic evidence built from the claims' assessment classes, every persona the
evidence decides gets an acceptable top pick."""

from __future__ import annotations

import pytest

from advisor.model import Advisor
from advisor.questions import QUESTIONS
from advisor.scenarios import evaluate, load_personas, report_markdown
from tests.test_advisor_support import evidence


@pytest.fixture(scope="module")
def personas():
    return load_personas()


@pytest.fixture(scope="module")
def report(personas):
    return evaluate(Advisor(n_draws=200).fit(evidence()), personas)


def test_personas_are_data_covering_every_question(personas):
    assert len(personas) >= 20
    for q in QUESTIONS:
        answered = {p.answers[q.id] for p in personas if q.id in p.answers}
        assert answered - {q.default}, f"no persona answers {q.id} with anything but its default"
    targets = {p.answers.get("deploy_target") for p in personas}
    assert set(BY_TARGET) <= targets
    for p in personas:
        assert p.source and p.who and p.acceptable


BY_TARGET = ("tf_serving", "web_service", "android", "ios", "browser", "onnx", "openvino")


def test_decided_personas_get_an_acceptable_pick(report):
    rows = {r["name"]: r for r in report["rows"]}
    decided = [r for r in rows.values() if r["decided"]]
    assert decided, "no persona is decided by the synthetic evidence"
    wrong = {r["name"]: (r["top"], r["acceptable"]) for r in decided if not r["ok"]}
    assert not wrong, wrong
    # The personas that need no measured claim are always decided.
    for name in ("pytorch-shop", "jax-research", "huggingface-finetune", "kerashub-on-tpu"):
        assert rows[name]["decided"] and rows[name]["ok"], rows[name]
    m = report["metrics"]
    assert m["top1_accuracy_decided"] == 1.0 and m["ndcg_decided"] > 0.9


def test_the_report_is_markdown(report):
    md = report_markdown(report)
    assert "| persona | acceptable | top pick |" in md and "multi-node-jax" in md


def test_a_malformed_persona_file_names_the_persona(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text('[[persona]]\nname = "x"\nwho = "w"\nanswers = { scale = "huge" }\nacceptable = ["keras-jax"]\n'
                   'needs = []\nsource = "s"\n')
    with pytest.raises(ValueError, match="persona 'x'"):
        load_personas(bad)
    bad.write_text('[[persona]]\nname = "y"\nwho = "w"\nanswers = {}\nacceptable = ["keras-jax"]\n'
                   'needs = ["nonsense"]\nsource = "s"\n')
    with pytest.raises(ValueError, match="persona 'y'"):
        load_personas(bad)
