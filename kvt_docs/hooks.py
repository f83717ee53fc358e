"""MkDocs hooks (named in ``mkdocs.yml``): generate the evidence pages at build time, in memory.

- ``on_config`` reads the registered claims and their results once per build and lists every claim page under
  the "Claims" section of the navigation, so a newly registered claim appears with no config change;
- ``on_files`` adds the generated pages (Home, Claims index, one page per claim, Advisor, Then and now, Check
  your own model), the charts (SVG), the raw results offered for download and the advisor's data to the build as
  in-memory files: nothing generated is written into ``docs/``;
- ``on_page_context`` points each generated page's edit link at the code that writes it (the page has no file of
  its own in ``docs/``);
- ``on_serve`` makes ``mkdocs serve`` rebuild when the evidence, the results or this generator change.

The results folder is :func:`evidence.results.results_dir`: ``$KVT_RESULTS_DIR`` when set, else
``evidence/results``. The repository's address (``repo_url``, from ``$KVT_REPO_URL``) turns file names into
links and enables edit links; ``site_url`` (``$KVT_SITE_URL``) fills the sitemap and the social cards.
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path; the project's packages live beside it
    sys.path.insert(0, str(ROOT))

from mkdocs.structure.files import File  # noqa: E402

from evidence.results import results_dir  # noqa: E402
from kvt_docs.advisor_page import render_advisor  # noqa: E402
from kvt_docs.claim_page import Repo, render_claim_page  # noqa: E402
from kvt_docs.overview_pages import render_claims_index, render_home  # noqa: E402
from kvt_docs.programs import module_files, relative  # noqa: E402
from kvt_docs.site_data import ClaimEntry, load_entries  # noqa: E402

log = logging.getLogger("mkdocs.plugins.kvt_docs")

#: The navigation section that lists the claim pages.
CLAIMS_SECTION = "Claims"
#: Generated pages outside the claims, and the module whose code writes each (its edit link).
THEN_AND_NOW = "then-and-now.md"
CHECK = "check.md"

_entries: list[ClaimEntry] = []
_edit_sources: dict[str, str] = {}


def on_config(config, **kwargs):
    """Load the claims and results, and list each claim's page in the Claims section of the nav."""
    global _entries
    from mkdocs.exceptions import PluginError

    from evidence.settings import SettingsError, validate
    from evidence.settings import get as get_setting

    try:  # KVT_SITE_URL and KVT_REPO_URL end up in links: a value that is no http(s) address stops the build
        validate()
    except SettingsError as exc:
        raise PluginError(str(exc)) from None
    if config.repo_url and not get_setting("KVT_EDIT_URI"):
        config["edit_uri"] = "edit/main/docs/"  # MkDocs would guess the branch "master"
    _entries = load_entries()
    log.info("kvt_docs: %d claims, results from %s", len(_entries), results_dir())
    pages = {e.page for e in _entries}
    for item in config.nav or []:
        if isinstance(item, dict) and isinstance(item.get(CLAIMS_SECTION), list):
            # Idempotent, in case a server rebuild hands the same config back.
            kept = [x for x in item[CLAIMS_SECTION] if not (isinstance(x, dict) and set(x.values()) <= pages)]
            item[CLAIMS_SECTION] = kept + [{e.nav_title: e.page} for e in _entries]
    return config


def then_and_now_page() -> str:
    """The "Then and now" page of the release sets (:mod:`kvt_docs.then_and_now`), from the results folder."""
    from kvt_docs.then_and_now import render_then_and_now

    return render_then_and_now(results_dir())


def check_page() -> tuple[str, str]:
    """The "Check your own model" page from :mod:`kvt_docs.check_page` (issue 17), and the module that writes it;
    a notice while that module is not written."""
    try:
        module = importlib.import_module("kvt_docs.check_page")
    except ModuleNotFoundError as exc:
        if exc.name != "kvt_docs.check_page":
            raise
        return ("# Check your own model\n\n`kvt check PATH` trains, saves and cross-loads your own model under each "
                "Keras backend and reports what ties it to one. This page documents it with a real example once "
                "its generator (`kvt_docs/check_page.py`) is written; meanwhile `kvt check --help` describes the "
                "command.\n", "kvt_docs/hooks.py")
    render = getattr(module, "render_check_page", None) or getattr(module, "render", None)
    if render is None:
        raise AttributeError("kvt_docs.check_page defines neither render_check_page() nor render()")
    return render(), "kvt_docs/check_page.py"


def on_files(files, config, **kwargs):
    """Add the generated pages and their files to the build."""
    _edit_sources.clear()
    repo = Repo(config.repo_url or None)

    def add(path: str, content: str | bytes, source: str | None = None) -> None:
        if files.get_file_from_path(path) is not None:
            raise ValueError(f"docs/{path} exists, but kvt_docs generates {path}; remove the file from docs/")
        files.append(File.generated(config, path, content=content))
        if source:
            _edit_sources[path] = source

    add("index.md", render_home(_entries), "kvt_docs/overview_pages.py")
    add("claims/index.md", render_claims_index(_entries), "kvt_docs/overview_pages.py")
    for entry in _entries:
        page = render_claim_page(entry, repo)
        source = relative(module_files(entry.claim)[0]) if entry.claim else "evidence/registry.py"
        add(entry.page, page.markdown, source)
        for path, content in page.files.items():
            if files.get_file_from_path(path) is None:
                add(path, content)
    advisor = render_advisor(_entries)
    add("advisor.md", advisor.markdown, "kvt_docs/advisor_page.py")
    for path, content in advisor.files.items():
        add(path, content)
    add(THEN_AND_NOW, then_and_now_page(), "kvt_docs/then_and_now.py")
    text, source = check_page()
    add(CHECK, text, source)
    return files


def on_page_context(context, page, config, nav, **kwargs):
    """Edit links of generated pages lead to the code that writes them."""
    source = _edit_sources.get(page.file.src_uri)
    if source and config.repo_url:
        page.edit_url = f"{config.repo_url.rstrip('/')}/edit/main/{source}"
    elif source:
        page.edit_url = None
    return context


def on_serve(server, config, builder, **kwargs):
    """Rebuild on changes to the claims, programs, data, results and this generator while serving."""
    for path in (ROOT / "evidence", ROOT / "advisor", ROOT / "kvt_docs", results_dir()):
        if path.exists():
            server.watch(str(path))
    return server
