"""``backend_portability``'s subjects and the programs it runs: declarations shared by the claim, its workers and
its judge (pure Python, imports no framework)."""

from __future__ import annotations

from evidence.options import KERAS_BACKEND, KERAS_OPTIONS

#: The model program trained, saved and cross-loaded (stages ``train`` and ``load``).
MODEL_PROGRAM = "digits_mlp.py"

INFERENCE_ONLY: tuple[str, ...] = ("keras-numpy", "keras-openvino")
#: The Keras backend of every subject: the three options and the two inference-only engines.
BACKENDS: dict[str, str] = {**{o: KERAS_BACKEND[o] for o in KERAS_OPTIONS}, "keras-numpy": "numpy",
                            "keras-openvino": "openvino"}
#: The framework each subject needs besides keras (numpy comes with keras).
REQUIRES: dict[str, str | None] = {**{o: KERAS_BACKEND[o] for o in KERAS_OPTIONS}, "keras-numpy": None,
                                   "keras-openvino": "openvino"}

#: The corpus, our own programs, in the order its table shows: programs written to the Keras API alone, then
#: programs that import a framework (TensorFlow, JAX or PyTorch) as that framework's users write them.
CORPUS: tuple[str, ...] = (
    # Written to the Keras API alone.
    "corpus/cnn_augment.py",
    "corpus/text_lstm.py",
    "corpus/transformer_block.py",
    "corpus/two_inputs.py",
    "corpus/custom_layer_ops.py",
    "corpus/custom_loss_metric.py",
    "corpus/pydataset_generator.py",
    "corpus/callbacks_checkpoint.py",
    "corpus/save_resume.py",
    "corpus/mixed_precision.py",
    "corpus/compute_loss_override.py",
    "corpus/train_step_keras_ops.py",
    # Importing a framework: TensorFlow and PyTorch for data pipelines (which Keras presents as usable with every
    # backend), TensorFlow for model and training code, JAX and PyTorch for their own training steps and modules.
    "corpus/tf_data_pipeline.py",
    "corpus/feature_space_tf_data.py",
    "corpus/torch_dataloader.py",
    "corpus/text_vectorization_in_model.py",
    "corpus/layer_tf_ops.py",
    "corpus/lambda_tf.py",
    "corpus/train_step_tensorflow.py",
    "corpus/gradient_tape_loop.py",
    "corpus/train_step_jax.py",
    "corpus/train_step_torch.py",
    "corpus/torch_module_wrapper.py",
)
#: The quick run's subset: a Keras-only program that ports and two that do not, so that every stage of the
#: corpus's judging (works, fails, classified) runs in CI.
CORPUS_QUICK: tuple[str, ...] = (
    "corpus/custom_layer_ops.py",
    "corpus/layer_tf_ops.py",
    "corpus/train_step_jax.py",
)

#: Architectures from the field's libraries, code nobody here wrote: each program under
#: ``evidence/programs/architectures/`` only calls the library (KerasHub, ``keras.applications``) unchanged.
ARCHITECTURES: tuple[str, ...] = (
    "architectures/bert.py",
    "architectures/gpt2.py",
    "architectures/resnet50.py",
    "architectures/mobilenet_v3.py",
)
#: The quick run's subset: the two KerasHub programs at tiny configurations of the same classes. The vision
#: programs are left out: keras.applications has no smaller ResNet-50 or MobileNetV3, and compiling their train step
#: takes 18-25 s per backend under XLA (TensorFlow, JAX) even at 32x32 (probe of 2026-12-07), beyond CI's budget.
ARCHITECTURES_QUICK: tuple[str, ...] = ("architectures/bert.py", "architectures/gpt2.py")
