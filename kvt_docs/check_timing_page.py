"""The timing section of "Check your own model": what ``kvt check --time`` measures, a real run, and the venues.

The example is ``kvt_docs/check_timing_example.json``, the JSON report of ``kvt check resnet50.keras --time`` as
``tests/bench_check_time.py --save-example`` wrote it (a ResNet-50 built with ``weights=None`` and saved to a
temporary folder). The venues table puts the project's own venue of the performance claim (its result's venue,
verdict and date, read from ``evidence/results``) beside every user-contributed timing result in
``evidence/results/contributed/`` (:func:`evidence.check.timing_venue.contributed`), each labelled with who
contributed it. Nothing here imports a framework or times anything.
"""

from __future__ import annotations

from pathlib import Path

from evidence.check.timing_report import FASTER_MARGIN, TimingReport, summary_lines, tables
from kvt_docs.markdown import cell, code, report_tables, table

EXAMPLE = Path(__file__).with_name("check_timing_example.json")

#: Public pages the section's statements rest on.
SOURCES = (
    ("Keras: Model.compile (jit_compile, steps_per_execution)", "https://keras.io/api/models/model_training_apis/",
     "jit_compile='auto' and steps_per_execution; steps_per_execution is not supported on PyTorch"),
    ("keras.io: Keras 3 benchmarks", "https://keras.io/getting_started/benchmarks/",
     "one A100 and a handful of models, published in 2024: no answer for another model or machine"),
    ("keras-team/keras-io#1792", "https://github.com/keras-team/keras-io/pull/1792",
     "the benchmark page's own conclusion: there is no best backend, performance depends heavily on the model"),
    ("keras-team/keras#21851", "https://github.com/keras-team/keras/issues/21851",
     "a user finding jit_compile=True (torch.compile) slower than eager on the PyTorch backend"),
)


def example() -> TimingReport | None:
    """The committed example report; None when it has not been made yet."""
    if not EXAMPLE.exists():
        return None
    return TimingReport.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))


def command_of(report: TimingReport) -> str:
    """The command line that made ``report`` (its flags read back from the report)."""
    from evidence.check.defaults import (
        DEFAULT_COMPILE_BUDGET_S,
        DEFAULT_TIMEOUT_S,
        DEFAULT_WINDOW_STEPS,
        DEFAULT_WINDOWS,
    )

    m = report.method
    parts = [f"kvt check {report.path} --time"]
    if report.batch_from == "--batch-size":
        parts.append(f"--batch-size {report.batch_size}")
    if m.get("settings"):
        parts.append(f"--settings {','.join(m['settings'])}")
    if m["windows"] != DEFAULT_WINDOWS:
        parts.append(f"--windows {m['windows']}")
    if m["window_steps"] != DEFAULT_WINDOW_STEPS:
        parts.append(f"--window-steps {m['window_steps']}")
    if m["timeout_s"] != DEFAULT_TIMEOUT_S:
        parts.append(f"--timeout {m['timeout_s']:g}")
    if m.get("compile_budget_s") is not None and m["compile_budget_s"] != DEFAULT_COMPILE_BUDGET_S:
        parts.append(f"--compile-budget {m['compile_budget_s']:g}")
    return " ".join(parts)


def report_markdown(report: TimingReport) -> str:
    """A timing report's tables and closing lines as Markdown, every cell escaped."""
    return report_tables(tables(report), summary_lines(report))


def venues_markdown(results_dir: Path | None = None, contributed_dir: Path | None = None) -> str:
    """The project's own venue(s) of the performance claim beside every user-contributed timing venue."""
    from evidence.check.timing_venue import CONTRIBUTED_DIR, contributed
    from evidence.results import ResultError, load_venues

    rows = []
    try:
        own = load_venues("performance", results_dir)
    except ResultError:
        own = {}
    for venue, result in own.items():
        rows.append([cell(venue), "the project", "the [performance claim](claims/performance.md)'s models",
                     cell(f"{result.provenance.cpu_model}, {result.provenance.cpu_count} logical cores"),
                     cell(f"{result.verdict} (the claim's verdict on this venue)"),
                     cell(result.provenance.date[:10])])
    for result in contributed(contributed_dir or CONTRIBUTED_DIR):
        a = result.assessment
        who = "user-contributed" if a.contributed_by == "user" else "the project"
        rows.append([cell(result.venue), f"**{who}**", code(a.model), cell(a.report.machine_line),
                     cell(f"{result.verdict}: {a.report.ranking['train'].sentence}"),
                     cell(result.provenance.date[:10])])
    if not rows:
        return "No venue has a result yet.\n"
    return table(["venue", "measured by", "model", "machine", "verdict: finding", "date"], rows)


def _venue_notes() -> str:
    """What the venues table does not show by itself: a contribution that is this page's own example, and no GPU
    venue."""
    from evidence.check.timing_venue import contributed
    from evidence.venue import is_accelerator

    found = contributed()
    shown = example()
    same = sorted({r.venue for r in found if shown is not None and r.assessment.report == shown})
    notes = ""
    if same:
        notes += (f" The user-contributed entry on {', '.join(same)} is the example above, made through `--out` by "
                  "`tests/bench_check_time.py --save-venue` on the machine this project's engineers use (its CPU "
                  "may differ from the one of the project's own results: the machine column says), a stand-in "
                  "until someone contributes another machine.")
    if not any(is_accelerator(r.venue) for r in found):
        notes += " No GPU venue has been contributed yet."
    return notes


def timing_markdown() -> str:
    """The section, from ``## Which backend is fastest for your model`` on."""
    from evidence.check.defaults import DEFAULT_COMPILE_BUDGET_S
    from evidence.check.timing_run import declared_settings

    settings_rows = []
    for backend in ("tensorflow", "jax", "torch"):
        for name, s in declared_settings(backend).items():
            asked = ("not offered: " + s["reason"]) if s["jit_compile"] is None else \
                f"jit_compile={s['jit_compile']!r}, steps_per_execution={s['steps_per_execution']}"
            settings_rows.append([backend, code(name), cell(asked), cell(s["documented"])])
    report = example()
    shown = (f"{code(command_of(report))} on {cell(report.venue)} (Keras {cell(report.keras_version or '?')}), a "
             f"ResNet-50 from `keras.applications` with random weights (`weights=None`, nothing downloaded) on "
             f"32x32x3 inputs, saved by `tests/bench_check_time.py`:\n\n{report_markdown(report)}"
             if report else "No example has been recorded yet (`python tests/bench_check_time.py --save-example`).\n")
    sources = "\n".join(f"- [{cell(t)}]({u}): {cell(w)}" for t, u, w in SOURCES)
    return f"""## Which backend is fastest for your model (`--time`)

`kvt check PATH --time` answers the question for *your* model on *your* machine, with the performance claim's
method: each backend at its default and at every setting its documentation recommends for speed, the same
settings the claim declares (read from its code):

{table(["backend", "setting", "what it asks Keras for", "what the documentation says"], settings_rows)}
Each backend and setting runs in its own worker process (so its peak host memory is its own), one after the
other, killed at `--timeout` (recorded with why: out of time, out of memory; the others still run). A compiled
call that runs past `--compile-budget` seconds (default {DEFAULT_COMPILE_BUDGET_S:g}; in practice the first call,
which traces and compiles) stops its setting there: it is reported **over budget**, with the call and how many
seconds it took at least, an outcome of its own (tried and measured, neither failed nor unavailable) that is
ranked without, and the report says how to give it more time. The default budget keeps the whole default run of
a ResNet-50 within six minutes on a 2-core CPU, where `torch.compile` alone would take minutes. Training is
one `model.fit` epoch of two warm-up compiled calls plus `--windows` windows of `--window-steps` steps (no epoch
boundary inside a window); inference is one `model.predict` over as many batches. The time is stamped at the end
of every compiled call, after Keras reads the call's logs back (a sync, as `fit`'s default progress bar does).
Reported: the steady seconds per step (the median over the windows, with a 90% bootstrap interval), samples per
second at `--batch-size` (default: the model's input batch dimension, else 32), the first call's seconds
(tracing and compiling), the peak host memory, and on a GPU the peak device memory from each backend's own
allocator (`tf.config.experimental.get_memory_info`, JAX's `memory_stats()`, `torch.cuda.max_memory_allocated`).
The machine is named: CPU model and cores, each GPU with its memory and driver (`nvidia-smi`, `rocm-smi`), or
Apple MPS.

The backends are ranked at their fastest setting, each with its step time as a ratio to the fastest's and a 90%
interval. One is called faster only by the performance claim's rule for one model and phase: its median step is
shorter by a factor of {1 + FASTER_MARGIN.value:g} and the ratio's interval lies above 1; anything less is a
**tie**. `--format json` carries every number, `--format markdown` is for a pull request; exit 0 when every
setting was timed or stopped at the compile budget, 1 when one failed or could not be tried, 2 for bad input (a
script: timing needs a model or a `build_model()` module; `--batch-size 0`; an unknown backend or setting).

{shown}
### Venues: yours beside ours

`--out DIR` writes `DIR/check_timing.<venue>.json`, a result file of the evidence format (schema 2, with the
machine's provenance and the whole report as its assessment, labelled user-contributed). `kvt evidence diff`
compares two of them as it compares any results; copied into `evidence/results/contributed/`, one shows here,
beside the project's own venue.{_venue_notes()}

{venues_markdown()}
### Sources

{sources}
"""


README = EXAMPLE.parent.parent / "README.md"
README_START = "<!-- check-time-example: generated from kvt_docs/check_timing_example.json (tests/test_check_time.py " \
               "checks it) -->"
README_END = "<!-- /check-time-example -->"


def readme_block(report: TimingReport) -> str:
    """What README.md holds between its example markers: the command and the report as Markdown."""
    return f"{README_START}\n```sh\n{command_of(report)}\n```\n\n{report_markdown(report)}{README_END}"


def update_readme(report: TimingReport, readme: Path = README) -> None:
    """Rewrite README.md's example block from ``report``."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    readme.write_text(text[:start] + readme_block(report) + text[end:], encoding="utf-8")
