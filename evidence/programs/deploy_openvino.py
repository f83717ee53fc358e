"""Deploy as OpenVINO IR (``model.xml`` graph + ``model.bin`` weights), served by the OpenVINO runtime.

- Keras on TensorFlow and PyTorch: ``model.export(format="openvino")``.
- Keras on JAX: ``model.export(format="openvino")`` fails (OpenVINO cannot convert the ``XlaCallModule`` op
  that ``jax2tf`` emits), so ``export_keras_jax`` goes through ONNX (``jax2onnx``) instead.
- TensorFlow core: ``openvino.convert_model`` reads the ``tf.Module`` directly.

``openvino.save_model`` compresses weights to float16 unless told not to; the exports here keep float32, as
Keras's own export does, so that outputs can match the original model. For the same reason ``load`` asks the
CPU plugin for float32 arithmetic: on CPUs with bfloat16 units it would otherwise pick bfloat16 (faster, and
about 3e-3 off in probabilities on this model).

    python evidence/programs/deploy_openvino.py model.xml
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import openvino as ov


def export_keras(model, path):
    """Write ``model`` as ``path`` (``.xml``) and its ``.bin`` weights (TensorFlow and PyTorch backends)."""
    model.export(path, format="openvino", verbose=False)


def export_keras_batch1(model, path):
    """The static-shape route: the model converted with a fixed batch of 1 (``input_signature``)."""
    import keras

    spec = keras.InputSpec(shape=(1, *model.input_shape[1:]), dtype=model.inputs[0].dtype)
    model.export(path, format="openvino", verbose=False, input_signature=[spec])


def export_keras_jax(model, path):
    """On the JAX backend: export ONNX to a temporary folder, then convert that with OpenVINO."""
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = Path(tmp) / "model.onnx"
        model.export(onnx_path, format="onnx", verbose=False)
        ov.save_model(ov.convert_model(onnx_path), path, compress_to_fp16=False)


def export_tf_core(module, path):
    """Convert a ``tf.Module`` whose ``__call__`` has an input signature."""
    ov.save_model(ov.convert_model(module), path, compress_to_fp16=False)


def load(path):
    """The model compiled for the CPU, computing in float32."""
    return ov.Core().compile_model(path, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})


def predict(compiled, x):
    """The model's single output for the batch ``x``."""
    return compiled(x)[0]


if __name__ == "__main__":
    compiled = load(sys.argv[1])
    print(predict(compiled, np.zeros((1, compiled.inputs[0].partial_shape[1].get_length()), "float32")))
