"""What the extensibility judge concludes, typed: one cell per (option, kind, mechanism), the builds, and
portability kept apart.

Readers (the advisor, the site) read these models and their queries, never the raw measurements. No framework
is imported here.
"""

from __future__ import annotations

from typing import ClassVar

from evidence.claims.extensibility.routes import NEEDS, Framework, Kind
from evidence.contract import Assessment, ContractModel, ErrorInfo, Option, Outcome
from evidence.options import FRAMEWORK, KERAS_OPTIONS, TF_CORE


class GradientCheck(ContractModel):
    """The gradient the framework's autodiff returned (through the extension's backward), against central finite
    differences of the extension's forward pass."""

    max_error: float | None
    """The largest absolute difference over the points, divided by ``max(1, largest |finite difference|)``;
    None when the autodiff gradient was not finite."""
    tolerance: float
    """The claim's declared tolerance (threshold ``gradient_tolerance``)."""
    passed: bool
    """``max_error <= tolerance`` and the gradient is finite everywhere."""
    points: int
    """How many input elements were checked."""
    step: float
    """The finite-difference step."""


class BuildRecord(ContractModel):
    """A library built at run time for a compiled route."""

    id: str
    """The build's name (``tensorflow_op``, ``jax_ffi``, ``torch_op``)."""
    source: str
    """The C++ file, relative to the project."""
    sha256: str
    """The source file's SHA-256."""
    status: Outcome
    """``works``: built; ``fails``: the build ran and broke; ``unavailable``: no compiler or build tool to try."""
    tool: str
    """What built it."""
    compiler: str | None = None
    """The compiler's version line."""
    steps: list[str] = []
    """The build commands that ran, paths shortened (``<run>`` is the run's temporary folder)."""
    seconds: float | None = None
    """Wall seconds the build took (nothing is cached across runs)."""
    warnings: int = 0
    """Compiler warning lines."""
    cpp_lines: int
    """Lines of C++ code in the source (comments and blank lines excluded)."""
    library_bytes: int | None = None
    """Size of the library built."""
    reason: str | None = None
    """Why it failed or could not be tried."""


class Cell(ContractModel):
    """One extension route attempted on one option."""

    option: Option
    """The option it ran on."""
    kind: Kind
    """What it extends: layer, loss, metric, train_step, training_loop, custom_gradient, custom_op, compiled_op
    or custom_kernel."""
    route: str
    """The route's id (``jax_custom_vjp``)."""
    mechanism: str
    """The mechanism, as its documentation names it (``jax.custom_vjp``)."""
    framework: Framework
    """Whose API the code is written with: ``keras`` (the backend-neutral API) or one framework's own."""
    own: bool
    """True when the code is Keras's portable API or the option's own framework's; False for another backend's
    code, which measures portability (:attr:`ExtensibilityAssessment.portability`)."""
    status: Outcome
    """``works``: it trained inside the model and every check passed; ``fails``: it raised or a check failed
    (see ``error`` and ``failed_checks``); ``unavailable``: a framework, compiler or build it needs was missing;
    ``not_applicable``: the option has no such thing to extend."""
    failed_checks: list[str] = []
    """The checks that failed, each with what it means."""
    value_error: float | None = None
    """Largest absolute difference of its values from NumPy's."""
    gradient_check: GradientCheck | None = None
    """Its gradient against finite differences (None for kinds without one: metrics, training steps)."""
    lines: int
    """Logical lines of the extension's own code (Python, plus C++ for a compiled op)."""
    python_lines: int
    """Logical lines of its Python code."""
    cpp_lines: int = 0
    """Lines of its C++ code."""
    build_steps: list[str] = []
    """What must be built before Python can use it (the commands that ran); empty for pure-Python routes."""
    build: str | None = None
    """The build it needs (a key of :attr:`ExtensibilityAssessment.builds`)."""
    program: str
    """The program file and symbols that hold it (``extensions_jax.py::jax_log1pexp+...``)."""
    error: ErrorInfo | None = None
    """The error it raised."""
    reason: str | None = None
    """Why it failed a check or could not be tried, in one line."""
    seconds: float | None = None
    """Wall seconds of the attempt (tiny models: this is no speed measurement)."""

    @property
    def works(self) -> bool:
        """``status == "works"``."""
        return self.status == "works"


class Coverage(ContractModel):
    """What an option can extend with its own tools (Keras's API and its framework's), need by need."""

    option: Option
    """The option."""
    met: dict[str, list[str]]
    """Each need of :data:`~evidence.claims.extensibility.routes.NEEDS` -> the own mechanisms that worked for it."""
    unmet: list[str]
    """Needs tried that no own route met."""
    not_tried: list[str]
    """Needs whose own routes were all ``unavailable`` (no compiler, a missing package)."""

    @property
    def fraction(self) -> float:
        """Met needs over the needs tried (1.0 when none was tried)."""
        tried = len(self.met) + len(self.unmet)
        return len(self.met) / tried if tried else 1.0


class ExtensibilityAssessment(Assessment):
    """Every extension route attempted on every option: its own routes as cells, other backends' code as
    portability, the builds, and what each option can extend with its own tools."""

    STATUSES: ClassVar[tuple[str, ...]] = ("works", "fails", "unavailable", "not_applicable")

    cells: list[Cell]
    """Each option's own routes: Keras's portable API and its framework's mechanisms (TensorFlow core: its own)."""
    portability: list[Cell]
    """Routes written with one backend's framework, run on the other Keras options (empty when not tried)."""
    builds: dict[str, BuildRecord]
    """The libraries built for the compiled routes in this run."""
    coverage: dict[Option, Coverage]
    """Per option that ran, what its own tools extended."""
    measured: list[Option]
    """The options whose worker ran to the end."""
    portability_tried: bool
    """Whether other backends' routes were attempted (full mode)."""
    not_measured: list[str]
    """Subjects that did not run ok, each with its status and reason."""

    def cells_for(self, option: str, kind: str | None = None) -> list[Cell]:
        """The option's own cells, of ``kind`` when given, in route order."""
        return [c for c in self.cells if c.option == option and (kind is None or c.kind == kind)]

    def cell(self, option: str, kind: str) -> Cell | None:
        """The option's own cell of ``kind``: the first that works, else the first tried; None when none exists."""
        found = self.cells_for(option, kind)
        return next((c for c in found if c.works), found[0] if found else None)

    def native_routes(self, option: str) -> list[Cell]:
        """The option's cells written with its own framework (``jax.custom_vjp`` for keras-jax), not Keras's API."""
        return [c for c in self.cells_for(option) if c.framework != "keras" and c.status != "not_applicable"]

    def compiled_op(self, option: str) -> Cell | None:
        """The option's compiled C++ op through its own framework's mechanism (``tf.load_op_library``,
        ``jax.ffi``, ``torch.utils.cpp_extension``), for the advisor's compiled-kernels requirement."""
        return self.cell(option, "compiled_op")

    def covers(self, option: str) -> Coverage | None:
        """What ``option`` extended with its own tools; None when it did not run."""
        return self.coverage.get(option)

    def ported(self, framework: str) -> dict[str, bool]:
        """For code written with ``framework``'s API: each other Keras option -> whether all of it ran there."""
        out: dict[str, bool] = {}
        for c in self.portability:
            if c.framework == framework:
                out[c.option] = out.get(c.option, True) and c.works
        return out

    def portable_keras_backends(self) -> dict[str, list[str]]:
        """Each route of Keras's portable API -> the Keras options it worked on (the same code unchanged)."""
        out: dict[str, list[str]] = {}
        for c in self.cells:
            if c.framework == "keras":
                out.setdefault(c.route, [])
                if c.works:
                    out[c.route].append(c.option)
        return out


def coverage_of(option: str, cells: list[Cell]) -> Coverage:
    """The :class:`Coverage` of ``option`` from its own cells."""
    met: dict[str, list[str]] = {}
    unmet, not_tried = [], []
    for need, kinds in NEEDS.items():
        found = [c for c in cells if c.option == option and c.kind in kinds and c.status != "not_applicable"]
        working = [c.mechanism for c in found if c.works]
        if working:
            met[need] = working
        elif found and all(c.status == "unavailable" for c in found):
            not_tried.append(need)
        else:
            unmet.append(need)
    return Coverage(option=option, met=met, unmet=unmet, not_tried=not_tried)


__all__ = ["FRAMEWORK", "KERAS_OPTIONS", "TF_CORE", "BuildRecord", "Cell", "Coverage", "ExtensibilityAssessment",
           "GradientCheck", "Option", "coverage_of"]
