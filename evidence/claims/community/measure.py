"""What the community claim's worker measures: the dated listing read, classified and counted (no framework)."""

from __future__ import annotations

import re
from importlib import metadata
from typing import TYPE_CHECKING, Any

from evidence.claim import Context

from .constants import DATA_FILE, LISTING_DATE, SOURCE
from .measure_listing import analyse, read_listing, read_source

if TYPE_CHECKING:
    from evidence.claim import Claim


def tensorflow_requires_keras() -> str | None:
    """The ``keras`` requirement of the installed TensorFlow, read from its metadata (no import), or None."""
    for dist in ("tensorflow", "tensorflow-cpu"):
        try:
            requires = metadata.requires(dist) or []
        except metadata.PackageNotFoundError:
            continue
        found = [r for r in requires if re.match(r"^keras\b", r) and "extra ==" not in r]
        return f"{dist} {metadata.version(dist)} requires {found[0]}" if found else None
    return None


def measure(claim: Claim, ctx: Context) -> dict[str, Any]:
    """Read the listing, classify its packages and count; read TensorFlow's keras requirement."""
    result = analyse(read_listing(), listing_month=LISTING_DATE[:7],
                     active_months=int(claim.threshold("active_window_months")),
                     top_n=int(claim.threshold("top_n")))
    result["source"] = f"{SOURCE} ({DATA_FILE})"
    result["listing"] = read_source()
    result["tensorflow_requires_keras"] = tensorflow_requires_keras()
    return result
