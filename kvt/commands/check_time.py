"""``kvt check PATH --time``: its arguments and its command (the rest of ``kvt check`` is in :mod:`kvt.commands.check`).

Exit status: 0 when every backend asked was timed at every applicable setting (a setting stopped at the compile
budget counts as timed: its outcome is how long its compile took at least), 1 when one failed, ran out of time or
memory, or could not be tried (its framework is missing), 2 for bad input with a one-line message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from evidence.check.defaults import DEFAULT_COMPILE_BUDGET_S, DEFAULT_WINDOW_STEPS, DEFAULT_WINDOWS
from kvt.usage import EXIT_FAILED, EXIT_OK, UsageError, positive_int, positive_seconds


def add_timing_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--time`` and its options to ``kvt check``'s parser (nothing heavy imported: ``kvt`` starts fast)."""
    g = p.add_argument_group("timing (--time)")
    g.add_argument("--time", action="store_true",
                   help="time training and inference under each backend at its default and documented best "
                        "settings (the performance claim's) instead of the portability trials; rank the backends")
    g.add_argument("--batch-size", type=positive_int, default=None, metavar="N",
                   help="samples per step (default: the model's input batch dimension, else 32)")
    g.add_argument("--settings", default=None, metavar="LIST",
                   help="only these settings, comma-separated (default: every setting the performance claim "
                        "declares for each backend: default, xla, xla_spe, spe, torch_compile)")
    g.add_argument("--windows", type=_at_least_two, default=DEFAULT_WINDOWS, metavar="N",
                   help=f"timed windows per phase (default {DEFAULT_WINDOWS}; at least 2)")
    g.add_argument("--window-steps", type=positive_int, default=DEFAULT_WINDOW_STEPS, metavar="N",
                   help=f"steps per window, a multiple of steps_per_execution (default {DEFAULT_WINDOW_STEPS})")
    g.add_argument("--compile-budget", type=positive_seconds, default=DEFAULT_COMPILE_BUDGET_S, metavar="S",
                   help="seconds one compiled call (the first one traces and compiles) may take before its setting "
                        "is stopped and reported as over the budget, with how long it took at least (default "
                        f"{DEFAULT_COMPILE_BUDGET_S:g}; the worker's --timeout still applies)")


def _at_least_two(text: str) -> int:
    value = positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 2; received: {text!r}")
    return value


def parse_settings(text: str | None, backends: tuple[str, ...]) -> tuple[str, ...] | None:
    """``--settings`` as a tuple of names the performance claim declares for ``backends`` (None: all).

    Raises:
        UsageError: an empty list or a name no backend asked declares.
    """
    from evidence.check.timing_run import known_setting_names

    if text is None:
        return None
    known = known_setting_names(backends)
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in known]
    if not names or unknown:
        raise UsageError(f"Expected settings among {', '.join(known)} (comma-separated); received: {text!r}")
    return names


def run_time(args: argparse.Namespace, path: Path, kind: str, backends: tuple[str, ...],
             out_dir: Path | None) -> int:
    """``kvt check PATH --time``."""
    from evidence.check.timing_run import TimingOptions, declared_settings, run_timing
    from evidence.errors import BadInputError

    if kind == "script":
        raise UsageError("--time needs a .keras file or a module defining build_model(): a script's steps "
                         "cannot be timed from outside")
    settings = parse_settings(args.settings, backends)
    spes = {d["steps_per_execution"] for b in backends for n, d in declared_settings(b).items()
            if settings is None or n in settings}
    if any(args.window_steps % spe for spe in spes):
        raise UsageError(f"--window-steps {args.window_steps} is not a multiple of steps_per_execution "
                         f"({', '.join(map(str, sorted(spes)))}) of the settings asked")
    custom = None
    if args.custom_objects is not None:
        if kind != "keras_file":
            raise UsageError("--custom-objects applies to a .keras file only (a module's own classes are used)")
        custom = Path(args.custom_objects).expanduser().resolve()
        if not custom.is_file() or custom.suffix != ".py":
            raise UsageError(f"--custom-objects {custom} is not a Python file")
    options = TimingOptions(path=path.resolve(), kind=kind, backends=backends, settings=settings,
                            batch_size=args.batch_size, windows=args.windows, window_steps=args.window_steps,
                            timeout_s=args.timeout, compile_budget_s=args.compile_budget, custom_objects=custom,
                            shown_path=args.path)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    try:
        report, _ = run_timing(options, out_dir)
    except BadInputError as exc:
        raise UsageError(f"{args.path}: {exc}") from None
    _print(report, args.format)
    return EXIT_OK if report.all_timed else EXIT_FAILED


def _print(report: Any, fmt: str) -> None:
    if fmt == "json":
        print(report.model_dump_json(indent=2))
    elif fmt == "markdown":
        from evidence.check.timing_report import render_markdown

        sys.stdout.write(render_markdown(report))
    else:
        from evidence.check.timing_report import render_table

        render_table(report)
