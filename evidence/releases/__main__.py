"""``python -m evidence.releases``: the release sets' command line (:func:`evidence.releases.run.main`)."""

import sys

from evidence.releases.run import main

sys.exit(main())
