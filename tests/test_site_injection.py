"""Stored script injection: the site built from results whose every string carries a payload holds no live markup
from them (issue 26).

Every string field of every committed result (and the keys of the mappings the schema, the verdict rule and the
page accept) gets :data:`tests.hostile.PAYLOAD` appended, and every address field becomes a ``javascript:`` URL
(:mod:`tests.hostile`); verdicts and summaries are recomputed from the poisoned assessments, so the results pass
validation and the integrity check, as a run whose frameworks printed hostile errors would. The site is built
once, strictly, from them; every page, drawing and script must show the payloads as text, never as a tag, an
attribute, a link or a script. The Then and now page, whose release sets are read from the committed folder, is
rendered in-process from poisoned release sets too.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.hostile import LIVE, PAYLOAD, SHOWN, URL_PAYLOAD, poison_folder, poison_result
from tests.site_helpers import COMMITTED_RESULTS, build_site

if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
    pytest.skip("needs the docs extra (mkdocs, mkdocs-material)", allow_module_level=True)

#: Built files that a browser interprets as markup or script (JSON files are data: downloads, fetched by script
#: and written with textContent).
MARKUP = ("*.html", "*.svg", "*.js", "*.xml")


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> tuple[Path, Path]:
    """(the poisoned results folder, the site built from it), built once for the module."""
    root = tmp_path_factory.mktemp("hostile")
    results = poison_folder(COMMITTED_RESULTS, root / "results")
    build = build_site(root / "site", results, toy=False, timeout=300)
    assert build.returncode == 0, build.output
    return results, build.site


def test_the_payload_is_in_every_result_and_reaches_every_claim_page(poisoned):
    """The test can fail: the payloads are there, the results are accepted, and the pages show them as text."""
    results, site = poisoned
    for path in sorted(results.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text.count("onerror=alert(1)") >= 20, path.name
    for page in sorted((site / "claims").glob("*/index.html")):
        html = page.read_text(encoding="utf-8")
        assert "Result file unusable" not in html, page
        assert len(SHOWN.findall(html)) >= 5, f"{page}: the payload never reached the page"
    assert sum(URL_PAYLOAD in p.read_text(encoding="utf-8") for p in results.glob("*.json")) >= 3


def test_no_live_markup_from_the_results_anywhere_in_the_site(poisoned):
    _, site = poisoned
    files = [p for pattern in MARKUP for p in site.rglob(pattern)]
    assert len(files) > 20
    found = {}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        hits = LIVE.findall(text) + re.findall(r"href=[\"']?\s*javascript:", text, re.IGNORECASE)
        if hits:
            found[str(path.relative_to(site))] = len(hits)
    assert not found, f"live markup from the results: {found}"


def test_the_search_index_holds_the_payload_as_text_only(poisoned):
    _, site = poisoned
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror" in index and "<img src=x onerror" not in index


def test_then_and_now_escapes_release_results_and_manifests(poisoned, tmp_path):
    """The release sets' results and manifests, poisoned, rendered to HTML by Markdown as MkDocs renders it."""
    import markdown

    from kvt_docs.then_and_now import render_then_and_now

    results, _ = poisoned
    releases = tmp_path / "releases"
    for folder in sorted((COMMITTED_RESULTS / "releases").iterdir()):
        if not folder.is_dir():
            continue
        poison_folder(folder, releases / folder.name, keys=False)
        manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
        manifest["installed"] = {k: (v or "") + PAYLOAD for k, v in manifest["installed"].items()}
        for outcome in manifest["claims"].values():
            if outcome.get("reason"):
                outcome["reason"] += PAYLOAD
        (releases / folder.name / "release.json").write_text(json.dumps(manifest), encoding="utf-8")
    text = render_then_and_now(results, releases)
    assert "Results that could not be read" not in text, text[-2000:]
    html = markdown.markdown(text, extensions=["tables", "attr_list", "md_in_html"])
    assert SHOWN.search(html), "the payload never reached the page"
    assert not LIVE.search(html), LIVE.findall(html)[:5]


def test_a_payload_in_a_link_target_never_becomes_a_link():
    from kvt_docs.markdown import link, safe_url

    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None
    assert link("t", "JAVASCRIPT:alert(1)") == "t"
    assert link("t", 'https://x.org/a b"(c)<d>') == "[t](https://x.org/a%20b%22%28c%29%3Cd%3E)"


def test_an_edited_copy_keeps_the_verdict_the_judge_gives(tmp_path):
    """The generator recomputes verdict and summary, so the integrity check accepts what the site is built from."""
    from evidence.results import load_result

    source = COMMITTED_RESULTS / "community.cpu-2core.json"
    data = poison_result(json.loads(source.read_text(encoding="utf-8")), "community")
    shutil.copy2(source, tmp_path / source.name)
    (tmp_path / source.name).write_text(json.dumps(data), encoding="utf-8")
    assert load_result("community", tmp_path, "cpu-2core").provenance.cpu_model.endswith(PAYLOAD)
