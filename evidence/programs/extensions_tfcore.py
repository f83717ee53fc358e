"""Extending TensorFlow core: a custom layer, loss, metric, training step and gradient, and a compiled C++ op.

The same list as ``extensions_keras.py``, written with TensorFlow's own APIs and no Keras: a layer is a
``tf.Module``, a loss a function of tensors, a metric a ``tf.Module`` holding ``tf.Variable`` state, a training
step a ``tf.function`` around ``tf.GradientTape``, a custom gradient ``tf.custom_gradient``, and the compiled op
(``swish_op.cc``) is loaded with ``tf.load_op_library``. TensorFlow core has one form of each, so it fills the
rows that Keras splits by API (a layer with ``keras.ops`` or with ``tf`` ops; ``keras.ops.custom_gradient`` or
``tf.custom_gradient``); it has no ``fit`` whose step could be overridden, so its training loop is the step.

Each ``attempt_*`` function puts one extension to work on a few random samples and returns what it measured:
``checks`` (pass/fail facts), ``errors`` (differences from NumPy, and the gradient's from finite differences, see
``extensions_check.py``) which the claim compares with its tolerances. Run one standalone:

    python evidence/programs/extensions_tfcore.py layer
    python evidence/programs/extensions_tfcore.py compiled_op /tmp/run/swish_op.so
"""

import sys

import numpy as np
import tensorflow as tf
from extensions_check import BATCH_SIZE, FEATURES, SEED, data, gradient_check, probe_points, softplus, swish

STEPS_EPOCHS = 3  # epochs of every training attempt: 12 optimizer steps of 16 samples
LEARNING_RATE = 0.05


# -- the extensions ------------------------------------------------------------------------------------------------
class Dense(tf.Module):
    """A dense layer: Glorot-uniform weights and zero biases held in ``tf.Variable``."""

    def __init__(self, n_in, n_out, activation=None, name=None):
        super().__init__(name=name)
        limit = np.sqrt(6.0 / (n_in + n_out))
        self.w = tf.Variable(tf.random.uniform((n_in, n_out), -limit, limit, seed=SEED))
        self.b = tf.Variable(tf.zeros((n_out,)))
        self.activation = activation

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return self.activation(y) if self.activation else y


def log_cosh(y_true, y_pred):
    """Log-cosh regression loss (log(cosh(d)) = d + softplus(-2d) - log 2), per sample."""
    d = y_pred - y_true
    return tf.reduce_mean(d + tf.nn.softplus(-2.0 * d) - np.log(2.0), axis=-1)


class WithinTolerance(tf.Module):
    """Fraction of predictions within ``tolerance`` of the target, accumulated over batches."""

    def __init__(self, tolerance=0.5):
        super().__init__()
        self.tolerance = tolerance
        self.hits = tf.Variable(0.0, trainable=False)
        self.count = tf.Variable(0.0, trainable=False)

    def update_state(self, y_true, y_pred):
        close = tf.cast(tf.abs(y_pred - y_true) <= self.tolerance, tf.float32)
        self.hits.assign_add(tf.reduce_sum(close))
        self.count.assign_add(tf.cast(tf.size(close), tf.float32))

    def result(self):
        return self.hits / tf.maximum(self.count, 1.0)

    def reset_state(self):
        self.hits.assign(0.0)
        self.count.assign(0.0)


def make_train_step(model, loss_fn, learning_rate=LEARNING_RATE):
    """A compiled training step: forward pass under ``tf.GradientTape``, then plain SGD on every variable."""

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(loss_fn(y, model(x)))
        gradients = tape.gradient(loss, model.trainable_variables)
        for variable, gradient in zip(model.trainable_variables, gradients, strict=True):
            variable.assign_sub(learning_rate * gradient)
        return loss

    return train_step


@tf.custom_gradient
def log1pexp(x):
    """log(1 + e^x) with a gradient that stays finite for large x (TensorFlow's own example)."""
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad


def load_swish_op(library_path):
    """Load the compiled ``KvtSwish`` op and register its gradient with TensorFlow (once per process)."""
    library = tf.load_op_library(library_path)
    try:
        @tf.RegisterGradient("KvtSwish")
        def _swish_grad(op, upstream):
            s = tf.sigmoid(op.inputs[0])
            return upstream * (s + op.inputs[0] * s * (1 - s))
    except KeyError:  # already registered by an earlier call in this process
        pass
    return library.kvt_swish


# -- the harness: put each extension to work and check it against NumPy ------------------------------------------
class Net(tf.Module):
    """Harness model: Dense(8) -> ``middle`` (a function of tensors, or None) -> Dense(1)."""

    def __init__(self, middle=None, activation=tf.nn.relu):
        super().__init__()
        self.first = Dense(FEATURES, 8, activation if middle is None else None)
        self.middle = middle
        self.last = Dense(8, 1)

    def __call__(self, x):
        h = self.first(x)
        return self.last(self.middle(h) if self.middle is not None else h)


def snapshot(variables):
    """Copies of the variables' values, as NumPy arrays."""
    return [v.numpy().copy() for v in variables]


def moved(variables, before):
    """Whether training changed any of ``variables``: run on weights before an extension, it tells that
    gradients flowed through the extension."""
    return any(not np.allclose(v.numpy(), b) for v, b in zip(variables, before, strict=True))


def mse(y_true, y_pred):
    """Mean squared error per sample."""
    return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)


def tape_gradient(fn, x, weights):
    """d sum(weights * fn(x)) / dx with ``tf.GradientTape`` (through any custom gradient)."""
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        total = tf.reduce_sum(tf.constant(weights) * fn(xt))
    return tape.gradient(total, xt).numpy()


def check_function(fn, reference, x=None):
    """The values of ``fn`` against NumPy's ``reference``, and its gradient against finite differences."""
    x = probe_points() if x is None else x

    def forward(v):
        return fn(tf.constant(v)).numpy()

    check = gradient_check(forward, lambda v, w: tape_gradient(fn, v, w), x)
    return {"errors": {"value": float(np.max(np.abs(forward(x) - reference(x)))), "gradient": check["max_error"]},
            "gradient_check": check}


def _train(model, watched, loss_fn=mse):
    """Train ``model`` with the compiled GradientTape step; report its losses and whether ``watched`` trained."""
    x, y = data()
    step = make_train_step(model, loss_fn)
    before = snapshot(watched)
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH_SIZE)
    losses = []
    for _ in range(STEPS_EPOCHS):
        losses.append(float(np.mean([float(step(xb, yb)) for xb, yb in batches])))
    return {"losses": losses, "checks": {"trained": moved(watched, before),
                                         "finite": bool(np.all(np.isfinite(losses)))}}


def attempt_layer():
    """Train a model built from the custom layer; check the layer's output and input gradient (no activation:
    finite differences across ReLU's kink would not measure the gradient)."""
    model = Net(activation=None)
    out = _train(model, [model.first.w, model.first.b])
    w, b = model.first.w.numpy(), model.first.b.numpy()
    out.update(check_function(model.first, lambda v: v @ w + b, data()[0][:2]))
    return out


def attempt_loss():
    """Train with the custom loss; check its value against NumPy and its gradient in the prediction."""
    model = Net()
    out = _train(model, model.trainable_variables, loss_fn=log_cosh)
    x, y = data()
    y_true = tf.constant(y[:8])
    pred = model(tf.constant(x[:8])).numpy()
    out.update(check_function(lambda p: log_cosh(y_true, p),
                              lambda p: np.log(np.cosh(p.astype("float64") - y[:8])).mean(axis=-1), pred))
    return out


def attempt_metric():
    """Accumulate the custom metric batch by batch and check it against NumPy on the same predictions."""
    model = Net()
    out = _train(model, model.trainable_variables)
    x, y = data()
    metric = WithinTolerance(0.5)
    for xb, yb in tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH_SIZE):
        metric.update_state(yb, model(xb))
    pred = model(tf.constant(x)).numpy()
    value = float(metric.result())
    out.update(value=value, errors={"value": abs(value - float(np.mean(np.abs(pred - y) <= 0.5)))})
    metric.reset_state()
    out["checks"]["reset"] = float(metric.result()) == 0.0
    return out


def attempt_training_loop():
    """Train with the compiled GradientTape step; the loss must go down and the weights move."""
    model = Net()
    out = _train(model, model.trainable_variables)
    out["checks"]["loss_decreased"] = out["losses"][-1] < out["losses"][0]
    return out


def attempt_function(fn, reference, *, stable_at=None):
    """Check an element-wise extension's values and gradient, then train Dense(8) -> ``fn`` -> Dense(1): the
    first layer trains only through ``fn``'s gradient. With ``stable_at``, the gradient there must be 1."""
    out = check_function(fn, reference)
    model = Net(middle=fn)
    out.update(_train(model, [model.first.w, model.first.b]))
    if stable_at is not None:
        far = tape_gradient(fn, np.array([stable_at], dtype="float32"), np.ones(1, dtype="float32"))
        out["gradient_far"] = float(far[0])
        out["checks"]["stable"] = bool(np.isfinite(far[0]) and abs(far[0] - 1.0) < 1e-3)
    return out


ATTEMPTS = {
    "layer": attempt_layer,
    "loss": attempt_loss,
    "metric": attempt_metric,
    "training_loop": attempt_training_loop,
    "custom_gradient": lambda: attempt_function(log1pexp, softplus, stable_at=100.0),
    "compiled_op": lambda library: attempt_function(load_swish_op(library), swish),
}


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "layer"
    print(f"{name}: {ATTEMPTS[name](*sys.argv[2:3])}")
