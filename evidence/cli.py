"""``kvt claims`` and ``kvt evidence run/show/schema``: the evidence's commands, over :mod:`evidence`.

Start-up stays light: no framework is imported here (only worker processes import one), the runner only when
``evidence run`` runs, and Rich only by the commands that print with it. Bad input exits 2 with a message that
names the valid values, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import signal
from pathlib import Path
from typing import Any

from kvt.usage import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    positive_int,
    positive_seconds,
    results_dir_arg,
    warn,
)


# -- evidence summaries shared by `claims` and `evidence show` ------------------------------------------------
def claim_rows(claim_ids: list[str], results_dir: Path | None) -> list[dict[str, Any]]:
    """One summary per claim (its first venue): id, title, dimension, verdict, summary, venue, stale flag,
    provenance, findings, reruns, subjects, and the other venues it has results for.

    A claim with no result has verdict ``not run``; a result that cannot be used (another schema, a field that
    fails validation) has verdict ``invalid`` and the reason in ``summary``. A claim's title comes from its result
    (the claim as declared when it ran), so showing results imports no claim; the claim's declarations are
    imported only for a claim without a usable result.
    """
    from evidence.registry import get_claim
    from evidence.results import ResultError, is_stale, load_venues

    def declared(cid: str) -> dict[str, Any]:
        claim = get_claim(cid)
        return {"id": cid, "title": claim.title, "dimension": claim.dimension, "statement": claim.statement}

    rows = []
    for cid in claim_ids:
        try:
            found = load_venues(cid, results_dir)
        except ResultError as exc:
            row = declared(cid)
            row.update(verdict="invalid", summary=str(exc), venue=None, stale=None, provenance=None, subjects={},
                       venues={})
            rows.append(row)
            continue
        if not found:
            row = declared(cid)
            row.update(verdict="not run", summary=f"no result yet: run `kvt evidence run {cid}`", venue=None,
                       stale=None, provenance=None, subjects={}, venues={})
            rows.append(row)
            continue
        venue, result = next(iter(found.items()))
        row = {"id": cid, "title": result.claim.title, "dimension": result.claim.dimension,
               "statement": result.claim.statement}
        row.update(
            verdict=result.verdict,
            summary=result.summary,
            venue=venue,
            machine_dependent=result.claim.machine_dependent,
            stale=is_stale(result),
            provenance=result.provenance.model_dump(),
            findings=result.findings,
            reruns=[r.verdict for r in result.reruns],
            subjects={s: {"status": r.status, "reason": r.reason} for s, r in result.subjects.items()},
            venues={v: r.verdict for v, r in found.items()},
        )
        rows.append(row)
    return rows


def verdict_text(row: dict[str, Any]) -> str:
    """The verdict of a :func:`claim_rows` row with its venue, stability and staleness in words."""
    text = row["verdict"]
    if row.get("venue") and row.get("machine_dependent") is False:
        text += " (on any machine)"  # the claim reads files: its venue is where it ran, not what it holds for
    elif row.get("venue"):
        text += f" on {row['venue']}"
    reruns = row.get("reruns") or []
    if len(set(reruns)) == 1:
        text += f" (same in {len(reruns)} runs)"
    elif reruns:
        text += f" (changed across {len(reruns)} runs)"
    others = {v: verdict for v, verdict in (row.get("venues") or {}).items() if v != row.get("venue")}
    if others:
        text += "; " + ", ".join(f"{verdict} on {v}" for v, verdict in others.items())
    if row.get("stale"):
        text += " (stale)"
    return text


def print_table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """A Rich table; cells are data (error messages hold brackets), never parsed as markup."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(Text(_shown(cell)) for cell in row))
    Console().print(table)


#: The most characters of one value a table shows (`--format json` gives them all): wrapping a long text in a
#: terminal table takes time that grows with it.
CELL_CHARS = 2000


def _shown(text: str) -> str:
    text = str(text)
    return text if len(text) <= CELL_CHARS else f"{text[:CELL_CHARS]}… ({len(text) - CELL_CHARS:,} more characters)"


def resolve_claims(names: list[str] | None) -> list[str]:
    """``names`` (every registered claim when empty), checked against the registry.

    Raises:
        UsageError: an unknown claim, or a claim module that cannot be loaded.
    """
    from evidence.registry import CLAIM_MODULES, RegistryError, claim_ids, get_claim

    try:
        names = names or claim_ids()
        for name in names:
            if name not in CLAIM_MODULES:  # an unknown id, or an outside claim whose module may be mistyped
                get_claim(name)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    return list(dict.fromkeys(names))


def readable_results(directory: Path | None) -> None:
    """Refuse a results folder that is missing, not a folder or unreadable (exit 2, as ``kvt advise`` does), and
    say on stderr what it holds that no reader uses (a misnamed result, a dangling link) instead of skipping it.

    Raises:
        UsageError: the folder cannot be read.
    """
    from evidence.results import ResultError, folder_notes, holds_results, results_dir

    try:
        notes = folder_notes(directory)
        found = holds_results(directory)
    except ResultError as exc:
        raise UsageError(str(exc)) from None
    if not found:  # refused before any note is printed: one line
        raise UsageError(f"results folder {results_dir(directory)} holds no result file (<claim>.<venue>.json): run "
                         "`kvt evidence run` into it, or name another with --results-dir")
    for note in notes:
        warn(note)


# -- commands ---------------------------------------------------------------------------------------------------
def cmd_claims(args: argparse.Namespace) -> int:
    """``kvt claims``: ids, titles and verdicts."""
    readable_results(args.results_dir)
    rows = claim_rows(resolve_claims(None), args.results_dir)
    if args.format == "json":
        keys = ("id", "title", "dimension", "verdict", "summary", "venue", "machine_dependent", "stale", "venues")
        print(json.dumps([{k: r.get(k) for k in keys} for r in rows], indent=2))
        return EXIT_OK
    print_table("Claims under test", ["id", "title", "verdict"],
                [[r["id"], r["title"], verdict_text(r)] for r in rows])
    return EXIT_OK


def cmd_evidence_show(args: argparse.Namespace) -> int:
    """``kvt evidence show [CLAIM]``: verdicts with their summaries and provenance."""
    claims = resolve_claims([args.claim] if args.claim else None)
    readable_results(args.results_dir)
    rows = claim_rows(claims, args.results_dir)
    for row in rows:
        if row["verdict"] == "invalid":  # said on stderr in every format, beside the row itself
            warn(f"{row['id']}: invalid result: {row['summary']}")
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
        return EXIT_OK
    if args.format == "csv":
        return _show_csv(rows, args.results_dir)
    print_table(
        "Evidence",
        ["claim", "verdict", "summary", "mode", "date"],
        [[r["id"], verdict_text(r), r["summary"],
          (r["provenance"] or {}).get("mode", "-"), (r["provenance"] or {}).get("date", "-")] for r in rows],
    )
    if args.claim:
        row = rows[0]
        if row.get("findings"):
            print_table(f"{row['id']}: findings", ["sub-claim", "finding"], list(map(list, row["findings"].items())))
        if row["subjects"]:
            print_table(f"{row['id']}: subjects", ["subject", "status", "reason"],
                        [[s, v["status"], v["reason"] or ""] for s, v in row["subjects"].items()])
    if any(r.get("stale") for r in rows):
        print("stale: the claim's code changed since this result was made; rerun `kvt evidence run CLAIM`.")
    return EXIT_OK


def _show_csv(rows: list[dict[str, Any]], results_dir: Path | None) -> int:
    """Every claim's assessment flattened to one row per leaf value (claim, venue, field, value), as CSV."""
    import sys

    import pandas as pd

    from evidence.results import load_venues

    records = []
    for row in rows:
        if row["verdict"] == "invalid":  # never dropped silently: a row that says why the result is refused
            records.append({"claim": row["id"], "venue": "", "field": "invalid", "value": row["summary"]})
            continue
        if row["verdict"] == "not run":
            continue
        for venue, result in load_venues(row["id"], results_dir).items():
            flat = pd.json_normalize(result.assessment.model_dump(mode="json"), sep=".").iloc[0].to_dict()
            records += [{"claim": row["id"], "venue": venue, "field": k, "value": v} for k, v in flat.items()]
    pd.DataFrame.from_records(records, columns=["claim", "venue", "field", "value"]).to_csv(sys.stdout, index=False)
    return EXIT_OK


def cmd_evidence_schema(args: argparse.Namespace) -> int:
    """``kvt evidence schema``: the JSON Schema of result files, every claim's assessment included."""
    from evidence.results import ResultError, json_schema

    try:
        schema = json_schema(resolve_claims(None))
    except ResultError as exc:  # a registered claim without an assessment type (an outside claim, say)
        raise UsageError(str(exc)) from None
    print(json.dumps(schema, indent=2))
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

    claim_ids = resolve_claims(args.claims)
    claims = [get_claim(cid) for cid in claim_ids]
    _writable_folder(args.results_dir, "--results-dir")
    try:
        chosen = select_subjects(claims, args.subjects)
    except UnknownSubjectError as exc:
        raise UsageError(str(exc)) from None
    if args.shard is not None:
        from evidence.shards import select

        chosen = select(claims, chosen, args.shard, quick=args.quick, reruns=args.reruns)
        if not chosen:
            print(f"shard {args.shard}: no cell of {', '.join(claim_ids)} falls to this shard; nothing to run")
            return EXIT_OK
    total = sum(planned_cells(c, chosen[c.id], quick=args.quick, reruns=args.reruns) for c in claims
                if c.id in chosen)
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
            if args.shard is not None:
                from evidence.shards import run_shard

                parts = run_shard(claim_ids, args.shard, quick=args.quick, subjects=args.subjects,
                                  results_dir_=args.results_dir, timeout_s=args.timeout, report=report,
                                  reruns=args.reruns)
                results = []
            else:
                results = run(claim_ids, quick=args.quick, subjects=args.subjects, results_dir=args.results_dir,
                              timeout_s=args.timeout, report=report, reruns=args.reruns)
                parts = []
        except KeyboardInterrupt:
            console.print("[red]interrupted[/]: the claims in progress kept their previous result files.")
            return EXIT_INTERRUPTED
    for part, path in parts:
        console.print(f"[bold]{part.claim}[/] ({part.venue}): shard {part.shard}, subjects "
                      f"{', '.join(part.assigned)}: part written to {escape(str(path))}; "
                      f"merge the parts with `kvt evidence merge`", highlight=False)
    for result in results:
        console.print(f"[bold]{result.claim.id}[/] ({result.venue}): {result.verdict} — {escape(result.summary)}",
                      highlight=False)
        if result.reruns:
            console.print(f"  verdict of each run: {', '.join(r.verdict for r in result.reruns)}", highlight=False)
    if failed:
        console.print(f"[red]{len(failed)} cell(s) failed[/] (recorded in the results): {', '.join(failed)}")
        return EXIT_FAILED
    return EXIT_OK


def cmd_evidence_merge(args: argparse.Namespace) -> int:
    """``kvt evidence merge DIR...``: combine the parts of split runs into complete result files."""
    from evidence.shards import MergeError, merge

    _writable_folder(args.results_dir, "--results-dir")
    try:
        written = merge(args.parts, args.results_dir)
    except MergeError as exc:
        raise UsageError(f"cannot merge: {exc}") from None
    except OSError as exc:  # the folder became unwritable between the check and the write
        raise UsageError(f"cannot merge: cannot write into {args.results_dir} ({exc.strerror or exc})") from None
    for result, path in written:
        print(f"{result.claim.id} ({result.venue}): {result.verdict}, merged from "
              f"{len(result.provenance.subjects_run)} subject(s) into {path}")
    return EXIT_OK


def cmd_evidence_diff(args: argparse.Namespace) -> int:
    """``kvt evidence diff OLD NEW``: what changed between two sets of results (exit 1 when anything did)."""
    from evidence.drift import DriftError, compare, load_source, render

    try:
        old, new = load_source(args.old), load_source(args.new)
        if args.claims:
            from evidence.registry import claim_modules

            known = set(claim_modules()) | {c for c, _ in old.results} | {c for c, _ in new.results}
            unknown = [c for c in args.claims if c not in known]
            if unknown:
                raise UsageError(f"--claims: unknown claim(s) {', '.join(map(repr, unknown))[:200]}; expected among "
                                 f"{', '.join(sorted(known))}")
        changes = compare(old, new, rtol=args.rtol, claims=args.claims)
    except DriftError as exc:
        raise UsageError(str(exc)) from None
    print(render(changes, args.format, old.label, new.label))
    return EXIT_FAILED if changes else EXIT_OK


def _writable_folder(directory: Path | None, flag: str) -> None:
    """Refuse ``directory`` (where results will be written) when it exists but is not a folder (``/dev/null``, a
    file, a dangling link) or cannot be written; a missing folder is created by the write.

    Raises:
        UsageError: it cannot take result files.
    """
    import os

    from evidence.guarded import GuardedReadError, check_path, expand
    from evidence.results import results_dir

    folder = results_dir(directory)
    try:
        folder = expand(folder, flag)
        if os.path.lexists(folder):
            check_path(folder, flag, expect="dir")
            if not os.access(folder, os.W_OK | os.X_OK):
                raise UsageError(f"{flag} {folder}: cannot write into this folder (permission denied)")
    except GuardedReadError as exc:
        raise UsageError(str(exc)) from None


def _shard(text: str):
    """argparse type: ``I/N``."""
    from evidence.shards import Shard

    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _fraction(text: str) -> float:
    """argparse type: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1; received: {text!r}")
    return value


# -- parser -----------------------------------------------------------------------------------------------------
def add_parsers(sub: Any) -> None:
    """Add ``claims`` and ``evidence`` (``run``, ``show``, ``schema``, ``merge``, ``diff``) to ``kvt``'s
    subparsers."""
    p = sub.add_parser("claims", help="list the claims with their verdicts")
    p.add_argument("--format", choices=("table", "json"), default="table")
    results_dir_arg(p)
    p.set_defaults(func=cmd_claims)

    ev = sub.add_parser("evidence", help="run or show the evidence")
    evsub = ev.add_subparsers(dest="evidence_command", required=True, metavar="ACTION", parser_class=type(ev))
    p = evsub.add_parser("run", help="run experiments (all claims when none is named)")
    p.add_argument("claims", nargs="*", metavar="CLAIM")
    p.add_argument("--quick", action="store_true", help="tiny sizes, for tests and CI")
    p.add_argument("--subjects", nargs="+", metavar="SUBJECT", help="run only these subjects")
    p.add_argument("--timeout", type=positive_seconds, default=None, metavar="S",
                   help="seconds per worker, a finite number above 0 (default: the claim's)")
    p.add_argument("--reruns", type=positive_int, default=None, metavar="N",
                   help="run each claim N times back to back and keep its verdict only if every run agrees "
                        "(the assessment kept is the last run's; default: the claim's own number, more "
                        "than 1 only for claims whose full-mode verdict could flip with machine noise)")
    p.add_argument("--shard", type=_shard, default=None, metavar="I/N",
                   help="run shard I of N: a deterministic share of the cells (a claim whose stages share files "
                        "stays whole; a one-stage claim is split by subject), written as partial results into "
                        "--results-dir for `kvt evidence merge`")
    results_dir_arg(p)
    p.set_defaults(func=cmd_evidence_run)
    p = evsub.add_parser("show", help="show verdicts, summaries and provenance")
    p.add_argument("claim", nargs="?", metavar="CLAIM")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table",
                   help="csv: every assessment flattened to claim, venue, field, value rows")
    results_dir_arg(p)
    p.set_defaults(func=cmd_evidence_show)
    p = evsub.add_parser("schema", help="print the JSON Schema of result files, with each field's description")
    p.set_defaults(func=cmd_evidence_schema)
    p = evsub.add_parser("merge", help="merge the partial results of split runs (`run --shard I/N`) into results")
    p.add_argument("parts", nargs="+", metavar="DIR", help="folders (or files) holding partial results")
    p.add_argument("--results-dir", type=Path, default=None,
                   help="where the merged results go (default: $KVT_RESULTS_DIR or evidence/results)")
    p.set_defaults(func=cmd_evidence_merge)
    p = evsub.add_parser("diff", help="what changed between two sets of results: verdicts, numbers beyond their "
                                      "spread, subjects, framework versions (exit 1 when anything did)")
    p.add_argument("old", metavar="OLD", help="a results folder, or a git revision (HEAD, HEAD~3:evidence/results)")
    p.add_argument("new", metavar="NEW", help="a results folder, or a git revision")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    p.add_argument("--claims", nargs="+", default=None, metavar="CLAIM", help="compare these claims only")
    p.add_argument("--rtol", type=_fraction, default=0.05,
                   help="relative change under which a number with no measured spread is not reported "
                        "(default 0.05)")
    p.set_defaults(func=cmd_evidence_diff)
