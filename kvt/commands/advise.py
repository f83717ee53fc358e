"""``kvt advise``: the advisor's command: parsing answers, prompting, printing the ranking.

Answers come from, in order of precedence: flags (one per question), an ``--answers`` file (TOML or JSON with
the same ids), the questions' defaults with ``--no-input``, and otherwise the interactive prompt, which asks only
what flags and file left open. Bad input (a flag, a file, a results folder) exits 2 with one line naming it and
the problem, before any evidence is read. Start-up stays lean: ``advise`` ranks with
:class:`advisor.ranking.Ranker` (the estimator's arithmetic without scikit-learn), questionary is imported only
to prompt, and no framework ever.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from advisor.questions import QUESTIONS, QUOTE_LIMIT, AnswerError, Question, allowed, parse_answer
from kvt.usage import EXIT_INTERRUPTED, EXIT_OK, results_dir_arg, terminal_width
from kvt.usage import usage_error as _usage_error


# -- answers ----------------------------------------------------------------------------------------------------
def flag_answers(args: argparse.Namespace) -> tuple[dict[str, str], list[str]]:
    """The answers given as flags, validated, and the notes of old names; an error names the flag, the question
    and the allowed values."""
    out, notes = {}, []
    for q in QUESTIONS:
        value = getattr(args, q.id)
        if value is not None:
            out[q.id], note = parse_answer(q.id, value, q.flag)
            if note:
                notes.append(note)
    return out, notes


def gather_answers(args: argparse.Namespace, *, interactive: bool, prompter=None) -> tuple[dict[str, str], list[str]]:
    """The complete answers, by precedence: flags > answers file > defaults (``--no-input``) > prompt; and the
    notes of old answer names mapped.

    Raises:
        AnswerError: a bad flag or file, or (no terminal, no ``--no-input``) a question left unanswered.
    """
    from advisor.answers import read_answers_file

    given, notes = read_answers_file(args.answers) if args.answers else ({}, [])
    flags, flag_notes = flag_answers(args)
    given.update(flags)
    notes += flag_notes
    missing = [q for q in QUESTIONS if q.id not in given]
    if not missing:
        return {q.id: given[q.id] for q in QUESTIONS}, notes
    if args.no_input:
        return {q.id: given.get(q.id, q.default) for q in QUESTIONS}, notes
    if not interactive:
        q = missing[0]
        raise AnswerError(
            f"question {q.id!r} needs an answer and there is no terminal to ask it: pass {q.flag} "
            f"{{{allowed(q).replace(', ', ',')}}}, an --answers FILE, or --no-input to use the defaults "
            f"({len(missing)} question(s) unanswered: {', '.join(m.id for m in missing)})", q.id)
    from advisor.prompts import ask_missing, default_prompter

    answers = ask_missing(QUESTIONS, given, prompter or default_prompter())
    return {q.id: answers[q.id] for q in QUESTIONS}, notes


def results_folder_problem(directory: Path | None) -> str | None:
    """Why ``--results-dir`` cannot be used before anything is read: it does not exist or is not a folder."""
    if directory is None:
        return None
    if not directory.exists():
        return f"--results-dir {directory}: no such folder"
    if not directory.is_dir():
        return f"--results-dir {directory}: is not a folder"
    return None


def run(args: argparse.Namespace) -> int:
    """``kvt advise``: answers in, ranked options out (text, Markdown, or JSON with ``--format json``)."""
    problem = results_folder_problem(args.results_dir)
    if problem:
        return _usage_error(problem)
    from evidence.settings import SettingsError, check_extra_modules

    try:  # a claim registered from outside whose module is missing is said, never silently left out
        check_extra_modules()
    except SettingsError as exc:
        return _usage_error(str(exc))
    # Prompts are drawn on standard error and read from standard input: both must be a terminal.
    interactive = sys.stdin.isatty() and sys.stderr.isatty() and not args.no_input
    try:
        answers, notes = gather_answers(args, interactive=interactive)
    except AnswerError as exc:
        return _usage_error(str(exc))
    except KeyboardInterrupt:
        print("kvt: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    from advisor.assessments import folder_problem
    from advisor.ranking import Ranker

    # The ranker without scikit-learn's estimator around it: the same ranking, without importing scikit-learn.
    advisor = Ranker().fit(args.results_dir)
    problem = folder_problem(args.results_dir, advisor.readings_)
    if problem:
        return _usage_error(f"{problem}; nothing to recommend from")
    rec = advisor.rank(answers, notes)
    for note in rec.notes:
        print(f"kvt: note: {note}", file=sys.stderr)
    from evidence.results import ResultError, folder_notes

    try:  # what the folder holds that no reader uses (a misnamed result, a dangling link), said, not skipped
        for note in folder_notes(args.results_dir):
            print(f"kvt: warning: {note}", file=sys.stderr)
    except ResultError:  # the folder itself was refused above (folder_problem); nothing more to say
        pass
    if args.save_answers:
        from advisor.answers import write_answers_file

        try:
            write_answers_file(args.save_answers, answers)
        except OSError as exc:
            return _usage_error(f"--save-answers {args.save_answers}: cannot write ({exc.strerror or exc})")
    if args.format == "json":
        print(json.dumps(rec.to_dict(), indent=2))
    elif args.format == "markdown":
        from advisor.render import markdown_report

        print(markdown_report(rec), end="")
    else:
        from advisor.render import text_report

        print(text_report(rec, terminal_width()), end="")
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------------------------
def _question_help(q: Question) -> str:
    many = " Several may be given, comma-separated." if q.multiple else ""
    return f"{q.text} One of: {allowed(q)} (default: {q.default}).{many}".replace("%", "%%")


def _one_line_errors(parser: argparse.ArgumentParser) -> None:
    """Make ``parser``'s own errors (a bad ``--format``, a flag without its value) one line, exit 2: a script
    reads the problem, not the usage of a dozen flags."""

    def error(message: str):
        # argparse quotes the value it refuses in full; a message shows at most QUOTE_LIMIT characters of it.
        short = re.sub(r"'(?:[^'\\]|\\.)*'", lambda m: m.group(0) if len(m.group(0)) <= QUOTE_LIMIT
                       else m.group(0)[:QUOTE_LIMIT - 2] + "…'", message)
        raise SystemExit(_usage_error(f"{parser.prog}: {short} (see `{parser.prog} --help`)"))

    parser.error = error  # type: ignore[method-assign]


def add_parser(sub: Any) -> None:
    """Add ``advise`` to ``kvt``'s subparsers (which refuse abbreviated flags)."""
    p = sub.add_parser("advise", help="recommend an option for your requirements, from the evidence",
                       description="Answer the questions (flags, an answers file, or the prompt) and get every "
                                   "option ranked, with the evidence behind each score.")
    for q in QUESTIONS:
        # Choices are validated by flag_answers, so a bad value exits 2 with the question named.
        metavar = "{" + ",".join(q.values) + "}" + ("[,...]" if q.multiple else "")
        p.add_argument(q.flag, dest=q.id, metavar=metavar, default=None, help=_question_help(q))
    p.add_argument("--answers", type=Path, metavar="FILE", help="answers file, TOML or JSON, with the question ids")
    p.add_argument("--no-input", action="store_true", help="never prompt: use defaults for unanswered questions")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table",
                   help="table: for a terminal (80 columns or more); markdown: for a design document; json")
    p.add_argument("--save-answers", type=Path, metavar="FILE",
                   help="write the answers used (TOML if FILE ends in .toml, else JSON) to replay with --answers")
    results_dir_arg(p)
    p.set_defaults(func=run)
    _one_line_errors(p)
