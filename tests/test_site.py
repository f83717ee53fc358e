"""The documentation site: a clean strict build, pages generated from the results, nothing typed by hand."""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil

import pytest

from tests.site_helpers import ROOT, build_site, shared_site

if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
    reason = "needs the docs extra (mkdocs, mkdocs-material, matplotlib): pip install -e '.[docs]'"
    if os.environ.get("CI"):
        raise RuntimeError(f"CI must install the docs extra: {reason}")
    pytest.skip(reason, allow_module_level=True)

from evidence.registry import claim_ids

BUILD_LIMIT_S = 30


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """(results folder, build) shared with the browser test: toy claim included."""
    return shared_site(tmp_path_factory)


def test_strict_build_of_the_published_site_is_clean_and_fast(tmp_path):
    """The site as published (default results folder, no test claims) builds strictly, warning-free, in time."""
    build = build_site(tmp_path / "out", None, toy=False)
    assert build.returncode == 0, build.output
    assert build.warnings() == [], build.output
    assert build.seconds < BUILD_LIMIT_S, f"mkdocs build took {build.seconds:.1f} s"
    home = build.page("")
    for cid in claim_ids():
        assert f'href="claims/{cid}/"' in home, f"claim {cid} is missing from the verdict table"
        assert (tmp_path / "out" / "claims" / cid / "index.html").exists()
    for page in ("advisor/", "methodology/", "reproduce/", "claims/"):
        assert (tmp_path / "out" / page / "index.html").exists(), page


def test_build_with_results_is_clean(site):
    """With real results and the toy claim, the strict build passes with no warning in time."""
    _, build = site
    assert build.warnings() == [], build.output
    assert build.seconds < BUILD_LIMIT_S, f"mkdocs build took {build.seconds:.1f} s"


def test_claim_page_shows_result_numbers_charts_and_code(site):
    """A claim page carries the result's verdict, its numbers, its charts and the files that ran."""
    results, build = site
    data = json.loads((results / "community.json").read_text())
    page = build.page("claims/community/")
    assert f"kvt-verdict--{_css(data['verdict'])}" in page
    rank = data["subjects"]["pypi-listing"]["measurements"]["frameworks"]["tensorflow"]["rank"]
    assert f"<td>{rank}</td>" in page
    assert "nox -s evidence -- community" in _text(page)
    assert (build.site / "assets" / "charts" / "community" / "download-ranks.png").stat().st_size > 0
    assert "class=\"kvt-chart\"" in page
    # The claim module is shown as it is on disk.
    source = (ROOT / "evidence" / "claims" / "community.py").read_text()
    first_def = next(line for line in source.splitlines() if line.startswith("def "))
    assert first_def in _text(page)

    toy = build.page("claims/toy_pair/")
    assert ">Keras</label>" in toy and ">TensorFlow core</label>" in toy
    assert "tests/site_programs/toy_mlp_tfcore.py" in toy and "toy_notes.py" in toy
    assert (build.site / "assets" / "charts" / "toy_pair" / "accuracy.png").exists()
    # Run twice back to back: each run's verdict is listed, and the provenance says how many runs there were.
    toy_text = _text(toy)
    toy_runs = json.loads((results / "toy_pair.json").read_text())["reruns"]
    assert len(toy_runs) == 2
    assert "All 2 runs reached the same verdict" in toy_text
    assert all(run["date"] in toy_text for run in toy_runs)
    assert re.search(r"runs back to back\s*2\b", toy_text)


def test_every_claim_shows_the_files_that_ran(site):
    """Each registered claim's page lists its module and every program, read from the files themselves."""
    from kvt_docs.programs import program_paths
    from kvt_docs.site_data import load_entries

    _, build = site
    for entry in load_entries():
        if entry.claim is None:
            continue
        text = _text(build.page(f"claims/{entry.id}/"))
        for path in [entry.claim.code_files()[0], *program_paths(entry.claim).values()]:
            lines = [line for line in path.read_text().splitlines() if line.strip()]
            assert lines[0] in text and lines[-1] in text, f"{path.name} is not shown whole on {entry.id}'s page"


def test_changing_a_result_changes_the_site(site, tmp_path):
    """Edit a copy of the results: the numbers, verdicts, banners and summary on the pages follow."""
    results, before = site
    edited = tmp_path / "results"
    shutil.copytree(results, edited)
    community = json.loads((edited / "community.json").read_text())
    old_rank = community["subjects"]["pypi-listing"]["measurements"]["frameworks"]["tensorflow"]["rank"]
    community["subjects"]["pypi-listing"]["measurements"]["frameworks"]["tensorflow"]["rank"] = 424242
    community["verdict"] = "outdated" if community["verdict"] != "outdated" else "supported"
    community["summary"] = "An edited summary that only this test writes."
    (edited / "community.json").write_text(json.dumps(community))
    toy = json.loads((edited / "toy_pair.json").read_text())
    toy["code_hash"] = "0" * 64  # made by other code than today's: stale
    (edited / "toy_pair.json").write_text(json.dumps(toy))
    (edited / "architecture.json").unlink(missing_ok=True)

    after = build_site(tmp_path / "out", edited)
    assert after.returncode == 0, after.output

    page = after.page("claims/community/")
    assert "<td>424242</td>" in page and f"<td>{old_rank}</td>" not in page
    assert f"kvt-verdict--{_css(community['verdict'])}" in page
    assert "An edited summary that only this test writes." in after.page("")
    assert "An edited summary that only this test writes." not in before.page("")
    assert "Stale result" in after.page("claims/toy_pair/")
    assert "Stale result" not in before.page("claims/toy_pair/")
    assert "Not run yet" in after.page("claims/architecture/")


def test_unusable_result_is_shown_not_hidden(site, tmp_path):
    """A result file that does not parse gets a banner on its page; the build still passes."""
    results, _ = site
    broken = tmp_path / "results"
    shutil.copytree(results, broken)
    (broken / "community.json").write_text("{ not json")
    build = build_site(tmp_path / "out", broken, toy=False)
    assert build.returncode == 0, build.output
    assert "Result file unusable" in build.page("claims/community/")


def test_advisor_page_is_generated_from_the_advisor(site):
    """The questionnaire reference comes from the question data; the scenarios from the advisor's report."""
    _, build = site
    text = _text(build.page("advisor/"))
    questions = pytest.importorskip("advisor.questions")
    for q in questions.QUESTIONS:
        assert q.flag in text and q.text in text
        for choice in q.choices:
            assert choice.label in text
    scenarios = pytest.importorskip("advisor.scenarios")
    for case in scenarios.load_scenarios():
        assert case.name in text


def test_missing_advisor_modules_are_reported_not_fatal():
    """A part of the advisor that is not written yet gives a notice, never a failed build."""
    from kvt_docs.advisor_page import optional_module, scenarios_markdown

    assert optional_module("advisor.no_such_module") is None
    assert "Not available yet" in scenarios_markdown(None, None)


def test_hand_written_pages_have_no_numbers():
    """Methodology and Reproduce are prose: every number on the site comes from a result file."""
    for name in ("methodology.md", "reproduce.md"):
        text = (ROOT / "docs" / name).read_text()
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        prose = re.sub(r"`[^`]*`", "", prose)
        assert not re.search(r"\d", prose), f"docs/{name} has a number typed by hand"


def test_no_generated_page_is_committed():
    """Generated pages live in memory only: none of them exists in docs/."""
    generated = {"index.md", "advisor.md", "claims"}
    assert not generated & {p.name for p in (ROOT / "docs").iterdir()}


def test_program_pairing_rule():
    """``<task>_tfcore``/``_tf_core`` pairs with ``<task>_keras``, else ``<task>``; the rest stand alone, in order."""
    from kvt_docs.programs import split_programs

    pairs, singles = split_programs(["a_keras.py", "notes.py", "a_tfcore.py", "b_keras.py", "op.cc",
                                     "digits.py", "digits_tf_core.py", "lonely_tfcore.py"])
    assert [(p.task, p.keras, p.tfcore) for p in pairs] == [("a", "a_keras.py", "a_tfcore.py"),
                                                             ("digits", "digits.py", "digits_tf_core.py")]
    assert singles == ["notes.py", "b_keras.py", "op.cc", "lonely_tfcore.py"]


def test_markdown_builders_escape_data():
    """Text from results cannot break a table or inject HTML; fences outgrow backticks in the code."""
    from kvt_docs.markdown import cell, fence

    assert cell("a | b\n<script>") == "a \\| b &lt;script&gt;"
    assert cell("`<x>` and <y>") == "`<x>` and &lt;y&gt;"
    assert fence("x = '```'", "python").startswith("````python\n")


def _text(page: str) -> str:
    """The visible text of an HTML page: tags removed, entities decoded (code highlighting splits tokens)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _css(verdict: str) -> str:
    from kvt_docs.markdown import VERDICT_CLASSES

    return VERDICT_CLASSES[verdict]
