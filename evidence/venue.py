"""Venues: the kind of machine a result's numbers hold for (``cpu-2core``, ``gpu-h200``).

A number holds for the machine it ran on. A result file names its venue, derived from its provenance (the GPU
when there is one, else the CPU's logical core count), and a results folder can hold results of several venues
of one claim side by side (``performance.cpu-2core.json`` beside ``performance.gpu-h200.json``).
``$KVT_VENUE`` overrides the derived name (a CI runner label, say).
"""

from __future__ import annotations

import re

VENUE_ENV = "KVT_VENUE"
#: What a venue name looks like.
VENUE_PATTERN = r"^(cpu|gpu)-[a-z0-9][a-z0-9-]*$"
_VENUE = re.compile(VENUE_PATTERN)
#: Words of a GPU's name that say nothing about which GPU it is.
_VENDOR_WORDS = {"nvidia", "geforce", "tesla", "amd", "radeon", "instinct", "graphics"}


def venue_of(gpu: str | None, cpu_count: int) -> str:
    """The venue of a machine with ``gpu`` (nvidia-smi's names, comma-separated; None for none) and
    ``cpu_count`` logical CPUs.

    Examples:
        >>> venue_of(None, 2), venue_of("NVIDIA H200", 16), venue_of("Tesla V100-SXM2-16GB, Tesla V100-SXM2-16GB", 8)
        ('cpu-2core', 'gpu-h200', 'gpu-v100-sxm2-16gb')
    """
    if gpu:
        first = gpu.split(",")[0].lower()
        words = [w for w in re.split(r"[^a-z0-9]+", first) if w and w not in _VENDOR_WORDS]
        return "gpu-" + ("-".join(words) or "unknown")
    return f"cpu-{max(int(cpu_count), 1)}core"


def check_venue(name: str) -> str:
    """``name`` when it is a valid venue name.

    Raises:
        ValueError: it is not (the message shows the expected form).
    """
    # fullmatch: re's "$" also matches before a trailing newline, which pydantic's pattern then refuses.
    if not isinstance(name, str) or not _VENUE.fullmatch(name):
        raise ValueError(f"Expected a venue such as 'cpu-2core' or 'gpu-h200' (pattern {VENUE_PATTERN}); "
                         f"received: {name!r}")
    return name


def current_venue(gpu: str | None, cpu_count: int) -> str:
    """``$KVT_VENUE`` when set (validated), else :func:`venue_of` this machine."""
    from evidence.settings import get

    override = get(VENUE_ENV)  # validated once, with a one-line error naming the variable
    return check_venue(override) if override else venue_of(gpu, cpu_count)


def is_accelerator(venue: str) -> bool:
    """Whether ``venue`` has an accelerator (a GPU)."""
    return venue.startswith("gpu-")
