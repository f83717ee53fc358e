"""The options compared, and the Keras backend each runs on: the one map every claim and reader uses.

The ids are the project's (README.md names the four): the same strings are evidence subjects, advisor options and
docs table rows.
"""

from __future__ import annotations

#: The four options, in the order the README, the tables and the site list them.
OPTIONS: tuple[str, ...] = ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core")
TF_CORE = "tensorflow-core"
#: The Keras 3 options.
KERAS_OPTIONS: tuple[str, ...] = ("keras-tensorflow", "keras-jax", "keras-torch")

#: The Keras 3 backend each option runs on; None for TensorFlow's own low-level APIs (no Keras backend).
KERAS_BACKEND: dict[str, str | None] = {
    "keras-tensorflow": "tensorflow",
    "keras-jax": "jax",
    "keras-torch": "torch",
    TF_CORE: None,
}
#: The Keras 3 backend of each Keras option (:data:`KERAS_BACKEND` without TensorFlow core).
OPTION_BACKEND: dict[str, str] = {o: b for o, b in KERAS_BACKEND.items() if b is not None}
#: The backends Keras 3 trains on, in option order.
TRAINING_BACKENDS: tuple[str, ...] = ("tensorflow", "jax", "torch")
#: The option of each training backend.
BACKEND_OPTION: dict[str, str] = {b: o for o, b in OPTION_BACKEND.items()}
#: The framework an option's code executes on (TensorFlow core and Keras on TensorFlow share one).
FRAMEWORK: dict[str, str] = {"keras-tensorflow": "tensorflow", "keras-jax": "jax", "keras-torch": "torch",
                             TF_CORE: "tensorflow"}
#: Short labels for tables and charts.
LABELS: dict[str, str] = {"keras-tensorflow": "Keras · TensorFlow", "keras-jax": "Keras · JAX",
                          "keras-torch": "Keras · PyTorch", TF_CORE: "TensorFlow core"}


def keras_backend(option: str) -> str | None:
    """The Keras backend of ``option`` (None for TensorFlow core).

    Raises:
        ValueError: an unknown option; the message lists the valid ones.

    Examples:
        >>> keras_backend("keras-jax"), keras_backend("tensorflow-core")
        ('jax', None)
    """
    try:
        return KERAS_BACKEND[option]
    except KeyError:
        raise ValueError(f"Expected one of {OPTIONS}; received: option={option!r}") from None


def is_keras(option: str) -> bool:
    """Whether ``option`` is Keras 3 on some backend (as opposed to TensorFlow core).

    Examples:
        >>> is_keras("keras-jax"), is_keras("tensorflow-core")
        (True, False)
    """
    return keras_backend(option) is not None
