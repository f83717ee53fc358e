"""What ``kvt check`` borrows from two claims, declared in one place: the deployment claim's export routes, serving
harness and browser runner (which live in :mod:`evidence.runtimes`, shared with the claim, so that a user's model
is exported and served exactly as the claim's are), and the performance claim's settings and margin (so that
``--time`` times exactly what the claim times).

This is the one module outside ``evidence/claims/`` that imports a claim's modules (``tests/test_codebase.py``
checks it): when those parts move to a package of their own, only the imports below change. Importing it loads
both claims' packages (never a framework), so its users import it inside the functions that need it.
"""

from __future__ import annotations

from evidence.claims.deployment import CLAIM as DEPLOYMENT
from evidence.claims.performance.claim import CLAIM as PERFORMANCE
from evidence.claims.performance.claim import OPTION_SETTINGS
from evidence.runtimes import browser
from evidence.runtimes.browser import BROWSER_BATCHES
from evidence.runtimes.serving import judge_parity, parity, serve_artifact
from evidence.runtimes.targets import (
    BROWSER,
    KNOWN_ISSUES,
    NOT_APPLICABLE,
    ROUTES,
    SPECS,
    TARGETS,
    export_in_env,
    export_to,
)

__all__ = ["BROWSER", "BROWSER_BATCHES", "DEPLOYMENT", "KNOWN_ISSUES", "NOT_APPLICABLE", "OPTION_SETTINGS",
           "PERFORMANCE", "ROUTES", "SPECS", "TARGETS", "browser", "export_in_env", "export_to", "judge_parity",
           "parity", "serve_artifact"]
