"""The ``kvt`` console script: builds the parser from each package's commands and dispatches.

``claims``, ``evidence …`` (and ``check``) live with the evidence (:mod:`evidence.cli`); ``advise`` and
``questions`` with the advisor (:mod:`advisor.cli`). Neither package imports the other's commands, and start-up
stays light: no framework, no scikit-learn and no Rich is imported before a command needs it. Abbreviated flags
are refused (``--deploy`` is not ``--deploy-target``), so a script never depends on a prefix that a later flag
could make ambiguous.
"""

from __future__ import annotations

import argparse
import sys

from kvt.usage import EXIT_OK, EXIT_USAGE, UsageError, usage_error


class _Parser(argparse.ArgumentParser):
    """argparse with abbreviations off everywhere, and usage errors on one line with exit status 2."""

    def __init__(self, *args, **kwargs):
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message):  # argparse's own errors (an unknown flag, a missing argument)
        # One line (issue 15: a script reads the problem, not a usage block); --help has the usage.
        raise SystemExit(usage_error(f"{self.prog}: {message} (see `{self.prog} --help`)"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kvt``."""
    from advisor.cli import add_parsers as add_advisor_commands
    from evidence.check.cli import add_parsers as add_check_command
    from evidence.cli import add_parsers as add_evidence_commands

    parser = _Parser(prog="kvt",
                     description="Keras vs TensorFlow: claims settled by experiments, and advice from the numbers.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    add_evidence_commands(sub)
    add_check_command(sub)
    add_advisor_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kvt`` console script."""
    from evidence.errors import InputError
    from evidence.settings import validate

    args = build_parser().parse_args(argv)
    try:
        validate()  # every KVT_* variable, once, before the command reads any of them
        return args.func(args)
    except (UsageError, InputError) as exc:  # bad input from outside: one line, exit 2, never a traceback
        return usage_error(str(exc))
    except RecursionError:  # a structure nested past what Python can walk, from a file we did not bound
        return usage_error("input nested too deeply to be read")
    except BrokenPipeError:  # pragma: no cover - `kvt ... | head`
        return EXIT_OK
    except KeyboardInterrupt:  # pragma: no cover - a command that does not handle it itself
        print("kvt: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

__all__ = ["EXIT_USAGE", "build_parser", "main"]
