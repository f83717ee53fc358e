"""``python -m evidence.rejudge CLAIM DIR`` re-judges stored measurements with today's code: on a copy of the
committed results it keeps the verdict and the words, writes today's code hash, and the result reads back fresh."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from tests.site_helpers import COMMITTED_RESULTS
from tests.support.imports import ROOT


def test_rejudge_keeps_the_verdict_and_writes_todays_hash(tmp_path):
    from evidence.results import is_stale, load_result

    folder = tmp_path / "results"
    folder.mkdir()
    source = COMMITTED_RESULTS / "architecture.cpu-2core.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    data["code_hash"] = "0" * 64  # as if made by other code: stale, same measurements
    (folder / source.name).write_text(json.dumps(data), encoding="utf-8")
    assert is_stale(load_result("architecture", folder)) is True
    proc = subprocess.run([sys.executable, "-m", "evidence.rejudge", "architecture", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"architecture on cpu-2core: {data['verdict']} -> {data['verdict']}" in proc.stdout
    again = load_result("architecture", folder)
    assert again is not None and is_stale(again) is False
    assert again.verdict == data["verdict"] and again.summary == data["summary"]
    assert again.provenance.date == data["provenance"]["date"]  # when and where it was measured: kept
    shutil.rmtree(folder)
