"""The table, Markdown and terminal forms of a ``kvt check`` report (:mod:`evidence.check.report`), written out
through :mod:`evidence.check.render`."""

from __future__ import annotations

from evidence.check.report import SAVED_KINDS, BackendResult, CheckReport, Comparison, Step, error_line, first_error


# -- rendering ---------------------------------------------------------------------------------------------------
def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def _step_cell(step: Step | None, extra: str = "") -> str:
    if step is None:
        return "-"
    text = step.status.replace("_", " ")
    if step.status == "fails" and step.reason:
        text += f" ({step.reason})"
    if step.seconds is not None and step.status == "works":
        text += f" {step.seconds:.1f} s"
    return f"{text}{extra}"


def _cmp_cell(cmp: Comparison | None) -> str:
    if cmp is None:
        return "-"
    if cmp.status == "not_applicable":
        return "n/a" + (f" ({cmp.reason})" if cmp.reason else "")
    ref = "" if cmp.reference is None else f" vs {cmp.reference}"
    return f"{'same' if cmp.status == 'works' else 'DIFFERS'} ({_num(cmp.difference)}{ref})"


def _verdict_cell(result: BackendResult) -> str:
    if result.ports is None and result.timed_out:
        return "timed out"
    return {True: "ports", False: "does not port", None: "unavailable"}[result.ports]


def _exports_cell(result: BackendResult) -> str:
    if not result.exports:
        return "-"
    parts = []
    for target, e in result.exports.items():
        mark = {"works": "ok", "fails": "fails", "unavailable": "unavailable", "not_applicable": "n/a"}[e.status]
        parts.append(f"{target} {mark}" + (f" ({_num(e.parity)})" if e.parity is not None else ""))
    return ", ".join(parts)


def tables(report: CheckReport) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report as (title, headers, rows) tables: per backend, the first errors, the static findings."""
    out = []
    rows = []
    for b, r in report.results.items():
        if report.kind == "module":
            loss = f" (loss {r.trains.losses[-1]:.4g})" if r.trains is not None and r.trains.losses else ""
            trains = (_step_cell(r.trains, loss) if r.build is None or r.build.status == "works"
                      else f"build_model() {_step_cell(r.build)}")
            loads = ", ".join(f"{'own' if k == b else k}: {_step_cell(v) if v.status != 'works' else 'ok'}"
                              for k, v in r.loads.items()) or "-"
            rows.append([b, trains, _cmp_cell(r.same_loss), _step_cell(r.saves), loads,
                         _cmp_cell(r.predicts_same), _exports_cell(r), _verdict_cell(r)])
        elif report.kind in SAVED_KINDS:
            keras2 = [_cmp_cell(r.same_as_keras2)] if report.kind != "keras_file" else []
            rows.append([b, _step_cell(r.loads.get("file")), _step_cell(r.predicts), _cmp_cell(r.predicts_same),
                         *keras2, _exports_cell(r), _verdict_cell(r)])
        else:
            s = r.script
            rows.append([b, "-" if s is None or s.exit_status is None else str(s.exit_status),
                         "-" if s is None else f"{s.wall_s:.1f} s", (s.reason or "") if s else "",
                         (s.first_error or "") if s else "", _verdict_cell(r)])
    headers = {
        "module": ["backend", "trains", "same loss", "saves", "loads the files saved under", "same predictions",
                   "exports", "verdict"],
        "keras_file": ["backend", "loads", "predicts", "same predictions", "exports", "verdict"],
        "h5_file": ["backend", "loads", "predicts", "same predictions", "same as Keras 2", "exports", "verdict"],
        "saved_model": ["backend", "loads", "predicts", "same predictions", "same as Keras 2", "exports",
                        "verdict"],
        "script": ["backend", "exit", "wall", "how it ended", "first error", "verdict"],
    }[report.kind]
    out.append((f"kvt check {report.path} ({report.kind.replace('_', ' ')}, {report.venue})", headers, rows))
    errors = []
    for b, r in report.results.items():
        what, error, reason = first_error(r)
        if what and (error is not None or reason):
            errors.append([b, what, error_line(error) if error else (reason or ""), (error.at or "") if error else ""])
    if errors:
        out.append(("First errors", ["backend", "while", "error", "at"], errors))
    if report.findings:
        out.append(("Backend-specific calls (static scan)", ["at", "call", "reachable from", "keras.ops / advice"],
                    [[f.location, f.call, f"{f.scope}: {f.where}", f.keras_ops or f.advice or "-"]
                     for f in report.findings]))
    return out


def summary_lines(report: CheckReport) -> list[str]:
    """The closing lines: what to change first, which backends it ports to, the notes."""
    ports = [b for b, r in report.results.items() if r.ports]
    not_ports = [b for b, r in report.results.items() if r.ports is False]
    missing = [b for b, r in report.results.items() if r.ports is None and not r.timed_out]
    timed_out = [b for b, r in report.results.items() if r.ports is None and r.timed_out]
    verdict = f"Ports to: {', '.join(ports) or 'none'}"
    if not_ports:
        verdict += f"; does not port to: {', '.join(not_ports)}"
    if timed_out:
        verdict += f"; timed out (not known): {', '.join(timed_out)}"
    if missing:
        verdict += f"; not tried (unavailable): {', '.join(missing)}"
    legacy = []
    if report.legacy:
        legacy.append(f"Keras 2 file: {report.legacy.get('format')}, saved by {report.legacy.get('saved_by')}; "
                      f"loaded with {report.legacy.get('loader')}")
        if report.legacy.get("names"):
            legacy.append(f"Signatures: {', '.join(report.legacy['names'])} (called: {report.legacy.get('endpoint')}); "
                          f"{report.legacy.get('variables')} variables, {report.legacy.get('trainable_variables')} "
                          "of them trainable in the SavedModel")
        legacy += [f"Lost in Keras 3: {item}" for item in report.legacy.get("loses") or []]
    return [f"What to change first: {report.first_change}", f"{verdict}. ({report.wall_s:.0f} s)", *legacy,
            *(f"Note: {n}" for n in report.notes)]


def render_markdown(report: CheckReport) -> str:
    """The report as Markdown: tables and the closing lines."""
    from evidence.check.render import markdown

    return markdown(tables(report), summary_lines(report))


def render_table(report: CheckReport) -> None:
    """Print the report with Rich tables."""
    from evidence.check.render import print_tables

    print_tables(tables(report), summary_lines(report))
