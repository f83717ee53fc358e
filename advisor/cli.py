"""The ``kvt`` command line: thin parsing, prompting and printing over :mod:`evidence` and :mod:`advisor`.

Start-up stays light: no framework is imported here, and Rich is imported only by the commands that print
with it. Bad input exits 2 with a message that names the valid values, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad input from the user: printed without a traceback, exit status 2."""


# -- evidence summaries shared by `claims` and `evidence show` ------------------------------------------------
def claim_rows(claim_ids: list[str], results_dir: Path | None) -> list[dict[str, Any]]:
    """One summary per claim: id, title, dimension, verdict, summary, stale flag, mode, date and provenance.

    A claim with no result has verdict ``not run``; a result that fails validation has verdict ``invalid``
    and the reason in ``summary``.
    """
    from evidence.registry import get_claim
    from evidence.results import ResultError, load_result

    rows = []
    for cid in claim_ids:
        claim = get_claim(cid)
        row: dict[str, Any] = {"id": cid, "title": claim.title, "dimension": claim.dimension,
                               "statement": claim.statement}
        try:
            result = load_result(cid, results_dir)
        except ResultError as exc:
            row.update(verdict="invalid", summary=str(exc), stale=None, provenance=None, subjects={})
            rows.append(row)
            continue
        if result is None:
            row.update(verdict="not run", summary=f"no result yet: run `kvt evidence run {cid}`",
                       stale=None, provenance=None, subjects={})
        else:
            row.update(
                verdict=result.verdict,
                summary=result.summary,
                stale=result.code_hash != claim.code_hash(),
                provenance=result.provenance.model_dump(),
                findings=result.findings,
                reruns=[r.verdict for r in result.reruns],
                subjects={s: {"status": r.status, "reason": r.reason} for s, r in result.subjects.items()},
            )
        rows.append(row)
    return rows


def _verdict_text(row: dict[str, Any]) -> str:
    text = row["verdict"]
    reruns = row.get("reruns") or []
    if len(set(reruns)) == 1:
        text += f" (same in {len(reruns)} runs)"
    elif reruns:
        text += f" (changed across {len(reruns)} runs)"
    if row.get("stale"):
        text += " (stale)"
    return text


def _print_table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        # Cells are data (error messages hold brackets, e.g. float32[None,8]): never parse them as markup.
        table.add_row(*(Text(cell) for cell in row))
    Console().print(table)


def _resolve_claims(names: list[str] | None) -> list[str]:
    from evidence.registry import RegistryError, claim_ids, get_claim

    try:
        names = names or claim_ids()
        for name in names:
            get_claim(name)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    return list(dict.fromkeys(names))


# -- commands ---------------------------------------------------------------------------------------------------
def cmd_claims(args: argparse.Namespace) -> int:
    """``kvt claims``: ids, titles and verdicts."""
    rows = claim_rows(_resolve_claims(None), args.results_dir)
    if args.format == "json":
        print(json.dumps([{k: r[k] for k in ("id", "title", "dimension", "verdict", "summary", "stale")}
                          for r in rows], indent=2))
        return EXIT_OK
    _print_table("Claims under test", ["id", "title", "verdict"],
                 [[r["id"], r["title"], _verdict_text(r)] for r in rows])
    return EXIT_OK


def cmd_evidence_show(args: argparse.Namespace) -> int:
    """``kvt evidence show [CLAIM]``: verdicts with their summaries and provenance."""
    rows = claim_rows(_resolve_claims([args.claim] if args.claim else None), args.results_dir)
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
        return EXIT_OK
    _print_table(
        "Evidence",
        ["claim", "verdict", "summary", "mode", "date"],
        [[r["id"], _verdict_text(r), r["summary"],
          (r["provenance"] or {}).get("mode", "-"), (r["provenance"] or {}).get("date", "-")] for r in rows],
    )
    if args.claim:
        row = rows[0]
        if row.get("findings"):
            _print_table(f"{row['id']}: findings", ["sub-claim", "finding"],
                         [[k, v if isinstance(v, str) else json.dumps(v)] for k, v in row["findings"].items()])
        if row["subjects"]:
            _print_table(f"{row['id']}: subjects", ["subject", "status", "reason"],
                         [[s, v["status"], v["reason"] or ""] for s, v in row["subjects"].items()])
    if any(r.get("stale") for r in rows):
        print("stale: the claim's code changed since this result was made; rerun `kvt evidence run CLAIM`.")
    return EXIT_OK


def cmd_evidence_schema(args: argparse.Namespace) -> int:
    """``kvt evidence schema``: the JSON Schema of result files."""
    from evidence.results import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def _raise_interrupt(signum, frame):  # pragma: no cover - exercised by the kill test in a subprocess
    raise KeyboardInterrupt


def cmd_evidence_run(args: argparse.Namespace) -> int:
    """``kvt evidence run``: run claims in worker processes, with a progress display."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from evidence.registry import get_claim
    from evidence.runner import UnknownSubjectError, planned_cells, run, select_subjects

    claim_ids = _resolve_claims(args.claims)
    claims = [get_claim(cid) for cid in claim_ids]
    try:
        chosen = select_subjects(claims, args.subjects)
    except UnknownSubjectError as exc:
        raise UsageError(str(exc)) from None
    total = sum(planned_cells(c, chosen[c.id], quick=args.quick, reruns=args.reruns) for c in claims)
    console = Console()
    failed: list[str] = []
    signal.signal(signal.SIGTERM, _raise_interrupt)
    marks = {"ok": "[green]ok[/]", "failed": "[red]FAILED[/]", "unavailable": "[yellow]unavailable[/]"}
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("evidence", total=total)

        def report(claim_id, subject, stage, outcome):
            if outcome is None:
                progress.update(task, description=f"{claim_id} · {subject} · {stage}")
                return
            progress.advance(task)
            line = f"{claim_id:<20} {subject:<18} {stage:<8} {marks[outcome.status]:<10} {outcome.duration_s:6.1f} s"
            if outcome.status != "ok":
                line += f"  {escape(outcome.reason or '')}"
            if outcome.status == "failed":
                failed.append(f"{claim_id}/{subject}/{stage}")
            progress.console.print(line, markup=True, highlight=False)

        try:
            results = run(claim_ids, quick=args.quick, subjects=args.subjects, results_dir=args.results_dir,
                          timeout_s=args.timeout, report=report, reruns=args.reruns)
        except KeyboardInterrupt:
            console.print("[red]interrupted[/]: the claims in progress kept their previous result files.")
            return EXIT_INTERRUPTED
    for result in results:
        console.print(f"[bold]{result.claim.id}[/]: {result.verdict} — {escape(result.summary)}", highlight=False)
        if result.reruns:
            console.print(f"  verdict of each run: {', '.join(r.verdict for r in result.reruns)}", highlight=False)
    if failed:
        console.print(f"[red]{len(failed)} cell(s) failed[/] (recorded in the results): {', '.join(failed)}")
        return EXIT_FAILED
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------------------------
def _positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1; received: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kvt``."""
    parser = argparse.ArgumentParser(
        prog="kvt", description="Keras vs TensorFlow: claims settled by experiments, and advice from the numbers.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def results_dir_arg(p):
        p.add_argument("--results-dir", type=Path, default=None,
                       help="folder of result files (default: $KVT_RESULTS_DIR or evidence/results)")

    p = sub.add_parser("claims", help="list the claims with their verdicts")
    p.add_argument("--format", choices=("table", "json"), default="table")
    results_dir_arg(p)
    p.set_defaults(func=cmd_claims)

    ev = sub.add_parser("evidence", help="run or show the evidence")
    evsub = ev.add_subparsers(dest="evidence_command", required=True, metavar="ACTION")
    p = evsub.add_parser("run", help="run experiments (all claims when none is named)")
    p.add_argument("claims", nargs="*", metavar="CLAIM")
    p.add_argument("--quick", action="store_true", help="tiny sizes, for tests and CI")
    p.add_argument("--subjects", nargs="+", metavar="SUBJECT", help="run only these subjects")
    p.add_argument("--timeout", type=float, default=None, help="seconds per worker (default: the claim's)")
    p.add_argument("--reruns", type=_positive_int, default=None, metavar="N",
                   help="run each claim N times back to back and keep its verdict only if every run agrees "
                        "(the measurements kept are the last run's; default: the claim's own number, more "
                        "than 1 only for claims whose full-mode verdict could flip with machine noise)")
    results_dir_arg(p)
    p.set_defaults(func=cmd_evidence_run)
    p = evsub.add_parser("show", help="show verdicts, summaries and provenance")
    p.add_argument("claim", nargs="?", metavar="CLAIM")
    p.add_argument("--format", choices=("table", "json"), default="table")
    results_dir_arg(p)
    p.set_defaults(func=cmd_evidence_show)
    p = evsub.add_parser("schema", help="print the JSON Schema of result files")
    p.set_defaults(func=cmd_evidence_schema)

    from advisor.advise_cli import add_parsers as add_advise_parsers  # `advise` and `questions`

    add_advise_parsers(sub, results_dir_arg)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kvt`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"kvt: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # pragma: no cover - `kvt ... | head`
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
