"""The extensibility claim's prose for people, from its assessment and decision (not in the code hash)."""

from __future__ import annotations

from evidence.claims.extensibility.assessment import Cell, ExtensibilityAssessment
from evidence.claims.extensibility.routes import KIND_TITLES, NEEDS
from evidence.contract import Decision, Report
from evidence.options import KERAS_OPTIONS, OPTIONS


def report(a: ExtensibilityAssessment, decision: Decision) -> Report:
    """The summary (following the decision) and the findings per sub-claim."""
    findings = _findings(a)
    if decision.code == "no_comparison":
        lacking = [o for o in OPTIONS if o not in a.measured]
        return Report(f"No comparison possible: no result for {', '.join(lacking)} "
                      f"({'; '.join(a.not_measured) or 'not run'}).", findings)
    keras = [o for o in a.measured if o in KERAS_OPTIONS]
    return Report(_summary(a, keras, _limited(decision)), findings)


def _limited(decision: Decision) -> list[str]:
    """The Keras options the decision found short of their own tools, in option order."""
    return [o for o in KERAS_OPTIONS if decision.numbers.get(f"{o}_full") is False]


def _option_text(a: ExtensibilityAssessment, option: str) -> str:
    cov = a.coverage[option]
    tried = len(cov.met) + len(cov.unmet)
    text = f"{option} met {len(cov.met)} of {tried} needs"
    native = {need: [m for m in mechs if any(c.mechanism == m and c.framework != "keras"
                                              for c in a.cells_for(option))]
              for need, mechs in cov.met.items()}
    shown = [f"{need} by {' and '.join(mechs)}" for need, mechs in native.items()
             if need in ("custom gradient", "compiled op") and mechs]
    if shown:
        text += f" ({'; '.join(shown)})"
    if cov.unmet:
        text += f", not {', '.join(cov.unmet)}"
    if cov.not_tried:
        text += f" (not tried: {', '.join(cov.not_tried)})"
    return text

def _summary(a: ExtensibilityAssessment, keras: list[str], limited: list[str]) -> str:
    options = "; ".join(_option_text(a, o) for o in a.measured)
    checked = [c for c in a.cells if c.gradient_check is not None]
    passed = sum(c.gradient_check.passed for c in checked)
    if not limited:
        head = ("TensorFlow's low-level APIs do extend it, but Keras is not limited beyond its blocks: every Keras "
                "option extended every kind of component through its own tools")
    elif len(limited) == len(keras):
        head = "Every Keras option fell short of what its own tools should extend"
    else:
        head = f"{', '.join(limited)} fell short of what its own tools should extend, the other Keras options not"
    text = (f"{head} — {options}; {passed} of {len(checked)} gradients matched finite differences")
    if a.portability_tried:
        moved = []
        for framework in ("tensorflow", "jax", "torch"):
            ported = a.ported(framework)
            if ported:
                moved.append(f"{framework} code ran on {sum(ported.values())} of {len(ported)} other backends")
        text += "; as portability, " + ", ".join(moved)
    if a.not_measured:
        text += f" (not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)})"
    return text + "."

def _cell_text(c: Cell) -> str:
    grad = ""
    if c.gradient_check is not None:
        err = c.gradient_check.max_error
        grad = f", gradient {'ok' if c.gradient_check.passed else 'wrong'} ({'∞' if err is None else f'{err:.1g}'})"
    lines = f"{c.lines} lines" + (f" incl. {c.cpp_lines} C++" if c.cpp_lines else "")
    text = f"{c.option} {c.mechanism}: {c.status}, {lines}{grad}"
    if c.status not in ("works",) and c.reason:
        text += f" [{c.reason[:160]}]"
    return text

def _findings(a: ExtensibilityAssessment) -> dict[str, str]:
    def kinds(*names: str) -> str:
        rows = [_cell_text(c) for c in a.cells if c.kind in names]
        return "; ".join(rows) + "." if rows else "Not measured."

    findings = {
        "layers": kinds("layer"),
        "losses_metrics": kinds("loss", "metric"),
        "training": kinds("train_step", "training_loop"),
        "gradients": kinds("custom_gradient"),
        "compiled_ops": kinds("compiled_op"),
        "kernels": kinds("custom_op", "custom_kernel"),
    }
    built = [f"{b.id} {b.status}" + (f" in {b.seconds:.1f} s" if b.seconds is not None else "")
             + f" ({b.cpp_lines} lines of C++, {b.tool}" + (f"; {b.reason}" if b.reason else "") + ")"
             for b in a.builds.values()]
    findings["builds"] = ("Built in this run, nothing cached: " + "; ".join(built) + ".") if built else \
        "No library was built."
    keras_api = a.portable_keras_backends()
    keras_ran = [o for o in a.measured if o in KERAS_OPTIONS]
    port = [f"the same Keras-API code ran unchanged on {min(len(o) for o in keras_api.values())} of "
            f"{len(keras_ran)} Keras backends ({', '.join(keras_api)})" if keras_api else "no Keras-API code ran"]
    if a.portability_tried:
        for framework in ("tensorflow", "jax", "torch"):
            tried = [c for c in a.portability if c.framework == framework]
            if not tried:
                continue
            per = {o: [c for c in tried if c.option == o] for o in dict.fromkeys(c.option for c in tried)}
            example = next((c for c in tried if not c.works and c.reason), None)
            port.append(f"{framework} code on " + ", ".join(
                f"{o} {sum(c.works for c in cs)} of {len(cs)} routes" for o, cs in per.items())
                + (f" (e.g. {example.route} on {example.option}: {example.reason[:140]})" if example else ""))
    else:
        port.append("other backends' code was not tried in this run (quick mode)")
    findings["portability"] = ("Portability, reported apart (it does not enter the verdict): " + "; ".join(port)
                               + ".")
    findings["sources"] = ("Each route follows its framework's own documentation: TensorFlow's \"Create an op\" "
                           "guide (https://www.tensorflow.org/guide/create_op) and tf.custom_gradient; JAX's "
                           "\"Custom derivative rules\" (https://docs.jax.dev/en/latest/notebooks/"
                           "Custom_derivative_rules_for_Python_code.html), \"Foreign function interface\" "
                           "(https://docs.jax.dev/en/latest/ffi.html: JAX cannot differentiate a foreign function, "
                           "so the kernel gets a custom_vjp rule) and the Pallas quickstart; PyTorch's \"Extending "
                           "PyTorch\" (torch.autograd.Function), \"Python Custom Operators\" and \"Custom C++ and "
                           "CUDA Operators\" (https://docs.pytorch.org/tutorials/advanced/cpp_custom_ops.html); "
                           "Keras's per-backend guides \"Customizing what happens in fit()\" and \"Writing a "
                           "training loop from scratch\" (https://keras.io/guides/).")
    per = {}
    for c in a.cells:
        if c.status != "not_applicable":
            per.setdefault(c.option, []).append(
                f"{c.route} {c.lines}" + (f" (+{len(c.build_steps)} build step)" if c.build_steps else ""))
    findings["lines"] = ("Logical lines of each route's own code (C++ included), and build steps: "
                         + "; ".join(f"{o}: {', '.join(rows)}" for o, rows in per.items()) + ".")
    findings["needs"] = ("Needs judged: " + ", ".join(f"{n} ({'/'.join(KIND_TITLES[k] for k in ks)})"
                                                      for n, ks in NEEDS.items()) + ".")
    findings["caveat"] = ("Each attempt trains a tiny model for a few steps: it shows that an extension works and "
                          "is differentiated right, not how fast it runs. The Pallas kernel runs in interpret "
                          "mode, the only mode on a CPU; Pallas compiles for GPUs and TPUs.")
    if a.not_measured:
        findings["not_measured"] = "Subjects without a result: " + "; ".join(a.not_measured) + "."
    return findings


