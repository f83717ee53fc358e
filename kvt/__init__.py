"""``kvt``: the command line's entry point, a thin dispatcher over :mod:`evidence.cli` and :mod:`advisor.cli`."""
