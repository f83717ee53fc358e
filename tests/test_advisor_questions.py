"""The questionnaire as data: ids and choices scripts rely on, old answers mapped, several ecosystems, the weights
rule (bounded whatever the answers), hard requirements and variants chosen by answers, and the fit term."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.criteria import CRITERION_IDS
from advisor.profile import fit_for, profile, weights_for
from advisor.questions import (
    BY_ID,
    FIT,
    LEVELS,
    QUESTIONS,
    REQUIREMENT_IDS,
    AnswerError,
    complete,
    parse_answer,
)

#: The ids and choices scripts rely on (issue 15 added accelerator, pretrained, model_size and the new targets).
CONTRACT = {
    "experience": ["beginner", "intermediate", "expert"],
    "goal": ["prototype", "research", "production"],
    "accelerator": ["cpu", "nvidia_gpu", "amd_gpu", "tpu", "apple_silicon"],
    "os": ["linux", "macos", "windows"],
    "deploy_target": ["none", "tf_serving", "web_service", "android", "ios", "browser", "onnx", "openvino"],
    "scale": ["single_device", "multi_device", "multi_node"],
    "model_size": ["fits_one_device", "needs_sharding"],
    "custom_ops": ["none", "layers", "training_loop", "compiled_kernels"],
    "ecosystem": ["none", "tensorflow", "jax", "pytorch"],
    "pretrained": ["none", "kerashub", "huggingface"],
    "switch_backends": ["yes", "no"],
    "priority": ["balanced", "simplicity", "speed", "portability", "longevity"],
}
#: Answers of the previous questionnaire that must still be read.
OLD = {"deploy_target": {"server": "web_service", "mobile": "android"}}

answers_st = st.fixed_dictionaries({}, optional={
    q.id: (st.lists(st.sampled_from(q.values[1:]), min_size=1, unique=True).map(",".join) | st.just("none"))
    if q.multiple else st.sampled_from(q.values) for q in QUESTIONS})


def test_ids_and_choices_are_the_contract():
    assert {q.id: list(q.values) for q in QUESTIONS} == CONTRACT
    for q in QUESTIONS:
        assert q.default in q.values and q.text and q.help
        assert len(q.text) <= 76, q.text  # one line of a prompt at 80 columns
        for c in q.choices:  # the prompt's line, and the line questionary leaves once it is answered
            assert len(f"  » {c.value}: {c.label}") <= 80, c.label
            assert len(f"? {q.id} {c.value}: {c.label}") < 80, c.label  # 80 exactly wraps the cursor


def test_old_answers_still_load_mapped_and_announced():
    for qid, mapping in OLD.items():
        for old, new in mapping.items():
            value, note = parse_answer(qid, old)
            assert value == new and old in note and new in note
            assert profile({qid: old}).answers[qid] == new
            assert profile({qid: old}).notes and old in profile({qid: old}).notes[0]


def test_every_old_question_id_still_works():
    for qid in ("experience", "goal", "deploy_target", "scale", "custom_ops", "ecosystem", "switch_backends",
                "priority"):
        assert qid in BY_ID


@pytest.mark.parametrize("given, expected", [
    ("pytorch,tensorflow", "tensorflow,pytorch"), (" jax , pytorch ", "jax,pytorch"), ("jax,jax", "jax"),
    (["pytorch", "jax"], "jax,pytorch"), ("none", "none"),
])
def test_several_ecosystems(given, expected):
    assert parse_answer("ecosystem", given)[0] == expected


@pytest.mark.parametrize("bad", ["none,pytorch", "", ",", "pytorch,", "mxnet", ["none", "jax"], [], [1], True, 3])
def test_bad_ecosystem_answers(bad):
    with pytest.raises(AnswerError, match="'ecosystem'"):
        parse_answer("ecosystem", bad)


def test_weights_do_not_multiply():
    # The answers that each raised extensibility used to multiply (1.5 x 2 x 2 = 6x); now the strongest wins.
    w = weights_for(complete({"experience": "expert", "goal": "research", "custom_ops": "training_loop"}))
    assert w["extensibility"] == pytest.approx(LEVELS["more"] * w["community"])
    # A stated need outranks a tendency: prototypes deploy less, but Android is a requirement.
    w = weights_for(complete({"goal": "prototype", "deploy_target": "android"}))
    assert w["deployment"] == pytest.approx(LEVELS["most"] * w["community"])
    # Lowered only: the lowest level.
    w = weights_for(complete({"goal": "prototype"}))
    assert w["deployment"] == pytest.approx(LEVELS["less"] * w["community"])


@settings(max_examples=200, deadline=None)
@given(answers=answers_st)
def test_weights_are_bounded_and_sum_to_one(answers):
    w = weights_for(complete(answers))
    assert set(w) == {*CRITERION_IDS, FIT}
    assert sum(w.values()) == pytest.approx(1.0)
    crit = [w[c] for c in CRITERION_IDS]
    assert max(crit) / min(crit) <= max(LEVELS.values()) / min(LEVELS.values()) + 1e-12
    p = profile(answers)
    assert p.weights == w
    assert set(p.requirements) <= set(REQUIREMENT_IDS)
    assert (w[FIT] > 0) == any(v != 0 for v in [*p.fit.values(), 1 if p.answers["ecosystem"] != "none" or
                                                 p.answers["pretrained"] != "none" else 0])


def test_requirements_and_variants_follow_the_answers():
    p = profile({"deploy_target": "tf_serving", "model_size": "needs_sharding", "accelerator": "cpu",
                 "custom_ops": "compiled_kernels", "switch_backends": "yes", "scale": "multi_node"})
    assert p.requirements == ("platform=cpu/linux", "deploy_target=tf_serving", "scale=multi_node",
                              "model_size=needs_sharding", "custom_ops=compiled_kernels", "switch_backends=yes")
    assert p.variants["performance"] == "cpu" and p.variants["deployment"] == "tf_serving"
    assert p.variants["extensibility"] == "compiled_kernels" and p.variants["community"] == "all"
    assert profile({}).requirements == ("platform=nvidia_gpu/linux",)
    assert profile({"scale": "multi_device"}).variants["distributed_scale"] == "multi_device"


def test_fit_follows_what_the_user_brings():
    fit, why = fit_for(complete({"ecosystem": "pytorch"}))
    assert fit == {"keras-tensorflow": 0.0, "keras-jax": 0.0, "keras-torch": 1.0, "tensorflow-core": 0.0}
    fit, _ = fit_for(complete({"ecosystem": "pytorch,tensorflow"}))
    assert fit["keras-torch"] == fit["keras-tensorflow"] == fit["tensorflow-core"] == 0.5 and fit["keras-jax"] == 0
    fit, why = fit_for(complete({"pretrained": "huggingface"}))
    assert fit["keras-torch"] == 1.0 and fit["keras-jax"] == 0.5 and fit["tensorflow-core"] == 0.0
    assert "Transformers" in why["tensorflow-core"][0]
    fit, _ = fit_for(complete({"pretrained": "kerashub"}))
    assert fit["tensorflow-core"] == 0.0 and fit["keras-jax"] == 1.0
    assert fit_for(complete({}))[0] == dict.fromkeys(fit, 0.0)
