"""Claim ``deployment``: Keras models are lighter and easier to deploy; TensorFlow needs extra steps.

Every option takes the same trained digits classifier to every deployment target, for real, and the artifact is
then loaded and asked for answers in fresh processes (or fresh browser pages), as a server would.

Options (subjects): ``keras-tensorflow``, ``keras-jax``, ``keras-torch`` train ``digits_mlp.py`` under their
backend; ``tensorflow-core`` trains ``digits_mlp_tf_core.py`` (a ``tf.Module``, no Keras).

Targets (:mod:`.targets`), one program each under ``evidence/programs/``: native ``.keras``, SavedModel, ONNX,
LiteRT, OpenVINO IR, a torch.export ``.pt2`` program (``model.export(format="torch")``, torch backend only),
ExecuTorch (``.pte``, from the torch backend), and two browser targets that serve the ONNX and LiteRT artifacts in
headless Chromium with onnxruntime-web and LiteRT.js (:mod:`.browser`). keras-torch reaches LiteRT through
``litert-torch`` and ExecuTorch through ``executorch``, each installed in a virtual environment of its own that the
run builds once per machine and records (:mod:`.envs`): installed beside the project's pins, litert-torch would
downgrade pydantic.

Two stages, each (stage, option) cell in its own worker process:

``export``
    Train, keep the model's test-set outputs as the reference, then run each target's export function(s) in
    order (the direct route first, a workaround where it raises; both recorded). Per target: the route that
    worked, every error, seconds, files and bytes, the packages it needs, and the lines and steps of the code a
    user writes (:mod:`.metrics`). The record is written to the run's workdir after every target, so a worker
    that dies mid-way still leaves what it did.
``serve``
    Each artifact is loaded in fresh processes (:mod:`.serving`, :mod:`.child`): cold start split into import,
    load and first answer, repeated; the last process also predicts the whole test set (parity: max abs
    difference from the reference) and times calls at batch 1 and 32 (p50/p99). The browser targets do the same
    in fresh pages. Then copies of one option's artifact per target are damaged on purpose (:mod:`.corruption`).

:meth:`DeploymentClaim.assess` builds the typed :class:`~.assessment.DeploymentAssessment` (one
:class:`~.assessment.Cell` per option and target, the "easier" and "lighter" comparisons); ``verdict`` reads it
and the declared thresholds only.

The API for checking any Keras model (what ``kvt check`` builds on)
--------------------------------------------------------------------
Nothing below knows the digits model; each call works for a model with one input whose first dimension is the
batch and one output.

- Export, in a process where Keras runs under the model's backend:
  ``targets.export_to(target, model, folder, routes=("export_keras",))`` writes ``folder/<artifact>`` with the
  target program's export function(s) and returns a record (``status`` ``exported``/``fails``/``unavailable``,
  ``artifact``, ``artifact_bytes``, ``attempts`` with errors). For a target whose exporter lives in its own
  environment (``targets.SPECS[t].env``, e.g. LiteRT from torch), save the model first and call
  ``targets.export_in_env(target, env_name, keras_file, folder, backend="torch")``: it builds the environment
  when missing (``build=False`` to refuse) and exports the ``.keras`` file there.
- Serve and compare: ``serving.serve_artifact(program, artifact, inputs_npy, reference_npy, runs_dir,
  processes=..., warmup_processes=..., latency_calls=..., latency_warmup=..., batch_sizes=(1, 32),
  tolerance=1e-4, python=None)`` loads the artifact in fresh processes and returns ``status``
  (``works``/``fails``/``unavailable``), the cold start, latency percentiles and ``max_abs_diff``. The reference
  is the original model's outputs on the same inputs (saved with ``numpy.save``). ``serving.parity(predictions,
  reference)`` and ``serving.judge_parity(agreement, tolerance)`` are the comparison on its own.
- In a browser: ``browser.browser_available()``, ``browser.ensure_npm()``, then
  ``browser.run_browser_process([browser.Job(target, artifact, predict_batch=1, batch_sizes=(1,))], inputs_npy,
  out_dir, tag, npm=Path(npm["path"]), page_loads=1, latency_calls=50, latency_warmup=5)`` serves every job in one
  Chromium and returns each job's record by :attr:`browser.Job.key`; its ``predictions`` go to ``serving.parity``.
- Damage on purpose: ``corruption.corrupt_copy(folder, dest, targets.SPECS[t].corrupt, "truncated")``, then
  ``serving.run_serving_process`` and ``corruption.classify``.
- The cell of a reader: ``claim.build_cell(subject_result, option, target)``; the comparisons
  ``claim.compare_ease`` and ``claim.compare_weight``.
"""

from __future__ import annotations

from .claim import DeploymentClaim

CLAIM = DeploymentClaim()

__all__ = ["CLAIM", "DeploymentClaim"]
