"""Split runs: a deterministic share per shard, stage dependencies kept whole, and a merge judged as an unsplit run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from evidence import runner, shards
from evidence.registry import get_claim
from evidence.results import load_result
from tests.conftest import ROOT, VENUE, kvt, needs_frameworks, result_file

EXTRA = "fake=tests.fake_claims,splittable=tests.shard_claims"
SUBJECTS = ["ok", "staged", "alpha", "beta", "gamma", "delta", "epsilon"]


@pytest.fixture
def split_env(monkeypatch):
    """The fake claim (two stages) and the splittable claim (one stage), registered here and in workers."""
    monkeypatch.setenv("KVT_EXTRA_CLAIMS", EXTRA)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    from evidence import registry

    registry.get_claim.cache_clear()
    yield {"KVT_EXTRA_CLAIMS": EXTRA}
    registry.get_claim.cache_clear()


def _comparable(result) -> dict:
    """A result without what differs between any two runs: dates, durations, the machine's commit state."""
    data = result.model_dump(mode="json")
    data.pop("provenance")
    for subject in data["subjects"].values():
        subject.pop("duration_s")
    for rerun in data["reruns"]:
        rerun.pop("date"), rerun.pop("duration_s")
    return data


def test_shard_names_are_checked():
    assert shards.Shard.parse("2/3") == shards.Shard(2, 3) and str(shards.Shard.parse(" 1 / 1 ")) == "1/1"
    for bad in ("0/3", "4/3", "3", "a/b", "", "1/0"):
        with pytest.raises(ValueError, match="expected a shard I/N"):
            shards.Shard.parse(bad)


def test_claims_whose_stages_share_files_stay_whole(split_env):
    fake, splittable = get_claim("fake"), get_claim("splittable")
    chosen = {"fake": fake.subjects, "splittable": splittable.subjects}
    units = shards.units([fake, splittable], chosen, quick=True)
    # fake's second stage reads what its first wrote: one unit; splittable's subjects are independent.
    assert [u.subjects for u in units if u.claim == "fake"] == [fake.subjects]
    assert [u.subjects for u in units if u.claim == "splittable"] == [(s,) for s in splittable.subjects]
    assert [u.cells for u in units][:1] == [6]  # five first-stage cells and staged's second stage
    # Every unit lands in exactly one shard, the same on every call, and the loads are balanced.
    for count in (1, 2, 3, 7):
        plan = shards.assign(units, count)
        assert plan == shards.assign(units, count) and set(plan) <= set(range(1, count + 1))
        per_shard = [sum(u.cells for u, s in zip(units, plan, strict=True) if s == i) for i in range(1, count + 1)]
        assert max(per_shard) - min(per_shard) <= max(u.cells for u in units)
        picked = [shards.select([fake, splittable], chosen, shards.Shard(i, count), quick=True)
                  for i in range(1, count + 1)]
        for claim in ("fake", "splittable"):
            covered = [s for p in picked for s in p.get(claim, ())]
            assert sorted(covered) == sorted(chosen[claim])


def test_split_and_merge_gives_the_unsplit_result(split_env, tmp_path):
    """Three shards with two back-to-back runs each, merged: the same verdicts, assessments and subjects."""
    whole = {r.claim.id: r for r in runner.run(["fake", "splittable"], quick=True, subjects=SUBJECTS,
                                                 results_dir=tmp_path / "whole", reruns=2)}
    dirs = []
    for i in (1, 2, 3):
        dirs.append(tmp_path / f"part{i}")
        proc = kvt("evidence", "run", "fake", "splittable", "--quick", "--reruns", "2", "--shard", f"{i}/3",
                   "--subjects", *SUBJECTS, "--results-dir", str(dirs[-1]), env=split_env, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    parts = [p.name for d in dirs for p in d.iterdir()]
    assert sorted(parts) == sorted(f"{c}.{VENUE}.shard-{i}-of-3.json" for c, i in
                                   [("fake", 1), ("splittable", 2), ("splittable", 3)])
    # A partial result is no result: readers do not see it.
    assert load_result("splittable", dirs[1]) is None
    proc = kvt("evidence", "merge", *map(str, dirs), "--results-dir", str(tmp_path / "merged"), env=split_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for claim in ("fake", "splittable"):
        merged = load_result(claim, tmp_path / "merged")
        assert _comparable(merged) == _comparable(whole[claim])
        assert [r.verdict for r in merged.reruns] == [r.verdict for r in whole[claim].reruns]
        assert merged.provenance.subjects_run == whole[claim].provenance.subjects_run
    assert load_result("splittable", tmp_path / "merged").assessment.best == "beta"
    proc = kvt("evidence", "diff", str(tmp_path / "whole"), str(tmp_path / "merged"), env=split_env)
    assert proc.returncode == 0 and "No drift" in proc.stdout, proc.stdout + proc.stderr

    # Mismatched parts are refused in one line, and nothing is written.
    def refused(*sources, match):
        out = tmp_path / "refused"
        proc = kvt("evidence", "merge", *map(str, sources), "--results-dir", str(out), env=split_env)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert match in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert not out.exists()

    def edited(name: str, change) -> Path:
        folder = tmp_path / name
        shutil.copytree(dirs[2], folder)
        path = folder / f"splittable.{VENUE}.shard-3-of-3.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
        return folder

    refused(dirs[1], match="lacks subject(s) beta, delta: only shard(s) 2/3 of 3 were given")
    refused(dirs[1], edited("code", lambda d: d.update(code_hash="0" * 64)), match="different code (code hash)")
    refused(dirs[1], edited("keras", lambda d: d["provenance"]["packages"].update(keras="2.15.0")),
            match="ran different versions: keras")
    refused(dirs[1], edited("quick", lambda d: d["provenance"].update(mode="full")), match="different modes")
    refused(dirs[1], dirs[2], edited("twice", lambda d: None), match="shard 3/3 of splittable is given twice")
    gpu = edited("gpu", lambda d: d.update(venue="gpu-h200"))
    (gpu / f"splittable.{VENUE}.shard-3-of-3.json").rename(gpu / "splittable.gpu-h200.shard-3-of-3.json")
    refused(dirs[1], gpu, match="parts of splittable come from different venues")
    stale = edited("stale", lambda d: None)
    for part in stale.iterdir():
        data = json.loads(part.read_text())
        data["code_hash"] = "f" * 64
        part.write_text(json.dumps(data))
    refused(stale, match="this checkout's is")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / f"splittable.{VENUE}.shard-1-of-3.json").write_text("{not json")
    refused(broken, match="not readable JSON")
    (broken / f"splittable.{VENUE}.shard-1-of-3.json").write_text(json.dumps({"kind": "partial-result"}))
    refused(broken, match="does not match the partial-result schema")
    refused(tmp_path / "nowhere", match="no such file or folder")
    refused(tmp_path / "whole", match="no partial results")


def test_a_shard_with_no_cell_runs_nothing(split_env, tmp_path):
    proc = kvt("evidence", "run", "splittable", "--quick", "--subjects", "alpha", "--shard", "2/2",
               "--results-dir", str(tmp_path), env=split_env)
    assert proc.returncode == 0 and "nothing to run" in proc.stdout, proc.stdout + proc.stderr
    assert not list(tmp_path.iterdir())
    proc = kvt("evidence", "run", "splittable", "--shard", "3/2", env=split_env)
    assert proc.returncode == 2 and "expected a shard I/N" in proc.stderr


@pytest.mark.slow
@needs_frameworks
def test_a_real_claim_split_in_three_merges_to_its_unsplit_result(quick_results, tmp_path):
    """architecture (one stage, seven backends) in three shards against the session's unsplit quick run."""
    from evidence.drift import compare, load_source

    dirs = [tmp_path / f"p{i}" for i in (1, 2, 3)]
    for i, folder in enumerate(dirs, 1):
        proc = kvt("evidence", "run", "architecture", "--quick", "--shard", f"{i}/3", "--results-dir", str(folder))
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    proc = kvt("evidence", "merge", *map(str, dirs), "--results-dir", str(tmp_path / "merged"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    whole, merged = load_result("architecture", quick_results), load_result("architecture", tmp_path / "merged")
    assert (merged.verdict, merged.summary, merged.findings) == (whole.verdict, whole.summary, whole.findings)
    assert list(merged.subjects) == list(whole.subjects)
    assert result_file(tmp_path / "merged", "architecture").exists()
    # Apart from timings (intervals that may move between runs, fractional numbers with no spread), the same.
    whole_dir = tmp_path / "whole"
    whole_dir.mkdir()
    shutil.copy(result_file(quick_results, "architecture"), whole_dir)
    rows = compare(load_source(str(whole_dir)), load_source(str(tmp_path / "merged")), rtol=1.0)
    assert [r for r in rows if r.kind != "moved"] == []
