"""The community claim's shared declarations: the listing it reads and what a listing can and cannot decide.

Declared here, not in ``claim.py``, so that the claim's parts (measure, assess, report, synthetic) read them
without importing the claim that wires them in: no import circle.
"""

from __future__ import annotations

from evidence.options import KERAS_BACKEND, OPTIONS

DATA_FILE = "pypi-dl-frameworks-2026-11-25.tsv"
SOURCE_FILE = "pypi-dl-frameworks-2026-11-25.source.json"
FIRST_PARTY_FILE = "community-first-party.tsv"
LISTING_DATE = "2026-11-25"
SOURCE = f"PyPI listing of {LISTING_DATE}"

#: The ecosystems an option's code can draw on directly: Keras's and its engine's (TensorFlow core: TensorFlow's).
OPTION_ECOSYSTEMS: dict[str, tuple[str, ...]] = {
    option: (("keras", KERAS_BACKEND[option]) if KERAS_BACKEND[option] else ("tensorflow",)) for option in OPTIONS
}
#: The ratios (TensorFlow / Keras, third-party packages) the verdict weighs, in words.
SIGNALS: dict[str, str] = {
    "packages": "third-party packages in the ecosystem",
    "active": "third-party packages released in the activity window",
    "widely_downloaded": "third-party packages ranked among the most downloaded",
}
#: What a package listing can decide of the claim, and what it cannot.
DECIDES = ("the package half of the claim: how many third-party packages each ecosystem has, how many released "
           "lately, how many are widely downloaded")
CANNOT_SAY = (
    "how many people use, teach or contribute to each framework (the listing has no contributors or maintainers)",
    "commit activity beyond each package's newest release",
    "questions and answers (Stack Overflow, forums) and issue or pull-request traffic",
    "who contributes: the owning company or others (the full TensorFlow and Keras histories are too large to "
    "snapshot here)",
    "packages whose name does not contain a framework's name",
)

