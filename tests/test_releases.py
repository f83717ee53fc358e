"""Release sets: what cannot run on a release is unavailable with the reason, never a crash; the Then and now page."""

from __future__ import annotations

import json
import os
import sys
import tomllib
from pathlib import Path

import pytest

from evidence import releases, runner
from evidence.releases import env as release_env
from evidence.releases import manifest as release_manifest
from evidence.releases import run as release_run
from evidence.runner import CellOutcome
from kvt_docs.then_and_now import render_then_and_now
from tests.conftest import ROOT, VENUE, result_file

EXTRA = "fake=tests.fake_claims,splittable=tests.shard_claims"


@pytest.fixture
def extra_claims(monkeypatch):
    monkeypatch.setenv("KVT_EXTRA_CLAIMS", EXTRA)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    from evidence import registry

    registry.get_claim.cache_clear()
    yield
    registry.get_claim.cache_clear()


def test_the_release_sets_pin_what_they_say():
    sets = releases.RELEASE_SETS
    assert {"keras-2.15", "keras-3.0", "today"} <= set(sets)
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["evidence"]
    assert sets["today"].pins() == tuple(extra)
    old = sets["keras-2.15"].pins()
    assert "tensorflow-cpu==2.15.1" in old and "keras==2.15.0" in old
    assert {"jax", "torch"} <= set(sets["keras-2.15"].absent)
    first = sets["keras-3.0"].pins()
    assert any(p.startswith("keras==3.0.") for p in first) and "tensorflow-cpu==2.16.1" in first
    assert "torch" in sets["keras-3.0"].absent and not any(p.startswith("torch") for p in first)
    assert [s.released for s in sets.values()] == sorted(s.released for s in sets.values())
    # Environments are cached outside the checkout, one per set and pins.
    paths = {releases.environment_path(s) for s in sets.values()}
    assert len(paths) == len(sets) and not any(ROOT in p.parents for p in paths)
    with pytest.raises(releases.ReleaseError,
                       match=r"Expected one of: keras-2\.2, keras-2\.15, keras-3\.0, today, latest"):
        releases.get_release_set("keras-1.0")


def test_the_latest_set_unpins_the_four_frameworks_and_keeps_the_rest():
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["evidence"]
    latest = releases.RELEASE_SETS["latest"].pins()
    assert {"tensorflow-cpu", "keras", "jax[cpu]", "torch"} <= set(latest)
    assert not any(p.startswith(("torch==", "keras==", "jax[cpu]==", "tensorflow-cpu==")) for p in latest)
    kept = [p for p in extra if releases.requirement_name(p) not in releases.LATEST_FLOATING]
    assert kept and all(p in latest for p in kept) and len(latest) == len(extra)
    assert releases.unpinned("jax[cpu]==0.10.*") == "jax[cpu]"
    assert releases.requirement_name("jax[cpu]==0.10.*") == "jax"


def test_a_floating_set_gets_a_fresh_environment_each_week(monkeypatch):
    latest = releases.RELEASE_SETS["latest"]
    this_week = releases.environment_path(latest)
    epoch = releases.time.gmtime(0)
    monkeypatch.setattr(releases.time, "gmtime", lambda *a: epoch)
    assert releases.environment_path(latest) != this_week
    # A pinned set's environment does not move with the calendar.
    today = releases.RELEASE_SETS["today"]
    assert releases.environment_path(today) == releases.environment_path(today)


def test_a_subject_needing_an_absent_framework_is_unavailable(extra_claims):
    from evidence.registry import get_claim

    old = releases.RELEASE_SETS["keras-2.15"]
    fake = get_claim("fake")
    # `ok` runs under KERAS_BACKEND=jax, `missing` needs a module of its own, `crash` needs nothing.
    assert "jax is not part of the keras-2.15 release set" in old.unavailable_reason(fake, "ok")
    assert old.unavailable_reason(fake, "crash") is None
    assert releases.RELEASE_SETS["today"].unavailable_reason(fake, "ok") is None


def test_an_api_the_release_lacks_is_unavailable_and_other_failures_stay_failures():
    old = releases.RELEASE_SETS["keras-2.15"]
    gap = CellOutcome("failed", "worker exited 1", "Traceback ...\nAttributeError: module 'keras' has no attribute "
                                                   "'ops'", 2.0)
    explained = old.explain(gap)
    assert explained.status == "unavailable" and explained.stderr_tail == gap.stderr_tail
    assert "the keras-2.15 release set lacks (keras): AttributeError: module 'keras' has no attribute 'ops'" \
        in explained.reason
    cannot_import = CellOutcome("failed", "x", "ImportError: cannot import name 'ops' from 'keras' (/x.py)")
    assert old.explain(cannot_import).status == "unavailable"
    crash = CellOutcome("failed", "x", "RuntimeError: deliberate crash\nAttributeError: 'NoneType' object has no "
                                       "attribute 'shape'")
    assert old.explain(crash) is crash
    ok = CellOutcome("ok")
    assert old.explain(ok) is ok


def test_the_runner_asks_the_active_release_set(extra_claims, monkeypatch, tmp_path):
    monkeypatch.setenv(releases.RELEASE_ENV, "keras-2.15")
    [result] = runner.run(["fake"], quick=True, subjects=["ok", "crash"], results_dir=tmp_path)
    assert result.subjects["ok"].status == "unavailable"
    assert "Keras 2.15 runs on TensorFlow only" in result.subjects["ok"].reason
    assert result.subjects["crash"].status == "failed"  # a real crash is never explained away
    monkeypatch.setenv(releases.RELEASE_ENV, "nope")
    with pytest.raises(releases.ReleaseError):
        releases.active()


def test_a_release_run_records_each_claim_and_never_crashes(extra_claims, monkeypatch, tmp_path):
    """One claim runs; one cannot even load (its module is missing there): unavailable with the reason."""
    monkeypatch.setenv("KVT_EXTRA_CLAIMS", EXTRA + ",broken=tests.no_such_module")
    monkeypatch.setattr(release_env, "ensure_environment",
                        lambda release, log: (Path(sys.executable), {"install_s": 1.5, "pip_check": "ok"}))
    manifest = release_run.run_release(releases.RELEASE_SETS["keras-3.0"], ["splittable", "broken"], ["--quick"],
                                    results_root=tmp_path, log=lambda *_: None)
    folder = tmp_path / "keras-3.0"
    assert manifest.claims["splittable"].status == "ran" and manifest.claims["splittable"].verdict == "supported"
    assert result_file(folder, "splittable").exists()
    broken = manifest.claims["broken"]
    assert broken.status == "unavailable" and "tests.no_such_module" in broken.reason
    assert manifest.mode == "quick" and manifest.install_s == 1.5 and manifest.installed["pydantic"]
    assert release_manifest.load_manifest(folder) == manifest
    (folder / releases.MANIFEST).write_text("{}")
    with pytest.raises(releases.ReleaseError, match="not a valid release manifest"):
        release_manifest.load_manifest(folder)



def test_a_claim_the_set_does_not_run_is_unavailable_with_why_and_writes_nothing(extra_claims, monkeypatch,
                                                                                   tmp_path):
    """A claim a release set declares not run (its programs need a later API) is recorded unavailable with the
    set's reason; no worker starts and no result file is written, so no verdict is published for it."""
    from dataclasses import replace

    monkeypatch.setattr(release_env, "ensure_environment",
                        lambda release, log: (Path(sys.executable), {"install_s": 1.5, "pip_check": "ok"}))
    release = replace(releases.RELEASE_SETS["keras-3.0"], not_run={"splittable": "its programs need keras.ops.x"})
    manifest = release_run.run_release(release, ["splittable"], ["--quick"], results_root=tmp_path,
                                    log=lambda *_: None)
    outcome = manifest.claims["splittable"]
    assert outcome.status == "unavailable" and outcome.verdict is None
    assert outcome.reason == "not run on keras-3.0: its programs need keras.ops.x"
    assert not list((tmp_path / "keras-3.0").glob("splittable.*.json"))
    # The sets themselves name why each claim they leave out is left out.
    for name in ("keras-2.15", "keras-3.0"):
        assert releases.RELEASE_SETS[name].not_run and all(releases.RELEASE_SETS[name].not_run.values())

def _release_folder(root: Path, name: str, source: Path, verdict: str, claims: dict) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    data = json.loads(result_file(source, "splittable").read_text())
    if verdict != data["verdict"]:  # that release's own numbers: a verdict follows from the assessment (issue 26)
        from evidence.registry import get_claim

        claim = get_claim("splittable")
        data["assessment"]["best"] = next(s for s in data["assessment"]["scores"] if s != "beta")
        judged = claim.verdict(claim.assessment_type.model_validate(data["assessment"]))
        data["verdict"], data["summary"] = judged.verdict, judged.summary
        data["decision"] = judged.decision.model_dump(mode="json")
    assert data["verdict"] == verdict
    data["provenance"]["packages"]["keras"] = {"keras-2.15": "2.15.0", "keras-3.0": "3.0.5"}[name]
    result_file(folder, "splittable").write_text(json.dumps(data))
    release = releases.RELEASE_SETS[name]
    manifest = release_manifest.ReleaseRun(
        release_set=name, title=release.title, released=release.released, notes=release.notes,
        requirements=list(release.pins()), absent=release.absent, python="3.11.7",
        installed={"tensorflow-cpu": "2.15.1", "keras": data["provenance"]["packages"]["keras"]},
        pip_check="No broken requirements found.", install_s=40.0, date="2026-12-01T10:00:00+00:00", mode="quick",
        claims={k: release_manifest.ClaimOutcome(**v) for k, v in claims.items()})
    (folder / releases.MANIFEST).write_text(manifest.model_dump_json())
    return folder


def test_then_and_now_shows_verdicts_side_by_side_and_the_drift_in_words(extra_claims, tmp_path):
    committed = tmp_path / "results"
    runner.run(["splittable"], quick=True, results_dir=committed)
    root = tmp_path / "releases"
    _release_folder(root, "keras-2.15", committed, "inconclusive",
                    {"splittable": {"status": "ran", "verdict": "inconclusive", "seconds": 1.0},
                     "fake": {"status": "unavailable", "reason": "needs keras.ops", "seconds": 0.5}})
    _release_folder(root, "keras-3.0", committed, "supported",
                    {"splittable": {"status": "ran", "verdict": "supported", "seconds": 1.0}})
    page = render_then_and_now(committed, root)
    assert page.startswith("# Then and now")
    # The verdicts that changed come first, per claim, in words, with the sets they held in.
    changed = page.index("## Verdicts that changed")
    assert changed < page.index("## The release sets") < page.index("## Verdicts side by side")
    assert ("**inconclusive** in the Keras 2.15.0 set (2023-11); then **supported** in the Keras 3.0.5 set "
            "(2024-03) to today's results.") in page[changed:]
    assert f"| claim | keras-2.15 ({VENUE}) | keras-3.0 ({VENUE}) | committed ({VENUE}) |" in page
    assert "| splittable | **inconclusive** | **supported** | **supported** |" in page
    assert "| fake | unavailable: needs keras.ops | not run | not run |" in page
    assert ("From `keras-2.15` to `keras-3.0`: the verdict went from **inconclusive** to **supported**; "
            "1 field(s) changed (<code>best</code> alpha → beta) (keras 2.15.0 → 3.0.5)") in page
    assert "From `keras-3.0` to `committed`: nothing in the assessment changed (keras 3.0.5 → 3.15.1)" in page
    assert "| `keras-2.15` | 2023-11 | 2.15.1 | 2.15.0 |" in page
    # It reads verdicts and assessments, never the raw measurements.
    path = result_file(committed, "splittable")
    data = json.loads(path.read_text())
    data["subjects"]["beta"]["measurements"] = {"score": -1}
    path.write_text(json.dumps(data))
    assert render_then_and_now(committed, root) == page
    # A result whose verdict does not follow from its assessment is refused alone; the rest of its set stays.
    edited = result_file(root / "keras-2.15", "splittable")
    edited.write_text(edited.read_text().replace('"verdict": "inconclusive"', '"verdict": "supported"'))
    page = render_then_and_now(committed, root)
    assert "| splittable | not shown: edited by hand: refused | **supported** | **supported** |" in page
    assert "| `keras-2.15` | 2023-11 |" in page and "Results that could not be read" not in page
    empty = tmp_path / "none"
    empty.mkdir()
    assert "No release set has been run yet" in render_then_and_now(committed, empty)


def test_release_results_committed_are_readable():
    """Every committed release folder has a manifest, and its results are v2 results the diff can read."""
    from evidence.drift import load_source

    for folder in sorted(p for p in releases.RELEASES_DIR.glob("*") if p.is_dir()):
        manifest = release_manifest.load_manifest(folder)
        assert manifest is not None and manifest.release_set == folder.name
        source = load_source(str(folder))
        assert {c for c, _ in source.results} <= set(manifest.claims)
        assert all(s.schema == 2 for s in source.results.values())


def test_the_era_set_is_multi_backend_keras_2_2_on_theano_and_asks_pip_for_the_other_engines():
    era = releases.RELEASE_SETS["keras-2.2"]
    assert "keras==2.2.4" in era.pins() and "Theano==1.0.5" in era.pins() and era.released == "2018-10"
    assert set(era.attempts) == {"tensorflow", "cntk"}  # tried, so what pip says is the record
    assert "numpy" in era.replaces_base and not any(b.startswith("numpy") for b in era.base())
    assert any(b.startswith("numpy") for b in releases.base_dependencies())
    # Every shim the set names exists and says what it restores; no library file is named.
    for name in era.shims:
        assert (release_env.SHIMS_DIR / f"{name}.py").is_file() and "Python 3.10 removed" in \
            release_env.shim_purpose(name)
    assert release_env.run_environment(era, Path("/e/bin/python"))["THEANO_FLAGS"].endswith("base_compiledir=/e/theano")
    # The older sets keep the environments they had (their key does not grow).
    assert releases.environment_path(releases.RELEASE_SETS["keras-2.15"]).name.startswith("keras-2.15-")


def test_the_collections_shim_restores_the_aliases_python_3_10_removed():
    import subprocess

    shim = release_env.SHIMS_DIR / "collections_aliases.py"
    code = f"import runpy, collections; runpy.run_path({str(shim)!r}); print(collections.Iterable.__module__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "collections.abc"


def test_what_pip_could_not_install_makes_the_subject_unavailable_with_pips_error(tmp_path):
    from evidence.registry import get_claim

    record = {"python": "3.11.7", "attempts": {
        "cntk": {"requirements": ["cntk"], "installed": False,
                 "error": "ERROR: No matching distribution found for cntk"},
        "theano": {"requirements": ["Theano"], "installed": True, "error": None}}}
    (tmp_path / releases.INSTALL_RECORD).write_text(json.dumps(record))
    absent = releases.measured_absent(tmp_path)
    assert set(absent) == {"cntk"} and absent["cntk"].endswith("No matching distribution found for cntk")
    assert releases.measured_absent(tmp_path / "none") == {}
    era = releases.RELEASE_SETS["keras-2.2"].with_absent(absent)
    architecture = get_claim("architecture")
    why = era.unavailable_reason(architecture, "backend-cntk")
    assert "cntk is not part of the keras-2.2 release set: pip could not install cntk on Python 3.11.7" in why
    assert era.unavailable_reason(architecture, "backend-theano") is None
    # Elsewhere the old names are tried: what Keras does with them is the measurement.
    assert releases.RELEASE_SETS["today"].unavailable_reason(architecture, "backend-cntk") is None


def test_pips_error_is_kept_short_and_its_warnings_left_out():
    import subprocess

    versions = ", ".join(f"2.{i}.0" for i in range(12, 22))
    proc = subprocess.CompletedProcess([], 1, "", f"WARNING: Location x is ignored\nERROR: Could not find a version "
                                                 f"that satisfies the requirement tensorflow<2 (from versions: "
                                                 f"{versions})\nERROR: No matching distribution found for tensorflow<2")
    said = release_env.pip_error(proc)
    assert "WARNING" not in said and "(from versions: 2.12.0 ... 2.21.0, 10 in all)" in said
    assert said.endswith("No matching distribution found for tensorflow<2")


def test_the_release_package_does_not_import_the_runner():
    """The runner imports the release sets; the sets never import the runner (no import circle)."""
    import subprocess

    code = ("import sys, evidence.releases, evidence.releases.run, evidence.releases.env, "
            "evidence.releases.manifest; print('evidence.runner' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    assert out.strip() == "False"
    for path in (ROOT / "evidence" / "releases").rglob("*.py"):
        assert "evidence.runner" not in path.read_text(), path
