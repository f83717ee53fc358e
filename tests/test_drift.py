"""The drift report: verdicts, numbers beyond their spread, subjects, versions; folders and git revisions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from evidence import drift, runner
from tests.conftest import ROOT, VENUE, kvt, result_file

EXTRA = "fake=tests.fake_claims,splittable=tests.shard_claims"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A real result of the splittable claim, made once by the runner (no framework)."""
    old = {k: os.environ.get(k) for k in ("KVT_EXTRA_CLAIMS", "PYTHONPATH")}
    os.environ["KVT_EXTRA_CLAIMS"] = EXTRA
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), old["PYTHONPATH"]]))
    from evidence import registry

    registry.get_claim.cache_clear()
    folder = tmp_path_factory.mktemp("base")
    try:
        runner.run(["splittable"], quick=True, results_dir=folder)
        yield folder
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        registry.get_claim.cache_clear()


def variant(base, tmp_path, name, change=None):
    """A copy of the base folder whose splittable result ``change`` edited."""
    folder = tmp_path / name
    shutil.copytree(base, folder)
    if change:
        path = result_file(folder, "splittable")
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    return folder


def rows(old, new, **kw):
    return [(c.kind, c.where, c.old, c.new) for c in drift.compare(drift.load_source(str(old)),
                                                                    drift.load_source(str(new)), **kw)]


def test_the_same_results_have_no_drift(base, tmp_path):
    assert rows(base, variant(base, tmp_path, "same")) == []
    proc = kvt("evidence", "diff", str(base), str(base), env={"KVT_EXTRA_CLAIMS": EXTRA})
    assert proc.returncode == 0 and proc.stdout.startswith("No drift"), proc.stdout + proc.stderr


def test_each_kind_of_change_is_reported(base, tmp_path):
    def change(d):
        a = d["assessment"]
        a["spread"]["beta"] = {"estimate": 9.0, "low": 8.0, "high": 10.0, "level": 0.9, "method": "m"}  # disjoint
        a["spread"]["alpha"]["estimate"] = 3.9  # inside its own interval: noise
        a["spread"]["gamma"].update(estimate=4.5, low=3.5, high=5.5)  # overlaps the old one: not moved
        a["scores"]["delta"] = 2  # a whole number: any change counts
        a["missing"] = ["zeta (not run)"]
        a["extra_field"] = "new"
        d["verdict"] = "inconclusive"
        d["subjects"]["beta"]["status"] = "failed"
        d["subjects"]["zeta"] = dict(d["subjects"]["alpha"])
        del d["subjects"]["epsilon"]
        d["provenance"]["packages"]["keras"] = "2.15.0"
        d["provenance"]["mode"] = "full"

    found = rows(base, variant(base, tmp_path, "changed", change))
    assert found[0][:2] == ("version", "keras") and found[0][3] == "2.15.0"
    kinds = {(kind, where) for kind, where, _, _ in found}
    assert ("verdict", "") in kinds and ("mode", "") in kinds
    assert {("subject", "subjects.beta"), ("subject", "subjects.zeta"), ("subject", "subjects.epsilon")} <= kinds
    assert ("moved", "spread.beta") in kinds
    assert not {w for k, w in kinds if w in ("spread.alpha", "spread.gamma", "spread.alpha.estimate")}
    assert ("changed", "scores.delta") in kinds
    assert ("field", "missing") in kinds and ("field", "extra_field") in kinds
    assert next(r for r in found if r[1] == "spread.beta")[2:] == ("5 [4, 6]", "9 [8, 10]")
    assert next(r for r in found if r[1] == "subjects.epsilon")[2:] == ("ok", "—")


def test_a_number_without_spread_is_compared_with_a_tolerance(base, tmp_path):
    def frac(value):
        return lambda d: d["assessment"].update(ratio=value)

    old = variant(base, tmp_path, "old", frac(1.0))
    assert rows(old, variant(base, tmp_path, "near", frac(1.04))) == []
    assert rows(old, variant(base, tmp_path, "far", frac(1.2))) == [("changed", "ratio", "1", "1.2")]
    assert rows(old, variant(base, tmp_path, "far2", frac(1.2)), rtol=0.5) == []


def test_versions_are_one_row_per_package_and_change(base, tmp_path):
    def two_claims(folder, keras):
        data = json.loads(result_file(folder, "splittable").read_text())
        data["provenance"]["packages"]["keras"] = keras
        result_file(folder, "splittable").write_text(json.dumps(data))
        data["claim"]["id"] = "fake"
        result_file(folder, "fake").write_text(json.dumps(data))
        return folder

    old = two_claims(variant(base, tmp_path, "v1"), "3.0.5")
    new = two_claims(variant(base, tmp_path, "v2"), "3.15.1")
    changes = drift.compare(drift.load_source(str(old)), drift.load_source(str(new)))
    assert [(c.claim, c.kind, c.where, c.old, c.new) for c in changes] == [
        ("all", "version", "keras", "3.0.5", "3.15.1")]


def test_one_venue_each_side_is_compared_across_venues(base, tmp_path):
    gpu = variant(base, tmp_path, "gpu", lambda d: d.update(venue="gpu-h200", verdict="refuted"))
    result_file(gpu, "splittable").rename(gpu / "splittable.gpu-h200.json")
    found = rows(base, gpu)
    assert found[:2] == [("venue", "", VENUE, "gpu-h200"), ("verdict", "", "supported", "refuted")]


def test_an_older_schema_is_reported_not_misread(base, tmp_path):
    old = tmp_path / "legacy"
    old.mkdir()
    (old / "splittable.json").write_text(json.dumps({"schema_version": 1, "verdict": "refuted",
                                                      "claim": {"id": "splittable"}}))
    assert rows(old, base) == [("verdict", "", "refuted", "supported"), ("schema", "", "schema 1", "schema 2")]


def test_formats_and_exit_statuses(base, tmp_path):
    new = variant(base, tmp_path, "new", lambda d: d.update(verdict="refuted"))
    env = {"KVT_EXTRA_CLAIMS": EXTRA}
    table = kvt("evidence", "diff", str(base), str(new), env=env)
    assert table.returncode == 1 and "1 change(s)" in table.stdout and "supported" in table.stdout
    md = kvt("evidence", "diff", str(base), str(new), "--format", "markdown", env=env)
    assert md.returncode == 1
    assert "| claim | venue | kind | where | old | new |" in md.stdout
    assert f"| splittable | {VENUE} | verdict |  | supported | refuted |" in md.stdout
    js = kvt("evidence", "diff", str(base), str(new), "--format", "json", env=env)
    assert js.returncode == 1
    report = json.loads(js.stdout)
    assert report["counts"] == {"verdict": 1} and report["changes"][0]["new"] == "refuted"
    assert kvt("evidence", "diff", str(base), str(new), "--claims", "fake", env=env).returncode == 0


def test_bad_input_is_one_line_and_exit_2(base, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / f"splittable.{VENUE}.json").write_text("{oops")
    invalid = variant(base, tmp_path, "invalid", lambda d: d.pop("verdict"))
    for old, expected in ((str(tmp_path / "nowhere"), "is not a git revision"),
                          ("no-such-revision-xyz", "is not a git revision"),
                          ("HEAD:no/such/folder", "has no folder no/such/folder"),
                          (str(bad), "not readable JSON"),
                          (str(invalid), "verdict: Field required"),
                          (str(result_file(base, "splittable")), "a file; expected a results folder")):
        proc = kvt("evidence", "diff", old, str(base))
        assert proc.returncode == 2, (old, proc.stdout, proc.stderr)
        assert expected in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
        assert "Traceback" not in proc.stderr
    assert kvt("evidence", "diff", str(base), str(base), "--rtol", "2").returncode == 2


def test_a_git_revision_is_read_like_a_folder(tmp_path):
    names = subprocess.run(["git", "ls-tree", "--name-only", "HEAD:evidence/results"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    folder = tmp_path / "head"
    folder.mkdir()
    for name in names:
        if name.endswith(".json"):
            shown = subprocess.run(["git", "show", f"HEAD:evidence/results/{name}"], cwd=ROOT,
                                   capture_output=True, text=True, check=True).stdout
            (folder / name).write_text(shown)
    from_git, from_folder = drift.load_source("HEAD"), drift.load_source(str(folder))
    assert from_git.results == from_folder.results and from_git.results
    assert drift.load_source("HEAD:evidence/results").results == from_git.results


def test_pandas_waits_for_a_report():
    code = ("import sys, evidence.drift, kvt.commands.evidence_diff; "
            "assert 'pandas' not in sys.modules, 'pandas imported'")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
