"""Taking a Keras model (or a ``tf.Module``) to a deployment target and serving the artifact, for any model.

Shared by the ``deployment`` claim (``evidence/claims/deployment/``) and ``kvt check`` (``evidence/check/``): neither
reaches into the other. Nothing here knows a particular model; each call works for a model with one input whose
first dimension is the batch and one output.

- :mod:`.targets`: what each target is (:data:`.targets.SPECS`), the routes (export functions of the programs
  under ``evidence/programs/deploy_*.py``) per (target, option), :func:`.targets.export_to` (in this process),
  :func:`.targets.export_in_env` (from a ``.keras`` file, in a virtual environment of its own or under another
  Keras backend) and :data:`.targets.KNOWN_ISSUES` (public reports, from ``data/known_issues.json``).
- :mod:`.serving`: :func:`.serving.serve_artifact` loads an artifact in fresh processes (:mod:`.child`): cold start,
  latency, parity with a reference (:func:`.serving.parity`, :func:`.serving.judge_parity`).
- :mod:`.browser`: the browser targets in headless Chromium (onnxruntime-web, LiteRT.js).
- :mod:`.envs`: the virtual environments of their own (litert-torch, ExecuTorch).
"""
