"""``kvt advise`` and ``kvt questions``: formats, the layout at 80 columns and wider, answers from flags, files and
prompts, old answers announced, and a lean start-up that imports no framework."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from advisor.prompts import ArrowKeyPrompter, NumberedPrompter
from advisor.questions import BY_ID, QUESTION_IDS, defaults
from evidence.labels import OPTIONS as OPTION_LABELS
from evidence.options import OPTIONS
from kvt.cli import main
from tests.conftest import ROOT
from tests.test_advisor_support import evidence, write_assessments


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A results folder of synthetic assessments, written as real result files."""
    return write_assessments(tmp_path_factory.mktemp("results"), evidence())


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def run(*argv: str, terminal: bool = False, columns: int | None = None) -> tuple[int, str, str]:
    """``kvt ARGV`` in this process: exit code, stdout, stderr (a pretend terminal with ``terminal``)."""
    out, err = io.StringIO(), (FakeTTY() if terminal else io.StringIO())
    old = os.environ.get("COLUMNS")
    if columns:
        os.environ["COLUMNS"] = str(columns)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exc:
                code = exc.code
    finally:
        if columns:
            os.environ.pop("COLUMNS") if old is None else os.environ.__setitem__("COLUMNS", old)
    return code, out.getvalue(), err.getvalue()


def advise_json(results, *argv: str) -> dict:
    code, out, err = run("advise", "--no-input", "--format", "json", "--results-dir", str(results), *argv)
    assert code == 0, err
    return json.loads(out)


# -- output -------------------------------------------------------------------------------------------------------
def test_json_output_has_the_documented_shape(results):
    data = advise_json(results)
    assert data["answers"] == defaults()
    assert sorted(r["option"] for r in data["ranking"]) == sorted(OPTIONS)
    for row in data["ranking"]:
        assert {"option", "score", "contributions", "intervals", "requirements", "failed", "not_verified"} <= set(row)
    assert {"confidence", "confidence_text", "confidence_among", "reasons", "venues", "evidence"} <= set(data)
    assert {e["claim"]: e["state"] for e in data["evidence"]}["community"] == "ok"


NAMES = [*OPTIONS, "keras-hub", "tf_serving", "cpu-2core", "claims/community/", "claims/architecture/"]


def assert_readable(text: str, width: int) -> None:
    """Every line fits ``width``; no name, value or `command` is broken across lines."""
    for line in text.splitlines():
        assert len(line) <= width, line
        assert line.count("`") % 2 == 0, line  # a command in backticks is whole on its line
    joined = re.sub(r"\n\s*", " ", text)
    for name in NAMES:
        assert joined.count(name) == text.count(name), name


@pytest.mark.parametrize("argv", [[], ["--deploy-target", "android", "--ecosystem", "pytorch,jax"],
                                  ["--scale", "multi_node", "--switch-backends", "yes", "--pretrained", "huggingface",
                                   "--model-size", "needs_sharding", "--custom-ops", "compiled_kernels"]])
def test_the_table_reads_at_80_columns(results, argv):
    code, out, _ = run("advise", "--no-input", "--results-dir", str(results), *argv, columns=80)
    assert code == 0
    assert_readable(out, 80)
    for text in ("Your answers:", "# option", "Top pick:", "Why ", "Numbers from cpu-2core", "Performance: "):
        assert text in out, text
    table = out[out.index("# option"):].splitlines()[:5]
    # each row names its option by its label (evidence/labels.py), never by its id
    labels = [next((lab for lab in OPTION_LABELS.values() if line[2:].startswith(lab + " ")), None)
              for line in table[1:]]
    assert len(labels) == 4 and None not in labels and sorted(labels) == sorted(OPTION_LABELS.values()), table


def test_the_table_uses_a_wider_terminal(results):
    code, out, _ = run("advise", "--no-input", "--results-dir", str(results), "--ecosystem", "pytorch",
                       columns=160)
    assert code == 0
    assert_readable(out, 160)
    assert "backend flexibility" in out and "±" in out
    assert max(len(line) for line in out.splitlines()) > 100


def test_markdown_for_a_design_document(results):
    code, out, _ = run("advise", "--no-input", "--format", "markdown", "--results-dir", str(results),
                       "--deploy-target", "onnx")
    assert code == 0
    assert out.startswith("## kvt advise: ")
    assert "| # | option | score |" in out and "| --- |" in out
    assert "### Why " in out and "### Hard requirements" in out and "`deploy_target=onnx`" in out
    assert "[community](claims/community/)" in out


def test_questions_lists_every_question(results):
    code, out, _ = run("questions", "--format", "json")
    listed = {q["id"]: q for q in json.loads(out)}
    assert code == 0 and list(listed) == list(QUESTION_IDS)
    assert listed["ecosystem"]["multiple"] and listed["deploy_target"]["legacy"] == {"server": "web_service",
                                                                                     "mobile": "android"}
    assert listed["deploy_target"]["requires"]["android"] == "deploy_target=android"
    code, out, _ = run("questions", columns=80)
    assert code == 0 and "--deploy-target" in out and "mobile -> android" in out
    assert_readable(out, 80)


# -- precedence and replay ------------------------------------------------------------------------------------------
def test_flags_beat_the_answers_file_which_beats_defaults(results, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('goal = "production"\nscale = "multi_device"\nswitch_backends = false\n'
                       'ecosystem = ["pytorch", "tensorflow"]\n')
    data = advise_json(results, "--answers", str(answers), "--scale", "single_device")
    assert data["answers"]["goal"] == "production"          # from the file
    assert data["answers"]["scale"] == "single_device"      # the flag wins
    assert data["answers"]["switch_backends"] == "no"       # TOML boolean accepted for yes/no
    assert data["answers"]["ecosystem"] == "tensorflow,pytorch"  # a list, in the choices' order
    assert data["answers"]["experience"] == "intermediate"  # the default


def test_old_answers_are_mapped_and_announced(results, tmp_path):
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"deploy_target": "server"}))
    code, out, err = run("advise", "--no-input", "--format", "json", "--results-dir", str(results), "--answers",
                         str(old))
    assert code == 0 and json.loads(out)["answers"]["deploy_target"] == "web_service"
    assert "kvt: note: deploy_target 'server' is now 'web_service'" in err
    code, out, err = run("advise", "--no-input", "--results-dir", str(results), "--deploy-target", "mobile")
    assert code == 0 and "deploy_target=android" in out and "'mobile' is now 'android'" in err


def test_save_answers_replays(results, tmp_path):
    saved_toml, saved_json = tmp_path / "saved.toml", tmp_path / "saved.json"
    argv = ["--ecosystem", "jax,pytorch", "--deploy-target", "server", "--experience", "expert"]
    first = advise_json(results, *argv, "--save-answers", str(saved_toml))
    advise_json(results, *argv, "--save-answers", str(saved_json))
    assert json.loads(saved_json.read_text()) == first["answers"]
    replay = advise_json(results, "--answers", str(saved_toml))
    assert replay["ranking"] == first["ranking"] and replay["answers"] == first["answers"]
    # Every answer is in the file, so even without --no-input it runs without a prompt.
    code, out, err = run("advise", "--format", "json", "--answers", str(saved_toml), "--results-dir", str(results))
    assert code == 0, err
    assert json.loads(out)["ranking"] == first["ranking"]


def test_unwritable_save_answers(results, tmp_path):
    code, _, err = run("advise", "--no-input", "--results-dir", str(results), "--save-answers",
                       str(tmp_path / "no" / "such" / "dir.json"))
    assert code == 2 and "--save-answers" in err and "cannot write" in err


def test_environment_variable_chooses_the_results(results, monkeypatch):
    monkeypatch.setenv("KVT_RESULTS_DIR", str(results))
    code, out, _ = run("advise", "--no-input", "--format", "json")
    assert code == 0
    assert {e["claim"]: e["state"] for e in json.loads(out)["evidence"]}["architecture"] == "ok"


def test_a_result_that_needs_a_rerun_is_said_not_hidden(results, tmp_path):
    from tests.test_advisor_support import copy_results

    folder = copy_results(results, tmp_path / "r")
    path = next(folder.glob("architecture.*.json"))
    data = json.loads(path.read_text())
    data["schema_version"] = 1
    path.write_text(json.dumps(data))
    out = advise_json(folder)
    arch = {e["claim"]: e for e in out["evidence"]}["architecture"]
    assert arch["state"] == "invalid" and "needs a rerun of architecture" in arch["reason"]
    _, text, _ = run("advise", "--no-input", "--results-dir", str(folder))
    assert "architecture: not used:" in text and "needs a rerun of architecture" in re.sub(r"\s+", " ", text)


# -- prompting ----------------------------------------------------------------------------------------------------
class Scripted:
    """A prompter that answers from a dict and records what it was asked."""

    def __init__(self, replies):
        self.replies, self.asked = replies, []

    def ask(self, question, default):
        self.asked.append(question.id)
        return self.replies.get(question.id, default)


def test_interactive_asks_only_what_flags_left_open(results, monkeypatch):
    import advisor.prompts

    scripted = Scripted({"goal": "research", "ecosystem": "pytorch"})
    monkeypatch.setattr(advisor.prompts, "default_prompter", lambda: scripted)
    monkeypatch.setattr(sys, "stdin", FakeTTY())
    code, out, _ = run("advise", "--results-dir", str(results), "--experience", "expert", terminal=True)
    assert code == 0
    assert scripted.asked == [q for q in QUESTION_IDS if q != "experience"]
    assert "goal=research" in out and "ecosystem=pytorch" in out
    assert "keras-torch" in out.split("Top pick:")[1].splitlines()[0]


def test_interrupting_the_prompt_exits_130(results, monkeypatch):
    import advisor.prompts

    class Cancel:
        def ask(self, question, default):
            raise KeyboardInterrupt

    monkeypatch.setattr(advisor.prompts, "default_prompter", lambda: Cancel())
    monkeypatch.setattr(sys, "stdin", FakeTTY())
    code, _, err = run("advise", "--results-dir", str(results), terminal=True)
    assert code == 130 and "interrupted" in err


def test_no_terminal_and_an_unanswered_question_exits_2_naming_the_flag(results):
    proc = subprocess.run([sys.executable, "-m", "kvt", "advise", "--results-dir", str(results), "--experience",
                           "beginner"], stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 2 and not proc.stdout
    assert "question 'goal' needs an answer and there is no terminal" in proc.stderr
    assert "--goal {prototype,research,production}" in proc.stderr and "--no-input" in proc.stderr


def test_arrow_keys_choose_with_questionary():
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        prompter = ArrowKeyPrompter(input=pipe, output=DummyOutput())
        pipe.send_text("\x1b[B\r")  # one down from the default 'intermediate', then Enter
        assert prompter.ask(BY_ID["experience"], "intermediate") == "expert"
        pipe.send_text("\r")  # Enter keeps the default
        assert prompter.ask(BY_ID["deploy_target"], "none") == "none"
        # The ecosystem question takes several: 'none' is checked; untick it, go down to jax and pytorch, tick both.
        pipe.send_text(" \x1b[B\x1b[B ")  # untick none, down twice to jax, tick
        pipe.send_text("\x1b[B \r")       # down to pytorch, tick, Enter
        assert prompter.ask(BY_ID["ecosystem"], "none") == "jax,pytorch"


def test_the_checkbox_refuses_what_the_flag_refuses(results):
    """'none' ticked with a framework is refused at the prompt (Enter does nothing until it is fixed), as the
    flag refuses it, never silently changed; nothing ticked is refused too."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from advisor.prompts import _check

    q = BY_ID["ecosystem"]
    assert _check(q, ["none", "pytorch"]) is not True and _check(q, []) is not True
    assert _check(q, ["pytorch", "jax"]) is True
    with create_pipe_input() as pipe:
        prompter = ArrowKeyPrompter(input=pipe, output=DummyOutput())
        pipe.send_text("\x1b[B\x1b[B\x1b[B \r")  # 'none' stays ticked; tick pytorch; Enter is refused
        pipe.send_text("\x1b[A\x1b[A\x1b[A ")  # back up to none, untick it
        pipe.send_text("\x1b[B\x1b[B \r")  # down to jax, tick it, Enter: only now is an answer taken
        assert prompter.ask(q, "none") == "jax,pytorch"
    code, _, err = run("advise", "--ecosystem", "none,pytorch", "--no-input", "--results-dir", str(results))
    assert code == 2 and "cannot be combined" in err


def test_numbered_menu_accepts_numbers_values_several_and_enter():
    replies = iter(["9", "banana", "3", "", "multi_node", "4,2", "1,4", "pytorch"])
    out = io.StringIO()
    prompter = NumberedPrompter(read=lambda _prompt: next(replies), out=out)
    assert prompter.ask(BY_ID["experience"], "intermediate") == "expert"
    assert "Expected a number from 1 to 3 or one of: beginner, intermediate, expert" in out.getvalue()
    assert prompter.ask(BY_ID["goal"], "prototype") == "prototype"
    assert prompter.ask(BY_ID["scale"], "single_device") == "multi_node"
    assert prompter.ask(BY_ID["ecosystem"], "none") == "tensorflow,pytorch"
    assert prompter.ask(BY_ID["ecosystem"], "none") == "pytorch"  # 'none' with pytorch refused, asked again
    assert "cannot be combined" in out.getvalue()


# -- lean start-up --------------------------------------------------------------------------------------------------
LEAN = """
import json, sys
from kvt.cli import main
code = main(sys.argv[2:] + ["--results-dir", sys.argv[1]])
sys.stderr.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
HEAVY = ("tensorflow", "keras", "jax", "jaxlib", "torch", "flax", "openvino", "onnxruntime")


# advise ranks with advisor.ranking.Ranker, the estimator's arithmetic without scikit-learn (whose import brings
# SciPy and pandas: sklearn.utils.fixes); neither command needs pandas.
@pytest.mark.parametrize("argv", [["advise", "--no-input", "--format", "json"], ["claims", "--format", "json"]])
def test_advise_and_claims_import_no_framework(results, argv):
    proc = subprocess.run([sys.executable, "-c", LEAN, str(results), *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    report = json.loads(proc.stderr)
    assert report["code"] == 0 and json.loads(proc.stdout)
    top = {m.split(".")[0] for m in report["modules"]}
    for name in (*HEAVY, "pandas", "sklearn", "scipy"):
        assert name not in top, name
    for unused in ("questionary", "prompt_toolkit", "sklearn.metrics", "evidence.runner", "rich"):
        assert unused not in report["modules"], unused


def test_values_stay_with_their_units_and_caveats_are_said(results, tmp_path):
    from tests.test_advisor_support import evidence as full_evidence

    folder = write_assessments(tmp_path / "full", full_evidence())
    code, out, _ = run("advise", "--no-input", "--results-dir", str(folder), "--ecosystem", "pytorch",
                       "--deploy-target", "tf_serving", columns=80)
    assert code == 0
    assert_readable(out, 80)
    for line in out.splitlines():  # a number never ends a line when its unit starts the next
        assert not re.search(r"\d$", line.rstrip()) or re.search(r"(\d\.\d{3}|\d✗|\d\?|[\d.]+e-\d+)$", line), line
    assert "- but: pytorch: runs on jax, not on your pytorch code's framework" in out
    data = advise_json(folder, "--ecosystem", "pytorch", "--deploy-target", "tf_serving")
    assert data["top_pick"] != "keras-torch"  # its SavedModel export fails in the evidence
    assert data["caveats"] and data["reasons"][0]["criterion"] != "fit"


def test_a_sentence_that_starts_with_an_option_id_keeps_it_as_written():
    """The confidence line starts with a capital, except where it starts with an option id (a name): the CLI and
    the browser advisor print the same words ("keras-jax is the only option ...")."""
    from advisor.render import sentence

    assert sentence("keras-jax is the only option that meets your requirements") == \
        "keras-jax is the only option that meets your requirements"
    assert sentence("76% of 500 draws keep keras-torch first") == "76% of 500 draws keep keras-torch first"
    assert sentence("no rival is left") == "No rival is left"
