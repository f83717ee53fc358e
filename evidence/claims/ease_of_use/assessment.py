"""The ease-of-use claim's assessment: each task's programs in each style, their code metrics and runs, the ratios
to Keras fit, and each option's effort; and the claim's vocabulary (tasks, styles, which options each serves).
Imports the contract and the options' names only: what readers read."""

from __future__ import annotations

import math
from typing import ClassVar, Literal, cast

from evidence.contract import Assessment, ContractModel, ErrorInfo, Option, Outcome
from evidence.options import KERAS_OPTIONS, TF_CORE

Task = Literal["mlp", "cnn", "early_stopping"]
Style = Literal["keras_fit", "keras_gradienttape", "tf_core"]

TASKS: tuple[str, ...] = ("mlp", "cnn", "early_stopping")
STYLES: tuple[str, ...] = ("keras_fit", "keras_gradienttape", "tf_core")
#: The file name of each style's program for a task.
STYLE_SUFFIX: dict[str, str] = {"keras_fit": "keras", "keras_gradienttape": "gradienttape", "tf_core": "tfcore"}
STYLE_TITLES: dict[str, str] = {"keras_fit": "Keras fit",
                                "keras_gradienttape": "Keras with a custom training loop",
                                "tf_core": "TensorFlow without Keras"}
#: The options each style serves: the Keras programs run on every Keras backend; the GradientTape loop needs
#: Keras's TensorFlow backend; TensorFlow core is its own option.
STYLE_OPTIONS: dict[str, tuple[str, ...]] = {"keras_fit": KERAS_OPTIONS, "keras_gradienttape": ("keras-tensorflow",),
                                             "tf_core": (TF_CORE,)}
#: The styles whose extra code the verdict weighs against ``keras_fit``: TensorFlow without Keras. The custom
#: training loop is Keras's own documented workflow (keras.io's "Writing a training loop from scratch"), so it is
#: reported as Keras's alternative to fit, never as TensorFlow's side.
TENSORFLOW_STYLES: tuple[str, ...] = ("tf_core",)
#: Keras's own styles besides fit, compared with it in the findings.
KERAS_ALTERNATIVES: tuple[str, ...] = ("keras_gradienttape",)
#: The run whose accuracy stands for a Keras style: the TensorFlow backend, the engine TensorFlow core runs on.
REFERENCE_OPTION = "keras-tensorflow"
#: Code the TensorFlow-core programs write because TensorFlow has no public equivalent outside Keras.
HANDWRITTEN: tuple[str, ...] = ("Adam",)
#: The hyper-parameter the run sets from :attr:`EaseOfUseClaim.settings`; every other constant must match.
EPOCHS_CONSTANT = "EPOCHS"
#: The counts whose geometric mean is a program's cost (the advisor scores options by it).
COST_METRICS: tuple[str, ...] = ("logical_lines", "api_name_count", "concept_count")


def program_name(task: str, style: str) -> str:
    """The program file of ``task`` written in ``style``: ``mlp_gradienttape.py``."""
    return f"{task}_{STYLE_SUFFIX[style]}.py"


def ratio(other: float, keras: float) -> float:
    """``other / keras``; infinite when Keras needs none of it and the other style some."""
    if keras == 0:
        return math.inf if other else 1.0
    return other / keras


class Metrics(ContractModel):
    """The static code metrics of one program (:mod:`evidence.code_metrics`)."""

    logical_lines: int
    """Logical lines of code, docstrings and comments excluded."""
    framework_lines: int
    """Logical lines that name a framework API."""
    tokens: int
    """Tokens of code."""
    api_names: list[str]
    """Distinct framework API names, resolved through the imports."""
    api_name_count: int
    """How many distinct API names."""
    concepts: list[str]
    """The concepts it needs, counted by code from its API names: its API surfaces (each class with its methods
    folded in, each function; :func:`evidence.code_metrics.api_surface`)."""
    concept_count: int
    """How many concepts (API surfaces)."""
    concept_groups: list[str] = []
    """The same API names grouped by meaning by the declared table (:data:`evidence.code_metrics.CONCEPTS`): a
    reading aid, not counted."""
    branches: int
    """Decision points."""
    cyclomatic_total: int
    """Sum of the cyclomatic complexities of the module body and every function."""
    cyclomatic_max: int
    """The largest of them."""
    handwritten_lines: int = 0
    """Of the logical lines, those of code TensorFlow has no public equivalent for outside Keras (Adam)."""


class Run(ContractModel):
    """One program trained on one option."""

    option: Option
    """The option it ran on (the Keras backend for a Keras program)."""
    status: Outcome
    """``works``: it trained and reached the accuracy floor; ``fails``: it raised or learned too little;
    ``unavailable``: the option's framework is missing."""
    accuracy: float | None = None
    """Test accuracy."""
    epochs: int | None = None
    """Epochs it was allowed (the run setting)."""
    epochs_run: int | None = None
    """Epochs it ran (fewer when early stopping ended it)."""
    best_epoch: int | None = None
    """The epoch of the best validation loss (early stopping)."""
    seconds: float | None = None
    """Wall seconds of the run (not a speed measurement: one seeded run)."""
    error: ErrorInfo | None = None
    """The error it raised."""
    reason: str | None = None
    """Why it is not ``works``, in one line."""


class Program(ContractModel):
    """One task written in one style: the file, its metrics and its runs."""

    task: Task
    """The task."""
    style: Style
    """The style."""
    program: str
    """The file, relative to the project."""
    sha256: str
    """The file's SHA-256."""
    metrics: Metrics
    """Its code metrics."""
    cost: float
    """Geometric mean of its logical lines, API names and concepts: the advisor's measure of effort."""
    runs: dict[Option, Run]
    """Its runs, per option it serves."""
    status: Outcome
    """The reference run's status (``keras-tensorflow`` for the Keras styles)."""
    accuracy: float | None
    """The reference run's accuracy."""
    backends: list[str]
    """For a Keras program, the backends it ran on to the accuracy floor, unchanged."""
    same_hyperparameters: bool
    """Whether its module constants match the ``keras_fit`` program's (epochs aside, set by the run)."""


class TaskResult(ContractModel):
    """One task in all three styles."""

    task: Task
    """The task."""
    programs: dict[Style, Program]
    """Each style's program."""
    comparable: bool
    """Every style reached the floor, within the tolerance of ``keras_fit``'s accuracy, with the same
    hyper-parameters: the programs do the same job."""
    accuracy_spread: float | None
    """The largest difference of a style's accuracy from ``keras_fit``'s."""
    ratios: dict[Style, dict[str, float]]
    """Each style's metrics over ``keras_fit``'s (``logical_lines``, ``api_name_count``, ``concept_count``,
    ``cyclomatic_total``, ``tokens``, ``branches``)."""


class TaskCost(ContractModel):
    """What one task costs an option: its cheapest style that serves it and reached the floor there."""

    style: Style
    """The style."""
    cost: float
    """Its program's cost."""
    logical_lines: int
    """Its logical lines."""
    api_name_count: int
    """Its distinct API names."""
    concept_count: int
    """Its concepts."""


class OptionCost(ContractModel):
    """Per option, the effort its tasks took: what the advisor scores."""

    option: Option
    """The option."""
    styles: list[Style]
    """The styles that serve it."""
    tasks: dict[Task, TaskCost | None]
    """Per task, its cheapest working style (None: no style that serves it reached the floor there)."""
    cost: float | None
    """Geometric mean of the task costs, over the tasks done; None when none was."""
    tasks_done: int
    """Tasks with a working style."""


class EaseOfUseAssessment(Assessment):
    """Three tasks in three styles (Keras fit, Keras with a custom training loop, TensorFlow without Keras):
    accuracy first, then
    the code metrics, and per option the effort."""

    STATUSES: ClassVar[tuple[str, ...]] = ("works", "fails", "unavailable", "not_applicable")

    mode: Literal["quick", "full"]
    """The run's mode (quick: fewer epochs, looser accuracy thresholds)."""
    accuracy_floor: float
    """The accuracy every program must reach, for this mode."""
    accuracy_tolerance: float
    """How far from ``keras_fit``'s accuracy a style may be, for this mode."""
    tasks: dict[Task, TaskResult]
    """Each task in every style."""
    costs: dict[Option, OptionCost]
    """Per option that ran, its effort."""
    style_options: dict[Style, list[Option]]
    """Which options each style serves."""
    not_measured: list[str]
    """Subjects that did not run ok, each with its status and reason."""

    def program(self, task: Task, style: Style) -> Program | None:
        """The program of ``task`` in ``style``."""
        found = self.tasks.get(task)
        return found.programs.get(style) if found else None

    def comparable_tasks(self) -> list[str]:
        """The tasks where every style did the same job."""
        return [t for t, r in self.tasks.items() if r.comparable]

    def styles_for(self, option: str) -> list[str]:
        """The styles that serve ``option``."""
        return [s for s, options in self.style_options.items() if option in options]

    def option_cost(self, option: str) -> OptionCost | None:
        """The option's effort (None when it did not run, or ``option`` names no option)."""
        return self.costs.get(cast(Option, option))  # any name may be asked: one that is no option finds nothing


# -- the claim ------------------------------------------------------------------------------------------------------
