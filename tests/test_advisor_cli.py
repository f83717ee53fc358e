"""``kvt advise`` and ``kvt questions``: flags, answers files, precedence, prompting, output, errors, lean start-up."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from kvt.cli import main
from advisor.options import OPTIONS
from advisor.prompts import ArrowKeyPrompter, NumberedPrompter
from advisor.questions import BY_ID, QUESTION_IDS, defaults
from tests.conftest import ROOT, kvt
from tests.test_advisor_support import edit_json, write_architecture

#: The ids and choices the issue fixes; scripts rely on them.
CONTRACT = {
    "experience": ["beginner", "intermediate", "expert"],
    "goal": ["prototype", "research", "production"],
    "deploy_target": ["none", "server", "mobile", "onnx", "openvino"],
    "scale": ["single_device", "multi_device", "multi_node"],
    "custom_ops": ["none", "layers", "training_loop", "compiled_kernels"],
    "ecosystem": ["none", "tensorflow", "jax", "pytorch"],
    "switch_backends": ["yes", "no"],
}


@pytest.fixture
def results(results):
    """The shared community copy (tests/conftest.py) plus a synthetic architecture result."""
    write_architecture(results)
    return results


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def run(*argv: str, terminal: bool = False) -> tuple[int, str, str]:
    """``kvt ARGV`` in this process: exit code, stdout, stderr (a pretend terminal with ``terminal``)."""
    out, err = io.StringIO(), (FakeTTY() if terminal else io.StringIO())
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's own errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def advise_json(results, *argv: str) -> dict:
    code, out, err = run("advise", "--no-input", "--format", "json", "--results-dir", str(results), *argv)
    assert code == 0, err
    return json.loads(out)


# -- output -------------------------------------------------------------------------------------------------------
def test_json_output_has_the_documented_shape(results):
    data = advise_json(results)
    assert data["answers"] == defaults()
    assert [r["option"] for r in data["ranking"]] and sorted(r["option"] for r in data["ranking"]) == sorted(OPTIONS)
    for row in data["ranking"]:
        assert {"option", "score", "contributions", "failed_constraints"} <= set(row)
        assert set(row["contributions"]) >= {"community", "ease_of_use", "ecosystem_fit"}
    assert 0.0 <= data["confidence"] <= 1.0
    missing = {m["criterion"]: m["claims"] for m in data["missing_evidence"]}
    assert missing["deployment"] == ["deployment"] and "community" not in missing
    assert {e["claim"] for e in data["evidence"]} >= {"community", "deployment", "backend_portability"}


def test_table_output_names_what_evidence_is_missing(results):
    code, out, _ = run("advise", "--no-input", "--results-dir", str(results), "--deploy-target", "mobile")
    assert code == 0
    for text in ("Recommendation", "Top pick", "Confidence", "Evidence the advisor lacks",
                 "ease_of_use: needs claim ease_of_use", "deploy_target=mobile",
                 "no evidence yet (claim deployment has no result)", "claims/community/"):
        assert text in out, text


def test_questions_lists_the_contract(results):
    code, out, _ = run("questions", "--format", "json")
    assert code == 0
    listed = {q["id"]: q for q in json.loads(out)}
    for qid, choices in CONTRACT.items():
        assert listed[qid]["choices"] == choices
        assert listed[qid]["default"] in choices and listed[qid]["help"] and listed[qid]["text"]
        assert listed[qid]["flag"] == "--" + qid.replace("_", "-")
    code, out, _ = run("questions")
    assert code == 0 and "--deploy-target" in out


# -- precedence ---------------------------------------------------------------------------------------------------
def test_flags_beat_the_answers_file_which_beats_defaults(results, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('goal = "production"\nscale = "multi_device"\nswitch_backends = false\n')
    data = advise_json(results, "--answers", str(answers), "--scale", "single_device")
    assert data["answers"]["goal"] == "production"          # from the file
    assert data["answers"]["scale"] == "single_device"      # the flag wins
    assert data["answers"]["switch_backends"] == "no"       # TOML boolean accepted for yes/no
    assert data["answers"]["experience"] == "intermediate"  # the default


def test_json_answers_file_and_save_answers_replay(results, tmp_path):
    given = tmp_path / "given.json"
    given.write_text(json.dumps({"ecosystem": "jax", "deploy_target": "server"}))
    saved_toml, saved_json = tmp_path / "saved.toml", tmp_path / "saved.json"
    first = advise_json(results, "--answers", str(given), "--experience", "expert", "--save-answers", str(saved_toml))
    advise_json(results, "--answers", str(given), "--experience", "expert", "--save-answers", str(saved_json))
    assert json.loads(saved_json.read_text()) == first["answers"]
    assert advise_json(results, "--answers", str(saved_toml)) == first
    # Replaying needs no prompt: every answer is in the file, so even without --no-input it runs.
    code, out, err = run("advise", "--format", "json", "--answers", str(saved_toml), "--results-dir", str(results))
    assert code == 0, err
    assert json.loads(out) == first


def test_environment_variable_chooses_the_results(results, monkeypatch):
    monkeypatch.setenv("KVT_RESULTS_DIR", str(results))
    code, out, _ = run("advise", "--no-input", "--format", "json")
    assert code == 0
    community = next(e for e in json.loads(out)["evidence"] if e["claim"] == "community")
    assert community["state"] == "ok" and community["result_file"].startswith(str(results))


# -- the evidence drives the ranking ------------------------------------------------------------------------------
def test_editing_a_copy_of_the_results_changes_the_ranking(results):
    before = advise_json(results, "--priority", "longevity")
    assert before["ranking"][0]["option"] == "keras-torch"

    def shrink_torch(data):
        m = data["subjects"]["pypi-listing"]["measurements"]
        m["frameworks"]["torch"]["rank"] = 9000
        m["ecosystems"]["torch"]["released_in_window"] = 1

    edit_json(results / "community.json", shrink_torch)
    after = advise_json(results, "--priority", "longevity")
    torch_before = next(r for r in before["ranking"] if r["option"] == "keras-torch")
    torch_after = next(r for r in after["ranking"] if r["option"] == "keras-torch")
    assert after["ranking"][0]["option"] != "keras-torch"
    assert torch_after["contributions"]["community"] < torch_before["contributions"]["community"]

    # Remove the architecture result: backend flexibility becomes missing evidence, named in the output.
    (results / "architecture.json").unlink()
    gone = advise_json(results)
    assert any(m["criterion"] == "backend_flexibility" for m in gone["missing_evidence"])
    assert all(r["contributions"]["backend_flexibility"] is None for r in gone["ranking"])


# -- prompting ----------------------------------------------------------------------------------------------------
class Scripted:
    """A prompter that answers from a dict and records what it was asked."""

    def __init__(self, replies):
        self.replies, self.asked = replies, []

    def ask(self, question, default):
        self.asked.append(question.id)
        return self.replies.get(question.id, default)


def test_interactive_asks_only_what_flags_left_open_and_summarises(results, monkeypatch):
    import advisor.prompts

    scripted = Scripted({"goal": "research", "ecosystem": "pytorch"})
    monkeypatch.setattr(advisor.prompts, "default_prompter", lambda: scripted)
    monkeypatch.setattr(sys, "stdin", FakeTTY())
    code, out, _ = run("advise", "--results-dir", str(results), "--experience", "expert", terminal=True)
    assert code == 0
    assert scripted.asked == [q for q in QUESTION_IDS if q != "experience"]
    assert "Your answers" in out and "research" in out and "pytorch" in out
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


def test_prompts_need_a_terminal_on_stdin_and_stderr(results, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeTTY())
    code, out, err = run("advise", "--results-dir", str(results))  # stderr is not a terminal
    assert code == 2 and "there is no terminal to ask it" in err and not out


def test_arrow_keys_choose_with_questionary():
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        prompter = ArrowKeyPrompter(input=pipe, output=DummyOutput())
        pipe.send_text("\x1b[B\r")  # one down from the default 'intermediate', then Enter
        assert prompter.ask(BY_ID["experience"], "intermediate") == "expert"
        pipe.send_text("\r")  # Enter keeps the default
        assert prompter.ask(BY_ID["deploy_target"], "none") == "none"
        pipe.send_text("\x1b[A\x1b[A\r")  # up twice from 'single_device' wraps to 'multi_device'
        assert prompter.ask(BY_ID["scale"], "single_device") == "multi_device"


def test_numbered_menu_fallback_accepts_numbers_values_and_enter():
    replies = iter(["9", "banana", "3", "", "multi_node"])
    out = io.StringIO()
    prompter = NumberedPrompter(read=lambda _prompt: next(replies), out=out)
    assert prompter.ask(BY_ID["experience"], "intermediate") == "expert"
    assert "Expected a number from 1 to 3 or one of: beginner, intermediate, expert" in out.getvalue()
    assert prompter.ask(BY_ID["goal"], "prototype") == "prototype"
    assert prompter.ask(BY_ID["scale"], "single_device") == "multi_node"


# -- bad input: exit 2, the question and the allowed values named, never a traceback ---------------------------
@pytest.mark.parametrize("argv, expected", [
    (["--deploy-target", "android"], ["--deploy-target", "'deploy_target'", "none, server, mobile, onnx, openvino"]),
    (["--switch-backends", "maybe"], ["'switch_backends'", "yes, no"]),
    (["--experience", ""], ["'experience'", "beginner, intermediate, expert"]),
])
def test_bad_flag_values(results, argv, expected):
    code, out, err = run("advise", "--no-input", "--results-dir", str(results), *argv)
    assert code == 2 and not out
    assert err.startswith("kvt: error: ")
    for text in expected:
        assert text in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name, content, expected", [
    ("a.toml", 'colour = "blue"\n', ["unknown question 'colour'", "experience, goal, deploy_target"]),
    ("a.toml", 'scale = "huge"\n', ["'scale'", "single_device, multi_device, multi_node"]),
    ("a.toml", "scale = 3\n", ["3 (int)", "'scale'"]),
    ("a.toml", "this is = not toml =\n", ["not valid TOML"]),
    ("a.json", '{"goal": ', ["not valid JSON"]),
    ("a.json", '["goal"]', ["expected a table of question id = answer", "experience"]),
    ("a.json", '{"goal": null}', ["None (NoneType)", "'goal'", "prototype, research, production"]),
    ("a.txt", "\x00\x01garbage", ["not valid JSON", "not valid TOML"]),
])
def test_bad_answers_files(results, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content)
    code, out, err = run("advise", "--no-input", "--results-dir", str(results), "--answers", str(path))
    assert code == 2 and not out
    assert f"--answers {path}" in err
    for text in expected:
        assert text in err, err
    assert "Traceback" not in err


def test_missing_answers_file(results, tmp_path):
    code, _, err = run("advise", "--no-input", "--results-dir", str(results), "--answers", str(tmp_path / "nope.toml"))
    assert code == 2 and "cannot read the file" in err


def test_no_terminal_and_an_unanswered_question_exits_2_naming_the_flag(results):
    proc = kvt("advise", "--results-dir", str(results), "--experience", "beginner", stdin=subprocess.DEVNULL,
               timeout=120)
    assert proc.returncode == 2
    assert "question 'goal' needs an answer and there is no terminal" in proc.stderr
    assert "--goal {prototype,research,production}" in proc.stderr and "--no-input" in proc.stderr
    assert "Traceback" not in proc.stderr and not proc.stdout


def test_unknown_flag_is_an_argparse_usage_error(results):
    code, _, err = run("advise", "--no-input", "--colour", "blue")
    assert code == 2 and "unrecognized arguments: --colour blue" in err


def test_unwritable_save_answers(results, tmp_path):
    code, _, err = run("advise", "--no-input", "--results-dir", str(results), "--save-answers",
                       str(tmp_path / "no" / "such" / "dir.json"))
    assert code == 2 and "--save-answers" in err and "cannot write" in err


# -- lean start-up ------------------------------------------------------------------------------------------------
LEAN = """
import json, sys
from kvt.cli import main
code = main(["advise", "--no-input", "--format", "json", "--results-dir", sys.argv[1]])
sys.stderr.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_advise_imports_no_framework_and_nothing_it_does_not_use(results):
    proc = subprocess.run([sys.executable, "-c", LEAN, str(results)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    report = json.loads(proc.stderr)
    assert report["code"] == 0 and json.loads(proc.stdout)["ranking"]
    top = {m.split(".")[0] for m in report["modules"]}
    for heavy in ("tensorflow", "keras", "jax", "jaxlib", "torch", "flax", "openvino", "onnxruntime"):
        assert heavy not in top, heavy
    for unused in ("pydantic", "questionary", "prompt_toolkit", "sklearn.metrics", "evidence.results",
                   "evidence.runner"):
        assert unused not in report["modules"], unused
