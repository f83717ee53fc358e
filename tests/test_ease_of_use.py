"""ease_of_use: the code metrics respond to the code, every verdict branch on synthetic runs, and the real quick run.

The first part needs no framework: the metrics are static (``ast``/``tokenize``) and the assessment and verdict
run on synthetic results made from the real programs' records. The last part reads the shared quick-mode run of
every claim (the ``quick_results`` fixture).
"""

from __future__ import annotations

import shutil
import textwrap

import pytest

from evidence import claim as claim_module
from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR
from evidence.claims.ease_of_use import CLAIM, STYLES, TASKS, measure_program, program_name
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

BASE = '''
"""A program."""
import keras
import numpy as np
from keras import layers


def build(units):
    """Build."""
    model = keras.Sequential([layers.Dense(units)])
    model.compile(optimizer="adam", loss="mse")
    return model


def run(x, y):
    model = build(4)
    model.fit(x, y, epochs=2)  # train
    return np.mean(x)
'''


def metrics(source: str) -> code_metrics.ProgramMetrics:
    return code_metrics.analyse_source(textwrap.dedent(source))


# -- the metrics respond -----------------------------------------------------------------------------------------
def test_one_more_api_call_scores_differently():
    base = metrics(BASE)
    more = metrics(BASE.replace("    return np.mean(x)", "    model.evaluate(x, y)\n    return np.mean(x)"))
    assert len(more.api_names) == len(base.api_names) + 1
    assert set(more.api_names) - set(base.api_names) == {"keras.Sequential.evaluate"}
    assert more.logical_lines == base.logical_lines + 1
    assert more.api_references == base.api_references + 1
    assert more.sha256 != base.sha256


def test_one_more_branch_scores_differently():
    base = metrics(BASE)
    more = metrics(BASE.replace("    model = build(4)", "    model = build(4 if x is not None else 8)"))
    assert more.branches == base.branches + 1
    assert more.cyclomatic_total == base.cyclomatic_total + 1
    assert more.cyclomatic["run"] == base.cyclomatic["run"] + 1
    loop = metrics(BASE.replace("    model = build(4)", "    for _ in range(2):\n        model = build(4)"))
    assert loop.branches == base.branches + 1 and loop.logical_lines == base.logical_lines + 1


def test_logical_lines_ignore_docstrings_comments_and_wrapping():
    assert code_metrics.logical_lines('"""doc"""\n# comment\n\nx = (1,\n     2)\ny = 3  # trailing\n') == 2
    src = BASE.replace('model.compile(optimizer="adam", loss="mse")',
                       'model.compile(\n        optimizer="adam",\n        loss="mse",\n    )')
    assert metrics(src).logical_lines == metrics(BASE).logical_lines


def test_api_names_are_resolved_through_imports():
    m = metrics('''
        import tensorflow as tf
        from tensorflow import nn
        from keras.layers import Dense
        import numpy as np

        class Net(tf.Module):
            def __init__(self):
                super().__init__()
                self.w = tf.Variable(tf.zeros((2, 2)))

            def __call__(self, x):
                return nn.relu(tf.matmul(x, self.w)) + np.ones(2)

        def train(x):
            net = Net()
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(net(x))
            grads = tape.gradient(loss, net.trainable_variables)
            ds = tf.data.Dataset.from_tensor_slices(x).batch(2)
            return ds, Dense(3), net.w, grads
    ''')
    assert set(m.api_names) == {
        "tensorflow.Module", "tensorflow.Module.__init__", "tensorflow.Variable", "tensorflow.zeros",
        "tensorflow.nn.relu", "tensorflow.matmul", "tensorflow.GradientTape", "tensorflow.GradientTape.gradient",
        "tensorflow.reduce_sum", "keras.layers.Dense", "tensorflow.data.Dataset.from_tensor_slices",
        "tensorflow.data.Dataset.batch", "tensorflow.Module.trainable_variables",
    }  # numpy is not a framework; ``net.w`` is the file's own attribute, not API
    assert "automatic differentiation" in m.concepts and "input pipelines" in m.concepts
    assert m.unmapped_api_names == ()


def test_hooks_and_inherited_members_count_as_api():
    m = metrics('''
        import keras

        class Scale(keras.layers.Layer):
            def build(self, shape):
                self.k = self.add_weight(shape=(1,))

            def call(self, x):
                return keras.ops.multiply(x, self.k)

            def helper(self):
                return self.k
    ''')
    assert {"keras.layers.Layer", "keras.layers.Layer.build", "keras.layers.Layer.call",
            "keras.layers.Layer.add_weight", "keras.ops.multiply"} == set(m.api_names)
    assert m.concepts["custom layers and models"]


def test_concepts_follow_the_declared_mapping_and_list_unmapped_names():
    concepts, unmapped = code_metrics.concepts_for(
        ["keras.callbacks.EarlyStopping", "keras.callbacks.CSVLogger", "tensorflow.some.new_api"])
    assert concepts == {"early stopping": ("keras.callbacks.EarlyStopping",),
                        "callbacks": ("keras.callbacks.CSVLogger",)}
    assert unmapped == ("tensorflow.some.new_api",)


@pytest.mark.parametrize("name", list(CLAIM.programs))
def test_every_api_name_of_the_programs_maps_to_a_concept(name):
    m = code_metrics.analyse_file(PROGRAMS_DIR / name)
    assert m.unmapped_api_names == ()
    assert m.file == f"evidence/programs/{name}"
    assert m.sha256 == code_metrics.file_sha256(PROGRAMS_DIR / name)


def test_three_programs_per_task_share_hyperparameters_and_the_run_settings():
    # The site groups a task's programs by these suffixes (kvt_docs.programs).
    assert [program_name("mlp", s) for s in STYLES] == ["mlp_keras.py", "mlp_gradienttape.py", "mlp_tfcore.py"]
    assert CLAIM.pairs == {t: (program_name(t, "keras_fit"), program_name(t, "tf_core")) for t in TASKS}
    for task in TASKS:
        constants = [code_metrics.module_constants(PROGRAMS_DIR / program_name(task, s)) for s in STYLES]
        assert constants[0] == constants[1] == constants[2], task
        assert constants[0]["EPOCHS"] == CLAIM.settings[f"epochs_{task}"].full
        for style in STYLES:
            text = (PROGRAMS_DIR / program_name(task, style)).read_text(encoding="utf-8")
            assert 'if __name__ == "__main__":' in text and "def run(epochs=EPOCHS, seed=SEED" in text
        assert "tf.GradientTape" in (PROGRAMS_DIR / program_name(task, "keras_gradienttape")).read_text()


def test_the_record_and_the_code_hash_change_when_a_program_changes(tmp_path, monkeypatch):
    for name in CLAIM.programs:
        shutil.copy(PROGRAMS_DIR / name, tmp_path / name)
    monkeypatch.setattr(claim_module, "PROGRAMS_DIR", tmp_path)
    target = tmp_path / "mlp_gradienttape.py"
    before_hash, before = CLAIM.code_hash(), measure_program(target)
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("    model = build_model()\n",
                                   "    model = build_model()\n    model.summary()\n", 1), encoding="utf-8")
    after_hash, after = CLAIM.code_hash(), measure_program(target)
    assert after_hash != before_hash
    assert after["metrics"]["sha256"] != before["metrics"]["sha256"]
    assert after["metrics"]["logical_lines"] == before["metrics"]["logical_lines"] + 1
    assert after["metrics"]["api_name_count"] == before["metrics"]["api_name_count"] + 1


# -- the assessment and the verdict on synthetic results ---------------------------------------------------------
RECORDS = {(t, s): measure_program(PROGRAMS_DIR / program_name(t, s)) for t in TASKS for s in STYLES}


def synthetic(accuracy=0.96, *, mode="full", drop=(), records=None, broken=()):
    """Results as the workers write them, with the real programs' records (or ``records``) and accuracies
    (``accuracy``: one number, or a dict per (task, style)); ``broken`` (option, style, task) raise."""
    from evidence.claims.ease_of_use import STYLE_OPTIONS

    records = records or RECORDS
    results = {}
    for subject in CLAIM.subjects:
        if subject in drop:
            results[subject] = SubjectResult(status="unavailable", reason="torch cannot be imported (hidden)")
            continue
        runs = {}
        for style in STYLES:
            if subject not in STYLE_OPTIONS[style]:
                continue
            for task in TASKS:
                record = records[(task, style)]
                acc = accuracy if isinstance(accuracy, float) else accuracy[(task, style)]
                entry = {"program": record["metrics"]["file"], "sha256": record["metrics"]["sha256"],
                         "record": record, "epochs": 3, "seconds": 1.0}
                if (subject, style, task) in broken:
                    entry.update(status="raised", error={"type": "TypeError", "message": "no"})
                else:
                    entry.update(status="ran", accuracy=acc, epochs_run=3)
                runs.setdefault(style, {})[task] = entry
        results[subject] = SubjectResult(status="ok", measurements={"mode": mode, "runs": runs})
    return results


def judge(results, quick=False):
    a = CLAIM.assess(results, quick)
    return a, CLAIM.verdict(a)


def test_the_real_programs_are_supported_when_they_do_the_same_job():
    a, verdict = judge(synthetic())
    assert verdict.verdict == "supported", verdict.summary
    assert a.comparable_tasks() == list(TASKS)
    for task in TASKS:
        lines = [a.program(task, s).metrics.logical_lines for s in STYLES]
        assert lines[0] < lines[1] < lines[2], (task, lines)
    assert "Keras's own custom training loop" in verdict.summary and "TensorFlow without Keras" in verdict.summary
    assert "tensorflow.GradientTape" in a.program("mlp", "keras_gradienttape").metrics.concepts
    assert set(CLAIM.sub_claims) <= set(verdict.findings)
    assert "mlp_gradienttape.py" in verdict.findings["traceability"]


def with_metrics_of(source_style, target_styles):
    """The real records, with each ``target_styles`` program given ``source_style``'s metrics."""
    records = dict(RECORDS)
    for task in TASKS:
        for style in target_styles:
            records[(task, style)] = {**RECORDS[(task, style)],
                                      "metrics": {**RECORDS[(task, source_style)]["metrics"],
                                                  "file": RECORDS[(task, style)]["metrics"]["file"]}}
    return records


def test_keras_custom_loop_is_keras_and_not_weighed_as_tensorflow():
    # Keras's custom training loop as short as fit changes nothing: only TensorFlow without Keras is weighed.
    _, verdict = judge(synthetic(records=with_metrics_of("keras_fit", ["keras_gradienttape"])))
    assert verdict.verdict == "supported", verdict.summary
    assert "1.0x the lines" in verdict.findings["custom_loop"]


def test_partly_supported_when_tensorflow_without_keras_needs_more_code_but_is_as_simple():
    records = dict(RECORDS)
    for task in TASKS:
        fit = RECORDS[(task, "keras_fit")]["metrics"]
        core = RECORDS[(task, "tf_core")]
        records[(task, "tf_core")] = {**core, "metrics": {**core["metrics"], "api_names": fit["api_names"],
                                                          "api_name_count": fit["api_name_count"],
                                                          "surfaces": fit["surfaces"]}}
    _, verdict = judge(synthetic(records=records))
    assert verdict.verdict == "partly supported", verdict.summary
    assert "not more code and less simple for: TensorFlow without Keras" in verdict.summary


def test_concepts_are_counted_by_code_from_the_api_names():
    assert code_metrics.api_surface("keras.Model.fit") == "keras.Model"
    assert code_metrics.api_surface("tensorflow.data.Dataset.from_tensor_slices") == "tensorflow.data.Dataset"
    assert code_metrics.api_surface("tensorflow.reduce_mean") == "tensorflow.reduce_mean"
    m = code_metrics.analyse_file(PROGRAMS_DIR / "mlp_tfcore.py")
    assert m.surface_count == len({code_metrics.api_surface(n) for n in m.api_names}) > 0


def test_refuted_when_the_tensorflow_styles_need_as_much_as_fit():
    _, verdict = judge(synthetic(records=with_metrics_of("keras_fit", ["keras_gradienttape", "tf_core"])))
    assert verdict.verdict == "refuted", verdict.summary


def test_a_task_beyond_the_tolerance_is_not_compared():
    tol = CLAIM.threshold("accuracy_tolerance")
    acc = {(t, s): 0.96 for t in TASKS for s in STYLES}
    acc[("mlp", "keras_gradienttape")] = 0.96 - 2 * tol
    a, verdict = judge(synthetic(acc))
    assert not a.tasks["mlp"].comparable and a.comparable_tasks() == ["cnn", "early_stopping"]
    assert "2 of 3 task(s)" in verdict.summary and "not comparable" in verdict.findings["same_job"]
    a, verdict = judge(synthetic(acc, mode="quick"), quick=True)
    assert a.tasks["mlp"].comparable and a.accuracy_tolerance == CLAIM.threshold("accuracy_tolerance", True)


def test_inconclusive_when_nothing_learns_and_a_broken_program_fails_its_option():
    _, verdict = judge(synthetic(0.5))
    assert verdict.verdict == "inconclusive"
    a, _ = judge(synthetic(broken={("keras-torch", "keras_fit", "cnn")}))
    fit = a.program("cnn", "keras_fit")
    assert fit.runs["keras-torch"].status == "fails" and fit.backends == ["tensorflow", "jax"]
    assert a.option_cost("keras-torch").tasks["cnn"] is None and a.option_cost("keras-torch").tasks_done == 2


def test_option_costs_take_the_cheapest_working_style():
    a, _ = judge(synthetic())
    assert a.styles_for("keras-tensorflow") == ["keras_fit", "keras_gradienttape"]
    assert a.styles_for("keras-jax") == ["keras_fit"] and a.styles_for("tensorflow-core") == ["tf_core"]
    for option in ("keras-tensorflow", "keras-jax", "keras-torch"):
        cost = a.option_cost(option)
        assert all(c.style == "keras_fit" for c in cost.tasks.values()) and cost.tasks_done == 3
    assert a.option_cost("tensorflow-core").cost > a.option_cost("keras-jax").cost


def test_missing_subjects_are_named():
    """(The family test checks every subject unavailable: tests/test_claim_family.py.)"""
    a, verdict = judge(synthetic(drop=("keras-torch",)))
    assert (verdict.decision.verdict, verdict.decision.unavailable) == ("supported", ["keras-torch"])
    assert a.option_cost("keras-torch") is None
    _, verdict = judge(synthetic(drop=("tensorflow-core",)))
    assert (verdict.decision.code, verdict.decision.unavailable) == ("no_comparable_task", ["tensorflow-core"])


# -- the real quick run ------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_has_three_styles_per_task_that_do_the_same_job(quick_results):
    res = load_result("ease_of_use", quick_results)
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(CLAIM.subjects, "ok")
    a = res.assessment
    assert a.mode == "quick"
    for task in TASKS:
        result = a.tasks[task]
        assert result.comparable, task
        for style in STYLES:
            p = result.programs[style]
            assert p.status == "works" and p.accuracy >= a.accuracy_floor
            assert p.sha256 == code_metrics.file_sha256(PROGRAMS_DIR / program_name(task, style))
            assert all(r.epochs == CLAIM.setting(f"epochs_{task}", True) for r in p.runs.values())
        assert result.programs["keras_fit"].backends == ["tensorflow", "jax", "torch"]
        assert result.programs["keras_gradienttape"].backends == ["tensorflow"]
    es = a.program("early_stopping", "tf_core").runs["tensorflow-core"]
    assert 1 <= es.best_epoch <= es.epochs_run <= es.epochs
    assert res.verdict in {"supported", "partly supported"}
    assert res.code_hash == CLAIM.code_hash()


# -- the committed result ----------------------------------------------------------------------------------------
def test_the_committed_result_has_three_styles_per_task_with_metrics_and_accuracies():
    """Issue 13's "must show" (full mode, on this venue)."""
    from evidence.results import DEFAULT_RESULTS_DIR

    res = load_result("ease_of_use", DEFAULT_RESULTS_DIR, venue="cpu-2core")
    assert res.provenance.mode == "full"
    for task in TASKS:
        programs = res.assessment.tasks[task].programs
        assert list(programs) == list(STYLES)
        for style, p in programs.items():
            assert p.metrics.logical_lines > 0 and p.metrics.api_name_count > 0 and p.runs, (task, style)
            assert p.accuracy is not None or p.status != "works"
