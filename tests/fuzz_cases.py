"""Generated bad input for the fuzz suite (:mod:`tests.test_fuzz_hostile`): every case is bad by construction.

Each strategy draws one :class:`Case`: the ``kvt`` arguments, the files it needs (written under a fresh folder,
``{d}`` in the arguments) and its environment. Kinds: bad flag values, repeated and unknown flags; bad ``KVT_*``
variables; bad results folders and mutated result files; bad answers files; bad parts of split runs; bad paths
for ``kvt check``.
"""

from __future__ import annotations

import io
import json
import string
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from evidence.registry import claim_ids
from tests.site_helpers import COMMITTED_RESULTS

BASE = json.loads((COMMITTED_RESULTS / "architecture.cpu-2core.json").read_text(encoding="utf-8"))


@dataclass
class Case:
    """One bad input: the arguments, the files it needs (name -> bytes, or a builder), its environment."""

    kind: str
    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    reported_ok: bool = False  # show/claims may list an invalid result with exit 0, saying so on stderr
    hidden: str | None = None  # words edited into a result's prose: readers show today's report, never these

    def materialise(self, folder: Path) -> list[str]:
        """Write the files under ``folder`` and return the arguments with ``{d}`` replaced by it."""
        for name, data in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return [a.replace("{d}", str(folder)) for a in self.argv]


# -- strategies: every input below is bad by construction ---------------------------------------------------------
junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
bad_numbers = st.sampled_from(["nan", "NaN", "inf", "-inf", "-5", "0", "-0", "1e999", "-1e-9", "abc", "", " ", "0x10",
                               "1/0"])


def _not(values) -> st.SearchStrategy[str]:
    return junk.filter(lambda t: t.strip() not in values and t not in values)


@st.composite
def flag_cases(draw) -> Case:
    """Bad flag values, repeated flags, unknown flags and commands."""
    from advisor.questions import QUESTIONS, AnswerError, parse_answer

    which = draw(st.integers(0, 9))
    if which == 0:
        q = draw(st.sampled_from(QUESTIONS))
        value = draw(junk.filter(lambda v: not v.startswith("-")))
        try:
            parse_answer(q.id, value, q.flag)
            value = value + "!bogus"  # a valid answer: make it one that is not
        except AnswerError:
            pass
        return Case("flag-value", ["advise", q.flag, value, "--no-input"])
    if which == 1:
        q = draw(st.sampled_from(QUESTIONS))
        a, b = draw(st.sampled_from(q.values)), draw(st.sampled_from(q.values))
        return Case("flag-repeated", ["advise", q.flag, a, q.flag, b, "--no-input"])
    if which == 2:
        flag = draw(st.sampled_from(["--timeout", "--reruns", "--shard"]))
        value = draw(bad_numbers | st.sampled_from(["2/1", "0/3", "3/2", "1/0", "a/b", "-1/2"]))
        if flag == "--shard" and value in ("", " "):
            value = "9/1"
        if flag == "--timeout" and value in ("0x10",):
            value = "-0x10"
        if flag == "--timeout" and draw(st.booleans()):  # kvt check reads its timeout the same way
            return Case("check-number", ["check", "{d}/m.py", "--timeout", value],
                        files={"m.py": b"def build_model():\n    return None\n"})
        return Case("run-number", ["evidence", "run", "community", flag, value, "--results-dir", "{d}/out"])
    if which == 3:
        value = draw(bad_numbers.filter(lambda v: v not in ("0", "-0")) | st.sampled_from(["1.5", "-0.1", "2"]))
        return Case("diff-rtol", ["evidence", "diff", str(COMMITTED_RESULTS), str(COMMITTED_RESULTS), "--rtol",
                                  value])
    if which == 4:
        name = draw(st.text(string.ascii_lowercase + "_", min_size=1, max_size=20).filter(lambda n: n not in CLAIMS))
        return Case("diff-claims", ["evidence", "diff", str(COMMITTED_RESULTS), str(COMMITTED_RESULTS), "--claims",
                                    name])
    if which == 5:
        name = draw(_not(CLAIMS).filter(lambda n: n and not n.startswith("-")))
        return Case("show-claim", ["evidence", "show", name])
    if which == 6:
        cmd = draw(st.sampled_from([["advise"], ["claims"], ["evidence", "show"], ["questions"], ["check", "x.keras"],
                                    ["evidence", "diff", "a", "b"]]))
        fmt = draw(_not({"table", "json", "csv", "markdown"}).filter(lambda v: not v.startswith("-")))
        return Case("format", [*cmd, "--format", fmt])
    if which == 7:
        cmd = draw(st.sampled_from([["advise"], ["claims"], ["evidence", "show"], ["evidence", "run"], ["check", "a"]]))
        flag = "--" + draw(st.text(string.ascii_lowercase + "-", min_size=1, max_size=12))
        return Case("unknown-flag", [*cmd, flag.replace("---", "--x"), "1"] if flag not in KNOWN_FLAGS else
                    [*cmd, "--no-such-flag-at-all"])
    if which == 8:
        return Case("command", [draw(_not({"advise", "claims", "questions", "evidence", "check", "-h", "--help"})
                                     .filter(lambda v: not v.startswith("-")))])
    backends = draw(_not({"tensorflow", "jax", "torch"}).filter(lambda v: not v.startswith("-")))
    return Case("check-flag", ["check", "{d}/m.py", "--backends", backends + ",nope"],
                files={"m.py": b"def build_model():\n    return None\n"})


CLAIMS = set(claim_ids())
KNOWN_FLAGS = {"--format", "--results-dir", "--answers", "--no-input", "--save-answers", "--help", "--quick",
               "--subjects", "--timeout", "--reruns", "--shard", "--backends", "--targets", "--steps", "--script",
               "--custom-objects", "--out", "--claims", "--rtol", "-h"}


@st.composite
def env_cases(draw) -> Case:
    """Bad ``KVT_*`` variables."""
    which = draw(st.integers(0, 4))
    cmd = draw(st.sampled_from([["claims"], ["evidence", "show"], ["advise", "--no-input"], ["questions"]]))
    if which == 0:
        value = draw(st.sampled_from(["CPU-2CORE", "cpu-2core\n", "cpu-", "gpu_h200", "cpu-2core ", "x"]) | junk)
        import re

        if re.fullmatch(r"(cpu|gpu)-[a-z0-9][a-z0-9-]*", value):
            value += "!"
        return Case("env-venue", cmd, env={"KVT_VENUE": value or "x"})
    if which == 1:
        module = "kvt_no_such_" + draw(st.text(string.ascii_lowercase, min_size=1, max_size=8))
        entry = draw(st.sampled_from([f"x={module}", "x", "=y", "x=", f"x={module},y", "1x=json.bad-name"]))
        if entry == f"x={module}" and cmd == ["questions"]:  # well formed: only commands reading claims look it up
            cmd = ["claims"]
        return Case("env-extra-claims", cmd, env={"KVT_EXTRA_CLAIMS": entry})
    if which == 2:
        return Case("env-results-dir", ["claims"] if cmd == ["questions"] else cmd,
                    env={"KVT_RESULTS_DIR": draw(st.sampled_from(["{d}/none", "/dev/null", "{d}/f", " {d}"]))},
                    files={"f": b"not a folder"})
    if which == 3:
        return Case("env-url", cmd, env={draw(st.sampled_from(["KVT_DOCS_URL", "KVT_SITE_URL", "KVT_REPO_URL"])):
                                         draw(st.sampled_from(["javascript:alert(1)", "https://x/\"><img>", "ftp://x",
                                                               "http://a b"]))})
    return Case("env-flag", cmd, env={"KVT_REGENERATE_EXAMPLES": draw(_not({"", "0", "1"}).filter(bool))})


#: Mutations that only the integrity check refuses (a verdict or summary that does not follow from the
#: assessment): ``kvt evidence diff`` compares results as stored, edited or not, so it is not given these.
INTEGRITY_ONLY = (5, 6)
#: The mark of words edited into a result's summary (mutation 6), which no reader may show.
EDITED = "HANDWRITTEN7f3a"


def _mutate(draw, which: int, for_diff: bool = False) -> bytes:
    """A result file that no reader may accept."""
    data = json.loads(json.dumps(BASE))
    if which == 0:
        return draw(st.binary(max_size=300))
    if which == 1:
        text = json.dumps(data)
        return text[: draw(st.integers(0, len(text) - 1))].encode()
    if which == 2:
        depth = draw(st.integers(1_000, 20_000))
        data["assessment"]["deep"] = None
        return json.dumps(data).replace('"deep": null', '"deep": ' + "[" * depth + "]" * depth).encode()
    if which == 3:
        return json.dumps(data).replace('"duration_s": ', '"duration_s": ' + "9" * draw(st.integers(4301, 9000)),
                                        1).encode()
    if which == 4:
        name = next(iter(data["claim"]["thresholds"]))
        data["claim"]["thresholds"][name]["value"] = "@@NONFINITE@@"
        token = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999"]))
        return json.dumps(data).replace('"@@NONFINITE@@"', token).encode()
    if which == 5:
        from tests.test_edited_results import OTHER

        data["verdict"] = OTHER[data["verdict"]]
    elif which == 6:
        # Prose is rendered on read from the stored decision (evidence.results.render): the edit must not show.
        data["summary"] += f" {EDITED}" + draw(st.text(min_size=1, max_size=20))
    elif which == 7:
        # (a schema-1 file is one the diff reads, as an older layout; the other readers ask for a rerun)
        data["schema_version"] = draw(st.sampled_from([3, "2", None, 2.5] + ([] if for_diff else [1])))
    elif which == 8:
        key = draw(st.sampled_from(["claim", "assessment", "provenance", "subjects", "verdict", "venue"]))
        data[key] = draw(st.sampled_from([None, 1, "x", [], True]))
    elif which == 9:
        data.pop(draw(st.sampled_from(["claim", "assessment", "provenance", "subjects", "verdict", "code_hash"])))
    elif which == 10:
        data["provenance"][draw(st.sampled_from(["date", "python"]))] = draw(junk.filter(lambda t: not t[:1].isdigit()))
    elif which == 11:
        data["venue"] = "gpu-h200"  # the file's name says cpu-2core
    else:
        data["findings"]["a"] = "x" * draw(st.integers(1024 * 1024 + 1, 3 * 1024 * 1024))  # past the string limit
    return json.dumps(data).encode()


@st.composite
def result_cases(draw) -> Case:
    """Bad results folders and result files, read by every command that reads results."""
    which = draw(st.integers(0, 3))
    if which == 0:
        folder = draw(st.sampled_from(["{d}/none", "/dev/null", "{d}/f", "{d}/empty", "{d}/misnamed"]))
        cmd = draw(st.sampled_from([["claims"], ["evidence", "show"], ["advise", "--no-input"],
                                    ["evidence", "show", "--format", "csv"]]))
        files = {"f": b"x", "empty/.keep": b"", "misnamed/Architecture.json.bak.json": b"{}"}
        return Case("results-folder", [*cmd, "--results-dir", folder], files=files)
    mutation = draw(st.integers(0, 12).filter(lambda m: which != 2 or m not in INTEGRITY_ONLY))
    files = {"r/architecture.cpu-2core.json": _mutate(draw, mutation, for_diff=which == 2)}
    hidden = EDITED if mutation == 6 else None
    if which == 1:
        return Case("result-advise", ["advise", "--no-input", "--results-dir", "{d}/r"], files=files, hidden=hidden)
    if which == 2:
        return Case("result-diff", ["evidence", "diff", "{d}/r", str(COMMITTED_RESULTS)], files=files)
    fmt = draw(st.sampled_from(["table", "json", "csv"]))
    return Case("result-show", ["evidence", "show", "--format", fmt, "--results-dir", "{d}/r"], files=files,
                reported_ok=True, hidden=hidden)


@st.composite
def answers_cases(draw) -> Case:
    """Bad answers files: bytes, TOML and JSON with unknown questions or answers, nesting, huge numbers."""
    from advisor.questions import QUESTIONS

    which = draw(st.integers(0, 4))
    ids = [q.id for q in QUESTIONS]
    if which == 0:
        key = draw(st.text(string.ascii_letters + "_", min_size=1, max_size=20).filter(lambda k: k not in ids))
        body, suffix = f'{key} = "x"\n'.encode(), ".toml"
    elif which == 1:
        q = draw(st.sampled_from(QUESTIONS))
        value = draw(junk).replace("\\", "").replace('"', "") + "!no"
        body, suffix = json.dumps({q.id: value}).encode(), ".json"
    elif which == 2:
        depth = draw(st.integers(40, 50_000))
        body, suffix = ('{"goal": ' + "[" * depth + "]" * depth + "}").encode(), ".json"
    elif which == 3:
        body, suffix = ('{"scale": ' + "7" * draw(st.integers(4301, 6000)) + "}").encode(), ".json"
    else:
        body = draw(st.binary(min_size=1, max_size=200).filter(lambda b: b.strip() and not b.strip().startswith(b"#")))
        body, suffix = b"\xff" + body, draw(st.sampled_from([".toml", ".json", ".txt"]))
    return Case("answers", ["advise", "--answers", "{d}/a" + suffix, "--no-input", "--results-dir",
                            str(COMMITTED_RESULTS)], files={"a" + suffix: body})


def _part(**change) -> dict:
    part = {"kind": "partial-result", "schema_version": 2, "claim": "architecture", "shard": "1/2", "unit": "claim",
            "planned_subjects": ["keras"], "assigned": ["keras"], "code_hash": "0" * 64, "venue": "cpu-2core",
            "reruns": 1, "provenance": BASE["provenance"], "runs": []}
    part.update(change)
    return part


@st.composite
def part_cases(draw) -> Case:
    """Bad parts of split runs for ``kvt evidence merge``."""
    which = draw(st.integers(0, 5))
    name = "p/architecture.cpu-2core.shard-1-of-2.json"
    if which == 0:
        body = draw(st.binary(max_size=200))
    elif which == 1:
        body = json.dumps(draw(st.sampled_from([[], 1, "x", None, {"kind": "result"}]))).encode()
    elif which == 2:
        i = draw(st.integers(2, 50))
        body = json.dumps(_part(shard=f"{i}/{draw(st.integers(1, i - 1))}")).encode()
    elif which == 3:
        body = json.dumps(_part(planned_subjects=[], assigned=[])).encode()
    elif which == 4:
        body = json.dumps(_part(assigned=["keras", draw(st.text(string.ascii_lowercase, min_size=1, max_size=9))
                                          + "_outside"])).encode()
    else:
        body = json.dumps(_part()).encode()  # code of another checkout (hash 0…0)
    target = draw(st.sampled_from(["{d}/out", "/dev/null", "{d}/p/" + name.split("/")[1]]))
    return Case("merge", ["evidence", "merge", "{d}/" + name, "--results-dir", target], files={name: body})


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@st.composite
def check_cases(draw) -> Case:
    """Bad paths for ``kvt check``: not a zip, no config, a config that is no Keras object, a deep config, a zip
    bomb, a module without build_model(), invalid Python, unknown users, paths too long."""
    which = draw(st.integers(0, 8))
    if which == 0:
        return Case("check", ["check", "{d}/m.keras"], files={"m.keras": draw(st.binary(max_size=300))})
    if which == 1:
        members = {draw(st.text(string.ascii_lowercase, min_size=1, max_size=8)) + ".bin": b"x"}
        return Case("check", ["check", "{d}/m.keras"], files={"m.keras": _zip(members)})
    if which == 2:
        config = draw(st.sampled_from([b"[]", b"1", b'{"no": "class"}', b"\xff", b"{", b"NaN"]))
        return Case("check", ["check", "{d}/m.keras"], files={"m.keras": _zip({"config.json": config})})
    if which == 3:
        depth = draw(st.integers(101, 30_000))
        config = ('{"class_name": "X", "config": ' + "[" * depth + "]" * depth + "}").encode()
        return Case("check", ["check", "{d}/m.keras"], files={"m.keras": _zip({"config.json": config})})
    if which == 4:
        size = draw(st.integers(2, 40)) * 1024 * 1024
        bomb = _zip({"config.json": b'{"class_name": "Sequential", "pad": "' + b" " * size + b'"}'})
        return Case("check", ["check", "{d}/m.keras"], files={"m.keras": bomb})
    if which == 5:
        source = draw(st.text(max_size=200).filter(lambda s: "build_model" not in s and "\x00" not in s))
        return Case("check", ["check", "{d}/m.py"], files={"m.py": source.encode("utf-8", "replace")})
    if which == 6:
        return Case("check", ["check", "~" + draw(st.text(string.ascii_lowercase, min_size=6, max_size=12))
                              + "nosuchuser/x.keras"])
    if which == 7:
        return Case("check", ["check", "/tmp/" + "a" * draw(st.integers(256, 5000)) + ".keras"])
    return Case("check", ["check", "{d}/m." + draw(st.sampled_from(["h5", "pb", "txt", "keras.bak", "pt"]))],
                files={"m." + "x": b""})


ALL = st.one_of(flag_cases(), env_cases(), result_cases(), answers_cases(), part_cases(), check_cases())
