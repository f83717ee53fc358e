"""Claim ``community``: TensorFlow has a larger and more active community than Keras.

Evidence: the PyPI listing of 2026-11-25 (``evidence/data/pypi-dl-frameworks-2026-11-25.tsv``): every package whose
*name* contains ``keras``, ``tensorflow``, ``tf-``/``tf_`` (as a prefix), ``jax``, ``flax``, ``torch``, ``theano``
or ``cntk``, with its newest release month, its download rank (among the 15,000 most downloaded) and its own
one-line summary.

Method. A package belongs to an ecosystem by *what it is*, not by a name prefix: a name that contains a
framework's name only makes it a candidate, and the candidate is classified, with declared rules (data below), as

- ``name``: a name that can only mean the framework (it contains ``tensorflow``, ``keras`` or ``pytorch``, or is
  one of the framework's own distributions such as ``jax``, ``flax``, ``torch``, ``torchvision``);
- ``summary``: its summary names the framework (``TensorFlow``, ``tf.keras``, ``Keras``, ``JAX``/``Flax``,
  ``PyTorch``/``torch``) — a package whose summary names a framework counts for it even when its name points
  elsewhere;
- ``look_alike``: its name or summary shows it is something else that shares the letters (Terraform tools named
  ``tf-*``, TF-IDF, transcription factors, Ajax web tools, words containing "torch" such as *orchestration*),
  excluded and listed with the reason;
- ``placeholder``: a name reserved against dependency confusion or typosquatting, excluded;
- ``name_only``: the name matches and the summary says nothing either way (often empty).

Counts use the classified packages (``name`` + ``summary``); the same counts with the ``name_only`` packages
added bound how far the unclassifiable ones could move them, and the two make each ratio's interval. A package that
belongs to both TensorFlow and Keras (``tf-keras``; "layers for TensorFlow/Keras") counts once on each side, and
the overlap is reported. Download ranks of the frameworks' own packages are reported but cannot decide the claim:
``keras`` is a dependency of ``tensorflow`` (read from the installed TensorFlow's metadata), so every TensorFlow
install is also a Keras download.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from importlib import metadata
from typing import Any, ClassVar, Literal

from evidence.claim import DATA_DIR, Claim, Context, Verdict, missing_subjects
from evidence.contract import Assessment, ContractModel, DecisionChange, Interval, Threshold
from evidence.options import KERAS_BACKEND, OPTIONS

DATA_FILE = "pypi-dl-frameworks-2026-11-25.tsv"
LISTING_DATE = "2026-11-25"
SOURCE = f"PyPI listing of {LISTING_DATE}"

Ecosystem = Literal["tensorflow", "keras", "jax", "torch", "theano", "cntk"]
ECOSYSTEMS: tuple[str, ...] = ("tensorflow", "keras", "jax", "torch", "theano", "cntk")
Membership = Literal["name", "summary", "look_alike", "placeholder", "name_only"]

#: Each framework's own distributions, whose download ranks are reported.
FRAMEWORK_PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "tf-keras", "jax", "jaxlib", "flax", "torch",
                      "theano", "cntk")

#: Names that make a package a *candidate* for an ecosystem (how the listing was selected).
NAME_PATTERNS: dict[str, re.Pattern[str]] = {
    "tensorflow": re.compile(r"tensorflow|^tf[-_]"),
    "keras": re.compile(r"keras"),
    "jax": re.compile(r"jax|flax"),
    "torch": re.compile(r"torch"),
    "theano": re.compile(r"theano"),
    "cntk": re.compile(r"cntk"),
}
#: Names that can only mean the framework: its full name inside the package name (no other project shares the
#: letters ``tensorflow``, ``keras`` or ``pytorch``), or one of its own distributions named exactly. The short
#: forms (``tf-``, ``jax``, ``torch``) are shared with other things and need the summary to decide.
UNAMBIGUOUS_NAMES: dict[str, re.Pattern[str]] = {
    "tensorflow": re.compile(r"tensorflow|^tf[-_](nightly|keras|estimator|models|agents|hub)"),
    "keras": re.compile(r"keras"),
    "jax": re.compile(r"^(jax|jaxlib|flax|jax[-_](nightly|cuda\d*.*)|jaxlib[-_]nightly)$"),
    "torch": re.compile(r"pytorch|^(torch|torchvision|torchaudio|torchtext|torchdata|torchrec|torchao|torchtune|"
                        r"torchserve|torcheval|torchft|libtorch)([-_].*)?$"),
    "theano": re.compile(r"theano"),
    "cntk": re.compile(r"cntk"),
}
#: The framework named in a summary.
SUMMARY_PATTERNS: dict[str, re.Pattern[str]] = {
    "tensorflow": re.compile(r"\btensor ?flow\b|\btf\.(keras|data|function|lite|js)\b|\btf ?[12](\.x|\.\d+)?\b|"
                             r"\btflite\b|\btfjs\b", re.I),
    "keras": re.compile(r"\bkeras\b", re.I),
    "jax": re.compile(r"\bjax\b|\bflax\b|\bequinox\b|\boptax\b", re.I),
    "torch": re.compile(r"\bpy ?torch\b|\btorch\b|\blibtorch\b|\btorchscript\b", re.I),
    "theano": re.compile(r"\btheano\b", re.I),
    "cntk": re.compile(r"\bcntk\b", re.I),
}
#: What a name candidate turns out to be instead, per ecosystem: (pattern over name and summary, what it is).
LOOK_ALIKES: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "tensorflow": (
        (re.compile(r"terraform|opentofu|\bhcl\b|tfstate|\btfvars\b", re.I), "a Terraform/OpenTofu tool"),
        (re.compile(r"tf[- ]?idf|term frequency", re.I), "TF-IDF text statistics"),
        (re.compile(r"transcription factor", re.I), "transcription factors (biology)"),
        (re.compile(r"textflows", re.I), "TextFlows text mining"),
        (re.compile(r"\btf coil|tokamak", re.I), "toroidal-field coils (fusion)"),
    ),
    "jax": (
        (re.compile(r"ajax|jquery|django|plone|mathjax|jinja|pulumi", re.I),
         "a web or infrastructure tool whose name contains 'jax' (Ajax, MathJax, Jinja…)"),
    ),
    "torch": (
        (re.compile(r"orchestr|torcheck|torchain|torchunk", re.I),
         "a word that contains 'torch' (orchestration, doctor-check, factor-chain…)"),
    ),
}
#: Names reserved against dependency confusion or typosquatting: not a community's packages.
PLACEHOLDER = re.compile(r"placeholder|dependency[- ]confusion|typ[eo]squat|reserve[sd]? (the |a )?(package )?name|"
                         r"fake package to warn|hallucinat", re.I)

#: The ecosystems an option's code can draw on directly: Keras's own and its engine's (TensorFlow core: TensorFlow's).
OPTION_ECOSYSTEMS: dict[str, tuple[str, ...]] = {
    option: (("keras", KERAS_BACKEND[option]) if KERAS_BACKEND[option] else ("tensorflow",)) for option in OPTIONS
}
#: The ratios (TensorFlow / Keras) the verdict weighs, in words.
SIGNALS: dict[str, str] = {
    "packages": "packages in the ecosystem",
    "active": "packages released in the activity window",
    "widely_downloaded": "packages ranked among the most downloaded",
}


def months_between(earlier: str, later: str) -> int:
    """Whole months from ``earlier`` to ``later``, both ``YYYY-MM``."""
    y1, m1 = map(int, earlier.split("-")[:2])
    y2, m2 = map(int, later.split("-")[:2])
    return (y2 - y1) * 12 + (m2 - m1)


def read_listing(path=None) -> list[dict[str, Any]]:
    """Rows of the listing with the rank as an int (None outside the 15,000 most downloaded)."""
    path = path or DATA_DIR / DATA_FILE
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            rank = row["rank_among_15000_most_downloaded"].strip()
            rows.append({"name": row["name"], "version": row["version"], "month": row["month"],
                         "rank": int(rank) if rank else None, "summary": (row.get("summary") or "").strip()})
    return rows


def classify(name: str, summary: str) -> dict[str, tuple[str, str]]:
    """For each ecosystem the package is a candidate of (by name or by summary): (membership, why).

    In order: a reserved name is a ``placeholder``; a name that can only mean the framework counts (``name``); a
    summary that names the framework counts (``summary``); a name that shares the letters with something else the
    name or summary shows is a ``look_alike``; anything else is ``name_only``.
    """
    lower, text = name.lower(), f"{name} {summary}"
    out: dict[str, tuple[str, str]] = {}
    for eco in ECOSYSTEMS:
        by_name, by_summary = bool(NAME_PATTERNS[eco].search(lower)), bool(SUMMARY_PATTERNS[eco].search(summary))
        if not (by_name or by_summary):
            continue
        look = next((what for pattern, what in LOOK_ALIKES.get(eco, ()) if pattern.search(text)), None)
        if PLACEHOLDER.search(summary):
            out[eco] = ("placeholder", "a name reserved against dependency confusion or typosquatting")
        elif UNAMBIGUOUS_NAMES[eco].search(lower):
            out[eco] = ("name", "its name can only mean the framework")
        elif by_summary:
            out[eco] = ("summary", "its summary names the framework")
        elif look:
            out[eco] = ("look_alike", look)
        else:
            out[eco] = ("name_only", "the name matches; the summary does not say" if summary else
                        "the name matches; it has no summary")
    return out


def analyse(rows: list[dict[str, Any]], *, listing_month: str, active_months: int, top_n: int) -> dict[str, Any]:
    """Framework ranks, each package's ecosystem memberships, and per-ecosystem counts from the listing's rows."""
    by_name = {r["name"].lower(): r for r in rows}
    frameworks = {name: ({k: by_name[name][k] for k in ("version", "month", "rank")} if name in by_name else None)
                  for name in FRAMEWORK_PACKAGES}
    members: dict[str, list[dict[str, Any]]] = {eco: [] for eco in ECOSYSTEMS}
    for r in rows:
        for eco, (how, why) in classify(r["name"], r["summary"]).items():
            members[eco].append({"name": r["name"], "how": how, "why": why, "rank": r["rank"], "month": r["month"],
                                 "summary": r["summary"][:160]})

    def counts(pkgs: list[dict[str, Any]]) -> dict[str, int]:
        return {
            "packages": len(pkgs),
            "active": sum(1 for p in pkgs if p["month"] and months_between(p["month"], listing_month) < active_months),
            "widely_downloaded": sum(1 for p in pkgs if p["rank"] is not None and p["rank"] <= top_n),
            "ranked": sum(1 for p in pkgs if p["rank"] is not None),
        }

    ecosystems = {}
    for eco, pkgs in members.items():
        classified = [p for p in pkgs if p["how"] in ("name", "summary")]
        ecosystems[eco] = {
            "classified": counts(classified),
            "with_name_only": counts(classified + [p for p in pkgs if p["how"] == "name_only"]),
            "by_membership": {how: sum(1 for p in pkgs if p["how"] == how) for how in Membership.__args__},
            "best_ranked": sorted([p["rank"], p["name"]] for p in classified if p["rank"] is not None)[:5],
            "excluded": [{k: p[k] for k in ("name", "how", "why", "summary")} for p in pkgs
                         if p["how"] in ("look_alike", "placeholder")],
            "members": sorted(p["name"].lower() for p in classified),
            "active_members": sorted(p["name"].lower() for p in classified if p["month"] and
                                     months_between(p["month"], listing_month) < active_months),
        }
    both = sorted(set(ecosystems["tensorflow"]["members"]) & set(ecosystems["keras"]["members"]))
    return {"frameworks": frameworks, "ecosystems": ecosystems, "tensorflow_keras_both": both, "rows": len(rows)}


def tensorflow_requires_keras() -> str | None:
    """The ``keras`` requirement of the installed TensorFlow, read from its metadata (no import), or None."""
    for dist in ("tensorflow", "tensorflow-cpu"):
        try:
            requires = metadata.requires(dist) or []
        except metadata.PackageNotFoundError:
            continue
        found = [r for r in requires if re.match(r"^keras\b", r) and "extra ==" not in r]
        return f"{dist} {metadata.version(dist)} requires {found[0]}" if found else None
    return None


# -- the assessment ---------------------------------------------------------------------------------------------
class FrameworkRank(ContractModel):
    """A framework's own package in the listing."""

    version: str
    """Its newest version."""
    month: str
    """That version's month (YYYY-MM)."""
    rank: int | None
    """Its download rank among the 15,000 most downloaded (None: outside them)."""


class EcosystemCount(ContractModel):
    """What one ecosystem holds in the listing."""

    packages: int
    """Classified packages: those whose name can only mean the framework, and those whose summary names it."""
    active: int
    """Classified packages released in the activity window before the listing."""
    widely_downloaded: int
    """Classified packages among the most downloaded (the threshold's top N)."""
    packages_with_name_only: int
    """``packages`` plus the candidates that only their name ties to the framework."""
    active_with_name_only: int
    """``active``, with the name-only candidates."""
    widely_downloaded_with_name_only: int
    """``widely_downloaded``, with the name-only candidates."""
    by_membership: dict[Membership, int]
    """How many candidates each rule placed: name, summary, look_alike, placeholder, name_only."""
    best_ranked: list[tuple[int, str]]
    """Its five best-ranked classified packages, (rank, name)."""


class ExcludedPackage(ContractModel):
    """A name candidate that is not a package of the ecosystem."""

    ecosystem: Ecosystem
    """The ecosystem its name points to."""
    name: str
    """The package."""
    status: Literal["look_alike", "placeholder"]
    """``look_alike``: something else that shares the letters; ``placeholder``: a reserved name."""
    why: str
    """What it is instead."""
    summary: str
    """Its own summary (first 160 characters)."""


class Signal(ContractModel):
    """One TensorFlow-versus-Keras comparison, as a ratio with the range the classification allows."""

    ratio: Interval
    """TensorFlow / Keras: the estimate from classified packages; low and high with the name-only candidates
    added to either side (how far the unclassifiable packages could move it)."""
    tensorflow: int
    """TensorFlow's classified count."""
    keras: int
    """Keras's classified count."""
    status: Literal["favours_tensorflow", "favours_keras", "within_noise"]
    """``favours_tensorflow``: the whole interval is at or above the noise band; ``favours_keras``: at or below
    its inverse; else ``within_noise``."""


class OptionCommunity(ContractModel):
    """The community an option's code can draw on: Keras's and its engine's ecosystems, each package once."""

    ecosystems: list[Ecosystem]
    """The ecosystems (Keras's and the engine's; TensorFlow core: TensorFlow's)."""
    best_rank: int | None
    """The best download rank among those ecosystems' framework packages."""
    packages: int
    """Distinct classified packages in those ecosystems."""
    active: int
    """Distinct classified packages released in the activity window."""


class CommunityAssessment(Assessment):
    """TensorFlow's and Keras's ecosystems classified from a dated PyPI listing, and what they say of the claim."""

    STATUSES: ClassVar[tuple[str, ...]] = ("favours_tensorflow", "favours_keras", "within_noise", "look_alike",
                                           "placeholder")

    source: str
    """The listing and its date (every number here holds for that date)."""
    frameworks: dict[str, FrameworkRank | None]
    """The frameworks' own packages with their ranks (None: not in the listing)."""
    ecosystems: dict[Ecosystem, EcosystemCount]
    """Per ecosystem, its classified counts."""
    both_sides: list[str]
    """Packages classified as both TensorFlow's and Keras's, each counted once on each side."""
    excluded: list[ExcludedPackage]
    """Name candidates excluded as look-alikes or placeholders, with what they are."""
    keras_is_a_tensorflow_dependency: str | None
    """The installed TensorFlow's requirement on keras (every TensorFlow install is a Keras download), or None
    when TensorFlow is not installed where the claim ran."""
    signals: dict[str, Signal]
    """The comparisons the verdict weighs: packages, active, widely_downloaded."""
    downloads_ratio: float | None
    """keras's rank / tensorflow's rank (above 1: tensorflow is downloaded more); reported, not decisive, since
    keras downloads include every TensorFlow install."""
    options: dict[str, OptionCommunity]
    """Per advisor option, the community its code can draw on."""
    active_window_months: int
    """The activity window (months before the listing)."""
    top_n: int
    """"Most downloaded" means a rank at or above this."""
    noise_band: float
    """The noise band: a TensorFlow / Keras ratio within [1/band, band] is no difference either way."""
    not_measured: list[str]
    """Subjects that did not run ok."""

    def option(self, option: str) -> OptionCommunity | None:
        """The community of ``option`` (None when the listing was not analysed)."""
        return self.options.get(option)


def _signal(tf: EcosystemCount, keras: EcosystemCount, key: str, band: float) -> Signal:
    """TensorFlow / Keras on ``key`` with the name-only range; status against the noise band."""
    a, b = getattr(tf, key), getattr(keras, key)
    a_all, b_all = getattr(tf, f"{key}_with_name_only"), getattr(keras, f"{key}_with_name_only")

    def ratio(x: int, y: int) -> float:
        return x / y if y else float("inf") if x else 1.0

    ends = [ratio(a, b), ratio(a_all, b), ratio(a, b_all), ratio(a_all, b_all)]
    interval = Interval(estimate=ratio(a, b), low=min(ends), high=max(ends), level=1.0,
                        method="classified packages; the ends add the name-only candidates to either side")
    status = ("favours_tensorflow" if interval.low >= band else "favours_keras" if interval.high <= 1 / band
              else "within_noise")
    return Signal(ratio=interval, tensorflow=a, keras=b, status=status)


class CommunityClaim(Claim):
    """Ecosystems classified by what their packages are, from a dated PyPI listing."""

    id = "community"
    dimension = "Community"
    title = "TensorFlow's community is larger and more active than Keras's"
    statement = ("TensorFlow has a bigger, busier community than Keras, so it is the safer choice for finding "
                 "help, libraries and maintained add-ons.")
    sub_claims = {
        "ecosystem": "How many third-party packages each ecosystem has, classified by what they are.",
        "activity": "How many of them released in the twelve months before the listing.",
        "reach": "How many of them are among the most downloaded packages.",
        "downloads": "How the frameworks' own packages rank in downloads, and why that cannot decide the claim.",
        "overlap": "Packages that belong to both (tf-keras; add-ons for TensorFlow/Keras), counted once per side.",
        "look_alikes": "Packages that share the letters but are something else (Terraform tools, TF-IDF…).",
    }
    subjects = ("pypi-listing",)
    data_files = (DATA_FILE,)
    assessment_type = CommunityAssessment
    thresholds = {
        "noise_band": Threshold(
            value=1.5,
            reason="a listing selected by name, one snapshot date and classification rules can move a ratio by "
                   "tens of percent; a difference under 1.5x is not claimed either way"),
        "min_signals_for_support": Threshold(
            value=2, reason="of the three comparisons (packages, active, widely downloaded), at least two must "
                            "favour one side beyond the noise band for a clear verdict"),
        "active_window_months": Threshold(
            value=12, reason="a package released in the year before the listing is maintained"),
        "top_n": Threshold(
            value=15000, reason="'widely downloaded': ranked at all, i.e. among the 15,000 most downloaded on PyPI "
                                "(the listing's whole rank range; within the top 1,000 each side has only its "
                                "framework's own package, too few to compare)"),
    }
    decision_rule_fixed = "2026-12-01"
    decision_log = (
        DecisionChange(
            date="2026-12-01",
            change="Ecosystems classified by what their packages are (name rules, summaries, look-alikes) instead "
                   "of by a tf-/tf_ name prefix; three signals (packages, active, ranked) each against a 1.5x noise "
                   "band, inconclusive inside it; download ranks reported but not weighed; 'widely downloaded' "
                   "over the listing's 15,000 ranked packages instead of the top 1,000.",
            reason="A review found the prefix counted Terraform tools and other look-alikes as TensorFlow's, "
                   "counted tf-keras on both sides silently, weighed keras downloads that include every TensorFlow "
                   "install, and set a 1.44x ratio against a 1.5x threshold inside any reasonable noise.",
            affects="The schema-1 result of 2026-11-26 (verdict refuted), made under the old rule."),
    )
    repeats = (1, 1)  # a file read: nothing to time
    timeout_s = (60, 120)

    def measure(self, ctx: Context) -> dict[str, Any]:
        """Read the listing, classify its packages and count; read TensorFlow's keras requirement."""
        result = analyse(read_listing(), listing_month=LISTING_DATE[:7],
                         active_months=int(self.threshold("active_window_months")),
                         top_n=int(self.threshold("top_n")))
        result["source"] = f"{SOURCE} ({DATA_FILE})"
        result["tensorflow_requires_keras"] = tensorflow_requires_keras()
        return result

    def assess(self, results: Mapping[str, Any], quick: bool) -> CommunityAssessment:
        """Counts per ecosystem and per option, the excluded look-alikes, and the three TensorFlow/Keras signals."""
        band = float(self.threshold("noise_band"))
        missing = missing_subjects(results, self.subjects)
        listing = results.get("pypi-listing")
        m = listing.measurements if listing is not None and listing.status == "ok" else None
        if m is None:
            return CommunityAssessment(source=SOURCE, frameworks={}, ecosystems={}, both_sides=[], excluded=[],
                                       keras_is_a_tensorflow_dependency=None, signals={}, downloads_ratio=None,
                                       options={}, active_window_months=int(self.threshold("active_window_months")),
                                       top_n=int(self.threshold("top_n")), noise_band=band, not_measured=missing)
        ecos = {eco: EcosystemCount(
            **{k: v for k, v in e["classified"].items() if k != "ranked"},
            **{f"{k}_with_name_only": v for k, v in e["with_name_only"].items() if k != "ranked"},
            by_membership=e["by_membership"], best_ranked=[tuple(x) for x in e["best_ranked"]],
        ) for eco, e in m["ecosystems"].items()}
        excluded = [ExcludedPackage(ecosystem=eco, name=x["name"], status=x["how"], why=x["why"], summary=x["summary"])
                    for eco, e in m["ecosystems"].items() for x in e["excluded"]]
        fw = {k: FrameworkRank(**v) if v else None for k, v in m["frameworks"].items()}
        signals = {key: _signal(ecos["tensorflow"], ecos["keras"], key, band) for key in SIGNALS}
        tf_rank = fw["tensorflow"].rank if fw.get("tensorflow") else None
        keras_rank = fw["keras"].rank if fw.get("keras") else None
        options = {}
        for option, names in OPTION_ECOSYSTEMS.items():
            members = set().union(*(m["ecosystems"][e]["members"] for e in names))
            active = set().union(*(m["ecosystems"][e]["active_members"] for e in names))
            ranks = [fw[p].rank for p in ("tensorflow", "keras", "jax", "torch") if fw.get(p) and fw[p].rank
                     and p in names]
            options[option] = OptionCommunity(ecosystems=list(names), best_rank=min(ranks) if ranks else None,
                                              packages=len(members), active=len(active))
        return CommunityAssessment(
            source=m["source"], frameworks=fw, ecosystems=ecos, both_sides=m["tensorflow_keras_both"],
            excluded=excluded, keras_is_a_tensorflow_dependency=m.get("tensorflow_requires_keras"), signals=signals,
            downloads_ratio=keras_rank / tf_rank if tf_rank and keras_rank else None, options=options,
            active_window_months=int(self.threshold("active_window_months")), top_n=int(self.threshold("top_n")),
            noise_band=band, not_measured=missing)

    def verdict(self, a: CommunityAssessment) -> Verdict:
        """Supported when at least two of the three comparisons favour TensorFlow beyond the noise band and none
        favours Keras; refuted when at least two favour Keras and none TensorFlow; partly supported when one
        favours TensorFlow and none Keras; inconclusive otherwise (all within the band, or mixed). Download ranks
        are reported, never weighed: keras is a dependency of tensorflow."""
        if not a.signals:
            return Verdict("inconclusive", f"No listing was analysed: {'; '.join(a.not_measured)}.")
        need = int(self.threshold("min_signals_for_support"))
        tf_side = [k for k, s in a.signals.items() if s.status == "favours_tensorflow"]
        keras_side = [k for k, s in a.signals.items() if s.status == "favours_keras"]
        tf, keras, torch = a.ecosystems["tensorflow"], a.ecosystems["keras"], a.ecosystems["torch"]

        def said(key: str) -> str:
            s = a.signals[key]
            return (f"{SIGNALS[key]}: TensorFlow {s.tensorflow}, Keras {s.keras} ({s.ratio.estimate:.2f}x, "
                    f"{s.ratio.low:.2f}-{s.ratio.high:.2f}x with the unclassifiable ones)")

        looks = {}
        for x in a.excluded:
            looks.setdefault(x.ecosystem, []).append(x)
        terraform = sum(1 for x in a.excluded if x.ecosystem == "tensorflow" and "Terraform" in x.why)
        fw = a.frameworks
        findings = {
            "ecosystem": said("packages") + f"; torch {torch.packages}, jax {a.ecosystems['jax'].packages}.",
            "activity": said("active") + f" (released in the {a.active_window_months} months before the listing).",
            "reach": said("widely_downloaded") + f" (among the {a.top_n:,} most downloaded).",
            "downloads": (f"tensorflow ranks {fw['tensorflow'].rank} and keras {fw['keras'].rank}, torch "
                          f"{fw['torch'].rank}; not weighed: "
                          + (f"{a.keras_is_a_tensorflow_dependency}, so every TensorFlow install is a Keras "
                             "download." if a.keras_is_a_tensorflow_dependency else
                             "keras is a dependency of tensorflow, so every TensorFlow install is a Keras download.")),
            "overlap": (f"{len(a.both_sides)} packages belong to both TensorFlow and Keras (among them "
                        f"{', '.join(a.both_sides[:4])}) and count once on each side; tf.keras is Keras."),
            "look_alikes": (f"Excluded: {len(looks.get('tensorflow', []))} TensorFlow-named look-alikes or "
                            f"placeholders ({terraform} of them Terraform tools), "
                            f"{len(looks.get('jax', []))} JAX-named, {len(looks.get('torch', []))} torch-named, "
                            f"{len(looks.get('keras', []))} Keras-named."),
            "caveat": (f"The listing holds packages whose name contains a framework's name ({a.source}); a package "
                       "named otherwise is missing from every side. Download ranks are a rough signal: mirrors, "
                       "caches and CI reinstalls distort them."),
        }
        if len(tf_side) >= need and not keras_side:
            verdict, lead = "supported", f"TensorFlow's ecosystem is larger beyond the {a.noise_band}x noise band"
        elif len(keras_side) >= need and not tf_side:
            verdict, lead = "refuted", f"Keras's ecosystem is larger beyond the {a.noise_band}x noise band"
        elif len(tf_side) == 1 and not keras_side:
            verdict, lead = "partly supported", (f"only the {SIGNALS[tf_side[0]]} favour TensorFlow beyond the "
                                                 f"{a.noise_band}x noise band")
        else:
            verdict = "inconclusive"
            lead = (f"no difference beyond the {a.noise_band}x noise band" if not tf_side and not keras_side else
                    "the comparisons disagree")
        summary = (f"{lead}: TensorFlow has {tf.packages} packages to Keras's {keras.packages} "
                   f"({a.signals['packages'].ratio.estimate:.2f}x), {tf.active} to {keras.active} released in the "
                   f"last {a.active_window_months} months ({a.signals['active'].ratio.estimate:.2f}x); download "
                   f"ranks cannot decide it since keras ships with every TensorFlow install, and torch's ecosystem "
                   f"({torch.packages} packages) dwarfs both — {SOURCE}.")
        return Verdict(verdict, summary[0].upper() + summary[1:], findings)


CLAIM = CommunityClaim()
