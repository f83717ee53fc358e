"""The documentation site's generator: Markdown pages and chart images made from the evidence at build time.

MkDocs loads :mod:`kvt_docs.hooks` (named in ``mkdocs.yml``); the hooks read the registered claims
(:mod:`evidence.registry`) and their result files (:func:`evidence.results.results_dir`, which honours
``$KVT_RESULTS_DIR``) and add the generated pages to the build in memory, so nothing generated is ever
written into ``docs/`` or committed. Every number on a generated page comes from a result file; every code
listing is read from the file that ran.

Modules, one job each:

- :mod:`kvt_docs.site_data`: what the site knows about each claim (its module, result, staleness).
- :mod:`kvt_docs.markdown`: small, escaping Markdown builders (tables, admonitions, tabs, code fences).
- :mod:`kvt_docs.numbers`: measurement JSON turned into tables, generically.
- :mod:`kvt_docs.programs`: the claim's code listings and the Keras | TensorFlow core pairing rule.
- :mod:`kvt_docs.charts`: matplotlib PNG charts of the numbers that exist.
- :mod:`kvt_docs.sources`: links to the public record, per claim (hand-kept data; links, never numbers).
- :mod:`kvt_docs.claim_page`, :mod:`kvt_docs.overview_pages`, :mod:`kvt_docs.advisor_page`: the pages.
"""
