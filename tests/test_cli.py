"""The CLI: listing, showing, bad input, and no framework imports on the fast paths."""

from __future__ import annotations

import json
import shutil
import sys

from evidence.registry import claim_ids
from tests.conftest import ROOT, VENUE, kvt, result_file

FRAMEWORK_ROOTS = ("tensorflow", "keras", "jax", "jaxlib", "torch")


def _community_result(tmp_path):
    proc = kvt("evidence", "run", "community", "--results-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return tmp_path


def test_claims_lists_every_claim_with_its_verdict(tmp_path):
    _community_result(tmp_path)
    proc = kvt("claims", "--format", "json", "--results-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    rows = {r["id"]: r for r in json.loads(proc.stdout)}
    assert list(rows) == claim_ids()
    assert {"architecture", "backend_portability", "community"} <= set(rows)
    assert rows["architecture"]["verdict"] == "not run"
    assert rows["community"]["verdict"] in {"supported", "partly supported", "refuted", "inconclusive"}
    assert rows["community"]["stale"] is False and rows["community"]["venue"] == VENUE
    # community reads a dated listing: it depends on no machine, so no venue is stamped on its verdict.
    assert rows["community"]["machine_dependent"] is False
    table = kvt("claims", "--results-dir", str(tmp_path))
    assert table.returncode == 0 and "backend_portability" in table.stdout
    from kvt.rows import verdict_text

    assert verdict_text(rows["community"] | {"reruns": []}).endswith("(on any machine)")
    assert verdict_text(rows["community"] | {"machine_dependent": True, "reruns": []}).endswith(f"on {VENUE}")


def test_show_json_has_id_verdict_summary_provenance(tmp_path):
    _community_result(tmp_path)
    proc = kvt("evidence", "show", "--format", "json", "--results-dir", str(tmp_path))
    rows = json.loads(proc.stdout)
    community = next(r for r in rows if r["id"] == "community")
    assert {"id", "verdict", "summary", "provenance"} <= set(community)
    assert community["provenance"]["mode"] == "full"
    assert community["provenance"]["packages"]["numpy"]
    assert "376 third-party packages" in community["summary"]  # computed from the data file and reviewed list


def test_show_marks_a_result_stale_when_the_claims_code_changed(tmp_path):
    _community_result(tmp_path)
    path = result_file(tmp_path, "community")
    data = json.loads(path.read_text())
    data["code_hash"] = "0" * 64
    path.write_text(json.dumps(data))
    proc = kvt("evidence", "show", "community", "--results-dir", str(tmp_path))
    assert proc.returncode == 0
    assert "(stale)" in proc.stdout
    rows = json.loads(kvt("claims", "--format", "json", "--results-dir", str(tmp_path)).stdout)
    assert next(r for r in rows if r["id"] == "community")["stale"] is True


def test_an_invalid_result_file_is_reported_not_a_traceback(tmp_path):
    result_file(tmp_path, "community").write_text("{broken")
    proc = kvt("evidence", "show", "--results-dir", str(tmp_path))
    assert proc.returncode == 0
    assert "invalid" in proc.stdout and "Traceback" not in proc.stderr


def test_a_schema_1_file_is_shown_as_needing_a_rerun(tmp_path):
    (tmp_path / "community.json").write_text(json.dumps({"schema_version": 1, "verdict": "refuted"}))
    rows = json.loads(kvt("claims", "--format", "json", "--results-dir", str(tmp_path)).stdout)
    row = next(r for r in rows if r["id"] == "community")
    assert row["verdict"] == "invalid" and "needs a rerun of community" in row["summary"]


def test_schema_describes_every_claims_assessment():
    proc = kvt("evidence", "schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    assert len(schema["oneOf"]) == len(claim_ids())
    community = schema["$defs"]["CommunityAssessment"]
    assert "noise band" in community["properties"]["noise_band"]["description"]


def test_show_csv_flattens_the_assessment(tmp_path):
    _community_result(tmp_path)
    proc = kvt("evidence", "show", "community", "--format", "csv", "--results-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "claim,venue,field,value"
    assert any(line.startswith(f"community,{VENUE},signals.packages.tensorflow,376") for line in lines)


def test_abbreviated_flags_are_refused():
    proc = kvt("evidence", "show", "--form", "json")
    assert proc.returncode == 2 and "unrecognized arguments: --form" in proc.stderr


def test_unknown_claim_exits_2_naming_the_valid_ones():
    for args in (["evidence", "run", "nonsense"], ["evidence", "show", "nonsense"]):
        proc = kvt(*args)
        assert proc.returncode == 2
        assert "Unknown claim 'nonsense'" in proc.stderr
        assert f"Expected one of: {', '.join(claim_ids())}" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_unknown_subject_exits_2_naming_the_valid_ones():
    proc = kvt("evidence", "run", "community", "--subjects", "keras-theano")
    assert proc.returncode == 2
    assert "Unknown subject(s) 'keras-theano'" in proc.stderr and "pypi-listing" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_fast_paths_import_no_framework(tmp_path):
    shutil.copytree(ROOT / "evidence" / "results", tmp_path / "results", dirs_exist_ok=True)
    _community_result(tmp_path / "results")
    code = (
        "import sys, io, contextlib\n"
        "from kvt.cli import main\n"
        f"d = {str(tmp_path / 'results')!r}\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['claims', '--results-dir', d])\n"
        "    main(['claims', '--format', 'json', '--results-dir', d])\n"
        "    main(['evidence', 'show', '--results-dir', d])\n"
        "    main(['evidence', 'show', 'architecture', '--format', 'json', '--results-dir', d])\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORK_ROOTS!r}))\n"
    )
    import subprocess

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_a_claim_module_that_cannot_be_loaded_is_a_usage_error():
    for extra, message in (("fake=kvt_no_such_module", "'kvt_no_such_module' cannot be imported"),
                           ("fake=json", "module 'json' defines no CLAIM"),
                           ("fake", "entries of the form id=module")):
        proc = kvt("claims", env={"KVT_EXTRA_CLAIMS": extra})
        assert proc.returncode == 2, extra
        assert message in proc.stderr and "Traceback" not in proc.stderr
