"""Property tests: random valid answers always rank; random malformed answers always exit 2 with a named question."""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvt.cli import main
from advisor.model import Advisor
from advisor.options import OPTIONS
from advisor.questions import BY_ID, QUESTION_IDS, QUESTIONS, defaults
from tests.test_advisor_support import make_community, write_architecture

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

valid_answers = st.fixed_dictionaries({}, optional={q.id: st.sampled_from(q.values) for q in QUESTIONS})


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = make_community(tmp_path_factory.mktemp("hypothesis-results"))
    write_architecture(folder)
    return folder


@pytest.fixture(scope="module")
def fitted(results):
    return Advisor(n_draws=100).fit(results)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def flags(answers: dict[str, str]) -> list[str]:
    return [arg for qid, value in answers.items() for arg in (BY_ID[qid].flag, value)]


@SETTINGS
@given(answers=valid_answers)
def test_any_valid_answers_rank_every_option(fitted, answers):
    rec = fitted.rank(answers)
    assert rec.answers == {**defaults(), **answers}
    assert sorted(r.option for r in rec.ranking) == sorted(OPTIONS)
    keys = [(len(r.failed_constraints), -r.score) for r in rec.ranking]
    assert keys == sorted(keys)
    assert 0.0 <= rec.confidence <= 1.0
    for row in rec.ranking:
        assert sum(v for v in row.contributions.values() if v is not None) == pytest.approx(row.score, abs=1e-5)
        for failure in row.failed_constraints:
            assert failure["reason"] and failure["claim"]
    # The top pick fails no more hard constraints than any other option.
    assert len(rec.ranking[0].failed_constraints) == min(len(r.failed_constraints) for r in rec.ranking)
    assert fitted.rank(answers).to_dict() == rec.to_dict()  # deterministic


@SETTINGS
@given(answers=valid_answers)
def test_any_valid_flags_give_json(results, answers):
    code, out, err = run("advise", "--no-input", "--format", "json", "--results-dir", str(results), *flags(answers))
    assert code == 0, err
    data = json.loads(out)
    assert data["answers"] == {**defaults(), **answers}
    assert [r["rank"] for r in data["ranking"]] == [1, 2, 3, 4]


@SETTINGS
@given(qid=st.sampled_from(QUESTION_IDS), value=st.text(max_size=20))
def test_any_bad_flag_value_exits_2_naming_the_question(results, qid, value):
    question = BY_ID[qid]
    code, out, err = run("advise", "--no-input", "--format", "json", "--results-dir", str(results),
                         f"{question.flag}={value}")
    if value in question.values:
        assert code == 0
        return
    assert code == 2 and not out
    assert f"question {qid!r}" in err and ", ".join(question.values) in err
    assert "Traceback" not in err


scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=5)


@SETTINGS
@given(data=st.dictionaries(st.sampled_from(QUESTION_IDS) | st.text(max_size=12), json_values, max_size=5)
       | json_values)
def test_any_json_answers_file_is_accepted_or_refused_cleanly(results, data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.json"
        path.write_text(json.dumps(data))
        code, out, err = run("advise", "--no-input", "--format", "json", "--results-dir", str(results),
                             "--answers", str(path))
    valid = isinstance(data, dict) and all(
        k in BY_ID and (v in BY_ID[k].values or (isinstance(v, bool) and BY_ID[k].values == ("yes", "no")))
        for k, v in data.items())
    if valid:
        assert code == 0, err
        return
    assert code == 2 and not out and "Traceback" not in err
    assert err.startswith(f"kvt: error: --answers {path}")
    # The message names the offending question and its allowed values, or lists the valid ids.
    assert "Expected one of" in err or "Question ids" in err


@SETTINGS
@given(raw=st.binary(max_size=64), suffix=st.sampled_from([".toml", ".json", ".txt", ""]))
def test_any_bytes_as_answers_file_never_crash(results, raw, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"answers{suffix}"
        path.write_bytes(raw)
        code, out, err = run("advise", "--no-input", "--format", "json", "--results-dir", str(results),
                             "--answers", str(path))
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("kvt: error: --answers") and not out
    else:
        json.loads(out)
