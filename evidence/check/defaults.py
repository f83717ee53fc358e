"""The defaults of ``kvt check``: what a check does when no flag says otherwise (read by the command, the check's
runners and the site's pages, which write the command line back from a report)."""

from __future__ import annotations

#: A handful of steps says whether training works and compares losses; a trial that takes longer than five minutes
#: on a small model is stuck.
DEFAULT_STEPS = 5
DEFAULT_TIMEOUT_S = 300.0
BATCH_SIZE = 8

#: ``--time``: cut to what the statistics need so that every backend at every setting fits in minutes: the median
#: and its bootstrap interval need windows, not long ones. 5 windows are the fewest whose 90% percentile-bootstrap
#: interval of the median is not simply the two extreme windows (with 3, a resample's median is the extreme one
#: in about a quarter of the draws); 4 steps per window are the smallest multiple of the performance claim's
#: steps_per_execution (4), and a window of 4 steps lasts hundreds of milliseconds even for a small model on a
#: 2-core CPU, far above the timer's resolution. More windows narrow the interval: ``--windows``.
DEFAULT_WINDOWS = 5
DEFAULT_WINDOW_STEPS = 4
#: Seconds one compiled call may take before its setting is stopped and recorded as over the compile budget.
#: Chosen so that the whole default run of a ResNet-50 (every backend at every setting) fits in six minutes on a
#: 2-core CPU: TensorFlow's XLA settings compile it in about 25 s there, and torch.compile's first training call
#: took 125 s and its inference compile over 240 s, which alone would take the run past ten minutes. A setting
#: over the budget is a result of its own (how long at least its compile took), not a failure: give it more time
#: with ``--compile-budget`` (and ``--timeout`` above it).
DEFAULT_COMPILE_BUDGET_S = 60.0
