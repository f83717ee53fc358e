"""The checks every extension attempt shares, in NumPy only: the data, and a finite-difference gradient check.

``extensions_keras.py``, ``extensions_tensorflow.py``, ``extensions_jax.py``, ``extensions_torch.py`` and
``extensions_tfcore.py`` import this file (it stands beside them). The gradient check is the one test that a
custom gradient, a compiled op or a kernel is *right*, not only that it runs: the gradient the framework's own
autodiff returns (which goes through the extension's backward) is compared with central finite differences of
the extension's forward, element by element. A backward that is wrong by even a few per cent fails it.

The check returns the measured error; the ``extensibility`` claim compares it with its declared tolerance.
"""

import numpy as np

SEED = 7
SAMPLES = 64
FEATURES = 4
BATCH_SIZE = 16
#: Step of the central differences. The extensions compute in float32, whose rounding error (~1e-7 relative)
#: divided by the step gives ~1e-5 of noise; the truncation error of a central difference, step**2 / 6 times
#: the third derivative, is ~2e-5 for the smooth functions checked here.
FD_STEP = 1e-2


def data(samples=SAMPLES, features=FEATURES, seed=SEED):
    """Random inputs and a smooth target: ``y = sum(sin(x))``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features)).astype("float32")
    return x, np.sin(x).sum(axis=1, keepdims=True).astype("float32")


def probe_points():
    """Points where an element-wise function is checked: nine from -4 to 4 (float32)."""
    return np.linspace(-4.0, 4.0, 9, dtype="float32")


def cotangent(shape, seed=SEED):
    """A fixed random weighting of a function's outputs, so that every output element enters the check."""
    return np.random.default_rng(seed + 1).uniform(0.5, 1.5, size=shape).astype("float32")


def finite_difference_gradient(forward, x, weights, step=FD_STEP):
    """Central differences of ``sum(weights * forward(x))`` with respect to each element of ``x``.

    Args:
        forward: a function from a float32 NumPy array to a NumPy array (the extension's forward pass).
        x: the point, a float32 array.
        weights: the output weighting (see :func:`cotangent`), shaped like ``forward(x)``.
        step: the finite-difference step.
    """
    x = np.asarray(x, dtype="float32")
    grad = np.zeros(x.shape, dtype="float64")
    flat = grad.reshape(-1)
    for i in range(x.size):
        shift = np.zeros(x.size, dtype="float32")
        shift[i] = step
        shift = shift.reshape(x.shape)
        up = np.sum(weights.astype("float64") * np.asarray(forward(x + shift), dtype="float64"))
        down = np.sum(weights.astype("float64") * np.asarray(forward(x - shift), dtype="float64"))
        flat[i] = (up - down) / (2 * step)
    return grad


def gradient_check(forward, autodiff_gradient, x, step=FD_STEP):
    """Compare an autodiff gradient with finite differences of the forward pass.

    Args:
        forward: NumPy array -> NumPy array, the extension's forward pass.
        autodiff_gradient: ``(x, weights) -> d sum(weights * f(x)) / dx`` computed by the framework's autodiff
            (through the extension's own backward), as a NumPy array.
        x: the point (float32 array).
        step: the finite-difference step.

    Returns:
        ``max_error``: the largest absolute difference, divided by ``max(1, largest |finite difference|)``
        (an error relative to the gradient's scale once it exceeds 1), None when the autodiff gradient is not
        finite everywhere; ``points``; ``step``; ``max_abs_gradient``; ``finite``.
    """
    x = np.asarray(x, dtype="float32")
    weights = cotangent(np.shape(forward(x)))
    numeric = finite_difference_gradient(forward, x, weights, step)
    analytic = np.asarray(autodiff_gradient(x, weights), dtype="float64").reshape(x.shape)
    scale = max(1.0, float(np.max(np.abs(numeric))))
    finite = bool(np.all(np.isfinite(analytic)))
    error = float(np.max(np.abs(analytic - numeric)) / scale) if finite else None
    return {"max_error": error, "points": int(x.size), "step": step,
            "max_abs_gradient": float(np.max(np.abs(numeric))), "finite": finite}


def swish(x):
    """NumPy reference of the compiled ops and kernels: ``x * sigmoid(x)`` (float64)."""
    x = np.asarray(x, dtype="float64")
    return x / (1.0 + np.exp(-x))


def softplus(x):
    """NumPy reference of the custom-gradient functions: ``log(1 + e^x)`` (float64, stable)."""
    return np.logaddexp(0.0, np.asarray(x, dtype="float64"))
