"""``kvt advise`` and ``kvt questions``: the advisor's commands: parsing answers, prompting, printing the ranking.

Answers come from, in order of precedence: flags (one per question), an ``--answers`` file (TOML or JSON with
the same ids), the questions' defaults with ``--no-input``, and otherwise the interactive prompt, which asks only
what flags and file left open. Start-up stays lean: the estimator (numpy, scikit-learn) is imported only when
``advise`` runs, Rich only to print a table, questionary only to prompt.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from advisor.questions import QUESTIONS, AnswerError, Question, allowed, validate_answer, validate_answers
from kvt.usage import EXIT_INTERRUPTED, EXIT_OK, results_dir_arg
from kvt.usage import usage_error as _usage_error


# -- answers ----------------------------------------------------------------------------------------------------
def read_answers_file(path: Path) -> dict[str, str]:
    """Validated answers from a TOML or JSON file (chosen by suffix; other suffixes: JSON, then TOML).

    Raises:
        AnswerError: unreadable or malformed file, unknown question id, or an answer not among the choices.
    """
    source = f"--answers {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswerError(f"{source}: cannot read the file ({exc})") from None
    suffix = path.suffix.lower()
    parsers = {".toml": ("toml",), ".json": ("json",)}.get(suffix, ("json", "toml"))
    errors = []
    for kind in parsers:
        try:
            if kind == "json":
                data = json.loads(text)
            else:
                import tomllib

                data = tomllib.loads(text)
        except ValueError as exc:  # json.JSONDecodeError and tomllib.TOMLDecodeError are ValueErrors
            errors.append(f"not valid {kind.upper()}: {exc}")
            continue
        return validate_answers(data, source)
    raise AnswerError(f"{source}: {'; '.join(errors)}. Expected question id = answer pairs, for example "
                      f"deploy_target = \"mobile\"")


def write_answers_file(path: Path, answers: dict[str, str]) -> None:
    """Write ``answers`` as TOML (``.toml``) or JSON (anything else), for ``--answers`` to replay."""
    if path.suffix.lower() == ".toml":
        text = "".join(f'{k} = "{v}"\n' for k, v in answers.items())
    else:
        text = json.dumps(answers, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


def flag_answers(args: argparse.Namespace) -> dict[str, str]:
    """The answers given as flags, validated; the error names the flag, the question and the allowed values."""
    out = {}
    for q in QUESTIONS:
        value = getattr(args, q.id)
        if value is not None:
            out[q.id] = validate_answer(q.id, value, q.flag)
    return out


def gather_answers(args: argparse.Namespace, *, interactive: bool, prompter=None) -> dict[str, str]:
    """The complete answers, by precedence: flags > answers file > defaults (``--no-input``) > prompt.

    Raises:
        AnswerError: a bad flag or file, or (no terminal, no ``--no-input``) a question left unanswered.
    """
    given = read_answers_file(args.answers) if args.answers else {}
    given.update(flag_answers(args))
    missing = [q for q in QUESTIONS if q.id not in given]
    if not missing:
        return {q.id: given[q.id] for q in QUESTIONS}
    if args.no_input:
        return {q.id: given.get(q.id, q.default) for q in QUESTIONS}
    if not interactive:
        q = missing[0]
        raise AnswerError(
            f"question {q.id!r} needs an answer and there is no terminal to ask it: pass {q.flag} "
            f"{{{allowed(q).replace(', ', ',')}}}, an --answers FILE, or --no-input to use the defaults "
            f"({len(missing)} question(s) unanswered: {', '.join(m.id for m in missing)})", q.id)
    from advisor.prompts import ask_missing, default_prompter

    answers = ask_missing(QUESTIONS, given, prompter or default_prompter())
    return {q.id: answers[q.id] for q in QUESTIONS}


# -- output -----------------------------------------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_recommendation(rec, advisor, *, show_answers: bool) -> None:
    """The ranking as Rich tables, then confidence, failed constraints, missing evidence and evidence pages."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if show_answers:
        summary = Table(title="Your answers", show_header=False)
        for q in QUESTIONS:
            summary.add_row(q.id, rec.answers[q.id])
        console.print(summary)
    shown = [c for j, c in enumerate(advisor.criteria_) if not all(
        r.contributions[c] is None for r in rec.ranking)]
    if rec.weights["ecosystem_fit"] > 0:
        shown.append("ecosystem_fit")
    table = Table(title="Recommendation (higher is better; — means no evidence)")
    for col in ["#", "option", "score", *shown, "fails"]:
        table.add_column(col, overflow="fold")
    for r in rec.ranking:
        failed = ", ".join(f["constraint"] for f in r.failed_constraints) or "—"
        table.add_row(str(r.rank), r.option, f"{r.score:.3f}", *(_fmt(r.contributions[c]) for c in shown), failed)
    console.print(table)
    top = rec.ranking[0]
    say = lambda text: console.print(text, highlight=False)  # noqa: E731
    say(f"Top pick: [bold]{rec.top_pick}[/]"
        + ("" if rec.satisfied else " — but [red]no option satisfies every hard requirement[/] according to the "
                                    "evidence"))
    if rec.tied_with:
        say(f"Tied with: {', '.join(rec.tied_with)} (no evidence separates them; ordered by id).")
    say(f"Confidence: {rec.confidence:.0%} of {rec.confidence_draws} perturbed weightings and measurement-noise "
        f"draws keep it on top." if rec.confidence_draws
        else "Confidence: 100% (it is the only option that fails no more hard requirements).")
    say(f"Evidence coverage: {top.evidence_coverage:.0%} of the criteria's weight has evidence for "
        f"{rec.top_pick}; the confidence covers only that evidence.")
    why = [(c, d["options"][rec.top_pick]) for c, d in rec.criteria.items() if d["options"]]
    if why:
        say(f"\n[bold]Where {rec.top_pick}'s scores come from[/]:")
        for crit, detail in why:
            basis = " (by definition, not measured)" if detail["basis"] == "definition" else ""
            console.print(f"  {crit}: {detail['note']}{basis}", highlight=False, markup=False)
    # Each failed constraint once, with the options that fail it and why.
    failures: dict[str, dict[str, list[str]]] = {}
    requirement = {}
    for r in rec.ranking:
        for f in r.failed_constraints:
            requirement[f["constraint"]] = f["requirement"]
            failures.setdefault(f["constraint"], {}).setdefault(f["reason"], []).append(r.option)
    if failures:
        say("\n[bold]Hard requirements not shown working[/]:")
        for cid, reasons in failures.items():
            console.print(f"  {cid} (needs {requirement[cid]}):", highlight=False, markup=False)
            for reason, options in reasons.items():
                who = "every option" if len(options) == len(rec.ranking) else ", ".join(options)
                console.print(f"    {who}: {reason}", highlight=False, markup=False)
    if rec.missing_evidence:
        say("\n[bold]Evidence the advisor lacks[/] (these criteria count for no option):")
        for m in rec.missing_evidence:
            console.print(f"  {m['criterion']}: {m['reason']}", highlight=False, markup=False)
    used = [e for e in rec.evidence if e["state"] != "missing"]
    if used:
        say("\n[bold]Evidence read[/] (see the pages, or `kvt evidence show CLAIM`):")
    for e in used:
        if e["state"] == "ok":
            notes = ", ".join(filter(None, [e["mode"], "stale: its code changed, rerun it" if e["stale"] else None]))
            console.print(f"  {e['claim']}: {e['verdict']} ({notes}) — {e['page']}", highlight=False, markup=False)
        else:
            console.print(f"  {e['claim']}: invalid, not used — {e['reason']}", highlight=False, markup=False)


def cmd_advise(args: argparse.Namespace) -> int:
    """``kvt advise``: answers in, ranked options out (a table, or JSON with ``--format json``)."""
    # Prompts are drawn on standard error and read from standard input: both must be a terminal.
    interactive = sys.stdin.isatty() and sys.stderr.isatty() and not args.no_input
    try:
        answers = gather_answers(args, interactive=interactive)
    except AnswerError as exc:
        return _usage_error(str(exc))
    except KeyboardInterrupt:
        print("kvt: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    from advisor.model import Advisor

    advisor = Advisor().fit(args.results_dir)
    rec = advisor.rank(answers)
    if args.save_answers:
        try:
            write_answers_file(args.save_answers, answers)
        except OSError as exc:
            return _usage_error(f"--save-answers {args.save_answers}: cannot write ({exc})")
    if args.format == "json":
        print(json.dumps(rec.to_dict(), indent=2))
    else:
        print_recommendation(rec, advisor, show_answers=True)
    return EXIT_OK


def cmd_questions(args: argparse.Namespace) -> int:
    """``kvt questions``: every question's id, flag, choices, default and help."""
    if args.format == "json":
        print(json.dumps([q.describe() for q in QUESTIONS], indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title="kvt advise: questions (each is also a flag)")
    for col in ("id / flag", "choices", "default", "question"):
        table.add_column(col, overflow="fold")
    for q in QUESTIONS:
        table.add_row(f"{q.id}\n{q.flag}", "\n".join(q.values), q.default, f"{q.text}\n[dim]{q.help}[/]")
    Console().print(table)
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------------------------
def _question_help(q: Question) -> str:
    return f"{q.text} One of: {allowed(q)} (default: {q.default})".replace("%", "%%")


def add_parsers(sub: Any) -> None:
    """Add ``advise`` and ``questions`` to ``kvt``'s subparsers."""
    p = sub.add_parser("advise", help="recommend an option for your requirements, from the evidence",
                       description="Answer the questions (flags, an answers file, or the prompt) and get every "
                                   "option ranked, with the evidence behind each score.")
    for q in QUESTIONS:
        # Choices are validated by flag_answers, so a bad value exits 2 with the question named.
        p.add_argument(q.flag, dest=q.id, metavar="{" + ",".join(q.values) + "}", default=None,
                       help=_question_help(q))
    p.add_argument("--answers", type=Path, metavar="FILE", help="answers file, TOML or JSON, with the question ids")
    p.add_argument("--no-input", action="store_true", help="never prompt: use defaults for unanswered questions")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--save-answers", type=Path, metavar="FILE",
                   help="write the answers used (TOML if FILE ends in .toml, else JSON) to replay with --answers")
    results_dir_arg(p)
    p.set_defaults(func=cmd_advise)

    p = sub.add_parser("questions", help="list the advisor's questions, choices and defaults")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_questions)
