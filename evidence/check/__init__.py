"""``kvt check PATH``: a user's own model, module or script put through the experiments the claims run.

- :mod:`evidence.check.inputs` tells what PATH is (a ``.keras`` file, a module with ``build_model()``, a script)
  and refuses bad input with a one-line message (exit 2), with the standard library only;
- :mod:`evidence.check.legacy` reads Keras 2 files (a legacy ``.h5`` model, a SavedModel folder) and runs their
  trials; :mod:`evidence.check.legacy_run` compares them with Keras 2.15's own predictions;
- :mod:`evidence.check.scan` finds the backend-specific calls in Python sources (``ast``, no import of them), and
  :mod:`evidence.check.keras_api` reads the installed Keras's public API files for their equivalents and for the
  Keras 2 names gone from it;
- :mod:`evidence.check.advice` and :mod:`evidence.check.changes` choose what to change first per backend, and
  :mod:`evidence.check.export_diagnosis` names the op and layer that block an export;
- :mod:`evidence.check.run` runs every trial in its own worker process (:mod:`evidence.check.trial`) under each
  backend, through :func:`evidence.processes.run_process`, and turns what they wrote into a report;
- :mod:`evidence.check.arrays` carries inputs and predictions between trials (``.npz``, never pickled);
- :mod:`evidence.check.report` is the report (typed, pydantic) and its rules; :mod:`evidence.check.report_render`
  its table and Markdown forms;
- :mod:`evidence.check.defaults` holds the check's defaults; the ``kvt check`` command itself (its flags, and
  ``--time``'s) is :mod:`kvt.commands.check` and :mod:`kvt.commands.check_time`;
- ``--time``: :mod:`evidence.check.timing_run` (one worker per
  backend and setting, :mod:`evidence.check.timing`), :mod:`evidence.check.timing_report` (statistics, ranking,
  renderings), :mod:`evidence.check.machine` (the one hardware query) and :mod:`evidence.check.timing_venue`
  (the user venue's result file).

Only the trial workers import a framework; the command's process never does.
"""
