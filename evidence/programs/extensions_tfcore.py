"""Extending TensorFlow core: a custom layer, loss, metric, training step and gradient, and a compiled C++ op.

The same list as ``extensions_keras.py``, written with TensorFlow's own APIs and no Keras: a layer is a
``tf.Module``, a loss a function of tensors, a metric a ``tf.Module`` holding ``tf.Variable`` state, a training
step a ``tf.function`` around ``tf.GradientTape``, a custom gradient ``tf.custom_gradient``, and the compiled op
(``swish_op.cc``) is loaded with ``tf.load_op_library``. TensorFlow core has one form of each, so it fills the
rows that Keras splits by API (a layer with ``keras.ops`` or with ``tf`` ops; ``keras.ops.custom_gradient`` or
``tf.custom_gradient``; a ``train_step`` override or a GradientTape loop) with that one form.

Each ``attempt_*`` function puts one extension to work on a few random samples, compares its numbers with a
NumPy reference and returns them with a ``checks`` dict of pass/fail. Run one standalone:

    python evidence/programs/extensions_tfcore.py layer
"""

import sys

import numpy as np
import tensorflow as tf

SEED = 7
SAMPLES = 64
FEATURES = 4
BATCH_SIZE = 16
STEPS_EPOCHS = 3  # epochs of every training attempt: 12 optimizer steps
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


def data(samples=SAMPLES, features=FEATURES, seed=SEED):
    """Random inputs and a smooth target: ``y = sum(sin(x))``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features)).astype("float32")
    return x, np.sin(x).sum(axis=1, keepdims=True).astype("float32")


def snapshot(variables):
    """Copies of the variables' values, as NumPy arrays."""
    return [v.numpy().copy() for v in variables]


def moved(variables, before):
    """Whether training changed any of ``variables``: run on weights before or inside an extension, it tells
    that gradients flowed through the extension."""
    return any(not np.allclose(v.numpy(), b) for v, b in zip(variables, before, strict=True))


def mse(y_true, y_pred):
    """Mean squared error per sample."""
    return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)


def _train(model, watched, loss_fn=mse):
    """Train ``model`` with the compiled GradientTape step; report its losses and whether ``watched`` trained."""
    x, y = data()
    step = make_train_step(model, loss_fn)
    before = snapshot(watched)
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH_SIZE)
    losses = []
    for _ in range(STEPS_EPOCHS):
        losses.append(float(np.mean([float(step(xb, yb)) for xb, yb in batches])))
    return {"losses": losses, "trained": moved(watched, before), "finite": bool(np.all(np.isfinite(losses)))}


def attempt_layer():
    """Train a model built from the custom layer and check the layer's output against NumPy."""
    model = Net()
    out = _train(model, [model.first.w, model.first.b])
    x, _ = data()
    got = model.first(tf.constant(x)).numpy()
    reference = np.maximum(x @ model.first.w.numpy() + model.first.b.numpy(), 0.0)
    out["max_abs_diff"] = float(np.max(np.abs(got - reference)))
    out["checks"] = {"trained": out["trained"], "finite": out["finite"], "output": out["max_abs_diff"] < 1e-4}
    return out


def attempt_loss():
    """Train with the custom loss and check its value against NumPy."""
    model = Net()
    out = _train(model, model.trainable_variables, loss_fn=log_cosh)
    x, y = data()
    pred = model(tf.constant(x)).numpy()
    got = log_cosh(tf.constant(y), tf.constant(pred)).numpy()
    out["max_abs_diff"] = float(np.max(np.abs(got - np.log(np.cosh(pred - y)).mean(axis=-1))))
    out["checks"] = {"trained": out["trained"], "finite": out["finite"], "value": out["max_abs_diff"] < 1e-5}
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
    out.update(value=float(metric.result()), reference=float(np.mean(np.abs(pred - y) <= 0.5)))
    metric.reset_state()
    out["checks"] = {"trained": out["trained"], "value": abs(out["value"] - out["reference"]) < 1e-6,
                     "reset": float(metric.result()) == 0.0}
    return out


def attempt_train_step():
    """Train with the compiled GradientTape step; the loss must go down and the weights move."""
    model = Net()
    out = _train(model, model.trainable_variables)
    out["checks"] = {"trained": out["trained"], "loss_decreased": out["losses"][-1] < out["losses"][0]}
    return out


def attempt_custom_gradient():
    """Check the custom-gradient function: its values, and its gradient, which must equal sigmoid(x) and stay
    finite at x = 100 (where the default gradient is NaN); then train through it."""
    x = tf.constant([-5.0, 0.0, 5.0, 100.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(log1pexp(x))
    grads = tape.gradient(total, x).numpy()
    x64 = x.numpy().astype("float64")
    values = log1pexp(x[:3]).numpy()
    model = Net(middle=log1pexp)
    out = _train(model, [model.first.w, model.first.b])
    out.update(gradient=[float(g) for g in grads],
               value_diff=float(np.max(np.abs(values - np.log1p(np.exp(x64[:3]))))),
               gradient_diff=float(np.max(np.abs(grads - 1.0 / (1.0 + np.exp(-x64))))))
    out["checks"] = {"values": out["value_diff"] < 1e-5, "gradient": out["gradient_diff"] < 1e-5,
                     "trained": out["trained"], "finite": out["finite"]}
    return out


def attempt_cpp_op(library_path):
    """Train a model with the compiled op between two layers; check its values and gradient against NumPy."""
    swish = load_swish_op(library_path)
    x = tf.constant(np.linspace(-4, 4, 9, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = swish(x)
    grads = tape.gradient(y, x).numpy()
    x64 = x.numpy().astype("float64")
    s = 1.0 / (1.0 + np.exp(-x64))
    model = Net(middle=swish)
    out = _train(model, [model.first.w, model.first.b])
    out.update(value_diff=float(np.max(np.abs(y.numpy() - x64 * s))),
               gradient_diff=float(np.max(np.abs(grads - (s + x64 * s * (1 - s))))))
    out["checks"] = {"values": out["value_diff"] < 1e-5, "gradient": out["gradient_diff"] < 1e-5,
                     "trained": out["trained"], "finite": out["finite"]}
    return out


ATTEMPTS = {
    "layer": attempt_layer,
    "loss": attempt_loss,
    "metric": attempt_metric,
    "train_step": attempt_train_step,
    "custom_gradient": attempt_custom_gradient,
}


if __name__ == "__main__":
    # ``cpp_op`` needs the compiled library: ``python extensions_tfcore.py cpp_op /path/to/swish_op.so``
    name = sys.argv[1] if len(sys.argv) > 1 else "layer"
    result = attempt_cpp_op(sys.argv[2]) if name == "cpp_op" else ATTEMPTS[name]()
    print(f"{name}: {result}")
