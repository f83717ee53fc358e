"""Claim ``deployment``: Keras models are lighter and easier to deploy; TensorFlow needs extra steps.

Every option takes the same real architectures (the shared model zoo, ``evidence/programs/zoo.py``, served through
``deploy_zoo.py``: ResNet-50 and a BERT-base encoder to every server target, MobileNetV3-Small to the phone and
browser targets) to every target, for real; each artifact is then loaded and asked for answers in fresh processes
(or fresh browser pages), as a server would.

Options (subjects): ``keras-tensorflow``, ``keras-jax``, ``keras-torch`` build the models under their backend;
``tensorflow-core`` holds the same layers in a ``tf.Module`` with a typed ``tf.function`` and exports it with
TensorFlow's own APIs (``deploy_zoo_tfcore.py``: TensorFlow has no ResNet-50 or BERT outside Keras).

The parts (the claim shape of issue 21):

- :mod:`.claim`: the declarations (thresholds with reasons, settings, decision log) and the wiring;
- :mod:`.measure` (``export`` stage) and :mod:`.measure_serve` (``serve`` stage): what a worker measures;
- :mod:`.assessment`: the typed :class:`~.assessment.DeploymentAssessment` readers read;
- :mod:`.assess`: results -> assessment (cells per option, model and target; the "easier" rule by extra steps
  beyond the call, :func:`.assess.extra_steps`; the "lighter" comparison);
- :mod:`.verdict`: assessment and thresholds -> the typed decision (the rule's branch and the numbers it rests
  on); :mod:`.report`: the prose; :mod:`.synthetic`: made-up worker records for the family test;
- :mod:`.metrics` (lines and steps of a route), :mod:`.corruption` (damaged artifacts).

The export, serving and browser code is shared with ``kvt check`` and lives outside the claim, in
:mod:`evidence.runtimes` (targets and routes, the fresh-process child, serving, the browser, the virtual
environments, and the known-issue table ``evidence/runtimes/data/known_issues.json``); it counts as this claim's
code (:meth:`.claim.DeploymentClaim.code_files`).
"""

from __future__ import annotations

from .claim import DeploymentClaim

CLAIM = DeploymentClaim()

__all__ = ["CLAIM", "DeploymentClaim"]
