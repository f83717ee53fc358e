"""The documentation site: a clean strict build, pages that read typed assessments, nothing typed by hand.

Built as a user builds it (``python -m mkdocs build --strict``) from a temporary results folder: the committed
results, a fresh community result and the test-only ``toy_pair`` claim (:mod:`tests.site_claim`).
"""

from __future__ import annotations

import ast
import html
import importlib.util
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.site_helpers import ROOT, build_site, shared_site

if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
    reason = "needs the docs extra (mkdocs, mkdocs-material): pip install -e '.[docs]'"
    if os.environ.get("CI"):
        raise RuntimeError(f"CI must install the docs extra: {reason}")
    pytest.skip(reason, allow_module_level=True)

from evidence.registry import claim_ids
from evidence.results import load_result
from kvt_docs.sentences import short_venue

BUILD_LIMIT_S = 30
PAGE_LIMIT_BYTES = 250_000
VENUE = "cpu-2core"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """(results folder, build) shared with the browser test: toy claim included."""
    return shared_site(tmp_path_factory)


def _venue(results: Path, claim: str) -> str:
    return next(p.name.split(".")[1] for p in results.glob(f"{claim}.*.json"))


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
    for page in ("advisor/", "methodology/", "reproduce/", "claims/", "then-and-now/", "check/"):
        assert (tmp_path / "out" / page / "index.html").exists(), page


def test_build_with_results_is_clean(site):
    """With real results and the toy claim, the strict build passes with no warning in time."""
    _, build = site
    assert build.warnings() == [], build.output
    assert build.seconds < BUILD_LIMIT_S, f"mkdocs build took {build.seconds:.1f} s"


def test_home_names_the_article_and_what_changed(site):
    """Home names the article under test and what changed since, and has one row per claim with a venue."""
    _, build = site
    home = build.page("")
    text = _text(home)
    assert "Keras vs TensorFlow: What are the differences?" in text
    assert "Theano and CNTK" in text and "multi-backend" in text and "tf.keras" in text
    rows = re.findall(r"<tr>(.*?)</tr>", home.split('class="kvt-home"')[1].split("<tbody>")[1].split("</tbody>")[0],
                      re.S)
    assert len(rows) == len(claim_ids()) + 1  # the toy claim too
    # A claim measured on a machine names its venue; a machine-independent one (community reads a dated
    # listing) says it holds on any machine.
    performance = next(r for r in rows if 'href="claims/performance/"' in r)
    assert short_venue(VENUE) in performance and "kvt-verdict--" in performance  # the venue in words
    community = next(r for r in rows if 'href="claims/community/"' in r)
    assert "any machine" in community and short_venue(VENUE) not in community and "kvt-verdict--" in community
    assert all('data-label="what we found"' in r for r in rows)


def test_claim_page_reads_the_assessment(site):
    """The community page shows the numbers of its typed assessment, per venue, with charts and a download."""
    results, build = site
    result = load_result("community", results)
    a = result.assessment
    page = build.page("claims/community/")
    text = _text(page)
    assert f"kvt-verdict--{_css(result.verdict)}" in page
    assert not result.claim.machine_dependent and "on any machine" in text
    packages = a.signals["packages"]
    assert f"{packages.tensorflow:,} to {packages.keras:,}" in text  # the deciding number, from the assessment
    assert f"{a.ecosystems['torch'].packages:,}" in text
    for name in ("signals", "ecosystems"):
        for suffix in ("svg", "narrow.svg"):
            svg = build.site / "assets" / "charts" / "community" / result.venue / f"{name}.{suffix}"
            root = ET.fromstring(svg.read_text())
            assert root.find("{http://www.w3.org/2000/svg}title").text, svg
    assert 'class="kvt-chart"' in page and "<picture>" in page
    # The raw result is a download, byte for byte the file the page was made from; never JSON in the page.
    link = re.search(r'<a [^>]*href="([^"]*community\.[a-z0-9-]+\.json)"[^>]*>', page)
    assert link and "download" in link.group(0), "no download link to the raw result"
    served = (build.site / "claims" / "community" / link.group(1)).resolve()
    assert served.read_bytes() == (results / f"community.{result.venue}.json").read_bytes()
    assert "&quot;subjects&quot;" not in page and '"subjects"' not in page
    # Thresholds with their reasons, as data.
    assert result.claim.thresholds["noise_band"].reason[:60] in text
    assert "nox -s evidence -- community" in text


def test_toy_claim_gets_the_generic_story(site, monkeypatch):
    """A claim with no story of its own gets its summary, a chart of its outcomes, its fields as tables, its
    programs in tabs and its runs listed."""
    from evidence import registry
    from tests.site_helpers import TOY_CLAIMS

    monkeypatch.setenv("KVT_EXTRA_CLAIMS", TOY_CLAIMS)
    registry.get_claim.cache_clear()
    results, build = site
    toy = build.page("claims/toy_pair/")
    text = _text(toy)
    assert (build.site / "assets" / "charts" / "toy_pair" / VENUE / "outcomes.svg").exists()
    assert ">Keras</label>" in toy and ">TensorFlow core</label>" in toy
    assert "tests/site_programs/toy_mlp_tfcore.py" in toy and "toy_notes.py" in toy
    assert "Accuracies differ by 0.022 at most." in text
    for accuracy in ("0.912", "0.925", "0.903"):
        assert accuracy in text
    runs = load_result("toy_pair", results).reruns
    assert len(runs) == 2 and "ran 2 times back to back" in text
    assert "every run reached the same verdict" in text


def test_claim_modules_are_linked_programs_are_shown(site):
    """Each claim page shows every program it ran, whole, and names its own modules instead of printing them."""
    from kvt_docs.programs import module_files, program_paths, relative
    from kvt_docs.site_data import load_entries

    _, build = site
    for entry in load_entries():
        if entry.claim is None:
            continue
        text = _text(build.page(f"claims/{entry.id}/"))
        for path in program_paths(entry.claim).values():
            lines = [" ".join(line.split()) for line in path.read_text().splitlines() if line.strip()]
            assert lines[0] in text and lines[-1] in text, f"{path.name} is not shown whole on {entry.id}'s page"
        for module in module_files(entry.claim):
            assert relative(module) in text, f"{entry.id}: its module {relative(module)} is not named"
            body = [" ".join(line.split()) for line in module.read_text().splitlines() if line.startswith("def ")]
            assert not body or body[0] not in text, f"{entry.id}: its module {module.name} is printed"


def test_changing_a_result_changes_the_site(site, tmp_path):
    """Edit a copy of the results: the numbers, verdicts, banners and summary on the pages follow."""
    results, before = site
    edited = tmp_path / "results"
    shutil.copytree(results, edited)
    path = edited / f"community.{_venue(results, 'community')}.json"
    community = json.loads(path.read_text())
    community["assessment"]["signals"]["packages"]["tensorflow"] = 424242
    # The verdict and summary follow from the edited assessment, as a run would write them: a verdict set by hand
    # is refused as edited (tests/test_edited_results.py).
    from evidence.registry import get_claim

    claim = get_claim("community")
    judged = claim.verdict(claim.assessment_type.model_validate(community["assessment"]))
    community["verdict"], community["summary"] = judged.verdict, judged.summary
    community["decision"] = judged.decision.model_dump(mode="json")
    path.write_text(json.dumps(community))
    toy_path = edited / f"toy_pair.{_venue(results, 'toy_pair')}.json"
    toy = json.loads(toy_path.read_text())
    toy["code_hash"] = "0" * 64  # made by other code than today's: stale
    toy_path.write_text(json.dumps(toy))
    (edited / "architecture.json").write_text(json.dumps({"schema_version": 1, "verdict": "refuted"}))
    for p in edited.glob("architecture.*.json"):
        p.unlink()

    after = build_site(tmp_path / "out", edited)
    assert after.returncode == 0, after.output
    page = _text(after.page("claims/community/"))
    assert "424,242 to" in page
    assert f"kvt-verdict--{_css(community['verdict'])}" in after.page("claims/community/")
    assert " ".join(community["summary"].split()[:8]) in page
    assert "Stale result" in after.page("claims/toy_pair/")
    assert "Stale result" not in before.page("claims/toy_pair/")
    architecture = _text(after.page("claims/architecture/"))
    assert "Needs a rerun" in architecture and "schema 1" in architecture
    assert "refuted" not in architecture.split("Needs a rerun")[1][:400]  # nothing from the old file is shown


def test_each_venue_is_shown_with_its_own_numbers(site, tmp_path):
    """A claim with results on two venues (a CPU and a GPU) shows each venue's verdict, charts and download."""
    results, _ = site
    two = tmp_path / "results"
    shutil.copytree(results, two)
    cpu = two / f"community.{_venue(results, 'community')}.json"
    gpu = json.loads(cpu.read_text())
    gpu["venue"] = "gpu-h200"
    gpu["assessment"]["signals"]["packages"]["tensorflow"] = 777
    from evidence.registry import get_claim  # the decision follows the edited numbers, as a run's would

    claim = get_claim("community")
    judged = claim.verdict(claim.assessment_type.model_validate(gpu["assessment"]))
    gpu["verdict"], gpu["decision"] = judged.verdict, judged.decision.model_dump(mode="json")
    (two / "community.gpu-h200.json").write_text(json.dumps(gpu))
    build = build_site(tmp_path / "out", two, toy=False)
    assert build.returncode == 0 and build.warnings() == [], build.output
    page = build.page("claims/community/")
    text = _text(page)
    assert "Verdict on each venue" in text and "On gpu-h200" in text and f"On {_venue(results, 'community')}" in text
    cpu_count = json.loads(cpu.read_text())["assessment"]["signals"]["packages"]["tensorflow"]
    assert "777 to" in text and f"{cpu_count:,} to" in text
    assert (build.site / "assets" / "charts" / "community" / "gpu-h200" / "signals.svg").exists()
    assert "community.gpu-h200.json" in page and "gpu-h200 (quick)" not in build.page("")
    assert "gpu-h200" in _text(build.page(""))


def test_unusable_result_is_shown_not_hidden(site, tmp_path):
    """A result file that does not parse gets a banner on its page; the build still passes."""
    results, _ = site
    broken = tmp_path / "results"
    shutil.copytree(results, broken)
    (broken / f"community.{_venue(results, 'community')}.json").write_text("{ not json")
    build = build_site(tmp_path / "out", broken, toy=False)
    assert build.returncode == 0, build.output
    assert "Result file unusable" in build.page("claims/community/")


def test_no_page_over_the_weight_limit_and_no_json_in_a_page(site):
    """Every page is at most 250 KB of HTML, and no table cell or paragraph holds a JSON object or list."""
    _, build = site
    pages = sorted(build.site.rglob("index.html"))
    weights = {str(p.relative_to(build.site).parent): p.stat().st_size for p in pages}
    heavy = {k: v for k, v in weights.items() if v > PAGE_LIMIT_BYTES}
    assert not heavy, f"pages over {PAGE_LIMIT_BYTES} bytes: {heavy}"
    for p in pages:
        page = p.read_text()
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page, re.S):
            value = html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            assert not _is_json(value), f"{p}: a table cell holds JSON: {value[:120]}"
        prose = re.sub(r"<pre.*?</pre>", "", page, flags=re.S)  # listings of programs may hold dict literals
        assert not re.search(r'\{\s*&quot;\w+&quot;\s*:', prose), f"{p}: JSON printed in the page"


def test_dates_are_shown_as_dates(site):
    """No page prints a raw ISO timestamp; the provenance shows the day, month and year."""
    _, build = site
    for p in sorted(build.site.rglob("index.html")):
        text = _text(p.read_text())
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text), f"{p} prints an ISO timestamp"
    result = load_result("community", site[0])
    from kvt_docs.formatting import date

    assert date(result.provenance.date) in _text(build.page("claims/community/"))


def test_search_indexes_prose_not_code(site):
    """The search index holds the pages' prose, and no program listing."""
    _, build = site
    index = json.loads((build.site / "search" / "search_index.json").read_text())
    text = " ".join(d["text"] for d in index["docs"])
    assert "xylophonequartz" in build.page("claims/toy_pair/")  # in the listing of tests/site_programs/toy_notes.py
    assert "xylophonequartz" not in text and "TwoLayer" not in text and "tf.random.normal" not in text
    assert "toy task" in text.lower() or "accuracies differ" in text.lower()
    assert any("community" in d["location"] for d in index["docs"])


def test_site_settings_come_from_the_environment(site, tmp_path):
    """KVT_SITE_URL and KVT_REPO_URL fill the sitemap, canonical and social tags, repository links and edit
    links (a generated page's edit link leads to the code that writes it)."""
    results, _ = site
    build = build_site(tmp_path / "out", results, KVT_SITE_URL="https://kvt.example.org/",
                       KVT_REPO_URL="https://github.com/example/kvt")
    assert build.returncode == 0 and build.warnings() == [], build.output
    sitemap = (build.site / "sitemap.xml").read_text()
    assert "https://kvt.example.org/claims/community/" in sitemap
    page = build.page("claims/community/")
    assert '<meta property="og:url" content="https://kvt.example.org/claims/community/">' in page
    assert 'href="https://github.com/example/kvt/edit/main/evidence/claims/community/__init__.py"' in page
    assert 'href="https://github.com/example/kvt/blob/main/evidence/claims/community/claim.py"' in page
    assert 'href="https://github.com/example/kvt/edit/main/docs/methodology.md"' in build.page("methodology/")
    assert 'href="https://github.com/example/kvt/edit/main/kvt_docs/overview_pages.py"' in build.page("")


def test_social_meta_tags(site):
    """Every page has Open Graph and Twitter tags; a claim page's description is what we found."""
    from kvt_docs.sentences import plain_sentence

    results, build = site
    page = build.page("claims/community/")
    found = plain_sentence("community", load_result("community", results))
    description = re.search(r'<meta property="og:description" content="([^"]*)">', page)
    assert description and html.unescape(description.group(1)) == found
    assert '<meta property="og:title" content="Community' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert '<meta property="og:title"' in build.page("")


def test_badges_meet_wcag_aa_contrast():
    """White text on every verdict badge colour has a contrast ratio of at least 4.5:1."""
    css = (ROOT / "docs" / "stylesheets" / "kvt.css").read_text()
    colours = dict(re.findall(r"\.kvt-verdict--(\w+)\s*\{\s*background:\s*(#[0-9a-fA-F]{3,6})", css))
    from kvt_docs.markdown import VERDICT_CLASSES

    assert set(VERDICT_CLASSES.values()) <= set(colours)
    for name, colour in colours.items():
        assert contrast(colour, "#ffffff") >= 4.5, f"badge {name} ({colour}) on white text: {contrast(colour, '#fff')}"


def test_advisor_page_is_generated_from_the_export(site):
    """The form comes from the export's questions; the export the page loads is the fitted advisor's."""
    from advisor.export import export_advisor
    from advisor.ranking import Ranker

    results, build = site
    page = build.page("advisor/")
    data = json.loads((build.site / "assets" / "advisor" / "advisor.json").read_text())
    assert data == json.loads(json.dumps(export_advisor(Ranker().fit(str(results)))))
    for q in data["questions"]:
        assert html.escape(q["text"], quote=False) in page
        for value in q["choices"]:
            assert f'name="{q["id"]}" value="{value}"' in page
    assert 'src="../javascripts/advisor.js"' in page
    assert (build.site / "javascripts" / "advisor.js").exists()
    assert "cdn" not in (ROOT / "docs" / "javascripts" / "advisor.js").read_text().lower()


def test_then_and_now_and_check_pages_are_in_the_navigation(site):
    """The release sets' page and the check page are built and linked from every page's navigation."""
    _, build = site
    home = build.page("")
    assert 'href="then-and-now/"' in home and 'href="check/"' in home
    assert "Then and now" in _text(build.page("then-and-now/"))
    assert "Check your own model" in _text(build.page("check/"))


def test_hand_written_pages_have_no_numbers():
    """Methodology and Reproduce are prose: every number on the site comes from a result file."""
    for name in ("methodology.md", "reproduce.md"):
        text = (ROOT / "docs" / name).read_text()
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        prose = re.sub(r"`[^`]*`", "", prose)
        assert not re.search(r"\d", prose), f"docs/{name} has a number typed by hand"


def test_no_generated_page_is_committed():
    """Generated pages live in memory only: none of them exists in docs/."""
    generated = {"index.md", "advisor.md", "claims", "then-and-now.md", "check.md", "assets"}
    assert not generated & {p.name for p in (ROOT / "docs").iterdir()}


def test_the_site_reads_no_measurement_or_finding_key():
    """No file under kvt_docs/ reads a key of a result's raw measurements or of its findings, nor imports a
    claim module (the site reads typed assessments; findings are printed as prose only)."""
    for path in sorted((ROOT / "kvt_docs").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "measurements":
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} reads .measurements")
            if isinstance(node, ast.Subscript) and _name(node.value) in ("findings", "measurements"):
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} reads a key of {_name(node.value)}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and _name(node.func.value) in ("findings", "measurements")):
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} reads a key of {_name(node.func.value)}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("evidence.claims"):
                names = [a.name for a in node.names]
                if not all(n[0].isupper() for n in names):  # assessment types are classes; nothing else
                    pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} imports {names} from {node.module}")


def test_program_grouping_rule():
    """``<task>_keras``, ``_gradienttape``, ``_tfcore``/``_tf_core`` of one task form one tab set, a core file
    pairs with a plain ``<task>`` file when there is no ``_keras`` twin; the rest stand alone, in order."""
    from kvt_docs.programs import split_programs

    groups, singles = split_programs(["a_keras.py", "notes.py", "a_tfcore.py", "b_keras.py", "op.cc",
                                      "digits.py", "digits_tf_core.py", "lonely_tfcore.py", "mlp_keras.py",
                                      "mlp_gradienttape.py", "mlp_tfcore.py"])
    assert [(g.task, g.versions) for g in groups] == [
        ("a", (("Keras", "a_keras.py"), ("TensorFlow core", "a_tfcore.py"))),
        ("digits", (("Keras", "digits.py"), ("TensorFlow core", "digits_tf_core.py"))),
        ("mlp", (("Keras", "mlp_keras.py"), ("Keras + GradientTape", "mlp_gradienttape.py"),
                 ("TensorFlow core", "mlp_tfcore.py")))]
    assert singles == ["notes.py", "b_keras.py", "op.cc", "lonely_tfcore.py"]


def test_markdown_builders_escape_data():
    """Text from results cannot break a table or inject HTML; fences outgrow backticks in the code."""
    from kvt_docs.markdown import cell, fence

    assert cell("a | b\n<script>") == "a \\| b &lt;script&gt;"
    # A code span of the data becomes an escaped <code> element: no backtick of the data pairs with the page's.
    assert cell("`<x>` and <y>") == "<code>&lt;x&gt;</code> and &lt;y&gt;"
    assert fence("x = '```'", "python").startswith("````python\n")


def test_numbers_and_dates_read_as_numbers_and_dates():
    """Numbers are rounded and thousands-separated, never in exponent notation; dates are dates."""
    from evidence.contract import Interval
    from kvt_docs import formatting as fmt

    assert fmt.number(12942.7) == "12,943" and fmt.number(0.94166) == "0.942" and fmt.number(3) == "3"
    assert "e" not in fmt.number(1.7881393432617188e-07) and fmt.number(1.79e-07) == "1.8 × 10⁻⁷"
    assert fmt.seconds(0.0793) == "79.3 ms" and fmt.seconds(2.6155) == "2.62 s"
    assert fmt.size(73378) == "73.4 kB" and fmt.ratio(1.0131) == "1.01×"
    assert fmt.percent(1 / 3) == "33%" and fmt.percent(0.995) == "99.5%" and fmt.percent(0.025) == "2.5%"
    assert fmt.interval(Interval(estimate=2.6, low=2.5, high=2.7, method="m"), fmt.seconds) == "2.6 s (2.5 s–2.7 s)"
    assert fmt.date("2026-12-01T09:07:19+00:00") == "1 December 2026"
    assert fmt.date_time("2026-12-01T09:07:19+00:00") == "1 December 2026, 09:07 UTC"
    assert fmt.month("2020-07") == "July 2020"


def test_generic_tables_never_print_json():
    """The generic assessment tables format nested values as words, never as JSON."""
    from evidence.contract import ErrorInfo, Interval
    from kvt_docs.assessment_tables import value_text

    assert value_text({"a": 1, "b": [1, 2]}) == "a: 1; b: 1, 2"
    assert value_text(Interval(estimate=1.0, low=0.5, high=2.0, method="m")) == "1 (0.5–2)"
    assert value_text(ErrorInfo(type="x.ValueError", message="bad")) == "ValueError: bad"
    assert value_text(0.0123, "epoch_s") == "12.3 ms" and value_text(73378, "artifact_bytes") == "73.4 kB"


def _svg_texts(root) -> list[str]:
    """The text of every ``<text>`` element of an SVG (a multi-line label's lines joined by spaces)."""
    return [" ".join(p.strip() for p in t.itertext() if p.strip())
            for t in root.iter("{http://www.w3.org/2000/svg}text")]


def _svg_fills(root) -> set[str]:
    return {(e.get("fill") or "").lower() for e in root.iter()}


def test_charts_are_svg_in_two_drawings():
    """A chart is valid SVG, drawn 720 px wide and 360 px for phones, with a title, axis label and legend."""
    from kvt_docs.svg import Band, Bar, GridCell, Reference, Section, bar_chart, status_grid

    d = bar_chart([Section("group"), Bar("a", 2.0, 1.5, 2.5, text="2 (1.5–2.5)"), Bar("b", None, text="failed")],
                  title="T", x_label="seconds (s)", references=[Reference(1.0, "one")], band=Band(0.5, 1.5, "band"),
                  legend=[("Keras", "#000000")])
    for svg, width in ((d.wide, "720"), (d.narrow, "360")):
        root = ET.fromstring(svg)
        assert root.get("width") == width
        assert root.find("{http://www.w3.org/2000/svg}title").text == "T"
        texts = _svg_texts(root)
        for expected in ("seconds (s)", "Keras", "one", "band", "group", "2 (1.5–2.5)", "failed"):
            assert expected in texts, (expected, texts)
    grid = status_grid(["r1"], ["c1", "c2"], {("r1", "c1"): GridCell("works", "6 lines"),
                                              ("r1", "c2"): GridCell("fails")}, title="G")
    texts = _svg_texts(ET.fromstring(grid.wide))
    assert "✓" in texts and "✗" in texts and "✓ works" in texts and "6 lines" in texts


def test_chart_labels_wrap_between_words_never_inside_one():
    """A long label wraps on a phone, and every one of its words is drawn whole (issue 28: "train step signatu")."""
    from kvt_docs.svg import Bar, GridCell, bar_chart, status_grid

    label = "MultiWorkerMirroredStrategy with a custom training loop across two processes"
    d = bar_chart([Bar(label, 3.0, text="3 s")], title="T", x_label="s")
    grid = status_grid([label], ["train step signature", "keras.distribution.DataParallel"],
                       {(label, "train step signature"): GridCell("works")}, title="G")
    for svg in (d.narrow, grid.narrow, grid.wide):
        words = [w.rstrip("…") for w in " ".join(_svg_texts(ET.fromstring(svg))).split() if w != "…"]
        whole = {*label.split(), "train", "step", "signature", "keras.distribution.DataParallel", "✓", "works"}
        assert "MultiWorkerMirroredStrategy" in words and ("signature" in words or svg == d.narrow)
        assert all(w in whole or w.replace(".", "").isdigit() or w in {"s", "G", "T"} for w in words), words


def test_values_spanning_decades_get_a_log_axis_and_counts_whole_number_ticks():
    """2,731 beside 35 and 11 is drawn on a log axis (powers of ten); counts get whole-number ticks only."""
    from kvt_docs.svg import Bar, bar_chart

    spread = ET.fromstring(bar_chart([Bar("PyTorch", 2731, text="2,731"), Bar("TensorFlow", 35, text="35"),
                                      Bar("Keras", 11, text="11")], title="T", x_label="packages").wide)
    assert {"10", "100", "1,000"} <= set(_svg_texts(spread))
    counts = ET.fromstring(bar_chart([Bar("a", 3, text="3"), Bar("b", 5, text="5")], title="T",
                                     x_label="lines").wide)
    ticks = [t for t in _svg_texts(counts) if t.replace(",", "").replace(".", "").isdigit()]
    assert ticks and all("." not in t for t in ticks), ticks
    assert "2.5" not in _svg_texts(counts)


def test_thresholds_are_drawn_as_lines():
    """A reference (a claim's threshold) is a dashed rule across the plot, with its label."""
    from kvt_docs.svg import Bar, Reference, bar_chart

    svg = bar_chart([Bar("a", 1.3, text="1.3×")], title="T", x_label="ratio", dots=True,
                    references=[Reference(1.1, "margin 1.1×")]).wide
    assert "stroke-dasharray" in svg and "margin 1.1×" in _svg_texts(ET.fromstring(svg))


def test_each_option_keeps_one_colour_told_apart_in_grey_scale():
    """Four different colours; TensorFlow core's luminance stands apart from every Keras backend's."""
    from kvt_docs.svg import OPTION_COLORS

    assert len(set(OPTION_COLORS.values())) == 4

    def luminance(c: str) -> float:
        def channel(v: int) -> float:
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        r, g, b = (int(c[i:i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    core = luminance(OPTION_COLORS["tensorflow-core"])
    assert all(core - luminance(c) > 0.15 for o, c in OPTION_COLORS.items() if o != "tensorflow-core")


def test_a_chart_that_breaks_the_vega_lite_schema_fails_the_build():
    """Altair checks every specification before it is drawn: a wrong mark is an error, not another drawing."""
    from kvt_docs.svg import WIDE, _render

    with pytest.raises(Exception, match=r"nosuchmark|was expected"):
        _render({"layer": [{"data": {"values": [{"a": 1}]}, "mark": "nosuchmark"}]}, "T", "d", WIDE)


def test_could_not_try_is_drawn_apart_from_fails():
    """An unavailable cell (nobody could try) reads "could not try" in its own colour and symbol, never as a
    failure (issue 14: "unavailable" is never "fails")."""
    from kvt_docs.svg import STATUS_STYLE, GridCell, status_grid

    grid = status_grid(["keras-jax"], ["onnx", "openvino"], {("keras-jax", "onnx"): GridCell("unavailable"),
                                                             ("keras-jax", "openvino"): GridCell("fails")}, title="G")
    root = ET.fromstring(grid.wide)
    texts = _svg_texts(root)
    assert "– could not try" in texts and "✗ fails" in texts  # the legend names both
    assert "keras-jax × onnx: could not try; keras-jax × openvino: fails" in root.find(
        "{http://www.w3.org/2000/svg}desc").text  # what a screen reader hears
    fills = _svg_fills(root)
    assert STATUS_STYLE["unavailable"][1] in fills and STATUS_STYLE["fails"][1] in fills
    assert STATUS_STYLE["unavailable"][1] != STATUS_STYLE["fails"][1]

# -- helpers -----------------------------------------------------------------------------------------------------
def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        h = colour.lstrip("#")
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _is_json(value: str) -> bool:
    if not value or value[0] not in "[{":
        return False
    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return isinstance(parsed, dict | list)


def _name(node) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _text(page: str) -> str:
    """The visible text of an HTML page: tags removed, entities decoded (code highlighting splits tokens)."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split())


def _css(verdict: str) -> str:
    from kvt_docs.markdown import VERDICT_CLASSES

    return VERDICT_CLASSES[verdict]
