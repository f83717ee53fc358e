"""Accessibility of the built site: axe-core on every page, at 1280 px and on a 390 px phone, in the light and the
dark colour scheme, and the keyboard reaching what scrolls.

The test fails on any violation axe-core rates serious or critical, whoever's markup causes it: the theme's
markup is part of the site we publish, so where it falls short (grey text under 4.5:1, an unnamed search dialog,
a scrolling table wrapper no keyboard reaches) ``docs/stylesheets/kvt.css`` and ``docs/javascripts/a11y.js`` fix
it. What each page gave is written to ``test-artifacts/a11y.json``. Skipped like the other browser tests when
Chromium, Playwright or the docs extra is missing, except on CI, where that fails.
"""

from __future__ import annotations

import json

import pytest

from tests.site_browser import (
    DESKTOP,
    PHONE,
    axe_script,
    serve,
    skip_unless_browser,
)
from tests.site_helpers import ARTIFACTS, shared_site

skip_unless_browser("accessibility test")

#: The impacts that fail the test (axe-core's scale: minor, moderate, serious, critical).
FAILING_IMPACTS = ("serious", "critical")

_RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160))}));
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base address, page paths) of the shared site, served for this module."""
    _, build = shared_site(tmp_path_factory)
    paths = sorted("" if p.parent == build.site else f"{p.parent.relative_to(build.site).as_posix()}/"
                   for p in build.site.rglob("index.html") if "assets" not in p.relative_to(build.site).parts)
    with serve(build.site) as base:
        yield base, paths


def test_axe_finds_no_serious_violation_on_any_page(browser, site):
    """axe-core on every built page (Home, each claim, the advisor, Then and now, Check, Methodology, ...) at
    both widths in the light scheme and at 1280 px in the dark one: no serious or critical violation."""
    base, paths = site
    assert len(paths) >= 10, f"too few pages found to check: {paths}"
    axe = axe_script()
    report, failures = {}, []
    for name, viewport, scheme in (("1280-light", DESKTOP, "light"), ("390-light", PHONE, "light"),
                                   ("1280-dark", DESKTOP, "dark")):
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        for path in paths:
            page.goto(base + path)
            page.add_script_tag(content=axe)
            violations = page.evaluate(_RUN_AXE)
            report[f"{name} /{path}"] = violations
            failures += [f"/{path} at {name}: {v['id']} ({v['impact']}): {v['help']}; {v['nodes'][0]}"
                         for v in violations if v["impact"] in FAILING_IMPACTS]
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "a11y.json").write_text(json.dumps(report, indent=2) + "\n")
    assert not failures, f"{len(failures)} serious or critical axe-core violations:\n" + "\n".join(failures[:20])


def test_axe_catches_a_link_told_apart_by_colour_alone(browser, site):
    """The check can fail: a page whose in-text link loses its underline is reported (link-in-text-block)."""
    base, _ = site
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(base + "methodology/")
    page.add_style_tag(content=".md-typeset a { text-decoration: none !important; }")
    page.add_script_tag(content=axe_script())
    ids = {v["id"] for v in page.evaluate(_RUN_AXE) if v["impact"] in FAILING_IMPACTS}
    context.close()
    assert "link-in-text-block" in ids


def test_a_keyboard_reaches_every_scrolling_table(browser, site):
    """Every table wrapper that scrolls sideways on a phone can take focus, and has a name a screen reader says."""
    base, paths = site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    seen = 0
    for path in paths:
        page.goto(base + path)
        wraps = page.evaluate("""() => Array.from(document.querySelectorAll('.md-typeset__scrollwrap'))
            .filter(w => w.scrollWidth > w.clientWidth)
            .map(w => ({tabindex: w.getAttribute('tabindex'), label: w.getAttribute('aria-label')}))""")
        seen += len(wraps)
        for wrap in wraps:
            assert wrap["tabindex"] == "0" and wrap["label"], f"/{path}: a scrolling table no keyboard reaches"
    context.close()
    assert seen > 0, "no table scrolls sideways at 390 px: the test checked nothing"
