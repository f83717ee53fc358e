"""``python -m kvt``: the same as the ``kvt`` console script."""

import sys

from kvt.cli import main

sys.exit(main())
