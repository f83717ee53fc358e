"""Every claim's page built from a real run of every claim (the session's quick results): each story reads its
claim's current assessment, draws its charts and stays within the page weight.

The fast site tests build from the committed results, which may lag behind a claim's code; this one follows the
code, so a story that no longer matches its claim's assessment fails here.
"""

from __future__ import annotations

import importlib.util
import re
import shutil

import pytest

from tests.conftest import needs_frameworks
from tests.site_helpers import build_site

if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
    pytest.skip("needs the docs extra (mkdocs, mkdocs-material)", allow_module_level=True)

PAGE_LIMIT_BYTES = 250_000


@needs_frameworks
@pytest.mark.slow
def test_every_claim_page_from_a_real_run(quick_results, tmp_path):
    """A strict, warning-free build from every claim's quick result; each claim with a result has its story's
    sentence on Home and on its page, at least one chart, and at most 250 KB of HTML."""
    from evidence.registry import claim_ids
    from kvt_docs.sentences import plain_sentence
    from kvt_docs.site_data import load_entry

    results = tmp_path / "results"
    shutil.copytree(quick_results, results)
    build = build_site(tmp_path / "out", results, toy=False)
    assert build.returncode == 0 and build.warnings() == [], build.output
    home = build.page("")
    for cid in claim_ids():
        entry = load_entry(cid, results)
        if entry.state != "ok":
            continue
        page = build.page(f"claims/{cid}/")
        found = plain_sentence(cid, entry.primary)
        assert _esc(found) in home, f"{cid}: its sentence is not on Home"
        assert _esc(found) in page, f"{cid}: its sentence is not on its page"
        assert len(page.encode()) <= PAGE_LIMIT_BYTES, f"{cid}: {len(page.encode())} bytes"
        assert 'class="kvt-chart"' in page, f"{cid}: no chart"
        for svg in (build.site / "assets" / "charts" / cid).rglob("*.svg"):
            assert re.search(r"<title>[^<]+</title>", svg.read_text()), svg


def _esc(text: str) -> str:
    import html

    return html.escape(text)
