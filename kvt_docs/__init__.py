"""The documentation site's generator: pages and SVG charts made from the claims' typed assessments at build time.

MkDocs loads :mod:`kvt_docs.hooks` (named in ``mkdocs.yml``); the hooks read the registered claims
(:mod:`evidence.registry`) and their results per venue through :func:`evidence.results.load_venues`, the one
reader of result files (``$KVT_RESULTS_DIR`` or ``evidence/results``), and add the generated pages to the build in
memory, so nothing generated is ever written into ``docs/`` or committed. Every number on a generated page is a
field of a typed assessment (or of a result's thresholds, settings and provenance), formatted; no page reads a
result's raw measurements, and findings are shown as prose only. Every code listing is read from the file that ran.

Modules, one job each:

- :mod:`kvt_docs.site_data`: what the site knows about each claim (its module, its results per venue, staleness);
- :mod:`kvt_docs.stories`: one story per claim (what we found, why, its charts, what it means, its detail tables),
  written from its assessment; a generic story for a claim without one;
- :mod:`kvt_docs.svg` and :mod:`kvt_docs.charts`: charts drawn as SVG, wide and phone-sized, and their figures;
- :mod:`kvt_docs.formatting`, :mod:`kvt_docs.markdown`, :mod:`kvt_docs.assessment_tables`: numbers and dates for
  reading, escaping Markdown builders, any assessment as tables;
- :mod:`kvt_docs.programs`: the programs that ran, grouped into Keras | TensorFlow core tabs;
- :mod:`kvt_docs.sources`: links to the public record, per claim (hand-kept data; links, never numbers);
- :mod:`kvt_docs.claim_page`, :mod:`kvt_docs.overview_pages`, :mod:`kvt_docs.advisor_page`: the pages;
  :mod:`kvt_docs.then_and_now` (release sets) and ``kvt_docs.check_page`` (``kvt check``, when written) come
  from their own helpers; ``kvt_docs/overrides/`` holds the social meta tags.
"""
