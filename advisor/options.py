"""The options the advisor compares, and the few facts about them that hold by definition.

The ids are the project's (DESIGN.md, "The options compared"): the same strings are evidence subjects, advisor
options and docs table rows. Everything here is true of an option by what the option *is*; everything measured
comes from result files through :mod:`advisor.criteria` and :mod:`advisor.constraints`.
"""

from __future__ import annotations

#: Advisor options, in the order of DESIGN.md.
OPTIONS: tuple[str, ...] = ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core")

#: The Keras 3 backend an option runs on; None for TensorFlow's own low-level APIs.
KERAS_BACKEND: dict[str, str | None] = {
    "keras-tensorflow": "tensorflow",
    "keras-jax": "jax",
    "keras-torch": "torch",
    "tensorflow-core": None,
}

#: The engine an option's code executes on, in the words of the ``ecosystem`` question's choices.
ENGINE: dict[str, str] = {
    "keras-tensorflow": "tensorflow",
    "keras-jax": "jax",
    "keras-torch": "pytorch",
    "tensorflow-core": "tensorflow",
}

#: The package ecosystems (names of the community claim's ``ecosystems``) whose libraries an option's code can
#: use directly: Keras's own, plus those of the engine underneath.
ECOSYSTEMS: dict[str, tuple[str, ...]] = {
    "keras-tensorflow": ("keras", "tensorflow"),
    "keras-jax": ("keras", "jax"),
    "keras-torch": ("keras", "torch"),
    "tensorflow-core": ("tensorflow",),
}

#: The framework package whose download rank stands for an ecosystem (keys of the community claim's
#: ``frameworks``).
FRAMEWORK_PACKAGE: dict[str, str] = {"keras": "keras", "tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def is_keras(option: str) -> bool:
    """Whether ``option`` is Keras 3 on some backend (as opposed to TensorFlow core).

    Examples:
        >>> is_keras("keras-jax"), is_keras("tensorflow-core")
        (True, False)
    """
    return KERAS_BACKEND[option] is not None
