"""Links to the public record for each claim: official documentation, release notes and issue threads.

Hand-kept data, and deliberately only links with a line of our own on what each says: a source is where a
reader checks us, never where a number on the site comes from. ``stance`` is the source's relation to the
article's claim (not to our verdict): ``agrees``, ``disagrees`` or ``context``. A claim with no entry gets a
page without a sources section, so adding a claim never requires adding sources first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One public source: title, address, relation to the article's claim, and what it says in our words."""

    title: str
    url: str
    stance: str
    says: str


SOURCES: dict[str, list[Source]] = {
    "architecture": [
        Source("Introducing Keras 3.0 (keras.io)", "https://keras.io/keras_3/", "disagrees",
               "Keras 3 is a multi-backend rewrite running on JAX, TensorFlow and PyTorch; Theano and CNTK are "
               "not among its engines."),
        Source("Keras 2.3.0 release notes", "https://github.com/keras-team/keras/releases/tag/2.3.0", "context",
               "Announced as the last major release of multi-backend Keras (Theano, CNTK), pointing users to "
               "tf.keras."),
        Source("TensorFlow 2.16.1 release notes", "https://github.com/tensorflow/tensorflow/releases/tag/v2.16.1",
               "context", "From this release tf.keras is Keras 3; Keras 2 remains as the separate tf-keras package."),
        Source("Theano repository", "https://github.com/Theano/Theano", "disagrees",
               "The original Theano is no longer developed."),
        Source("CNTK repository", "https://github.com/microsoft/CNTK", "disagrees",
               "Microsoft's toolkit is no longer under active feature development."),
    ],
    "backend_portability": [
        Source("Getting started: configuring your backend (keras.io)", "https://keras.io/getting_started/",
               "agrees", "The backend is chosen by the KERAS_BACKEND variable or the Keras config file, not by "
               "the model code."),
        Source("Migrating Keras 2 code to multi-backend Keras 3", "https://keras.io/guides/migrating_to_keras_3/",
               "context", "Code that calls TensorFlow directly (tf ops in layers, TensorFlow-specific training "
               "logic) has to be rewritten with keras.ops to run on other backends."),
        Source("Customizing fit() with JAX (keras.io)", "https://keras.io/guides/custom_train_step_in_jax/",
               "context", "A custom train step is written against one backend's API; each backend has its own "
               "guide."),
    ],
    "performance": [
        Source("Keras 3 benchmarks (keras.io)", "https://keras.io/getting_started/benchmarks/", "disagrees",
               "Keras's own benchmarks find that no single backend is fastest for every model."),
        Source("Better performance with tf.function", "https://www.tensorflow.org/guide/function", "context",
               "How TensorFlow traces Python into graphs, and what tracing costs."),
        Source("XLA: optimizing compiler for machine learning", "https://www.tensorflow.org/xla", "context",
               "The compiler that both TensorFlow (jit_compile) and JAX use."),
    ],
    "distributed_scaling": [
        Source("Distributed training with TensorFlow", "https://www.tensorflow.org/guide/distributed_training",
               "agrees", "tf.distribute offers mirrored, multi-worker, parameter-server and TPU strategies."),
        Source("Multi-worker training with Keras (tensorflow.org)",
               "https://www.tensorflow.org/tutorials/distribute/multi_worker_with_keras", "agrees",
               "The official tutorial for MultiWorkerMirroredStrategy with model.fit."),
        Source("Distributed training with Keras 3 (keras.io)", "https://keras.io/guides/distribution/",
               "disagrees", "Keras 3 has its own distribution API (DataParallel, ModelParallel) built on JAX."),
        Source("keras-team/keras issue 20585", "https://github.com/keras-team/keras/issues/20585", "context",
               "Reports that the multi-worker tutorial's model.fit fails with Keras 3."),
        Source("tensorflow/tensorflow issue 72388", "https://github.com/tensorflow/tensorflow/issues/72388",
               "context", "The same multi-worker failure reported against TensorFlow since Keras 3 became tf.keras."),
    ],
    "ease_of_use": [
        Source("Introduction to Keras for engineers (keras.io)",
               "https://keras.io/getting_started/intro_to_keras_for_engineers/", "agrees",
               "Building, training and evaluating a model with the high-level API."),
        Source("TensorFlow Core APIs overview", "https://www.tensorflow.org/guide/core", "agrees",
               "The low-level APIs, for users who need control beyond Keras, and what they ask of the user."),
        Source("Introduction to gradients and automatic differentiation",
               "https://www.tensorflow.org/guide/autodiff", "context", "tf.GradientTape, the core of a hand-written "
               "training loop."),
    ],
    "deployment": [
        Source("Keras model export API (keras.io)", "https://keras.io/api/models/model_saving_apis/export/",
               "context", "model.export and ExportArchive: serving artifacts from a Keras model."),
        Source("Using the SavedModel format", "https://www.tensorflow.org/guide/saved_model", "context",
               "TensorFlow's serving format and how to write one from TensorFlow code."),
        Source("LiteRT (Google AI Edge)", "https://ai.google.dev/edge/litert", "context",
               "The on-device runtime formerly called TensorFlow Lite."),
        Source("ONNX Runtime documentation", "https://onnxruntime.ai/docs/", "context",
               "The runtime that loads ONNX exports."),
        Source("OpenVINO documentation", "https://docs.openvino.ai/", "context",
               "Intel's inference runtime, also a Keras 3 inference backend."),
    ],
    "extensibility": [
        Source("Create an op (tensorflow.org)", "https://www.tensorflow.org/guide/create_op", "agrees",
               "Custom C++ ops compiled against TensorFlow and loaded with tf.load_op_library."),
        Source("Making new layers and models via subclassing (keras.io)",
               "https://keras.io/guides/making_new_layers_and_models_via_subclassing/", "disagrees",
               "Keras supports custom layers, models, losses and metrics written with keras.ops."),
        Source("Keras ops API", "https://keras.io/api/ops/", "disagrees",
               "Backend-agnostic operations, custom_gradient included, for extensions that run on every backend."),
    ],
    "community": [
        Source("keras on PyPI", "https://pypi.org/project/keras/", "context",
               "The standalone Keras package; TensorFlow depends on it."),
        Source("tensorflow on PyPI", "https://pypi.org/project/tensorflow/", "context",
               "The TensorFlow package, whose installs pull Keras in."),
        Source("Keras: the high-level API for TensorFlow", "https://www.tensorflow.org/guide/keras", "context",
               "TensorFlow's own guide presents Keras as its high-level API: the two communities overlap."),
    ],
}


def sources_for(claim_id: str) -> list[Source]:
    """The public sources kept for ``claim_id`` (empty when none are)."""
    return SOURCES.get(claim_id, [])
