"""``kvt check PATH``: put your own model, module or script through the experiments, under every backend.

The command process imports no framework (only its trial workers do). Exit status: 0 when the model ports to
every backend asked, 1 when something does not (or a backend could not be tried), 2 for bad input with a
one-line message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kvt.usage import EXIT_FAILED, EXIT_OK, UsageError, positive_int, positive_seconds

#: Defaults: a handful of steps says whether training works and compares losses; a trial that takes longer
#: than five minutes on a small model is stuck.
DEFAULT_STEPS = 5
DEFAULT_TIMEOUT_S = 300.0
BATCH_SIZE = 8


def known_targets() -> tuple[str, ...]:
    """The export targets the deployment claim knows (:data:`evidence.runtimes.targets.TARGETS`)."""
    from evidence.runtimes.targets import TARGETS

    return TARGETS


def _out_dir(path: Path | None) -> Path | None:
    if path is None:
        return None
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise UsageError(f"--out {path} exists and is not an empty folder: name a new or empty folder "
                         "(a previous check's files are never overwritten)")
    return path


def cmd_check(args: argparse.Namespace) -> int:
    """``kvt check PATH``."""
    from evidence.check.inputs import classify, parse_backends, parse_targets
    from evidence.check.run import BadInputError, CheckOptions, run_check
    from evidence.check.scan import scan_file

    path = Path(args.path).expanduser()
    kind = classify(path, script=args.script)
    backends = parse_backends(args.backends)
    if getattr(args, "time", False):
        from evidence.check.timing_cli import cmd_time

        return cmd_time(args, path, kind, backends, _out_dir(args.out))
    targets, asked = parse_targets(args.targets, known_targets())
    out_dir = _out_dir(args.out)
    custom = None
    if args.custom_objects is not None:
        custom = Path(args.custom_objects).expanduser().resolve()
        if kind not in ("keras_file", "h5_file"):
            raise UsageError("--custom-objects applies to a .keras or .h5 file only (a module's own classes are used)")
        classify(custom, script=True)  # it exists and parses
        if custom.suffix != ".py":
            raise UsageError(f"--custom-objects {custom} is not a Python file")
    findings = tuple(scan_file(path)) if kind in ("module", "script") else ()
    options = CheckOptions(path=path.resolve(), kind=kind, backends=backends, targets=targets, targets_asked=asked,
                           steps=args.steps, batch_size=BATCH_SIZE, timeout_s=args.timeout, custom_objects=custom,
                           findings=findings, shown_path=args.path)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    try:
        report = run_check(options, out_dir)
    except BadInputError as exc:
        raise UsageError(f"{args.path}: {exc}") from None
    if args.format == "json":
        print(report.model_dump_json(indent=2))
    elif args.format == "markdown":
        from evidence.check.report import render_markdown

        sys.stdout.write(render_markdown(report))
    else:
        from evidence.check.report import render_table

        render_table(report)
    return EXIT_OK if report.ports else EXIT_FAILED


def add_parsers(sub: Any) -> None:
    """Add ``check`` to ``kvt``'s subparsers."""
    p = sub.add_parser("check", help="check your own model, module or script under every Keras backend",
                       description="Load a .keras file, or train a module's build_model(), or run a script, under "
                                   "each backend in its own process; compare the numbers; list the "
                                   "backend-specific calls of the source. Exit 0: ports to every backend asked; "
                                   "1: something does not; 2: bad input.")
    p.add_argument("path", metavar="PATH", help="a .keras file, a Keras 2 .h5 file or SavedModel folder, a module "
                                                "defining build_model() (and optionally make_data()), or a script "
                                                "(with --script)")
    p.add_argument("--backends", default="tensorflow,jax,torch", metavar="LIST",
                   help="comma-separated backends, in run order (default: tensorflow,jax,torch)")
    p.add_argument("--targets", default=None, metavar="LIST",
                   help="export targets, comma-separated, or 'none' (default: every target the deployment claim "
                        "knows, reported without counting towards the exit status)")
    p.add_argument("--steps", type=positive_int, default=DEFAULT_STEPS, metavar="N",
                   help=f"training steps per backend (default {DEFAULT_STEPS})")
    p.add_argument("--timeout", type=positive_seconds, default=DEFAULT_TIMEOUT_S, metavar="S",
                   help=f"seconds a trial may run before it is killed (default {DEFAULT_TIMEOUT_S:.0f})")
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    p.add_argument("--script", action="store_true", help="run PATH unchanged as a script under each backend")
    p.add_argument("--custom-objects", default=None, metavar="MODULE.py",
                   help="for a .keras file: a module whose custom classes (registered with "
                        "keras.saving.register_keras_serializable) the file needs")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="keep the report (report.json) and every trial's files in DIR (a new or empty folder); "
                        "without it nothing is written outside a temporary folder")
    from evidence.check.timing_cli import add_timing_arguments

    add_timing_arguments(p)
    p.set_defaults(func=cmd_check)
