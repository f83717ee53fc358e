"""The public record of which engine runs on which hardware and operating system, as data, each with its source.

Every row is read from the framework's own documentation or release notes, with the date it was read
(:data:`READ_ON`). The claim checks what it can of these against the installed packages' own code
(:mod:`evidence.claims.platform.checks`); a row it cannot check stays "cited".

The engines are the frameworks the options execute on (TensorFlow core and Keras on TensorFlow share one); what
Keras adds on top (the devices its torch backend selects) is a code check, not a row here.
"""

from __future__ import annotations

from typing import Literal

#: The date every source below was read.
READ_ON = "2026-12-07"

Accelerator = Literal["cpu", "nvidia_gpu", "amd_gpu", "tpu", "apple_silicon"]
System = Literal["linux", "macos", "windows"]
Support = Literal["supported", "experimental", "unsupported", "unknown", "not_applicable"]

ACCELERATORS: tuple[str, ...] = ("cpu", "nvidia_gpu", "amd_gpu", "tpu", "apple_silicon")
SYSTEMS: tuple[str, ...] = ("linux", "macos", "windows")
#: The accelerators and systems in words, for the judge's text.
WORDS: dict[str, str] = {"cpu": "CPUs", "nvidia_gpu": "NVIDIA GPUs", "amd_gpu": "AMD GPUs", "tpu": "TPUs",
                         "apple_silicon": "Apple silicon", "linux": "Linux", "macos": "macOS", "windows": "Windows"}

#: Hardware that does not exist with an operating system: Cloud TPUs are attached to Linux VMs; Apple silicon's GPU
#: is driven by macOS (Metal); AMD's compute stack (ROCm) and NVIDIA's CUDA have no macOS release for these GPUs.
NOT_A_PLATFORM: dict[tuple[str, str], str] = {
    ("tpu", "macos"): "Cloud TPUs are attached to Linux VMs only",
    ("tpu", "windows"): "Cloud TPUs are attached to Linux VMs only",
    ("apple_silicon", "linux"): "Apple silicon's GPU is reached through macOS's Metal only",
    ("apple_silicon", "windows"): "Apple silicon's GPU is reached through macOS's Metal only",
    ("nvidia_gpu", "macos"): "no CUDA release for macOS since CUDA 10.2; JAX's table marks it n/a",
    ("amd_gpu", "macos"): "ROCm has no macOS release",
}

SOURCES: dict[str, tuple[str, str]] = {
    "jax-install": ("https://docs.jax.dev/en/latest/installation.html",
                    "JAX installation, 'Supported platforms' table"),
    "tf-pip": ("https://www.tensorflow.org/install/pip",
               "TensorFlow 'Install TensorFlow with pip' (Windows native: CPU only; macOS: no official GPU support)"),
    "tf-2.11": ("https://github.com/tensorflow/tensorflow/releases/tag/v2.11.1",
                "TensorFlow 2.11 release notes: 2.10 was the last release with GPU on native Windows"),
    "tf-tpu": ("https://www.tensorflow.org/guide/tpu", "TensorFlow guide 'Use TPUs' (tf.distribute.TPUStrategy)"),
    "tf-metal": ("https://developer.apple.com/metal/tensorflow-plugin/",
                 "Apple's tensorflow-metal PluggableDevice plugin"),
    "tf-rocm": ("https://rocm.docs.amd.com/projects/install-on-linux/en/latest/install/3rd-party/"
                "tensorflow-install.html", "AMD ROCm docs: installing tensorflow-rocm (Linux)"),
    "torch-start": ("https://pytorch.org/get-started/locally/",
                    "PyTorch 'Start locally': compute platforms per OS (CUDA; ROCm on Linux only; CPU)"),
    "torch-mps": ("https://docs.pytorch.org/docs/stable/notes/mps.html", "PyTorch MPS backend (Apple silicon)"),
    "torch-hip": ("https://docs.pytorch.org/docs/stable/notes/hip.html",
                  "PyTorch HIP (ROCm) semantics: ROCm builds reuse the torch.cuda interfaces"),
    "torch-xla": ("https://github.com/pytorch/xla", "PyTorch/XLA: PyTorch on Cloud TPUs through the xla device"),
}

#: (engine, accelerator, system) -> (support, how, source id). Missing combinations are ``unknown``.
CITED: dict[tuple[str, str, str], tuple[str, str, str]] = {}


def _rows(engine: str, accelerator: str, rows: dict[str, tuple[str, str, str]]) -> None:
    for system, row in rows.items():
        CITED[(engine, accelerator, system)] = row


# -- TensorFlow --------------------------------------------------------------------------------------------------
_rows("tensorflow", "cpu", {
    "linux": ("supported", "tensorflow / tensorflow-cpu wheels", "tf-pip"),
    "macos": ("supported", "tensorflow wheels for macOS (CPU)", "tf-pip"),
    "windows": ("supported", "tensorflow wheels for native Windows, CPU only", "tf-pip")})
_rows("tensorflow", "nvidia_gpu", {
    "linux": ("supported", "tensorflow[and-cuda]", "tf-pip"),
    "windows": ("unsupported", "no GPU on native Windows since TensorFlow 2.11 (WSL2 only)", "tf-2.11")})
_rows("tensorflow", "amd_gpu", {
    "linux": ("supported", "tensorflow-rocm, built and published by AMD", "tf-rocm"),
    "windows": ("unsupported", "tensorflow-rocm is Linux only", "tf-rocm")})
_rows("tensorflow", "tpu", {"linux": ("supported", "tf.distribute.TPUStrategy on a Cloud TPU VM", "tf-tpu")})
_rows("tensorflow", "apple_silicon", {
    "macos": ("experimental", "tensorflow-metal, Apple's PluggableDevice plugin; TensorFlow itself states no "
                              "official GPU support on macOS", "tf-metal")})
# -- JAX ---------------------------------------------------------------------------------------------------------
_rows("jax", "cpu", {
    "linux": ("supported", "jax (jaxlib CPU wheels)", "jax-install"),
    "macos": ("supported", "jax (jaxlib CPU wheels)", "jax-install"),
    "windows": ("supported", "jax (jaxlib CPU wheels for native Windows)", "jax-install")})
_rows("jax", "nvidia_gpu", {
    "linux": ("supported", "jax[cuda13] (the cuda PJRT plugin)", "jax-install"),
    "windows": ("unsupported", "no NVIDIA GPU on native Windows (WSL2 experimental)", "jax-install")})
_rows("jax", "amd_gpu", {
    "linux": ("supported", "jax[rocm] (the rocm PJRT plugin)", "jax-install"),
    "windows": ("unsupported", "no AMD GPU on native Windows", "jax-install")})
_rows("jax", "tpu", {"linux": ("supported", "jax[tpu] (libtpu) on a Cloud TPU VM", "jax-install")})
_rows("jax", "apple_silicon", {"macos": ("experimental", "jax-metal, Apple's experimental plugin", "jax-install")})
# -- PyTorch -------------------------------------------------------------------------------------------------------
_rows("torch", "cpu", {
    "linux": ("supported", "torch CPU wheels", "torch-start"),
    "macos": ("supported", "torch wheels for macOS", "torch-start"),
    "windows": ("supported", "torch CPU wheels for Windows", "torch-start")})
_rows("torch", "nvidia_gpu", {
    "linux": ("supported", "torch CUDA wheels (the cuda device)", "torch-start"),
    "windows": ("supported", "torch CUDA wheels for Windows (the cuda device)", "torch-start")})
_rows("torch", "amd_gpu", {
    "linux": ("supported", "torch ROCm wheels (HIP behind the cuda device)", "torch-hip"),
    "windows": ("unknown", "no ROCm wheels on PyTorch's 'Start locally' page for Windows", "torch-start")})
_rows("torch", "tpu", {"linux": ("supported", "torch_xla (the xla device)", "torch-xla")})
_rows("torch", "apple_silicon", {"macos": ("supported", "torch on macOS (the mps device)", "torch-mps")})

#: The device name a Keras torch backend must select to use each accelerator (keras/src/backend/torch/core.py):
#: ROCm builds of torch expose AMD GPUs as ``cuda`` (see torch-hip); a TPU is torch_xla's ``xla`` device.
TORCH_DEVICE: dict[str, str] = {"cpu": "cpu", "nvidia_gpu": "cuda", "amd_gpu": "cuda", "tpu": "xla",
                                "apple_silicon": "mps"}
#: The JAX platform plugin each accelerator needs (jax/_src/xla_bridge.py); ``cpu`` is built in.
JAX_PLATFORM: dict[str, str] = {"nvidia_gpu": "cuda", "amd_gpu": "rocm", "tpu": "tpu", "apple_silicon": "metal"}


def cited(engine: str, accelerator: str, system: str) -> tuple[str, str, str | None]:
    """The public record's (support, how, source id) for an engine on an accelerator and system."""
    if (accelerator, system) in NOT_A_PLATFORM:
        return "not_applicable", NOT_A_PLATFORM[(accelerator, system)], None
    return CITED.get((engine, accelerator, system), ("unknown", "the sources read say nothing of it", None))
