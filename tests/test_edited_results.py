"""Integrity on read: a result whose decision does not follow from its own assessment is refused as edited, by
``kvt evidence show``, the advisor and the site build (issue 26).

The decision (verdict code and the numbers it rests on) is recomputed on read through the claim's own decision
rule, found by the registry without importing the claim (and, for back-to-back runs, the runs' stability rule),
so setting ``"verdict": "supported"`` by hand no longer publishes a verdict nobody measured. The summary is prose
(issue 21): it is not compared, so rewording a claim's report leaves its results valid and fresh. Every committed
result, the release sets' included, passes the same check.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from evidence.results import ResultError, load_result
from tests.conftest import kvt
from tests.site_helpers import COMMITTED_RESULTS, build_site

CLAIM, VENUE = "community", "cpu-2core"
OTHER = {"supported": "refuted", "partly supported": "supported", "refuted": "supported", "outdated": "supported",
         "inconclusive": "supported"}


def _copy(tmp_path: Path, edit) -> Path:
    folder = tmp_path / "results"
    folder.mkdir(parents=True)
    for path in COMMITTED_RESULTS.glob("*.json"):
        shutil.copy2(path, folder / path.name)
    path = folder / f"{CLAIM}.{VENUE}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture
def edited(tmp_path) -> tuple[Path, str]:
    """Committed results with community's verdict set by hand to another verdict; (folder, edited verdict)."""
    stored = load_result(CLAIM, COMMITTED_RESULTS, VENUE).verdict
    folder = _copy(tmp_path, lambda d: d.update(verdict=OTHER[stored]))
    return folder, OTHER[stored]


def test_every_committed_result_follows_from_its_assessment():
    """The check refuses nothing that a run wrote: every committed result, release sets included."""
    from evidence.results import check_integrity

    # A user-contributed venue (`kvt check --time --out`, under contributed/) is no claim's result: there is no
    # verdict rule to recompute; tests/test_check_time.py checks those files.
    paths = sorted(p for p in COMMITTED_RESULTS.rglob("*.*.json")
                   if "contributed" not in p.relative_to(COMMITTED_RESULTS).parts)
    assert len(paths) >= 8
    needs_rerun = []
    for path in paths:
        claim_id, venue = path.name.split(".")[:2]
        try:
            result = load_result(claim_id, path.parent, venue)  # raises ResultError when edited
        except ResultError as exc:
            # A result made by older code (an older release set not rerun since its claim's rule changed) may be
            # refused, but only as needing a rerun, never as edited by hand; the project's own results never.
            assert "needs a rerun" in str(exc) and "releases" in path.parts, str(exc)
            needs_rerun.append(path)
            continue
        check_integrity(result)
    assert len(needs_rerun) < len(paths) / 2, needs_rerun


def test_show_refuses_an_edited_verdict_in_every_format(edited):
    folder, verdict = edited
    proc = kvt("evidence", "show", "--format", "json", "--results-dir", str(folder))
    assert proc.returncode == 0, proc.stderr
    row = next(r for r in json.loads(proc.stdout) if r["id"] == CLAIM)
    assert row["verdict"] == "invalid" and "edited by hand" in row["summary"]
    assert f"verdict {verdict!r}" in row["summary"] and "Traceback" not in proc.stderr
    assert "community: invalid result" in proc.stderr
    table = kvt("evidence", "show", CLAIM, "--results-dir", str(folder))
    assert "invalid" in table.stdout and "edited by hand" in table.stderr
    csv = kvt("evidence", "show", CLAIM, "--format", "csv", "--results-dir", str(folder))
    lines = csv.stdout.splitlines()
    assert lines[0] == "claim,venue,field,value" and lines[1].startswith(f"{CLAIM},,invalid,")  # never dropped
    assert len(lines) == 2


def test_an_edited_decision_number_is_refused_and_prose_is_not_compared(tmp_path):
    """A number the decision rests on, edited, is refused; the summary is prose, not compared: readers show
    today's report of the stored decision, never words edited into the file."""
    stored = load_result(CLAIM, COMMITTED_RESULTS, VENUE)
    assert stored.decision is not None and stored.decision.numbers["favour_tensorflow"] == 0

    def edit(data):
        data["decision"]["numbers"]["favour_tensorflow"] = 2

    with pytest.raises(ResultError, match=r"decision does not follow .*favour_tensorflow 2.*edited by hand"):
        load_result(CLAIM, _copy(tmp_path / "a", edit), VENUE)
    reworded = load_result(CLAIM, _copy(tmp_path / "b", lambda d: d.update(summary="Reworded.")), VENUE)
    assert reworded.summary == stored.summary != "Reworded." and reworded.decision == stored.decision


def test_an_edited_rerun_verdict_is_refused(tmp_path):
    """For a claim run several times back to back, the runs' verdicts are checked against the stability rule."""
    source = COMMITTED_RESULTS / f"distributed_scaling.{VENUE}.json"  # three runs back to back
    data = json.loads(source.read_text(encoding="utf-8"))
    assert len(data["reruns"]) >= 2
    folder = tmp_path / "r"
    folder.mkdir()
    # The last run's recorded verdict no longer follows from the assessment (all runs said inconclusive here, so
    # an earlier run's edit would leave the published verdict what the stability rule gives).
    data["reruns"][-1]["verdict"] = OTHER[data["reruns"][-1]["verdict"]]
    (folder / source.name).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResultError, match="does not follow from its assessment"):
        load_result("distributed_scaling", folder, VENUE)


def test_the_advisor_refuses_an_edited_verdict(edited):
    folder, _ = edited
    proc = kvt("advise", "--no-input", "--format", "json", "--results-dir", str(folder))
    assert proc.returncode == 0, proc.stderr
    state = next(e for e in json.loads(proc.stdout)["evidence"] if e["claim"] == CLAIM)
    assert state["state"] == "invalid" and "edited by hand" in state["reason"] and "verdict" not in state


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="needs the docs extra")
def test_the_site_refuses_an_edited_verdict(edited, tmp_path):
    folder, verdict = edited
    build = build_site(tmp_path / "site", folder, toy=False)
    assert build.returncode == 0, build.output
    page = build.page(f"claims/{CLAIM}/")
    assert "Result file unusable" in page and "edited by hand" in page
    css = verdict.split()[0] if verdict != "partly supported" else "partly"
    assert f"kvt-verdict--{css}" not in page.split("Result file unusable")[1]
