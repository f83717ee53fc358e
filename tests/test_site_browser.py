"""The built site in a real browser: Debian's headless Chromium driven by Playwright.

Checks what a reader sees: the verdict table lists every registered claim, a claim page's charts load, the
Keras | TensorFlow core code tabs switch, and the search finds a claim. Screenshots go to ``test-artifacts/``.
Skipped when ``/usr/bin/chromium`` or the ``playwright`` package is missing, except on CI (``CI`` set),
where a missing browser is an installation error and fails.

Playwright drives the system's Chromium (``executable_path``); ``playwright install`` is never needed.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import threading
from pathlib import Path

import pytest

from tests.site_helpers import ARTIFACTS, shared_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000

_missing = [what for what, ok in (
    ("the docs extra (mkdocs, mkdocs-material): pip install -e '.[docs]'",
     importlib.util.find_spec("mkdocs") is not None and importlib.util.find_spec("material") is not None),
    ("Playwright: pip install -e '.[dev]'", importlib.util.find_spec("playwright") is not None),
    (f"Chromium at {CHROMIUM}: apt-get install -y chromium", CHROMIUM.exists()),
) if not ok]
if _missing:
    if os.environ.get("CI"):
        raise RuntimeError(f"CI must install what the browser test needs: {'; '.join(_missing)}")
    pytest.skip(f"browser test needs {'; '.join(_missing)}", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (after the skip)

from evidence.registry import claim_ids  # noqa: E402


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The built site served on a free localhost port for the module's tests."""
    _, build = shared_site(tmp_path_factory)
    handler = functools.partial(_QuietHandler, directory=str(build.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from Debian, driven by Playwright."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page (desktop size, so the header search box is shown) whose console errors are collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.console_errors = []
    pg.on("console", lambda msg: msg.type == "error" and pg.console_errors.append(msg.text))
    yield pg
    context.close()


def _shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"site-{name}.png"), full_page=True)


def test_verdict_table_lists_every_claim(page, base_url):
    page.goto(base_url)
    table = page.locator("table").filter(has=page.locator("th", has_text="verdict")).first
    expect(table).to_be_visible()
    _shot(page, "home")
    rows = table.locator("tbody tr")
    linked = {rows.nth(i).locator("td").first.locator("a").get_attribute("href") for i in range(rows.count())}
    expected = {f"claims/{cid}/" for cid in [*claim_ids(), "toy_pair"]}
    assert linked == expected
    for i in range(rows.count()):
        expect(rows.nth(i).locator(".kvt-verdict")).to_have_count(1)
    assert page.console_errors == []


def test_claim_page_charts_load(page, base_url):
    for cid in ("community", "toy_pair"):
        page.goto(f"{base_url}claims/{cid}/")
        images = page.locator("img.kvt-chart")
        assert images.count() >= 1, f"{cid} has no chart"
        for i in range(images.count()):
            images.nth(i).scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete", arg=images.nth(i).element_handle())
            width = images.nth(i).evaluate("img => img.naturalWidth")
            assert width > 0, f"chart {i} of {cid} did not load"
        _shot(page, f"claim-{cid}")
    assert page.console_errors == []


def test_code_tabs_switch(page, base_url):
    page.goto(f"{base_url}claims/toy_pair/")
    tabset = page.locator(".tabbed-set").filter(has=page.locator("label", has_text="TensorFlow core")).first
    keras_block = tabset.locator(".tabbed-block").nth(0)
    tfcore_block = tabset.locator(".tabbed-block").nth(1)
    expect(keras_block).to_be_visible()
    expect(keras_block).to_contain_text("toy_mlp_keras.py")
    expect(tfcore_block).to_be_hidden()

    tabset.locator("label", has_text="TensorFlow core").click()
    expect(tfcore_block).to_be_visible()
    expect(tfcore_block).to_contain_text("tf.Module")
    expect(keras_block).to_be_hidden()
    tfcore_block.scroll_into_view_if_needed()
    _shot(page, "code-tabs-tfcore")

    tabset.locator("label", has_text="Keras").first.click()
    expect(keras_block).to_be_visible()
    expect(tfcore_block).to_be_hidden()


def test_code_tabs_switch_on_a_real_claim(page, base_url):
    """The same on the first registered claim whose code tab set has several files (once one declares programs)."""
    for cid in claim_ids():
        page.goto(f"{base_url}claims/{cid}/")
        tabset = page.locator("h2#the-code-that-ran ~ .tabbed-set").first
        if tabset.count() and tabset.locator(".tabbed-labels > label").count() >= 2:
            break
    else:
        pytest.skip("no registered claim declares programs yet")
    labels = tabset.locator(".tabbed-labels > label")
    blocks = tabset.locator(".tabbed-content > .tabbed-block")
    expect(blocks.nth(0)).to_be_visible()
    labels.nth(1).click()
    expect(blocks.nth(1)).to_be_visible()
    expect(blocks.nth(0)).to_be_hidden()
    expect(blocks.nth(1).locator(".filename").first).to_contain_text("evidence/")  # the listed file's path
    blocks.nth(1).scroll_into_view_if_needed()
    _shot(page, f"code-tabs-{cid}")


def test_search_finds_a_claim(page, base_url):
    page.goto(base_url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("community")
    hit = page.locator(".md-search-result__link[href*='claims/community/']").first
    expect(hit).to_be_visible()
    _shot(page, "search")
    hit.click()
    expect(page).to_have_url(re.compile(r".*/claims/community/"))
    expect(page.locator("h1")).to_contain_text("community")
