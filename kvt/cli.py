"""The ``kvt`` console script: builds the parser from the commands of :mod:`kvt.commands` and dispatches.

Each command is a module of :mod:`kvt.commands` (``claims``, ``evidence`` and its actions, ``check``, ``advise``,
``questions``) with an ``add_parser`` and a ``run``; the libraries it drives (:mod:`evidence`, :mod:`advisor`)
hold no argparse. Start-up stays light: no framework, no scikit-learn and no Rich is imported before a command
needs it. Abbreviated flags
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

    def parse_known_args(self, args=None, namespace=None):
        """argparse's, after refusing a single-value flag given twice (``--goal bogus --goal prototype``):
        argparse keeps the last and would never check the first."""
        args = list(sys.argv[1:] if args is None else args)
        self._refuse_repeats(args)
        return super().parse_known_args(args, namespace)

    def _refuse_repeats(self, args: list[str]) -> None:
        single = {opt: action for action in self._actions for opt in action.option_strings
                  if not isinstance(action, argparse._AppendAction | argparse._CountAction | argparse._HelpAction)
                  and action.nargs in (None, 0, "?")}
        seen: dict[argparse.Action, str] = {}
        tokens = iter(args)
        for token in tokens:
            if token == "--":
                break
            name, has_value = token.partition("=")[0], "=" in token
            action = single.get(name)
            if action is None:
                if isinstance(self._subparsers_action(), argparse._SubParsersAction) and \
                        token in self._subparsers_action().choices:
                    break  # the rest belongs to the subcommand, which checks its own flags
                continue
            if action.nargs is None and not has_value:
                token = f"{token} {next(tokens, '')}"  # its value, whatever it looks like
            if action in seen:
                self.error(f"{name} given more than once ({seen[action][:60]!r} and {token[:60]!r}): give it once")
            seen[action] = token

    def _subparsers_action(self):
        return next((a for a in self._actions if isinstance(a, argparse._SubParsersAction)), None)

    def error(self, message):  # argparse's own errors (an unknown flag, a missing argument)
        # One line (issue 15: a script reads the problem, not a usage block); --help has the usage.
        raise SystemExit(usage_error(f"{self.prog}: {message} (see `{self.prog} --help`)"))


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``kvt``; given the command line ``argv`` that names a command first, the parser of
    that command alone (``kvt`` has no flags of its own but ``--help``), so that start-up imports one command's
    module, not every command's. Without a command (``kvt --help``, a mistyped one) it holds them all."""
    from kvt.commands import COMMAND_NAMES, command, commands

    parser = _Parser(prog="kvt",
                     description="Keras vs TensorFlow: claims settled by experiments, and advice from the numbers.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    named = argv[0] if argv and argv[0] in COMMAND_NAMES else None
    for module in (command(named),) if named else commands():
        module.add_parser(sub)
    return parser


def _paths(args: argparse.Namespace) -> None:
    """Refuse a path argument that cannot name a file at all before a command touches it: ``~nosuchuser/x``,
    a NUL character, a path longer than the system allows.

    Raises:
        evidence.guarded.GuardedReadError: one of those.
    """
    from evidence.guarded import expand

    for name in ("path", "custom_objects", "answers", "save_answers", "results_dir", "out"):
        value = getattr(args, name, None)
        if value is not None and not isinstance(value, list | bool):
            expand(value, f"--{name.replace('_', '-')}" if name != "path" else "PATH")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kvt`` console script."""
    from evidence.errors import InputError
    from evidence.settings import validate

    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        validate()  # every KVT_* variable, once, before the command reads any of them
        _paths(args)
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
