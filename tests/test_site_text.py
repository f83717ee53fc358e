"""The site in plain language: first sentences made from templates a person wrote, labels instead of ids in what a
reader sees, and the venue named up front (issue 28).

The built site is the one the other site tests share (committed results plus fresh fast claims and the toy claim).
"""

from __future__ import annotations

import html
import importlib.util
import re

import pytest

from tests.site_helpers import shared_site
from tests.site_text import machine_text, visible_text

if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
    pytest.skip("needs the docs extra (mkdocs, mkdocs-material)", allow_module_level=True)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """(results folder, build) shared with the other site tests."""
    return shared_site(tmp_path_factory)


def _pages(build):
    return sorted(p for p in build.site.rglob("index.html") if "assets" not in p.parts and "search" not in p.parts)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def test_every_first_sentence_is_made_from_a_template(site):
    """Each Home row's "what we found" and each claim page's first sentence is one of kvt_docs.sentences'
    templates filled in, and a machine-independent claim's names no venue."""
    from kvt_docs.sentences import TEMPLATES, matching_template
    from kvt_docs.site_data import load_entries

    results, build = site
    home = build.page("")
    found = [_text(c) for c in re.findall(r'<td data-label="what we found">(.*?)</td>', home, re.S)]
    assert found, "no 'what we found' column on Home"
    entries = {e.id: e for e in load_entries(results)}
    checked = 0
    for cid, entry in entries.items():
        if entry.state != "ok":
            continue
        page = build.page(f"claims/{cid}/")
        firsts = [_text(p) for p in re.findall(r'<p class="kvt-plain">(.*?)</p>', page, re.S)]
        assert firsts, f"{cid}: its page does not open with a plain sentence"
        for sentence in firsts:
            name = matching_template(sentence)
            assert name is not None, f"{cid}: {sentence!r} matches no template"
            assert sentence in found, f"{cid}: its first sentence is not its Home row's"
            if not entry.primary.claim.machine_dependent:
                assert "{venue}" not in TEMPLATES[name], f"{cid} holds on any machine but names a venue"
            checked += 1
        # the plain sentence comes before the verdict badge and the first chart
        start = page.index("<article")
        plain_at, verdict_at = page.index('class="kvt-plain"', start), page.index('class="kvt-verdict', start)
        assert plain_at < verdict_at, f"{cid}: the verdict comes before the plain sentence"
        if 'class="kvt-chart"' in page:
            assert verdict_at < page.index('class="kvt-chart"'), f"{cid}: a chart comes before the verdict"
    assert checked >= 3


def test_a_template_takes_values_not_clauses():
    """A placeholder takes a name, a number or a short listing; a clause glued in is refused."""
    from kvt_docs.sentences import say

    assert say("deployment.no_size", venue="a 2-core CPU", n=0, total=3).startswith("On a 2-core CPU, 0 of 3")
    with pytest.raises(ValueError):
        say("deployment.no_size", venue="a 2-core CPU", n="0 and, since nobody asked, " * 5, total=3)
    with pytest.raises(KeyError):
        say("deployment.no_size", venue="a 2-core CPU")


def test_no_id_or_key_path_in_visible_text(site):
    """No snake_case id, dotted or arrow key path, or labelled id (an option, answer, path, target, outcome) in
    any page's visible text outside code and collapsed details."""
    from evidence.labels import all_labels

    _, build = site
    labels = all_labels()
    found = []
    for path in _pages(build):
        for text in visible_text(path.read_text(encoding="utf-8")):
            for hit in machine_text(text, labels):
                found.append(f"{path.relative_to(build.site)}: {hit!r} in {text[:100]!r}")
    assert not found, "\n".join(found[:40])


def test_machine_text_finds_ids_and_key_paths():
    """The crawl's detector itself: ids, key paths and option ids are found; API names, file names, prose and
    numbers with arrows are not."""
    assert machine_text("needs multi_node and keras-jax", {"keras-jax": "Keras · JAX"}) == ["multi_node",
                                                                                           "keras-jax"]
    assert machine_text("backends.jax.status unavailable -> trains")
    assert machine_text("override train_step in text_lstm.py; torch.utils.cpp_extension; 2.5 → 2.7") == []
    assert visible_text("<p>shown <code>multi_node</code><details><summary>error</summary>x_y</details></p>") \
        == ["shown"]


def test_venue_up_front(site):
    """Home names the venue measured and the hardware not measured, with a link to how to add a venue; each
    machine-dependent claim page carries the same line, a machine-independent one none."""
    from kvt_docs.site_data import load_entries

    results, build = site
    home = build.page("")
    banner = re.search(r'<p class="kvt-venue-banner"[^>]*>(.*?)</p>', home, re.S)
    assert banner, "no venue banner on Home"
    text = _text(banner.group(1))
    assert "2-core CPU" in text and "GPU" in text and "TPU" in text
    assert 'href="reproduce/#add-a-venue"' in banner.group(1)
    assert 'id="add-a-venue"' in build.page("reproduce/")
    for entry in load_entries(results):
        if entry.state != "ok":
            continue
        page = build.page(f"claims/{entry.id}/")
        dependent = any(r.claim.machine_dependent for r in entry.results.values())
        assert ('class="kvt-venue-stamp"' in page) == dependent, entry.id
        if not dependent:
            assert "cpu-2core" not in _text(page.split('<article', 1)[-1].split("Provenance")[0]), entry.id


def test_one_label_map_for_every_id():
    """Every option, claim, question and answer of the advisor has a label written in evidence/labels.py, and the
    browser advisor's data carries the same map."""
    from advisor.export import export_advisor
    from advisor.questions import QUESTIONS
    from advisor.ranking import Ranker
    from evidence import labels
    from evidence.options import OPTIONS
    from evidence.registry import claim_ids

    written = labels.all_labels()
    missing = [o for o in OPTIONS if o not in written] + [c for c in claim_ids() if c not in written]
    missing += [q.id for q in QUESTIONS if q.id not in written]
    missing += [f"{q.id}={v}" for q in QUESTIONS for v in q.values
                if ("_" in v or "-" in v) and v not in written]
    assert not missing, missing
    data = export_advisor(Ranker(n_draws=10).fit({}))
    assert data["labels"]["map"] == written
    assert labels.humanize("scale=multi_node rules out keras-torch") == \
        "scale: several machines rules out Keras · PyTorch"


def test_advise_table_shows_labels(results):
    """``kvt advise``'s table names each option by its label, not its id."""
    import contextlib
    import io

    from kvt.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["advise", "--no-input", "--results-dir", str(results)]) == 0
    table = [line for line in out.getvalue().splitlines() if re.match(r"^\d ", line)]
    assert len(table) == 4, out.getvalue()
    assert all(re.match(r"^\d (Keras · (TensorFlow|JAX|PyTorch)|TensorFlow core) ", line) for line in table), table


def test_check_page_has_no_ditto_marks_and_collapses_later_examples(site):
    """The check page names the program on every row (no `` ditto marks) and collapses the examples after the
    first; raw errors sit in closed "error" details."""
    _, build = site
    page = build.page("check/")
    assert "<code></code>" not in page and "``" not in "".join(visible_text(page))
    migration = page.split('id="moving-from-keras-2"', 1)[1].split("<h2", 1)[0]
    assert migration.count("<details") >= 1
    for raw in re.findall(r"\b[A-Z]\w*Error: ", "\n".join(visible_text(page))):
        pytest.fail(f"a raw error outside a details block: {raw}")


def test_the_performance_sentence_says_when_its_run_was_unsteady():
    """The committed full run of performance was refused by the claim's steadiness rule: its plain sentence gives
    the numbers as measured, says no verdict is given, and names only the models the engines were compared on."""
    from evidence.results import load_result
    from kvt_docs.sentences import plain_sentence
    from tests.site_helpers import COMMITTED_RESULTS

    r = load_result("performance", COMMITTED_RESULTS)
    assert r is not None and r.decision is not None
    sentence = plain_sentence("performance", r)
    compared = {e.model for e in r.assessment.engines}
    assert "mlp" not in compared and " mlp" not in sentence  # dispatch-bound models are not engine cells
    if r.decision.code == "unsteady":
        assert "not steady" in sentence and "no verdict" in sentence
    else:
        assert "not steady" not in sentence
