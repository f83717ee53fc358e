"""The questionnaire, as data, and the parsing of answers (what ranking consumes is :mod:`advisor.profile`).

Each question has an id (also its flag, ``deploy_target`` -> ``--deploy-target``, and its key in an answers file),
a text, a help line, its choices and a default. A choice may

- raise or lower the *importance* of criteria (named levels, :data:`LEVELS`), combined by the rule of
  :func:`advisor.profile.weights_for`, which no number of answers can blow up;
- switch on a *hard requirement* (``requires``): only an option whose evidence shows the path working meets it;
- and a question may choose which *variant* of a criterion counts (``variant_of``: the accelerator chooses the
  venue of the performance evidence, the deploy target the target whose effort is scored).

:func:`advisor.profile.profile` turns complete answers into a :class:`~advisor.profile.Profile` (weights,
requirements, variants, fit) in one step; the estimator ranks from that value. Ids and choices are a public
interface: scripts rely on them, so an old answer is mapped to its new name and announced
(:data:`Question.legacy`), never refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evidence.errors import InputError

#: Importance levels a choice can give a criterion (every criterion starts at 1).
LEVELS: dict[str, float] = {"less": 0.5, "more": 2.0, "most": 3.0}
#: Raw weight of the fit term (the user's own code and models) when the answers name an ecosystem or a hub.
FIT_WEIGHT = 2.0
#: The id of the fit term among the weights and contributions.
FIT = "fit"
#: Longest quoted value in a message.
QUOTE_LIMIT = 80


@dataclass(frozen=True)
class Choice:
    """One allowed answer.

    Attributes:
        value: what a flag or an answers file gives.
        label: a short label for prompts (fits an 80-column terminal).
        importance: criterion id -> a level of :data:`LEVELS`.
        requires: the hard requirement this answer switches on (``question=answer``), if any.
    """

    value: str
    label: str
    importance: dict[str, str] = field(default_factory=dict)
    requires: str | None = None


@dataclass(frozen=True)
class Question:
    """One question.

    Attributes:
        id: its id; ``flag`` is the command-line option.
        text: the question, one line.
        help: what the answer changes, one or two sentences.
        choices: the allowed answers.
        default: the answer taken with ``--no-input``.
        multiple: several choices may be given, comma-separated (``pytorch,tensorflow``) or as a list; ``none``
            stands alone.
        variant_of: criteria whose variant the answer chooses (the answer's value is the variant's key).
        legacy: old answer -> (its new name, the note announced when an old answer is read).
    """

    id: str
    text: str
    help: str
    choices: tuple[Choice, ...]
    default: str
    multiple: bool = False
    variant_of: tuple[str, ...] = ()
    legacy: dict[str, tuple[str, str]] = field(default_factory=dict)

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
        """JSON-ready: id, flag, text, help, choices, labels, default, multiple, variant_of, legacy, and per choice
        its importance levels and the requirement it switches on."""
        return {"id": self.id, "flag": self.flag, "text": self.text, "help": self.help,
                "choices": list(self.values), "labels": {c.value: c.label for c in self.choices},
                "default": self.default, "multiple": self.multiple, "variant_of": list(self.variant_of),
                "legacy": {old: new for old, (new, _) in self.legacy.items()},
                "importance": {c.value: dict(c.importance) for c in self.choices},
                "requires": {c.value: c.requires for c in self.choices if c.requires}}


#: Deploy targets in words, for requirement labels.
TARGET_WORDS: dict[str, str] = {"tf_serving": "TensorFlow Serving", "web_service": "a web service of your own",
                                "android": "Android", "ios": "iOS", "browser": "a web browser",
                                "onnx": "ONNX Runtime", "openvino": "OpenVINO"}


def _targets() -> tuple[Choice, ...]:
    return (
        Choice("none", "Nowhere special: in Python, where it was trained", {"deployment": "less"}),
        Choice("tf_serving", "TensorFlow Serving (a SavedModel)", {"deployment": "most"},
               "deploy_target=tf_serving"),
        Choice("web_service", "A web service of our own (Python, ONNX or .pt2)", {"deployment": "more"},
               "deploy_target=web_service"),
        Choice("android", "Android (LiteRT)", {"deployment": "most"}, "deploy_target=android"),
        Choice("ios", "iOS (LiteRT)", {"deployment": "most"}, "deploy_target=ios"),
        Choice("browser", "A web browser (ONNX Runtime Web, TensorFlow.js)", {"deployment": "most"},
               "deploy_target=browser"),
        Choice("onnx", "ONNX Runtime", {"deployment": "most"}, "deploy_target=onnx"),
        Choice("openvino", "OpenVINO", {"deployment": "most"}, "deploy_target=openvino"),
    )


QUESTIONS: tuple[Question, ...] = (
    Question(
        "experience", "How much deep-learning experience does the team have?",
        "Beginners gain most from a small API with few concepts; experts from control over the details.",
        (Choice("beginner", "Beginner: new to training models", {"ease_of_use": "most", "extensibility": "less"}),
         Choice("intermediate", "Intermediate: has trained and shipped a few models", {"ease_of_use": "more"}),
         Choice("expert", "Expert: writes custom layers and training loops",
                {"extensibility": "more", "ease_of_use": "less"})),
        "intermediate"),
    Question(
        "goal", "What is the work mainly for?",
        "Prototypes favour quick iteration; research favours flexibility and speed; production favours "
        "deployment, speed and a large community.",
        (Choice("prototype", "Prototype: try ideas quickly",
                {"ease_of_use": "more", "deployment": "less", "distributed_scale": "less"}),
         Choice("research", "Research: new architectures and experiments",
                {"extensibility": "more", "backend_flexibility": "more", "performance": "more"}),
         Choice("production", "Production: models that serve users",
                {"deployment": "more", "performance": "more", "community": "more"})),
        "prototype"),
    Question(
        "accelerator", "What will you train on?",
        "A hard requirement with the operating system: only an option the platform evidence shows running on "
        "it meets it. It also chooses whose performance evidence counts: numbers hold for the machine they ran "
        "on, and another machine's are never borrowed.",
        (Choice("cpu", "CPUs"),
         Choice("nvidia_gpu", "NVIDIA GPUs"),
         Choice("amd_gpu", "AMD GPUs"),
         Choice("tpu", "TPUs"),
         Choice("apple_silicon", "Apple silicon (M-series)")),
        "nvidia_gpu", variant_of=("performance",)),
    Question(
        "os", "Which operating system does it train on?",
        "With the accelerator, a hard requirement read from the platform evidence (TensorFlow has no GPU on "
        "native Windows since 2.11; Apple silicon's GPU needs macOS).",
        (Choice("linux", "Linux (or WSL2 on Windows)"),
         Choice("macos", "macOS"),
         Choice("windows", "Windows, natively")),
        "linux"),
    Question(
        "deploy_target", "Where must the trained model run?",
        "Every target but 'nowhere special' is a hard requirement: only an option whose export to it was "
        "verified by the deployment evidence meets it; the effort scored is that target's.",
        _targets(), "none", variant_of=("deployment",),
        legacy={"server": ("web_service", "deploy_target 'server' is now 'web_service' (choose tf_serving for "
                                          "TensorFlow Serving)"),
                "mobile": ("android", "deploy_target 'mobile' is now 'android' (LiteRT; choose ios for iOS)")}),
    Question(
        "scale", "How large is training?",
        "Several machines is a hard requirement: only an option whose training across worker processes was "
        "verified by the distributed-scaling evidence meets it.",
        (Choice("single_device", "One device (a CPU or one GPU)", {"distributed_scale": "less"}),
         Choice("multi_device", "Several devices in one machine",
                {"distributed_scale": "more", "performance": "more"}),
         Choice("multi_node", "Several machines", {"distributed_scale": "most", "performance": "more"},
                "scale=multi_node")),
        "single_device", variant_of=("distributed_scale",)),
    Question(
        "model_size", "Does the model fit on one device?",
        "A model that must be sharded is a hard requirement: only an option with a measured model-parallel "
        "path (variables sharded across devices) meets it.",
        (Choice("fits_one_device", "Yes: weights and activations fit on one device"),
         Choice("needs_sharding", "No: its variables must be sharded across devices",
                {"distributed_scale": "most"}, "model_size=needs_sharding")),
        "fits_one_device"),
    Question(
        "custom_ops", "How far beyond built-in building blocks must you go?",
        "Compiled kernels are a hard requirement: only an option whose compiled C++ op, through its own "
        "framework's mechanism, was verified by the extensibility evidence meets it.",
        (Choice("none", "Built-in layers, losses and training are enough", {"extensibility": "less"}),
         Choice("layers", "Custom layers, losses or metrics", {"extensibility": "more"}),
         Choice("training_loop", "Custom training steps or gradients", {"extensibility": "more"}),
         Choice("compiled_kernels", "Compiled kernels (C++/CUDA ops)", {"extensibility": "most"},
                "custom_ops=compiled_kernels")),
        "none", variant_of=("extensibility",)),
    Question(
        "ecosystem", "Which frameworks does your existing code or tooling use?",
        "Options that run on one of them can reuse it; several may be named (pytorch,tensorflow). A preference, "
        "not a requirement.",
        (Choice("none", "None: starting fresh"),
         Choice("tensorflow", "TensorFlow"),
         Choice("jax", "JAX"),
         Choice("pytorch", "PyTorch")),
        "none", multiple=True),
    Question(
        "pretrained", "Which pretrained models will you start from?",
        "Options that load that hub's models directly fit better (public record, not measured here). A "
        "preference, not a requirement.",
        (Choice("none", "None, or our own"),
         Choice("kerashub", "KerasHub (Keras presets)"),
         Choice("huggingface", "Hugging Face Transformers")),
        "none"),
    Question(
        "switch_backends", "Must the same model code run on more than one engine?",
        "Yes is a hard requirement: only an option whose portability was verified by the backend-portability "
        "evidence meets it.",
        (Choice("yes", "Yes: switch engines without rewriting", {"backend_flexibility": "most"},
                "switch_backends=yes"),
         Choice("no", "No: one engine is fine", {"backend_flexibility": "less"})),
        "no"),
    Question(
        "priority", "If one thing matters most, what is it?",
        "Raises one criterion to the highest importance; 'balanced' leaves the weights as the other answers "
        "set them.",
        (Choice("balanced", "Balanced"),
         Choice("simplicity", "Simplicity", {"ease_of_use": "most"}),
         Choice("speed", "Speed", {"performance": "most"}),
         Choice("portability", "Portability across engines and targets",
                {"backend_flexibility": "most", "deployment": "more"}),
         Choice("longevity", "A large, active community", {"community": "most"})),
        "balanced"),
)

QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}
BY_ID_VALUES: dict[str, tuple[str, ...]] = {q.id: q.values for q in QUESTIONS}
#: The platform requirement: the accelerator and the operating system together (``platform=tpu/linux``), always on.
PLATFORM_QUESTIONS: tuple[str, str] = ("accelerator", "os")


def platform_requirement(answers: Mapping[str, str]) -> str:
    """The id of the platform requirement of complete ``answers``: ``platform=ACCELERATOR/OS``."""
    return "platform=" + "/".join(answers[q] for q in PLATFORM_QUESTIONS)


#: Every hard requirement an answer can switch on: the platform's (every accelerator and OS), then the others in
#: question order.
REQUIREMENT_IDS: tuple[str, ...] = (
    *(f"platform={a}/{o}" for a in BY_ID_VALUES["accelerator"] for o in BY_ID_VALUES["os"]),
    *(c.requires for q in QUESTIONS for c in q.choices if c.requires))


def requirement_label(req_id: str) -> str:
    """A requirement in words, for people: ``platform=tpu/linux`` -> ``trains on TPUs under Linux``,
    ``deploy_target=android`` -> ``where the trained model must run: Android (LiteRT)``."""
    key, _, value = req_id.partition("=")
    if key == "platform":
        accelerator, _, system = value.partition("/")
        return (f"trains on {BY_ID['accelerator'].choice(accelerator).label} under "
                f"{BY_ID['os'].choice(system).label.split(' (')[0].replace(', natively', ' (native)')}")
    if key == "deploy_target":
        return f"deploys to {TARGET_WORDS[value]}"
    if req_id in REQUIREMENT_WORDS:
        return REQUIREMENT_WORDS[req_id]
    return f"{BY_ID[key].text.rstrip('?').lower()}: {BY_ID[key].choice(value).label}"


#: The other requirements in words (the deploy targets' from their labels).
REQUIREMENT_WORDS: dict[str, str] = {
    "scale=multi_node": "trains across several machines",
    "model_size=needs_sharding": "shards the model's variables across devices",
    "custom_ops=compiled_kernels": "runs compiled C++/CUDA ops",
    "switch_backends=yes": "runs the same code on another engine",
}


class AnswerError(InputError):
    """An answer that is not allowed; the message names the question and its allowed values."""

    def __init__(self, message: str, question: str | None = None):
        super().__init__(message)
        self.question = question


def quote(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)``, cut to ``limit`` characters (with ``…``), for messages that show what was received.

    Examples:
        >>> len(quote("x" * 1000)) <= 80, quote("scale")
        (True, "'scale'")
    """
    import reprlib

    # reprlib bounds the depth and length it renders, so a value nested thousands deep costs nothing.
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother = 3, limit, limit
    short.maxlist = short.maxdict = short.maxtuple = short.maxset = 6
    text = short.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def allowed(question: Question) -> str:
    """The allowed values of ``question`` as ``a, b, c``."""
    return ", ".join(question.values)


def _received(value: Any) -> str:
    return quote(value) if isinstance(value, str) else f"{quote(value)} ({type(value).__name__})"


def parse_answer(question_id: Any, value: Any, source: str = "answer") -> tuple[str, str | None]:
    """The canonical answer ``value`` gives to ``question_id``, and the note to announce if it was an old name.

    ``true``/``false`` are accepted for yes/no questions (convenient in TOML); a question with ``multiple`` takes
    a comma-separated string or a list of strings, returned comma-joined in the choices' order.

    Raises:
        AnswerError: an unknown question, or a value that is not one of its choices (both quoted, at most 80
            characters).

    Examples:
        >>> parse_answer("ecosystem", "pytorch, tensorflow")
        ('tensorflow,pytorch', None)
        >>> parse_answer("deploy_target", "mobile")[0]
        'android'
    """
    if not isinstance(question_id, str) or question_id not in BY_ID:
        raise AnswerError(f"{source}: unknown question {quote(question_id)}. Expected one of: "
                          f"{', '.join(QUESTION_IDS)}")
    question = BY_ID[question_id]

    def bad(why: str = "") -> AnswerError:
        return AnswerError(f"{source}: {_received(value)} is not a valid answer to question {question_id!r}"
                           f"{why}. Expected one of: {allowed(question)}"
                           + (" (several may be given, comma-separated)" if question.multiple else ""), question_id)

    if isinstance(value, bool) and set(question.values) == {"yes", "no"}:
        return ("yes" if value else "no"), None
    if question.multiple:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")]
        elif isinstance(value, list) and value and all(isinstance(p, str) for p in value):
            parts = [p.strip() for p in value]
        else:
            raise bad()
        if not all(p in question.values for p in parts):
            raise bad()
        chosen = set(parts)
        if "none" in chosen and len(chosen) > 1:
            raise bad(" ('none' cannot be combined with a framework)")
        return ",".join(v for v in question.values if v in chosen), None
    if not isinstance(value, str):
        raise bad()
    if value in question.legacy:
        new, note = question.legacy[value]
        return new, note
    if value not in question.values:
        raise bad()
    return value, None


def validate_answer(question_id: str, value: Any, source: str = "answer") -> str:
    """:func:`parse_answer` without the note: the canonical answer.

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
    return parse_answer(question_id, value, source)[0]


def parse_answers(answers: Any, source: str = "answers") -> tuple[dict[str, str], list[str]]:
    """Validate a mapping of question id -> answer (a subset is fine): the canonical answers and the notes of
    old names mapped; the first problem raises :class:`AnswerError`."""
    if not isinstance(answers, Mapping):
        raise AnswerError(f"{source}: expected a table of question id = answer; received "
                          f"{type(answers).__name__}. Question ids: {', '.join(QUESTION_IDS)}")
    out, notes = {}, []
    for key, value in answers.items():
        out[key], note = parse_answer(key, value, source)
        if note:
            notes.append(note)
    return out, notes


def validate_answers(answers: Any, source: str = "answers") -> dict[str, str]:
    """:func:`parse_answers` without the notes."""
    return parse_answers(answers, source)[0]


def defaults() -> dict[str, str]:
    """Every question's default answer."""
    return {q.id: q.default for q in QUESTIONS}


def complete(answers: Mapping[str, Any]) -> dict[str, str]:
    """``answers`` validated, with defaults for the questions they leave out, in question order."""
    given = validate_answers(answers)
    return {q.id: given.get(q.id, q.default) for q in QUESTIONS}


def values_of(question: Question, answer: str) -> list[str]:
    """The choices an answer names (several for a ``multiple`` question)."""
    return answer.split(",") if question.multiple else [answer]

__all__ = [
    "BY_ID",
    "FIT",
    "LEVELS",
    "PLATFORM_QUESTIONS",
    "QUESTIONS",
    "QUESTION_IDS",
    "REQUIREMENT_IDS",
    "AnswerError",
    "Choice",
    "Question",
    "allowed",
    "complete",
    "defaults",
    "parse_answer",
    "parse_answers",
    "platform_requirement",
    "quote",
    "requirement_label",
    "validate_answer",
    "validate_answers",
]
