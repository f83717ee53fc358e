"""``kvt``: the command line: its entry point (:mod:`kvt.cli`) and one module per command (:mod:`kvt.commands`)."""
