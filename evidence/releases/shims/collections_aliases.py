"""Restores the aliases of ``collections.abc`` in ``collections`` (``collections.Iterable`` and the rest), which
Python 3.10 removed after deprecating them since 3.3; multi-backend Keras 2.2 imports them, written for Python 3.6.

Run at the start-up of a release set's environment (a ``.pth`` line), never in the project's own environment; it
adds names only where ``collections`` lacks them and changes no library file.
"""

import collections
import collections.abc

for _name in collections.abc.__all__:
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
