"""Bad input to ``kvt advise``, measured: more than 1,000 bad answers files and flag sets, each of which must exit
2 within a second with one line naming the file (or flag) and the problem, values quoted at most 80 characters,
no traceback and no hang.

Most cases run in this process through :func:`kvt.cli.main` (milliseconds each); a sample runs through a real
``python -m kvt`` subprocess. The corpus holds the cases a fuzzer rarely finds (a FIFO, ``/dev/zero``, a 50 MB
file, nesting 10,000 deep, a byte-order mark, duplicate keys); hypothesis generates the rest from valid answers
with one thing made wrong, so every generated case is bad by construction.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.questions import BY_ID, QUESTION_IDS, QUESTIONS
from kvt.cli import main
from tests.conftest import ROOT

#: Counts of the cases each test ran, checked (>= 1,000 in all) by the last test of this module.
COUNTS: dict[str, int] = {}
SECOND = 1.0
HYPOTHESIS = settings(max_examples=350, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                             HealthCheck.filter_too_much])


def run(*argv: str) -> tuple[int, str, str, float]:
    """``kvt ARGV`` in this process: exit code, stdout, stderr and seconds."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - start


def assert_bad(code: int, out: str, err: str, seconds: float, names: str, values: tuple = ()) -> None:
    """Exit 2, nothing on stdout, one line on stderr that names ``names``; no value of ``values`` longer than 80
    characters shown in full, and the line bounded (a value is quoted at most 80 characters)."""
    assert code == 2, (code, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    assert lines[0].startswith("kvt: error: "), err
    assert names in lines[0], (names, err)
    assert "Traceback" not in err
    assert seconds < SECOND, (seconds, err)
    assert len(lines[0]) <= 400 + len(names), lines[0]
    for value in values:
        shown = repr(value)
        if len(shown) > 80:
            assert shown not in lines[0], shown


@pytest.fixture(scope="module")
def empty_results(tmp_path_factory) -> Path:
    """An existing results folder: bad answers must be refused before any evidence is read."""
    return tmp_path_factory.mktemp("results")


def advise_file(results: Path, path: Path | str) -> tuple[int, str, str, float]:
    return run("advise", "--no-input", "--format", "json", "--results-dir", str(results), "--answers", str(path))


# -- the corpus ---------------------------------------------------------------------------------------------------
DEEP = 10_000
TEXT_CASES: dict[str, tuple[str, bytes]] = {
    # malformed TOML
    "toml-no-value": ("a.toml", b"scale =\n"),
    "toml-open-string": ("a.toml", b'scale = "multi_node\n'),
    "toml-bare-word": ("a.toml", b"scale = multi_node\n"),
    "toml-brackets": ("a.toml", b"[[[\n"),
    "toml-no-key": ("a.toml", b'= "multi_node"\n'),
    "toml-two-equals": ("a.toml", b"this is = not toml =\n"),
    "toml-duplicate-key": ("a.toml", b'scale = "multi_node"\nscale = "single_device"\n'),
    "toml-duplicate-table": ("a.toml", b"[a]\nx = 1\n[a]\ny = 2\n"),
    # malformed JSON
    "json-open": ("a.json", b'{"goal": '),
    "json-bare-key": ("a.json", b"{goal: 1}"),
    "json-open-list": ("a.json", b"[1, 2"),
    "json-trailing-comma": ("a.json", b'{"goal": "research",}'),
    "json-single-quotes": ("a.json", b"{'goal': 'research'}"),
    "json-duplicate-key": ("a.json", b'{"scale": "multi_node", "scale": "single_device"}'),
    "json-nan": ("a.json", b'{"scale": NaN}'),
    "json-infinity": ("a.json", b'{"scale": Infinity}'),
    "json-empty": ("a.json", b""),
    "json-whitespace": ("a.json", b"   \n\t"),
    # wrong types
    "type-int": ("a.toml", b"scale = 3\n"),
    "type-float": ("a.toml", b"scale = 3.5\n"),
    "type-bool": ("a.toml", b"scale = true\n"),
    "type-date": ("a.toml", b"scale = 1979-05-27T07:32:00Z\n"),
    "type-list": ("a.toml", b'scale = ["multi_node"]\n'),
    "type-table": ("a.toml", b"[scale]\nvalue = 1\n"),
    "type-null": ("a.json", b'{"goal": null}'),
    "type-bool-multi": ("a.json", b'{"ecosystem": true}'),
    "type-empty-list": ("a.json", b'{"ecosystem": []}'),
    "type-list-of-ints": ("a.json", b'{"ecosystem": [1, 2]}'),
    "type-int-yes-no": ("a.json", b'{"switch_backends": 1}'),
    "top-list": ("a.json", b'["goal"]'),
    "top-string": ("a.json", b'"goal"'),
    "top-number": ("a.json", b"1"),
    "top-null": ("a.json", b"null"),
    "top-true": ("a.json", b"true"),
    # unknown keys and values
    "key-unknown": ("a.toml", b'colour = "blue"\n'),
    "key-case": ("a.toml", b'Scale = "multi_node"\n'),
    "key-empty": ("a.json", b'{"": "multi_node"}'),
    "key-space": ("a.json", b'{" scale": "multi_node"}'),
    "key-long": ("a.json", json.dumps({"k" * 5000: "x"}).encode()),
    "value-unknown": ("a.toml", b'scale = "huge"\n'),
    "value-case": ("a.toml", b'scale = "Multi_Node"\n'),
    "value-empty": ("a.toml", b'scale = ""\n'),
    "value-long": ("a.json", json.dumps({"goal": "x" * 20_000}).encode()),
    "value-none-and-framework": ("a.json", b'{"ecosystem": "none,pytorch"}'),
    "value-commas-only": ("a.json", b'{"ecosystem": ","}'),
    "value-unknown-framework": ("a.json", b'{"ecosystem": "pytorch,mxnet"}'),
    "value-old-elsewhere": ("a.json", b'{"scale": "server"}'),
    "value-deploy-unknown": ("a.toml", b'deploy_target = "serverless"\n'),
    # nesting 10,000 deep
    "deep-json-list": ("a.json", b"[" * DEEP + b"]" * DEEP),
    "deep-json-object": ("a.json", b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    "deep-json-value": ("a.json", b'{"goal": ' + b"[" * DEEP + b"]" * DEEP + b"}"),
    "deep-toml-array": ("a.toml", b"goal = " + b"[" * DEEP + b"]" * DEEP + b"\n"),
    "deep-toml-inline": ("a.toml", b"goal = " + b"{a = " * DEEP + b"1" + b"}" * DEEP + b"\n"),
    "deep-json-moderate": ("a.json", b'{"goal": ' + b"[" * 900 + b"]" * 900 + b"}"),
    # encodings
    "latin-1": ("a.toml", 'goal = "r\xe9search"\n'.encode("latin-1")),
    "invalid-utf8": ("a.toml", b'scale = "\xff\xfe"\n'),
    "utf16-bom": ("a.json", '{"goal": "research"}'.encode("utf-16")),
    "utf8-bom-json": ("a.json", b"\xef\xbb\xbf" + b'{"goal": "research"}'),
    "utf8-bom-toml": ("a.toml", b"\xef\xbb\xbf" + b'goal = "research"\n'),
    "nul-bytes": ("a.txt", b"\x00\x01garbage"),
    "nul-in-json": ("a.json", b'{"goal": "research"}\x00'),
    "binary": ("a.bin", bytes(range(256)) * 4),
    # neither JSON nor TOML, no telling suffix
    "prose": ("answers.txt", b"I would like keras please\n"),
    "yaml": ("answers.yaml", b"goal: research\nscale: multi_node\n"),
    "ini": ("answers.ini", b"[answers]\ngoal=research\n"),
}


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_corpus_of_bad_files(case, tmp_path, empty_results):
    name, content = TEXT_CASES[case]
    path = tmp_path / name
    path.write_bytes(content)
    assert_bad(*advise_file(empty_results, path), names=f"--answers {path}")
    COUNTS["corpus"] = COUNTS.get("corpus", 0) + 1


def special_files(tmp_path: Path) -> dict[str, Path]:
    """Paths that are not small regular files: devices, a FIFO, a folder, a 50 MB file, links, nothing."""
    fifo = tmp_path / "answers.fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "answers.d"
    folder.mkdir()
    big = tmp_path / "big.toml"
    with big.open("wb") as fh:  # 50 MB, written for real: the size check must refuse it unread
        block = b'goal = "research"\n' + b"#" * 1005 + b"\n"
        for _ in range(50 * 1024):
            fh.write(block)
    just_over = tmp_path / "over.toml"
    just_over.write_bytes(b"#" * (64 * 1024) + b"\n")
    sparse = tmp_path / "sparse.json"
    with sparse.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    to_zero = tmp_path / "zero.toml"
    to_zero.symlink_to("/dev/zero")
    dangling = tmp_path / "dangling.toml"
    dangling.symlink_to(tmp_path / "nothing-here")
    return {"dev-zero": Path("/dev/zero"), "dev-urandom": Path("/dev/urandom"), "dev-null": Path("/dev/null"),
            "fifo": fifo, "folder": folder, "50MB": big, "just-over-64KiB": just_over, "sparse-50MB": sparse,
            "link-to-dev-zero": to_zero, "dangling-link": dangling, "missing": tmp_path / "nope.toml",
            "missing-folder": tmp_path / "no" / "such" / "a.toml", "root-folder": Path("/")}


def test_special_files_exit_2_without_blocking_or_reading_them(tmp_path, empty_results):
    for path in special_files(tmp_path).values():
        assert_bad(*advise_file(empty_results, path), names=f"--answers {path}")
        COUNTS["special"] = COUNTS.get("special", 0) + 1
    err = advise_file(empty_results, tmp_path / "answers.fifo")[2]
    assert "FIFO" in err
    assert "50 KiB" not in advise_file(empty_results, tmp_path / "big.toml")[2]  # the size is said in bytes


def test_an_unreadable_file(tmp_path, empty_results, monkeypatch):
    path = tmp_path / "secret.toml"
    path.write_text('goal = "research"\n')
    path.chmod(0)
    if os.geteuid() != 0:  # root reads anything: then the refusal is simulated below only
        assert_bad(*advise_file(empty_results, path), names=f"--answers {path}")
        COUNTS["special"] = COUNTS.get("special", 0) + 1
    path.chmod(0o600)
    real_open = os.open

    def refuse(p, *a, **kw):
        if str(p) == str(path):
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(p, *a, **kw)

    monkeypatch.setattr(os, "open", refuse)
    code, out, err, seconds = advise_file(empty_results, path)
    assert_bad(code, out, err, seconds, names=f"--answers {path}")
    assert "Permission denied" in err
    COUNTS["special"] = COUNTS.get("special", 0) + 1


# -- generated answers files ----------------------------------------------------------------------------------------
valid_answers = st.fixed_dictionaries({}, optional={q.id: st.sampled_from(q.values) for q in QUESTIONS
                                                    if not q.multiple})
junk_text = st.text(min_size=0, max_size=120)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), junk_text)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                 st.dictionaries(junk_text, inner, max_size=4)),
                           max_leaves=12)


def is_valid_answer(qid: str, value) -> bool:
    from advisor.questions import AnswerError, parse_answer

    try:
        parse_answer(qid, value)
    except AnswerError:
        return False
    return True


@st.composite
def bad_answers(draw) -> dict:
    """Valid answers with one entry made wrong: an unknown key, or a known key with a value it does not take."""
    answers = dict(draw(valid_answers))
    if draw(st.booleans()):
        key = draw(junk_text.filter(lambda k: k not in BY_ID))
        answers[key] = draw(json_values)
    else:
        qid = draw(st.sampled_from(QUESTION_IDS))
        answers[qid] = draw(json_values.filter(lambda v, q=qid: not is_valid_answer(q, v)))
    items = list(answers.items())
    return dict(draw(st.permutations(items)))


def toml_text(answers: dict) -> str | None:
    """``answers`` as TOML where every value has a TOML form (None otherwise)."""
    lines = []
    for key, value in answers.items():
        try:
            lines.append(f"{json.dumps(key)} = {toml_value(value)}")
        except TypeError:
            return None
    return "\n".join(lines) + "\n"


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:
            raise TypeError
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError  # None has no TOML form


@HYPOTHESIS
@given(answers=bad_answers(), as_toml=st.booleans())
def test_generated_bad_answers_files(tmp_path_factory, empty_results, answers, as_toml):
    folder = tmp_path_factory.mktemp("gen", numbered=True)
    text = toml_text(answers) if as_toml else None
    path = folder / ("a.toml" if text is not None else "a.json")
    path.write_text(text if text is not None else json.dumps(answers), encoding="utf-8")
    assert_bad(*advise_file(empty_results, path), names=f"--answers {path}",
               values=(*answers, *answers.values()))
    COUNTS["generated_files"] = COUNTS.get("generated_files", 0) + 1


@HYPOTHESIS
@given(content=st.binary(min_size=1, max_size=300), suffix=st.sampled_from([".json", ".toml", ".txt", ""]))
def test_generated_bytes_that_are_not_answers(tmp_path_factory, empty_results, content, suffix):
    # A leading byte that neither JSON nor TOML starts a document with makes every case bad by construction.
    folder = tmp_path_factory.mktemp("bytes", numbered=True)
    path = folder / f"answers{suffix}"
    path.write_bytes(b"\x01" + content)
    assert_bad(*advise_file(empty_results, path), names=f"--answers {path}")
    COUNTS["generated_bytes"] = COUNTS.get("generated_bytes", 0) + 1


# -- generated flag sets --------------------------------------------------------------------------------------------
FLAGS = [q.flag for q in QUESTIONS] + ["--answers", "--no-input", "--format", "--save-answers", "--results-dir"]
ABBREVIATIONS = sorted({f[:n] for f in FLAGS for n in range(3, len(f)) if f[:n] not in FLAGS})
flag_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=90)


@st.composite
def bad_flags(draw) -> tuple[list[str], str]:
    """Valid flags with one thing wrong, and the text the error line must name."""
    argv = []
    for qid, value in draw(valid_answers).items():
        argv += [BY_ID[qid].flag, value]
    kind = draw(st.sampled_from(["value", "unknown", "abbreviation", "format", "dangling"]))
    if kind == "value":
        q = draw(st.sampled_from(QUESTIONS))
        value = draw(flag_text.filter(lambda v, q=q: not v.startswith("-") and not is_valid_answer(q.id, v)))
        argv += [q.flag, value]
        named = q.flag
    elif kind == "unknown":
        flag = "--" + draw(st.from_regex(r"[a-z][a-z-]{0,20}", fullmatch=True).filter(
            lambda f: not any(g.startswith("--" + f) for g in FLAGS)))
        argv += [flag, "x"]
        named = flag
    elif kind == "abbreviation":
        flag = draw(st.sampled_from(ABBREVIATIONS))
        argv += [flag, "x"]
        named = flag
    elif kind == "format":
        value = draw(flag_text.filter(lambda v: v not in ("table", "json", "markdown") and not v.startswith("-")))
        argv += ["--format", value]
        named = "--format"
    else:
        flag = draw(st.sampled_from([q.flag for q in QUESTIONS] + ["--answers", "--format"]))
        argv += [flag]
        named = flag
    return argv, named


@HYPOTHESIS
@given(case=bad_flags())
def test_generated_bad_flag_sets(empty_results, case):
    argv, named = case
    code, out, err, seconds = run("advise", "--no-input", "--results-dir", str(empty_results), *argv)
    assert_bad(code, out, err, seconds, names=named, values=tuple(argv))
    COUNTS["generated_flags"] = COUNTS.get("generated_flags", 0) + 1


def test_results_dir_that_does_not_exist_or_holds_nothing(tmp_path):
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "community.json").write_text(json.dumps({"schema_version": 1}))
    a_file = tmp_path / "file"
    a_file.write_text("x")
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = {tmp_path / "nowhere": "no such folder", a_file: "is not a folder", empty: "holds no result",
             legacy: "needs a rerun of community"}
    for folder, expected in cases.items():
        code, out, err, seconds = run("advise", "--no-input", "--results-dir", str(folder))
        assert_bad(code, out, err, max(seconds - 1, 0), names=str(folder))  # this one reads the folder
        assert expected in err, err
        COUNTS["results_dir"] = COUNTS.get("results_dir", 0) + 1


def test_abbreviated_flags_are_refused_for_advise(empty_results):
    for flag in ("--deploy", "--eco", "--no-in", "--form", "--answer"):
        code, out, err, _ = run("advise", "--results-dir", str(empty_results), flag, "x")
        assert code == 2 and f"unrecognized arguments: {flag}" in err and not out, err
        COUNTS["abbreviations"] = COUNTS.get("abbreviations", 0) + 1


SAMPLE = ["toml-duplicate-key", "json-duplicate-key", "deep-json-list", "deep-toml-array", "utf8-bom-json",
          "invalid-utf8", "nul-bytes", "value-long", "key-unknown", "type-date"]


def test_a_sample_through_a_real_subprocess(tmp_path, empty_results):
    paths = {case: tmp_path / f"{case}{Path(TEXT_CASES[case][0]).suffix}" for case in SAMPLE}
    for case, path in paths.items():
        path.write_bytes(TEXT_CASES[case][1])
    (tmp_path / "special").mkdir()
    specials = special_files(tmp_path / "special")
    for path in [*paths.values(), specials["fifo"], specials["dev-zero"], specials["dev-urandom"], specials["50MB"],
                 specials["folder"]]:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "kvt", "advise", "--no-input", "--results-dir",
                               str(empty_results), "--answers", str(path)], capture_output=True, text=True,
                              cwd=ROOT, timeout=30, stdin=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        # A fresh interpreter's start-up is part of the second here.
        assert_bad(proc.returncode, proc.stdout, proc.stderr, seconds, names=f"--answers {path}")
        COUNTS["subprocess"] = COUNTS.get("subprocess", 0) + 1


def test_more_than_a_thousand_cases_ran():
    expected = {"corpus", "special", "generated_files", "generated_bytes", "generated_flags", "results_dir",
                "abbreviations", "subprocess"}
    if not expected <= set(COUNTS):
        pytest.skip(f"run the whole module to count its cases (ran: {sorted(COUNTS)})")
    total = sum(COUNTS.values())
    print(f"\nbad-input cases: {total} ({', '.join(f'{k} {v}' for k, v in sorted(COUNTS.items()))})")
    assert total >= 1000, COUNTS
