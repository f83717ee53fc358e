"""``kvt evidence run [CLAIM...]``: run claims in worker processes, with a progress display; ``--shard I/N`` runs a
deterministic share of the cells as partial results for ``kvt evidence merge``."""

from __future__ import annotations

import argparse
import signal
from typing import Any

from kvt.usage import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    positive_int,
    positive_seconds,
    results_dir_arg,
)


def _raise_interrupt(signum, frame):  # pragma: no cover - exercised by the kill test in a subprocess
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """``kvt evidence run``: run claims in worker processes, with a progress display."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from evidence.processes import size_text
    from evidence.registry import get_claim
    from evidence.runner import UnknownSubjectError, planned_cells, select_subjects
    from evidence.runner import run as run_claims
    from kvt.rows import resolve_claims, writable_folder

    claim_ids = resolve_claims(args.claims)
    claims = [get_claim(cid) for cid in claim_ids]
    writable_folder(args.results_dir, "--results-dir")
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
            if outcome.peak_rss_bytes:  # how near the worker came to its memory cap (KVT_WORKER_MEMORY_GIB)
                line += f"  {size_text(outcome.peak_rss_bytes):>9}"
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
                results = run_claims(claim_ids, quick=args.quick, subjects=args.subjects,
                                     results_dir=args.results_dir, timeout_s=args.timeout, report=report,
                                     reruns=args.reruns)
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


def _shard(text: str):
    """argparse type: ``I/N``."""
    from evidence.shards import Shard

    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(sub: Any) -> None:
    """Add ``run`` to ``kvt evidence``'s subparsers."""
    p = sub.add_parser("run", help="run experiments (all claims when none is named)")
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
    p.set_defaults(func=run)
