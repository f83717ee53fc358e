"""The site page "Check your own model": what ``kvt check PATH`` does, with a real example output.

The example is ``kvt_docs/check_example.json``, the JSON report of ``kvt check tests/check_corpus/tf_op_layer.py``
exactly as the command printed it; ``tests/test_check.py`` checks that a fresh run of that program still says the
same (``KVT_REGENERATE_EXAMPLES=1`` rewrites it). The corpus table comes from ``tests/check_corpus/expected.toml``,
whose every line the same test asserts. Nothing here imports a framework or runs a check.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from evidence.check.report import TOLERANCES, CheckReport
from evidence.check.report_render import summary_lines, tables
from evidence.check.run import TIMEOUT_SCALE
from evidence.labels import label
from kvt_docs.check_migration import migration_markdown
from kvt_docs.check_timing_page import timing_markdown
from kvt_docs.markdown import admonition, cell, code, error_details, fence, report_tables, table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path(__file__).with_name("check_example.json")
CORPUS = ROOT / "tests" / "check_corpus"
EXAMPLE_COMMAND = "kvt check tests/check_corpus/tf_op_layer.py --targets onnx --steps 2"

#: Public pages the page's statements rest on.
SOURCES = (
    ("Keras: Customizing what happens in fit() with TensorFlow",
     "https://keras.io/guides/custom_train_step_in_tensorflow/", "the tf.GradientTape train_step recipe"),
    ("Keras: Customizing what happens in fit() with JAX", "https://keras.io/guides/custom_train_step_in_jax/",
     "the stateless train_step(state, data) recipe, for the JAX backend only"),
    ("Keras: the Lambda layer", "https://keras.io/api/layers/core_layers/lambda/",
     "Lambda layers are saved as Python bytecode, non-portable and potentially unsafe; subclass Layer instead"),
    ("Keras: Save, serialize, and export models", "https://keras.io/guides/serialization_and_saving/",
     "custom objects must be registered to load; safe_mode and lambdas"),
    ("Keras README", "https://github.com/keras-team/keras",
     "TensorFlow is needed for tf.data pipelines and some preprocessing layers, whatever the backend"),
    ("keras-team/keras#21719", "https://github.com/keras-team/keras/pull/21719",
     "recent JAX no longer converts keras.Variable objects through __jax_array__"),
    ("Keras: TFSMLayer", "https://keras.io/api/models/model_saving_apis/#tfsmlayer-class",
     "a SavedModel reloads in Keras 3 as an inference-only layer; load_model takes .keras and .h5 only"),
    ("LiteRT: select TensorFlow operators", "https://ai.google.dev/edge/litert/models/ops_select",
     "ops outside LiteRT's built-ins run only through the Flex delegate, and only those on its allowlist"),
    ("ONNX operators", "https://onnx.ai/onnx/operators/", "the ops each opset defines"),
)


def _example() -> CheckReport:
    return CheckReport.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))


def example_markdown(report: CheckReport) -> str:
    """The report's tables and closing lines as Markdown, every cell escaped."""
    return report_tables(tables(report), summary_lines(report))


def corpus_markdown() -> str:
    """The corpus: each program, its expected outcome per backend, and why (tests/check_corpus/expected.toml)."""
    programs = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))["program"]
    rows = []
    for p in programs:
        what = p.get("file") or f"{p['keras_file_from']} → .keras"
        if p.get("args"):
            what += " " + " ".join(a.replace("{corpus}/", "") for a in p["args"])
        for backend, e in p["expect"].items():
            outcome = e["outcome"] + (f" ({e['fails_while']})" if e.get("fails_while") else "")
            if e.get("change"):  # the failure class of the first change the report must give
                outcome += f"; first change: {e['change']}"
            # the program named on every row (no ditto marks), the failure class in words, the call as code
            rows.append([code(what), label(backend), error_details(outcome)
                         + (f" ({code(e['change_call'])})" if e.get("change_call") else ""), cell(e["why"])])
    return table(["program", "backend", "expected outcome (first failure)", "why"], rows)


def render_check_page() -> str:
    """The Markdown of the page."""
    report = _example()
    tol = TOLERANCES
    sources = "\n".join(f"- [{cell(t)}]({u}): {cell(w)}" for t, u, w in SOURCES)
    return f"""# Check your own model

The verdicts on this site rest on programs we wrote. `kvt check` puts *your* code through the same experiments:
the portability claim's cross-backend training and loading, and the deployment claim's export targets.

{fence('''kvt check PATH [--backends tensorflow,jax,torch] [--targets LIST|none] [--steps N] [--timeout S]
          [--format table|json|markdown] [--script] [--custom-objects MODULE.py] [--out DIR]
          [--time [--batch-size N] [--settings LIST] [--windows N] [--window-steps N]]''', "text")}
PATH is one of:

- **a `.keras` file**: loaded under every backend (`safe_mode` on: a Python `lambda` inside is refused, never
  unpickled), run on inputs generated from the model's own input shapes and dtypes, the predictions compared
  across backends, then exported to every target the deployment claim knows, each artifact served in a fresh
  process (or a headless browser page) and its answers compared with the model's. A file whose custom classes
  are not registered cannot load anywhere; `--custom-objects MODULE.py` imports the module that registers them.
- **a Python module** defining `build_model()` (a compiled Keras model) and optionally `make_data()` returning
  `(x, y)` or a dataset: trained `--steps` steps under each backend. The first backend that builds the model
  saves its initial weights and data and every other one starts from them, so the losses compare; without
  `make_data()` the data is derived from the model's inputs and its loss (integer labels for a sparse
  categorical loss, one-hot for a categorical one, 0/1 for a binary one, floats otherwise), and a model that
  declares no inputs (a subclassed one) is asked for `make_data()`. Each backend saves the trained model,
  reloads it, and loads the files every other backend saved.
- **a script**, with `--script`: run unchanged under each backend; exit status, wall time and first error line.

Each trial runs in its own worker process with `KERAS_BACKEND` set and is killed with its whole process group at
`--timeout`, raised for the trials after the first completed one to {TIMEOUT_SCALE:g} times that trial's wall time
when that is longer (a loaded machine slows every trial alike); a trial killed so is reported *timed out*:
whether it ports is not known, and it is never called "does not port". The `kvt` process itself imports no
framework. Everything
happens in a temporary copy of PATH's folder: nothing is written beside your files unless `--out DIR` asks for
the report and the trials' files.

For Python sources, a **static scan** (Python's `ast`; your file is not imported for it) lists every call that
resolves, through the file's imports, to TensorFlow, JAX or PyTorch, with `file:line`, where in the model it is
reachable from (a Keras layer, model, loss or metric, a train step, `build_model()`, a function or class handed
to `compile()` (loss, metrics), to `fit(callbacks=...)` or to a `Lambda`; or only the data pipeline, or nothing in
the model), and its equivalent where the installed Keras has one, in whichever namespace has it (`keras.ops`,
`keras.random`, `keras.layers` …, read from Keras's own API files, not from a list of ours; a same-named op is a
candidate to check, not a proof of equal semantics). None is offered that fails the same way: string tensors
exist on TensorFlow only, so `tf.convert_to_tensor` of strings gets advice, not `keras.ops.convert_to_tensor`.
It also finds `.numpy()` on a tensor and the Keras 2 APIs gone from Keras 3.

**What to change first** is chosen per backend from the failing frames of your own file and the known failure
classes (one framework's autodiff in training code, a framework op in a layer, string tensors on JAX or PyTorch,
a `train_step` written for another backend's trainer, `.numpy()` on a tensor, a layer without `get_config()`,
a Keras 2 API, an export blocked by an op), not from line order. A program that fails under every backend, the one
it was written for included, is reported as broken there, not as unportable. When an export fails, the
converter's own message names the op that blocks it; the report gives the op, the layer it comes from and the
fix.

## What "ports" means

A backend ports when everything tried under it works: a module trains with a finite loss that stays within
{tol['loss'].value:g} (relative) of the reference backend's loss from the same start, saves, reloads its own
file, and loads every other backend's file with predictions within {tol['prediction'].value:g} of the saving
backend's; a `.keras` file loads and predicts what the reference backend predicts; a script exits 0. Export
targets count only when you name them with `--targets`; by default every target is tried and reported, so that a
model is never said not to port because of a target you did not ask for. A backend whose framework is not
installed is *unavailable*, never "does not port". The tolerances, with their reasons:

{table(["tolerance", "value", "why"], [[code(k), f"{t.value:g}", cell(t.reason)] for k, t in tol.items()])}
Exit status: **0** the model ports to every backend asked, **1** something does not (or could not be tried),
**2** bad input (a missing file, not a Keras model, a malformed `.keras` archive, no `build_model()`, an unknown
backend or target, a model whose data cannot be derived), with a one-line message.

## A real example

A layer that calls `tf.math.cumsum` behind a trainable `Dense` layer, checked with
`{EXAMPLE_COMMAND}` on {cell(report.venue)} (Keras {cell(report.keras_version or "?")}):

{example_markdown(report)}
The full report, as `--format json` prints it:

??? example "check_example.json"

{_indented(fence(EXAMPLE.read_text(encoding="utf-8"), "json"))}

{timing_markdown()}

{migration_markdown()}
## What the check is tested on

`tests/check_corpus/` holds small programs for the failure classes seen in the wild; the test suite checks each
of them under every backend and requires the outcome below (and, for a failure, the first step that breaks).

{admonition("example", "Each corpus program, backend by backend", corpus_markdown(), collapsible=True)}
## Limits

- The scan follows calls to the file's own functions; it does not follow other files, methods of non-Keras
  classes, or calls through variables. Of method calls on values it knows `.numpy()`, Keras 2's removed `Model`
  methods and `model.save` to a Keras 2 format only; the run shows the rest.
- Parity of an export is measured for models with one input and one output (the deployment claim's serving
  harness). Targets whose exporter lives in a virtual environment of its own (LiteRT and ExecuTorch from
  PyTorch), and the native target's serving process, load the saved file without your module: a model with
  custom classes is *unavailable* there, not failed.
- A loss compares only when both backends started from the same weights and data; a random layer (dropout)
  draws differently per backend and moves the loss beyond the tolerance.

## Sources

{sources}
"""


def _indented(text: str) -> str:
    return "\n".join(("    " + line) if line.strip() else "" for line in text.splitlines())
