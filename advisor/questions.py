"""The questionnaire, as data: each question's id, text, help, choices, default, and what each answer weighs.

Rendering lives elsewhere (:mod:`advisor.prompts` asks, :mod:`advisor.advise_cli` parses flags and files);
:mod:`advisor.model` turns answers into criterion weights with :func:`weights_for` and into hard constraints
with :func:`advisor.constraints.active`. Ids and choices are a public interface: scripts rely on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Weight every criterion starts with; answers multiply it. ``ecosystem_fit`` is the answer-driven term
#: (not a measured criterion) that favours options running on the engine the user already has code for.
BASE_WEIGHTS: dict[str, float] = {
    "ease_of_use": 1.0,
    "backend_flexibility": 1.0,
    "performance": 1.0,
    "distributed_scale": 1.0,
    "deployment": 1.0,
    "extensibility": 1.0,
    "community": 1.0,
    "ecosystem_fit": 2.0,
}


@dataclass(frozen=True)
class Choice:
    """One allowed answer: its value, a label for prompts, and its multipliers on criterion weights."""

    value: str
    label: str
    weights: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """One question. ``flag`` is its command-line option (``deploy_target`` -> ``--deploy-target``)."""

    id: str
    text: str
    help: str
    choices: tuple[Choice, ...]
    default: str

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed answers."""
        return tuple(c.value for c in self.choices)

    @property
    def flag(self) -> str:
        """The command-line flag that answers this question."""
        return "--" + self.id.replace("_", "-")

    def choice(self, value: str) -> Choice:
        """The :class:`Choice` for ``value`` (which must be valid)."""
        return next(c for c in self.choices if c.value == value)

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description: id, flag, text, help, choices (with labels) and default."""
        return {"id": self.id, "flag": self.flag, "text": self.text, "help": self.help,
                "choices": list(self.values), "labels": {c.value: c.label for c in self.choices},
                "default": self.default}


QUESTIONS: tuple[Question, ...] = (
    Question(
        "experience", "How much deep-learning experience does the team have?",
        "Beginners gain most from a small API with few concepts; experts from control over the details.",
        (Choice("beginner", "Beginner: new to training models", {"ease_of_use": 3.0, "extensibility": 0.5}),
         Choice("intermediate", "Intermediate: has trained and shipped a few models", {"ease_of_use": 1.5}),
         Choice("expert", "Expert: writes custom layers and training loops", {"extensibility": 1.5,
                                                                              "ease_of_use": 0.75})),
        "intermediate"),
    Question(
        "goal", "What is the work mainly for?",
        "Prototypes favour quick iteration; research favours flexibility and speed; production favours "
        "deployment, speed and a large community.",
        (Choice("prototype", "Prototype: try ideas quickly", {"ease_of_use": 2.0, "deployment": 0.5,
                                                              "distributed_scale": 0.5}),
         Choice("research", "Research: new architectures and experiments",
                {"extensibility": 2.0, "backend_flexibility": 1.5, "performance": 1.5}),
         Choice("production", "Production: models that serve users",
                {"deployment": 2.5, "performance": 2.0, "community": 1.5})),
        "prototype"),
    Question(
        "deploy_target", "Where must the trained model run?",
        "mobile, onnx and openvino are hard requirements: only an option whose export to that target was "
        "verified by the deployment evidence can satisfy them.",
        (Choice("none", "Nowhere special: in Python, where it was trained", {"deployment": 0.25}),
         Choice("server", "A server (TensorFlow Serving, a web service)", {"deployment": 2.0}),
         Choice("mobile", "Mobile or edge devices (LiteRT, formerly TensorFlow Lite)", {"deployment": 3.0}),
         Choice("onnx", "ONNX Runtime", {"deployment": 3.0}),
         Choice("openvino", "OpenVINO", {"deployment": 3.0})),
        "none"),
    Question(
        "scale", "How large is training?",
        "multi_node is a hard requirement: only an option whose multi-worker training was verified by the "
        "distributed_scaling evidence can satisfy it.",
        (Choice("single_device", "One device (a CPU or one GPU)", {"distributed_scale": 0.25}),
         Choice("multi_device", "Several devices in one machine", {"distributed_scale": 2.0, "performance": 1.5}),
         Choice("multi_node", "Several machines", {"distributed_scale": 3.0, "performance": 1.5})),
        "single_device"),
    Question(
        "custom_ops", "How far beyond built-in building blocks must you go?",
        "compiled_kernels is a hard requirement: only an option whose compiled C++ op was verified by the "
        "extensibility evidence can satisfy it.",
        (Choice("none", "Built-in layers, losses and training are enough", {"extensibility": 0.5}),
         Choice("layers", "Custom layers, losses or metrics", {"extensibility": 1.5}),
         Choice("training_loop", "Custom training steps or gradients", {"extensibility": 2.0}),
         Choice("compiled_kernels", "Compiled kernels (C++/CUDA ops)", {"extensibility": 3.0})),
        "none"),
    Question(
        "ecosystem", "Which framework does your existing code or tooling use?",
        "Options that run on that engine can reuse it; this is a preference, not a requirement.",
        (Choice("none", "None: starting fresh", {"ecosystem_fit": 0.0}),
         Choice("tensorflow", "TensorFlow"),
         Choice("jax", "JAX"),
         Choice("pytorch", "PyTorch")),
        "none"),
    Question(
        "switch_backends", "Must the same model code run on more than one engine?",
        "yes is a hard requirement: only an option whose portability was verified by the backend_portability "
        "evidence can satisfy it.",
        (Choice("yes", "Yes: switch engines without rewriting", {"backend_flexibility": 3.0}),
         Choice("no", "No: one engine is fine", {"backend_flexibility": 0.5})),
        "no"),
    Question(
        "priority", "If you had to pick one thing that matters most, what would it be?",
        "Tilts the weights towards one criterion; 'balanced' leaves them as the other answers set them.",
        (Choice("balanced", "Balanced"),
         Choice("simplicity", "Simplicity", {"ease_of_use": 2.0}),
         Choice("speed", "Speed", {"performance": 2.0}),
         Choice("portability", "Portability across engines and targets", {"backend_flexibility": 2.0,
                                                                           "deployment": 1.5}),
         Choice("longevity", "A large, active community", {"community": 2.0})),
        "balanced"),
)

QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


class AnswerError(ValueError):
    """An answer that is not allowed; the message names the question and its allowed values."""

    def __init__(self, message: str, question: str | None = None):
        super().__init__(message)
        self.question = question


def allowed(question: Question) -> str:
    """The allowed values of ``question`` as ``a, b, c``."""
    return ", ".join(question.values)


def validate_answer(question_id: str, value: Any, source: str = "answer") -> str:
    """The valid answer ``value`` to ``question_id``, or :class:`AnswerError` naming the question and choices.

    ``true``/``false`` are accepted for yes/no questions (convenient in TOML).

    Examples:
        >>> validate_answer("scale", "multi_node")
        'multi_node'
        >>> try:
        ...     validate_answer("scale", "huge")
        ... except AnswerError as exc:
        ...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
        answer: 'huge' is not a valid answer to question 'scale'.
        Expected one of: single_device, multi_device, multi_node
    """
    if question_id not in BY_ID:
        raise AnswerError(f"{source}: unknown question {question_id!r}. Expected one of: {', '.join(QUESTION_IDS)}")
    question = BY_ID[question_id]
    if isinstance(value, bool) and set(question.values) == {"yes", "no"}:
        value = "yes" if value else "no"
    if not isinstance(value, str) or value not in question.values:
        shown = repr(value) if isinstance(value, str) else f"{value!r} ({type(value).__name__})"
        raise AnswerError(f"{source}: {shown} is not a valid answer to question {question_id!r}. "
                          f"Expected one of: {allowed(question)}", question_id)
    return value


def validate_answers(answers: Any, source: str = "answers") -> dict[str, str]:
    """Validate a mapping of question id -> answer (a subset is fine); the first problem raises AnswerError."""
    if not isinstance(answers, Mapping):
        raise AnswerError(f"{source}: expected a table of question id = answer; received {type(answers).__name__}. "
                          f"Question ids: {', '.join(QUESTION_IDS)}")
    return {str(k): validate_answer(k, v, source) if isinstance(k, str) else validate_answer(repr(k), v, source)
            for k, v in answers.items()}


def defaults() -> dict[str, str]:
    """Every question's default answer."""
    return {q.id: q.default for q in QUESTIONS}


def complete(answers: Mapping[str, str]) -> dict[str, str]:
    """``answers`` validated, with defaults for the questions they leave out, in question order."""
    given = validate_answers(answers)
    return {q.id: given.get(q.id, q.default) for q in QUESTIONS}


def weights_for(answers: Mapping[str, str]) -> dict[str, float]:
    """Criterion weights (``ecosystem_fit`` included) for complete, valid ``answers``, summing to 1.

    Every weight starts at :data:`BASE_WEIGHTS` and each answer multiplies the ones its choice names.

    Examples:
        >>> w = weights_for(complete({"experience": "beginner"}))
        >>> round(sum(w.values()), 6), w["ease_of_use"] > w["performance"], w["ecosystem_fit"]
        (1.0, True, 0.0)
    """
    weights = dict(BASE_WEIGHTS)
    for question in QUESTIONS:
        for crit, factor in question.choice(answers[question.id]).weights.items():
            weights[crit] *= factor
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}
