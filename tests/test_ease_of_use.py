"""ease_of_use: the code metrics respond to the code, the judge follows its thresholds, and the real quick run.

The first part needs no framework: the metrics are static (``ast``/``tokenize``) and the judge runs on synthetic
results. The last part reads the shared quick-mode run of every claim (the ``quick_results`` fixture).
"""

from __future__ import annotations

import shutil
import textwrap

import pytest

from evidence import claim as claim_module
from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR
from evidence.claims.ease_of_use import CLAIM, PAIRS, measure_program
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


@pytest.mark.parametrize("name", [n for pair in PAIRS.values() for n in pair])
def test_every_api_name_of_the_programs_maps_to_a_concept(name):
    m = code_metrics.analyse_file(PROGRAMS_DIR / name)
    assert m.unmapped_api_names == ()
    assert m.file == f"evidence/programs/{name}"
    assert m.sha256 == code_metrics.file_sha256(PROGRAMS_DIR / name)


def test_pairs_are_programs_that_the_site_pairs_and_share_hyperparameters():
    from kvt_docs.programs import split_programs

    pairs, singles = split_programs(CLAIM.programs)
    assert {(p.task, p.keras, p.tfcore) for p in pairs} == {(t, k, tf) for t, (k, tf) in PAIRS.items()}
    assert singles == []
    for keras_file, tf_file in PAIRS.values():
        assert code_metrics.module_constants(PROGRAMS_DIR / keras_file) == \
            code_metrics.module_constants(PROGRAMS_DIR / tf_file)
        for path in (PROGRAMS_DIR / keras_file, PROGRAMS_DIR / tf_file):
            text = path.read_text(encoding="utf-8")
            assert 'if __name__ == "__main__":' in text and "def run(epochs=EPOCHS, seed=SEED" in text


def test_the_record_and_the_code_hash_change_when_a_program_changes(tmp_path, monkeypatch):
    for name in CLAIM.programs:
        shutil.copy(PROGRAMS_DIR / name, tmp_path / name)
    monkeypatch.setattr(claim_module, "PROGRAMS_DIR", tmp_path)
    target = tmp_path / "mlp_keras.py"
    before_hash, before = CLAIM.code_hash(), measure_program(target)
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("    model = build_model()\n",
                                   "    model = build_model()\n    model.summary()\n", 1), encoding="utf-8")
    after_hash, after = CLAIM.code_hash(), measure_program(target)
    assert after_hash != before_hash
    assert after["metrics"]["sha256"] != before["metrics"]["sha256"]
    assert after["metrics"]["logical_lines"] == before["metrics"]["logical_lines"] + 1
    assert after["metrics"]["api_name_count"] == before["metrics"]["api_name_count"] + 1


# -- the judge on synthetic results ------------------------------------------------------------------------------
def synthetic(accuracy=None, *, tfcore_accuracy=0.95, mode="full", drop=()):
    """Results as the workers write them, with the real programs' static records and made-up accuracies."""
    accuracy = accuracy or {"mlp": 0.96, "cnn": 0.97, "early_stopping": 0.97}
    results = {}
    for subject in CLAIM.subjects:
        if subject in drop:
            results[subject] = SubjectResult(status="unavailable", reason="torch cannot be imported (hidden)")
            continue
        side = 1 if subject == "tensorflow-core" else 0
        m = {"api": "tensorflow-core" if side else "keras", "mode": mode, "runs": {}, "metrics": {},
             "hyperparameters": {}}
        for task, pair in PAIRS.items():
            record = measure_program(PROGRAMS_DIR / pair[side])
            m["metrics"][pair[side]] = record["metrics"]
            m["hyperparameters"][pair[side]] = record["hyperparameters"]
            if "handwritten" in record:
                m.setdefault("handwritten", {})[pair[side]] = record["handwritten"]
            acc = tfcore_accuracy if side else accuracy[task]
            m["runs"][task] = {"status": "ran", "accuracy": acc, "epochs_run": 3, "epochs": 3,
                               "program": record["metrics"]["file"], "sha256": record["metrics"]["sha256"]}
        results[subject] = SubjectResult(status="ok", measurements=m)
    return results


def test_judge_supported_when_programs_compare_and_tfcore_needs_more():
    verdict = CLAIM.judge(synthetic())
    assert verdict.verdict == "supported"
    assert "mlp" in verdict.summary and "logical lines" in verdict.summary
    assert set(CLAIM.sub_claims) <= set(verdict.findings)
    assert "mlp_keras.py" in verdict.findings["traceability"]


def test_judge_excludes_tasks_whose_accuracies_differ_beyond_tolerance():
    tol = CLAIM.thresholds["accuracy_tolerance_full"]
    verdict = CLAIM.judge(synthetic({"mlp": 0.95 - 2 * tol, "cnn": 0.95, "early_stopping": 0.95}))
    assert verdict.verdict == "partly supported"
    assert "2 of 3 task(s)" in verdict.summary
    assert "not comparable" in verdict.findings["same_job"]
    assert CLAIM.judge(synthetic({t: 0.5 for t in PAIRS}, tfcore_accuracy=0.5)).verdict == "inconclusive"


def test_judge_uses_the_quick_tolerance_in_quick_mode():
    acc = {t: 0.95 - CLAIM.thresholds["accuracy_tolerance_full"] * 2 for t in PAIRS}
    assert CLAIM.judge(synthetic(acc, mode="quick")).verdict == "supported"


def test_judge_refutes_when_keras_needs_as_much(monkeypatch):
    results = synthetic()
    tf_m = results["tensorflow-core"].measurements
    for subject in ("keras-tensorflow", "keras-jax", "keras-torch"):
        keras_m = results[subject].measurements
        for keras_name, tf_name in PAIRS.values():
            keras_m["metrics"][keras_name] = dict(tf_m["metrics"][tf_name])
    assert CLAIM.judge(results).verdict == "refuted"


def test_judge_names_missing_subjects():
    verdict = CLAIM.judge(synthetic(drop=("keras-torch",)))
    assert verdict.verdict == "supported"
    assert "keras-torch" in verdict.summary and "keras-torch" in verdict.findings["not_measured"]
    verdict = CLAIM.judge(synthetic(drop=("tensorflow-core",)))
    assert verdict.verdict == "inconclusive" and "tensorflow-core" in verdict.summary


# -- the real quick run ------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run(quick_results):
    res = load_result("ease_of_use", quick_results)
    assert res is not None
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(CLAIM.subjects, "ok")
    tol = res.claim.thresholds["accuracy_tolerance_quick"]
    floor = res.claim.thresholds["min_accuracy_quick"]
    tf_runs = res.subjects["tensorflow-core"].measurements["runs"]
    for subject in ("keras-tensorflow", "keras-jax", "keras-torch"):
        m = res.subjects[subject].measurements
        assert m["backend"] == subject.removeprefix("keras-")
        for task, (keras_name, tf_name) in PAIRS.items():
            run, tf_run = m["runs"][task], tf_runs[task]
            assert run["status"] == tf_run["status"] == "ran"
            assert run["epochs"] == tf_run["epochs"]
            assert min(run["accuracy"], tf_run["accuracy"]) >= floor
            assert abs(run["accuracy"] - tf_run["accuracy"]) <= tol, (subject, task)
            # Each metric traces to the file it measured, and that file is the one in the tree now.
            assert run["sha256"] == m["metrics"][keras_name]["sha256"] == \
                code_metrics.file_sha256(PROGRAMS_DIR / keras_name)
            assert tf_run["sha256"] == code_metrics.file_sha256(PROGRAMS_DIR / tf_name)
    es = tf_runs["early_stopping"]
    assert 1 <= es["best_epoch"] <= es["epochs_run"] <= es["epochs"]
    assert res.verdict in {"supported", "partly supported"}
    assert res.code_hash == CLAIM.code_hash()
