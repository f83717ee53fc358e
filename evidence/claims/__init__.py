"""One package per claim (a few older claims are still single modules), each exposing ``CLAIM``, an
instance of its subclass of :class:`evidence.claim.Claim`, and importing nothing heavy: ``claim`` (declarations),
``measure`` (what a worker measures), ``assessment`` (what readers read), ``assess``, ``verdict`` (the typed
decision), ``report`` (prose, outside the code hash), ``synthetic`` (the family test's made-up results)."""
