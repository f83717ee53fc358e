"""Running claims under a release set (one ``kvt evidence run`` each, in the set's environment), each set's drift
from today's results, and the command line (``python -m evidence.releases``)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from evidence.releases import (
    MANIFEST,
    PROJECT_ROOT,
    RELEASE_ENV,
    RELEASE_SETS,
    RELEASES_DIR,
    ReleaseError,
    ReleaseSet,
    absent_in_record,
    get_release_set,
)
from evidence.releases import env as release_env
from evidence.releases.manifest import ClaimOutcome, ReleaseRun, load_manifest


def run_release(release: ReleaseSet, claims: list[str], run_args: list[str], *, results_root: Path = RELEASES_DIR,
                log=print) -> ReleaseRun:
    """Run ``claims`` (every registered claim when empty) under ``release``, one ``kvt evidence run`` each.

    Each claim runs in its own ``kvt`` process in the release's environment, so a claim that cannot even load
    there is recorded ``unavailable`` with the line it died on while the others go on. The results go to
    ``results_root/<set>/``, the manifest beside them.
    """
    from evidence.provenance import now
    from evidence.registry import claim_ids

    python, record = release_env.ensure_environment(release, log)
    folder = results_root / release.name
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    set_env = release_env.run_environment(release, python)
    env.update({RELEASE_ENV: release.name, "PYTHONPATH": str(PROJECT_ROOT), **set_env})
    env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    outcomes: dict[str, ClaimOutcome] = {}
    for claim in claims or claim_ids():
        if claim in release.not_run:
            outcomes[claim] = ClaimOutcome(status="unavailable", seconds=0.0,
                                           reason=f"not run on {release.name}: {release.not_run[claim]}")
            log(f"{release.name}: {claim}: {outcomes[claim].reason}")
            continue
        start = time.perf_counter()
        log(f"{release.name}: {claim} …")
        proc = subprocess.run([str(python), "-m", "kvt", "evidence", "run", claim, "--results-dir", str(folder),
                               *run_args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        seconds = round(time.perf_counter() - start, 1)
        verdict = _verdict_written(folder, claim) if proc.returncode in (0, 1) else None
        if verdict is not None:
            outcomes[claim] = ClaimOutcome(status="ran", verdict=verdict, seconds=seconds)
        else:
            lines = [ln for ln in (proc.stderr or proc.stdout).strip().splitlines() if ln.strip()]
            outcomes[claim] = ClaimOutcome(status="unavailable", seconds=seconds,
                                           reason=(lines[-1].strip() if lines else f"exit {proc.returncode}")[:400])
        log(f"{release.name}: {claim}: {outcomes[claim].verdict or outcomes[claim].reason} ({seconds} s)")
    previous = load_manifest(folder)
    merged = {**(previous.claims if previous else {}), **outcomes}
    attempts = record.get("attempts") or {}
    manifest = ReleaseRun(
        release_set=release.name, title=release.title, released=release.released, notes=release.notes,
        requirements=list(release.pins()), absent={**release.absent, **absent_in_record(record)},
        python=subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                              capture_output=True, text=True, check=True).stdout.strip(),
        installed=release_env.installed_versions(python), pip_check=record["pip_check"],
        install_s=record["install_s"], date=now(), mode="quick" if "--quick" in run_args else "full", claims=merged,
        attempted={m: "installed" if a["installed"] else a["error"] for m, a in attempts.items()},
        shims=dict(record.get("shims") or {}), environment=dict(release.environment))
    (folder / MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def _verdict_written(folder: Path, claim: str) -> str | None:
    """The verdict of the newest result of ``claim`` in ``folder`` (any venue), None when there is none."""
    files = sorted(folder.glob(f"{claim}.*.json"), key=lambda p: p.stat().st_mtime)
    for path in reversed(files):
        if path.name.count(".") == 2:  # <claim>.<venue>.json, not a partial result
            try:
                return json.loads(path.read_text(encoding="utf-8")).get("verdict")
            except (OSError, ValueError):
                return None
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m evidence.releases``: ``list`` the release sets, or ``run SET... [-- kvt evidence run args]``."""
    parser = argparse.ArgumentParser(prog="python -m evidence.releases", allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the release sets")
    for command, text in (("run", "run the evidence under release sets"),
                          ("drift", "print each set's drift from the main results (evidence/results)")):
        p = sub.add_parser(command, help=text)
        p.add_argument("sets", nargs="+", metavar="SET", help=f"release sets: {', '.join(RELEASE_SETS)}, or 'all'")
        p.add_argument("--claims", nargs="+", default=[], metavar="CLAIM", help="these claims only (default: all)")
        p.add_argument("--results-root", type=Path, default=RELEASES_DIR, help="where each set's folder goes")
        if command == "drift":
            p.add_argument("--format", choices=("table", "markdown"), default="table", dest="fmt",
                           help="markdown: for a CI job summary")
    args, run_args = parser.parse_known_args(argv)
    if args.command == "list":
        for s in RELEASE_SETS.values():
            print(f"{s.name:<12} {s.released}  {s.title}")
        return 0
    try:
        names = list(RELEASE_SETS) if args.sets == ["all"] else args.sets
        chosen = [get_release_set(n) for n in names]
        if args.command == "drift":
            return print_drift(chosen, args.claims, args.results_root, args.fmt)
        for release in chosen:
            run_release(release, args.claims, [a for a in run_args if a != "--"], results_root=args.results_root)
    except ReleaseError as exc:
        print(f"releases: error: {exc}", file=sys.stderr)
        return 2
    return 0


def print_drift(chosen: list[ReleaseSet], claims: list[str], results_root: Path, fmt: str = "table") -> int:
    """Print the drift from ``evidence/results`` (today's pins) to each set's results, led by the verdicts the set
    flips and the framework versions it installed; 1 when any changed, 2 for bad input."""
    from evidence.drift import DriftError, compare, load_source, render
    from evidence.results import DEFAULT_RESULTS_DIR

    changed = False
    for release in chosen:
        try:
            old, new = load_source(str(DEFAULT_RESULTS_DIR)), load_source(str(results_root / release.name))
        except DriftError as exc:
            print(f"releases: error: {exc}", file=sys.stderr)
            return 2
        changes = compare(old, new, claims=claims or sorted({c for c, _ in new.results}))
        changed = changed or bool(changes)
        flips = [c for c in changes if c.kind == "verdict"]
        versions = sorted({(c.where, c.old, c.new) for c in changes if c.kind == "version"})
        print(f"{release.name}: " + ("verdicts flipped against today's pins: " + "; ".join(
            f"{c.claim} ({c.venue}) {c.old} -> {c.new}" for c in flips) if flips else
            "no verdict flipped against today's pins") + (
            "; versions changed: " + ", ".join(f"{w} {o} -> {n}" for w, o, n in versions) if versions else "")
            + ".")
        print(render(changes, fmt, "evidence/results", f"releases/{release.name}") + "\n")
    return 1 if changed else 0
