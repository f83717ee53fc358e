"""MkDocs hooks (named in ``mkdocs.yml``): generate the evidence pages at build time, in memory.

- ``on_config`` reads the registered claims and their results once per build and lists every claim page
  under the "Claims" section of the navigation, so a newly registered claim appears with no config change;
- ``on_files`` adds the generated pages (Home, Claims index, one page per claim, Advisor) and the chart
  PNGs to the build as in-memory files: nothing generated is written into ``docs/``;
- ``on_serve`` makes ``mkdocs serve`` rebuild when the evidence, the results or this generator change.

The results folder is :func:`evidence.results.results_dir`: ``$KVT_RESULTS_DIR`` when set, else
``evidence/results``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path; the project's packages live beside it
    sys.path.insert(0, str(ROOT))

from mkdocs.structure.files import File  # noqa: E402

from evidence.results import results_dir  # noqa: E402
from kvt_docs.advisor_page import render_advisor  # noqa: E402
from kvt_docs.claim_page import render_claim_page  # noqa: E402
from kvt_docs.overview_pages import render_claims_index, render_home  # noqa: E402
from kvt_docs.site_data import ClaimEntry, load_entries  # noqa: E402

log = logging.getLogger("mkdocs.plugins.kvt_docs")

#: The navigation section that lists the claim pages.
CLAIMS_SECTION = "Claims"

_entries: list[ClaimEntry] = []


def on_config(config, **kwargs):
    """Load the claims and results, and list each claim's page in the Claims section of the nav."""
    global _entries
    _entries = load_entries()
    log.info("kvt_docs: %d claims, results from %s", len(_entries), results_dir())
    pages = {e.page for e in _entries}
    for item in config.nav or []:
        if isinstance(item, dict) and isinstance(item.get(CLAIMS_SECTION), list):
            # Idempotent, in case a server rebuild hands the same config back.
            kept = [x for x in item[CLAIMS_SECTION] if not (isinstance(x, dict) and set(x.values()) <= pages)]
            item[CLAIMS_SECTION] = kept + [{e.nav_title: e.page} for e in _entries]
    return config


def on_files(files, config, **kwargs):
    """Add the generated pages and charts to the build."""

    def add(path: str, content: str | bytes) -> None:
        if files.get_file_from_path(path) is not None:
            raise ValueError(f"docs/{path} exists, but kvt_docs generates {path}; remove the file from docs/")
        files.append(File.generated(config, path, content=content))

    add("index.md", render_home(_entries))
    add("claims/index.md", render_claims_index(_entries))
    for entry in _entries:
        page = render_claim_page(entry)
        add(entry.page, page.markdown)
        for path, png in page.charts.items():
            add(path, png)
    add("advisor.md", render_advisor(_entries))
    return files


def on_serve(server, config, builder, **kwargs):
    """Rebuild on changes to the claims, programs, data, results and this generator while serving."""
    for path in (ROOT / "evidence", ROOT / "advisor", ROOT / "kvt_docs", results_dir()):
        if path.exists():
            server.watch(str(path))
    return server
