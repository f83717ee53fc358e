"""The zoo class's plan and bookkeeping: which cells each worker times, their shapes, FLOPs and model records.

Framework-free: the plan is read by the worker (:meth:`PerformanceClaim.zoo_cells`) and by the judge, which
lists every cell the declarations ask for, so that a cell that did not run is recorded with why.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from evidence.claim import load_program

#: What each zoo model runs as, for the model records.
ARCHITECTURES = {
    "resnet50": "keras.applications.ResNet50 (Keras options, native TensorFlow and JAX) / torchvision resnet50 "
                "(native PyTorch)",
    "bert_base": "KerasHub BertBackbone + a dense head on the pooled output (Keras options, native TensorFlow and "
                 "JAX) / transformers BertModel + a linear head (native PyTorch)",
    "gpt2_small": "KerasHub GPT2CausalLM (Keras options, native TensorFlow and JAX) / transformers GPT2LMHeadModel "
                  "(native PyTorch)",
}


@cache  # loaded once: the judge asks for it per cell, and compiling the file each time was most of assess's time
def zoo_module():
    """``evidence/programs/zoo.py``, loaded by path (it imports no framework at top level)."""
    return load_program("zoo.py")


def shape_of(claim, model: str, phase: str, quick: bool) -> tuple[int, dict[str, int], int]:
    """(batch, input-shape overrides, new tokens) of one zoo model and phase."""
    if model == "resnet50":
        return int(claim.setting("resnet_batch", quick)), {"image_size": int(claim.setting("resnet_image_size",
                                                                                              quick))}, 0
    if model == "bert_base":
        batch = claim.setting("bert_train_batch" if phase == "train" else "bert_infer_batch", quick)
        return int(batch), {"sequence_length": int(claim.setting("bert_sequence_length", quick))}, 0
    batch = 1 if phase == "generate_b1" else int(claim.setting("gpt2_batch", quick))
    return batch, {"prompt_length": int(claim.setting("gpt2_prompt_length", quick))}, \
        int(claim.setting("gpt2_new_tokens", quick))


def planned(claim, subject: str, quick: bool) -> list[dict[str, Any]]:
    """Every zoo cell the declarations give ``subject``, including those a setting does not apply to (with
    ``not_applicable`` set to why)."""
    from evidence.claims.performance.declarations import SUBJECTS, ZOO_PHASES, ZOO_SETTINGS

    config = SUBJECTS[subject]
    option = config["option"]
    size = str(claim.setting("zoo_size", quick))
    compiling = any(ZOO_SETTINGS[option][s]["kwargs"].get(k) is True for s in config["zoo"][1]
                    for k in ("compile", "jit_compile")) and option in ("keras-torch", "torch-native")
    name = ("keras_compile_cells" if option == "keras-torch" else "compile_cells") if compiling else "zoo_cells"
    only = claim.setting(name, quick)
    order = ZOO_PHASES if only == "all" else [tuple(x.split("/")) for x in only]
    cells = []
    for model, phase in order:
        if (model, phase) not in ZOO_PHASES:
            raise ValueError(f"Expected zoo cells in {ZOO_PHASES}; received: {model}/{phase}")
        program_phase = "generate" if phase.startswith("generate") else phase
        for setting in config["zoo"][1]:
            declared = ZOO_SETTINGS[option][setting]
            if "models" in declared and model not in declared["models"]:
                continue  # a setting for convolutions only: not a cell elsewhere
            batch, shape, new_tokens = shape_of(claim, model, phase, quick)
            generation = program_phase == "generate"
            cells.append({
                "option": option, "model": model, "phase": phase, "setting": setting, "size": size,
                "program_phase": program_phase, "batch": batch, "shape": shape, "new_tokens": new_tokens,
                "kwargs": declared["kwargs"], "warmup": int(claim.setting("warmup_steps", quick)),
                "windows": int(claim.setting("windows", quick)),
                "steps_per_window": int(claim.setting("generate_steps_per_window" if generation
                                                      else "steps_per_window", quick)),
                "not_applicable": declared.get("not_for", {}).get(program_phase)})
    return cells


def cell_plan(claim, subject: str, quick: bool) -> list[dict[str, Any]]:
    """The cells a worker times, in order (those whose setting applies)."""
    return [c for c in planned(claim, subject, quick) if not c["not_applicable"]]


def flops_of(model: str, phase: str, size: str, shape: dict[str, int], new_tokens: int) -> tuple[str, int]:
    """(``train`` / ``forward`` / ``token``, FLOPs per sample or per generated token), counted once per model."""
    zoo = zoo_module()
    kind = {"train": "train", "inference": "forward"}.get(phase, "token")
    extra = {"new_tokens": new_tokens} if kind == "token" else {}
    return kind, int(zoo.flops(model, size, kind, **shape, **extra))


def model_config(model: str, size: str, shape: dict[str, int]) -> dict[str, Any]:
    """The model's configuration with the input shape it ran at."""
    return {**zoo_module().config(model, size), **shape}


def cut_of(model: str, size: str, shape: dict[str, int], batches: list[int]) -> str:
    """What differs from the published setting (input size and batch), in words; empty in nothing."""
    if size != "full":
        return "tiny configuration (quick mode): fewer layers and narrower widths than the published architecture"
    published = zoo_module().config(model, "full")
    parts = []
    for key, value in shape.items():
        if published.get(key) not in (None, value):
            parts.append(f"{key} {value} instead of {published[key]}")
    parts.append("batch " + "/".join(str(b) for b in sorted(set(batches))) + " (cut for the 2-core budget)")
    return "; ".join(parts)
