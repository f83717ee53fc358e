"""The "Moving from Keras 2" section of the "Check your own model" page: ``kvt check`` on a Keras 2.15 ``.h5``
file, SavedModel and script, with the real reports.

The reports are ``kvt_docs/check_keras2/<case>.json``, the JSON that ``kvt check`` printed for the corpus's Keras 2
fixtures (``tests/check_corpus/keras2/``, made by Keras 2.15 with ``make_fixtures.py``); ``tests/test_check.py``
checks that a fresh run says the same per backend (``KVT_REGENERATE_EXAMPLES=1`` rewrites them). Nothing here
imports a framework.
"""

from __future__ import annotations

from pathlib import Path

from evidence.check.report import CheckReport
from evidence.labels import label
from kvt_docs.markdown import admonition, cell, code, error_details, table

FOLDER = Path(__file__).with_name("check_keras2")
#: The corpus entries shown, their command, and what each shows.
CASES: tuple[tuple[str, str, str], ...] = (
    ("keras2_h5", "kvt check tests/check_corpus/keras2/dense.h5 --targets none",
     "a Keras 2.15 model saved as `.h5` (Dense, BatchNormalization, Dropout, softmax)"),
    ("keras2_saved_model", "kvt check tests/check_corpus/keras2/saved_model --targets none",
     "the same model saved by Keras 2.15's `model.save(folder)`, a TensorFlow SavedModel"),
    ("keras2_script", "kvt check tests/check_corpus/keras2/train_keras2.py --script",
     "a Keras 2 training script (`tf.keras` of TensorFlow 2.15)"),
)


def load(name: str) -> CheckReport:
    """The committed report of corpus entry ``name``."""
    return CheckReport.model_validate_json((FOLDER / f"{name}.json").read_text(encoding="utf-8"))


def _outcome(report: CheckReport, backend: str) -> str:
    result = report.results[backend]
    if result.ports:
        same = result.same_as_keras2
        extra = f"; predictions {'=' if same.status == 'works' else '≠'} Keras 2's" if same and same.difference \
            is not None else ""
        return f"ports{extra}"
    if result.ports is None:
        return "timed out" if result.timed_out else "unavailable"
    return f"does not port: {result.problems[0] if result.problems else ''}"


def migration_markdown() -> str:
    """The section's Markdown."""
    parts = ["""## Moving from Keras 2

Keras 3 reads what Keras 2 wrote in two ways, and `kvt check` takes both:

- **a legacy `.h5` model** loads through Keras 3's legacy HDF5 loader (`keras.saving.load_model`, `safe_mode`
  on) under every backend. The file is read with `h5py` first (no framework): an HDF5 file holding weights only,
  or no model, is bad input (exit 2), and a file holding a `Lambda` layer is refused before any trial runs,
  because Keras 2 stored the lambda's Python bytecode in it. Where the keras-2.15 release-set environment is
  built (`python -m evidence.releases run keras-2.15 --claims community`), Keras 2.15 itself loads the file and
  predicts the same inputs, and each backend's predictions are compared with Keras 2's.
- **a SavedModel folder** (what Keras 2's `model.save(folder)` wrote by default) cannot become a Keras model
  again: Keras 3's `load_model` refuses it. It loads as `keras.layers.TFSMLayer`, an inference-only layer around
  one signature, on the TensorFlow backend only. The report lists the signatures, the variables and what the
  move loses (the model's layers and `compile()` settings, training, the other signatures, the other backends).

A **Keras 2 script** runs with `--script` as any script does, and the static scan names each Keras 2 API that
the installed Keras no longer has, with its Keras 3 replacement when there is one: names missing from Keras's own
public API files (`tf.keras.layers.experimental.preprocessing`), names that are only stubs raising an error
(`keras.optimizers.legacy.Adam`), `tf.keras.backend` functions kept for the TensorFlow backend only
(`K.mean`: `keras.ops.mean`), removed `Model` methods (`fit_generator`) and `model.save` to a Keras 2 format. The
replacements are looked up in the installed Keras's namespaces (`keras.ops`, `keras.random`, `keras.layers` …),
not in a list of ours.

The corpus's Keras 2.15 fixtures through `kvt check`, as the command printed them:
"""]
    for i, (name, command, what) in enumerate(CASES):
        report = load(name)
        rows = [[label(b), error_details(_outcome(report, b))] for b in report.results]
        case = [f"`{command}`\n", table(["backend", "outcome"], rows),
                f"- What to change first: {error_details(report.first_change)}\n"]
        loses = report.legacy.get("loses") if report.legacy else None
        if isinstance(loses, list) and loses:
            case.append("\n".join(f"- Lost: {cell(item)}" for item in loses) + "\n")
        keras2 = [f for f in report.findings if f.category == "keras2"]
        if keras2:
            case.append(table(["at", "Keras 2 API", "in Keras 3"],
                              [[code(f.location), code(f.call), cell(f.advice or "-")] for f in keras2]))
        if i == 0:  # the first example open; the others collapsed, so the page stays short
            parts.append(f"**{cell(what)}** — " + "\n".join(case))
        else:
            parts.append(admonition("example", what, "\n".join(case), collapsible=True))
    return "\n".join(parts)
