"""Charts of the numbers in a result, as PNG bytes made with matplotlib's non-interactive Agg backend.

A claim may have a dedicated chart builder in :data:`CHART_BUILDERS`; every claim also gets the generic
charts: one bar per ``ok`` subject for each numeric measurement (or timing median) that at least two subjects
report and that is not the same for all of them. A chart is drawn only from values that exist in the result;
a missing value is left out, never drawn as zero.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # after use("Agg"): pyplot picks its backend on import
from matplotlib.colors import LogNorm

from evidence.results import ResultFile
from kvt_docs.numbers import flatten, is_timing

#: Charts per claim page at most from the generic rule, so a claim with many measurements stays readable.
MAX_GENERIC_CHARTS = 6


@dataclass(frozen=True)
class Chart:
    """One chart: a file name (unique within its claim), a caption, and the PNG bytes."""

    name: str
    caption: str
    png: bytes


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", facecolor="white",
                metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def bar_chart(name: str, title: str, labels: list[str], values: list[float], *, ylabel: str,
              note: str = "", errors: list[float] | None = None) -> Chart:
    """A plain bar chart with each bar's value written on it."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    bars = ax.bar(labels, values, color="#3f6fb5", yerr=errors, capsize=4 if errors else 0)
    ax.bar_label(bars, labels=[f"{v:.4g}" for v in values], padding=2, fontsize=8)
    ax.set_title(title + ("\n" if note else ""))
    if note:  # under the title: rotated tick labels leave no room below the axes
        ax.text(0.5, 1.02, note, transform=ax.transAxes, fontsize=8, color="#555555", ha="center", va="bottom")
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelrotation=20 if len(labels) > 4 else 0, labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return Chart(name, title, _png(fig))


# -- claim-specific charts ---------------------------------------------------------------------------------------
def community_charts(result: ResultFile) -> list[Chart]:
    """Download ranks of the frameworks' own packages, and package counts per ecosystem."""
    listing = result.subjects.get("pypi-listing")
    if listing is None or listing.status != "ok":
        return []
    m = listing.measurements
    charts = []
    ranked = [(name, info["rank"]) for name, info in m.get("frameworks", {}).items()
              if info and isinstance(info.get("rank"), int)]
    if ranked:
        ranked.sort(key=lambda item: item[1])
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(ranked) + 1.2))
        bars = ax.barh([n for n, _ in ranked], [r for _, r in ranked], color="#3f6fb5")
        ax.bar_label(bars, padding=3, fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("download rank on PyPI (log scale; smaller is more downloaded)")
        ax.set_title("Download rank of each framework's own package")
        ax.spines[["top", "right"]].set_visible(False)
        unranked = [n for n, info in m.get("frameworks", {}).items() if info and info.get("rank") is None]
        if unranked:
            fig.text(0.01, -0.02, f"Outside the ranked packages: {', '.join(unranked)}", fontsize=8,
                     color="#555555", ha="left", va="top")
        charts.append(Chart("download-ranks", "Download rank of each framework's own package", _png(fig)))
    ecosystems = m.get("ecosystems", {})
    if ecosystems:
        keys = [k for k in next(iter(ecosystems.values())) if k != "best_ranked"
                and all(isinstance(e.get(k), int) for e in ecosystems.values())]
        names = list(ecosystems)
        fig, ax = plt.subplots(figsize=(8, 3.8))
        width = 0.8 / max(len(keys), 1)
        for i, key in enumerate(keys):
            xs = [j + (i - (len(keys) - 1) / 2) * width for j in range(len(names))]
            # Zero counts cannot sit on a log axis: they are labelled, not drawn.
            values = [ecosystems[n][key] for n in names]
            bars = ax.bar(xs, [v if v > 0 else float("nan") for v in values], width, label=key.replace("_", " "))
            ax.bar_label(bars, labels=[str(v) for v in values], padding=1, fontsize=6, rotation=90)
        ax.set_xticks(range(len(names)), names)
        ax.set_yscale("log")
        ax.set_ylabel("packages (log scale)")
        ax.set_title("Packages per ecosystem in the PyPI listing")
        ax.legend(fontsize=8, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        charts.append(Chart("ecosystems", "Packages per ecosystem in the PyPI listing", _png(fig)))
    return charts


def backend_portability_charts(result: ResultFile) -> list[Chart]:
    """Test accuracy per training backend, and the cross-backend load differences as a matrix."""
    charts = []
    ok = {s: r.measurements for s, r in result.subjects.items() if r.status == "ok"}
    accuracy = {s: m["train"]["test_accuracy"] for s, m in ok.items()
                if isinstance(m.get("train"), dict) and isinstance(m["train"].get("test_accuracy"), int | float)}
    if accuracy:
        tolerance_key = f"accuracy_tolerance_{result.provenance.mode}"
        tolerance = result.claim.thresholds.get(tolerance_key)
        note = (f"Same program, same data, every backend; the verdict allows a spread of {tolerance:.4g} "
                f"({tolerance_key}).") if tolerance is not None else ""
        charts.append(bar_chart("test-accuracy", "Test accuracy of the same Keras program on each backend",
                                list(accuracy), list(accuracy.values()), ylabel="test accuracy", note=note))
    loads = {s: m["load"]["sources"] for s, m in ok.items()
             if isinstance(m.get("load"), dict) and isinstance(m["load"].get("sources"), dict)}
    savers = list(dict.fromkeys(src for sources in loads.values() for src in sources))
    if loads and savers:
        fig, ax = plt.subplots(figsize=(1.4 * len(savers) + 2.5, 0.55 * len(loads) + 1.6))
        diffs = [[(loads[loader].get(saver) or {}).get("max_abs_diff") for saver in savers] for loader in loads]
        numbers = [d for row in diffs for d in row if isinstance(d, int | float) and not isinstance(d, bool)]
        # Colour on a log scale; an exact 0 (a backend reloading its own file) takes the lowest colour.
        floor = min([d for d in numbers if d > 0], default=1e-9) / 10
        grid = [[max(d, floor) if isinstance(d, int | float) else float("nan") for d in row] for row in diffs]
        norm = LogNorm(vmin=floor, vmax=max(max(numbers, default=1.0), floor * 10))
        ax.imshow(grid, cmap="YlOrRd", norm=norm, aspect="auto")
        ax.set_xticks(range(len(savers)), [f"saved under\n{s}" for s in savers], fontsize=8)
        ax.set_yticks(range(len(loads)), [f"loaded by {s}" for s in loads], fontsize=8)
        for i, loader in enumerate(loads):
            for j, saver in enumerate(savers):
                diff = diffs[i][j]
                text = (f"{diff:.2g}" if isinstance(diff, int | float)
                        else str((loads[loader].get(saver) or {}).get("status", "not loaded")))
                dark = isinstance(diff, int | float) and norm(max(diff, floor)) > 0.6
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
        ax.set_title("Largest difference in predictions after loading a saved model\n(log colour scale)",
                     fontsize=10)
        ax.tick_params(length=0)
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        charts.append(Chart("cross-backend-loads", "Largest difference in predictions after loading a saved model",
                            _png(fig)))
    return charts


def grouped_bar_chart(name: str, title: str, groups: list[str], series: dict[str, list[float | None]], *,
                      ylabel: str, note: str = "", reference: float | None = None) -> Chart:
    """Bars grouped along x (one group per entry of ``groups``), one colour per series; None is left out."""
    fig, ax = plt.subplots(figsize=(max(7.0, 1.3 * len(groups) + 2), 4))
    width = 0.8 / max(len(series), 1)
    for i, (label, values) in enumerate(series.items()):
        xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(groups))]
        drawn = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        if drawn:
            ax.bar([x for x, _ in drawn], [v for _, v in drawn], width, label=label)
    if reference is not None:
        ax.axhline(reference, color="#555555", linewidth=0.8, linestyle="--")
    ax.set_xticks(range(len(groups)), groups, fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title + ("\n" if note else ""))
    if note:
        ax.text(0.5, 1.02, note, transform=ax.transAxes, fontsize=8, color="#555555", ha="center", va="bottom")
    ax.legend(fontsize=7, frameon=False, ncols=min(len(series), 3), loc="upper center", bbox_to_anchor=(0.5, -0.1))
    ax.spines[["top", "right"]].set_visible(False)
    return Chart(name, title, _png(fig))


def performance_charts(result: ResultFile) -> list[Chart]:
    """Each option's throughput relative to the fastest in the same run, per model and phase; compile times."""
    from evidence.claims import performance  # framework-free: the judge's own ratios

    ok = {s: r.measurements for s, r in result.subjects.items()
          if r.status == "ok" and isinstance(r.measurements.get("models"), dict)}
    models = list(dict.fromkeys(m for meas in ok.values() for m in meas["models"]))
    if not ok or not models:
        return []
    cells = [(model, phase) for model in models for phase in performance.PHASES]
    ratios = performance.CLAIM.ratios_to_fastest(ok, models)
    relative = {s: [ratios[cell].get(s) for cell in cells] for s in ok}
    charts = [grouped_bar_chart(
        "relative-throughput", "Throughput relative to the fastest option in the same run",
        [f"{model}\n{phase}" for model, phase in cells], relative, ylabel="fraction of the fastest (1 = fastest)",
        note="Medians of the timed repeats; warm-up and compiling excluded.", reference=1.0)]
    compile_s = {s: [meas["models"].get(model, {}).get("train", {}).get("compile_s") for model in models]
                 for s, meas in ok.items()}
    if any(v is not None for values in compile_s.values() for v in values):
        charts.append(grouped_bar_chart(
            "compile-time", "Tracing and compiling time of the first training epoch", models, compile_s,
            ylabel="seconds", note="First epoch minus the median of the timed ones."))
    return charts


def distributed_scaling_charts(result: ResultFile) -> list[Chart]:
    """Scaling efficiency of every distributed run that trained correctly, and the lines each path adds."""
    from evidence.claims.distributed_scaling import CLAIM  # framework-free: judge's own reading of the runs

    ok = {s: r.measurements for s, r in result.subjects.items()
          if r.status == "ok" and isinstance(r.measurements.get("runs"), dict)}
    if not ok:
        return []
    evaluated = CLAIM.evaluate_paths(ok, float(result.claim.thresholds["loss_rel_tolerance"]))
    charts = []
    runs = [(f"{path} x{run['devices']}", run.get("efficiency")) for path, entry in evaluated.items()
            for run in entry["runs"].values() if run["devices"] > 1]
    drawn = [(label, value) for label, value in runs if value is not None]
    if drawn:
        left_out = [label for label, value in runs if value is None]
        charts.append(bar_chart(
            "scaling-efficiency", "Scaling efficiency of each multi-device run",
            [label for label, _ in drawn], [value for _, value in drawn], ylabel="efficiency (1 = linear)",
            note="Throughput / (devices x one-device throughput); on a 2-core CPU this measures overhead."
            + (f"\nNot drawn (failed or no reference): {', '.join(left_out)}." if left_out else "")))
    lines = {path: entry["lines"]["added"] for path, entry in evaluated.items()
             if isinstance(entry.get("lines"), dict) and isinstance(entry["lines"].get("added"), int)}
    if lines:
        charts.append(bar_chart(
            "lines-added", "Lines that going distributed adds to the single-device program", list(lines),
            list(lines.values()), ylabel="logical lines new or rewritten",
            note="Failing paths included: " + (", ".join(p for p, e in evaluated.items() if not e["works"])
                                               or "none") + "."))
    return charts


#: claim id -> builder of that claim's dedicated charts.
CHART_BUILDERS: dict[str, Callable[[ResultFile], list[Chart]]] = {
    "community": community_charts,
    "backend_portability": backend_portability_charts,
    "performance": performance_charts,
    "distributed_scaling": distributed_scaling_charts,
}


# -- generic charts ----------------------------------------------------------------------------------------------
def _number(value: Any) -> tuple[float, float | None] | None:
    """(value, spread) of a plain number or a timing summary's median and IQR; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value), None
    if is_timing(value):
        spread = value.get("iqr_s")
        return float(value["median_s"]), float(spread) if isinstance(spread, int | float) else None
    return None


def generic_charts(result: ResultFile) -> list[Chart]:
    """One bar chart per numeric measurement (a dotted path, see :func:`kvt_docs.numbers.flatten`) that several
    ``ok`` subjects report with differing values, in the order the measurements appear."""
    flat = {s: flatten(r.measurements) for s, r in result.subjects.items() if r.status == "ok"}
    keys = list(dict.fromkeys(k for values in flat.values() for k in values))
    charts = []
    for key in keys:
        points = {s: _number(values[key]) for s, values in flat.items() if key in values}
        points = {s: p for s, p in points.items() if p is not None}
        values = [p[0] for p in points.values()]
        if len(points) < 2 or len(set(values)) < 2:
            continue
        is_time = any(p[1] is not None for p in points.values())
        errors = [p[1] or 0.0 for p in points.values()] if is_time else None
        title = f"{key} per subject" + (" (median, IQR as error bar)" if is_time else "")
        charts.append(bar_chart(re.sub(r"[^A-Za-z0-9_-]+", "-", key), title, list(points), values,
                                ylabel="seconds" if is_time else key.rsplit(".", 1)[-1], errors=errors,
                                note="Subjects without this measurement are left out."
                                if len(points) < len(flat) else ""))
        if len(charts) == MAX_GENERIC_CHARTS:
            break
    return charts


def charts_for(claim_id: str, result: ResultFile) -> list[Chart]:
    """The claim's dedicated charts when it has a builder (and they find their numbers), else the generic ones."""
    builder = CHART_BUILDERS.get(claim_id)
    return (builder(result) if builder else []) or generic_charts(result)
