"""The listing and its rules: which packages are candidates of which ecosystem, what each one is, and who made it.

Two questions per (package, ecosystem), each answered by declared rules:

*Membership* (:func:`classify`): does the package belong to the ecosystem at all? ``name`` (its name can only mean
the framework), ``summary`` (its summary names the framework), ``look_alike`` (something else that shares the
letters, or a tool of another framework that names this one only to compare itself with it, as ``torchsummary``,
"Model summary in PyTorch similar to model.summary() in Keras"), ``placeholder`` (a reserved name), ``name_only``.

*Origin* (:func:`origin`), for the members: ``framework`` (the framework itself: a platform build, a nightly, type
stubs, or a package carrying the framework's own summary), ``first_party`` (published by the framework's own
organisation: the reviewed list ``evidence/data/community-first-party.tsv``, each with its repository), or
``third_party`` (everyone else). Only third-party packages are a community beyond the framework's owner.
"""

from __future__ import annotations

import csv
import json
import re
from typing import Any

from evidence.claim import DATA_DIR

from .assessment import ECOSYSTEMS, ORIGINS, Ecosystem, Membership, Origin
from .constants import DATA_FILE, FIRST_PARTY_FILE, LISTING_DATE, SOURCE, SOURCE_FILE

__all__ = ["DATA_FILE", "ECOSYSTEMS", "FIRST_PARTY_FILE", "LISTING_DATE", "ORIGINS", "SOURCE", "SOURCE_FILE",
           "Ecosystem", "Membership", "Origin", "analyse", "classify", "months_between", "origin", "read_first_party",
           "read_listing", "read_source"]

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
#: A summary that names a framework only to compare with it ("similar to model.summary() in Keras").
COMPARISON = {eco: re.compile(r"(\bsimilar to|(?<![-\w])like|\binspired by|\bà la|\bmimic\w*|\bport of)\b[^;]{0,40}"
                              + pattern.pattern, re.I)
              for eco, pattern in (("keras", re.compile(r"\bkeras\b")),
                                   ("tensorflow", re.compile(r"\btensor ?flow\b")),
                                   ("jax", re.compile(r"\bjax\b")),
                                   ("torch", re.compile(r"\bpy ?torch\b")))}
#: Names reserved against dependency confusion or typosquatting: not a community's packages.
PLACEHOLDER = re.compile(r"placeholder|dependency[- ]confusion|typ[eo]squat|reserve[sd]? (the |a )?(package )?name|"
                         r"fake package to warn|hallucinat", re.I)

#: The framework itself under another name: platform builds, nightlies and type stubs, by name.
FRAMEWORK_BUILD_NAMES: dict[str, re.Pattern[str]] = {
    "tensorflow": re.compile(r"^(tensorflow|tf-nightly|tf)(-(cpu|gpu|intel|macos|aarch64|aws|rocm|tpu|cuda\d*|"
                             r"nightly))*$|^types-tensorflow$"),
    "keras": re.compile(r"^(keras|tf-keras|keras-core)(-nightly)?$|^types-keras$"),
    "jax": re.compile(r"^(jax|jaxlib)(-nightly)?$|^jax-(cuda|rocm)\d*-(pjrt|plugin)$|^types-jax$"),
    "torch": re.compile(r"^(torch|pytorch|libtorch)(-(cpu|nightly))?$|^types-torch$"),
    "theano": re.compile(r"^theano(-nightly)?$"),
    "cntk": re.compile(r"^cntk(-(gpu|cpu))?$"),
}
#: The framework itself under another name, by summary: a package that carries the framework's own summary is a
#: build of it (tensorflow-ascend, tensorflow-rocm, tf-gpu), whoever publishes it.
FRAMEWORK_SUMMARIES: dict[str, tuple[str, ...]] = {
    "tensorflow": ("tensorflow is an open source machine learning framework for everyone.",),
    "keras": ("multi-backend keras", "multi-backend keras.", "deep learning for humans."),
    "jax": ("differentiate, compile, and transform numpy code.",),
    "torch": ("tensors and dynamic neural networks in python with strong gpu acceleration",),
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


def read_source(path=None) -> dict[str, Any]:
    """Where the listing came from, how and when, and what it holds and does not (its ``.source.json``)."""
    return json.loads((path or DATA_DIR / SOURCE_FILE).read_text(encoding="utf-8"))


def read_first_party(path=None) -> dict[tuple[str, str], dict[str, str]]:
    """The reviewed first-party list: (ecosystem, package) -> its organisation and reason."""
    with open(path or DATA_DIR / FIRST_PARTY_FILE, encoding="utf-8", newline="") as fh:
        return {(r["ecosystem"], r["name"].lower()): {"organisation": r["organisation"], "reason": r["reason"]}
                for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)}


def classify(name: str, summary: str) -> dict[str, tuple[str, str]]:
    """For each ecosystem the package is a candidate of (by name or by summary): (membership, why).

    In order: a reserved name is a ``placeholder``; a name that can only mean the framework counts (``name``); a
    summary that names the framework only to compare with it, on a package named after another framework, is a
    ``look_alike``; a summary that names the framework counts (``summary``); a name that shares the letters with
    something else the name or summary shows is a ``look_alike``; anything else is ``name_only``.
    """
    lower, text = name.lower(), f"{name} {summary}"
    out: dict[str, tuple[str, str]] = {}
    for eco in ECOSYSTEMS:
        by_name, by_summary = bool(NAME_PATTERNS[eco].search(lower)), bool(SUMMARY_PATTERNS[eco].search(summary))
        if not (by_name or by_summary):
            continue
        look = next((what for pattern, what in LOOK_ALIKES.get(eco, ()) if pattern.search(text)), None)
        other = next((o for o in ("tensorflow", "keras", "jax", "torch") if o != eco
                      and (NAME_PATTERNS[o].search(lower) or SUMMARY_PATTERNS[o].search(summary))), None)
        compared = eco in COMPARISON and bool(COMPARISON[eco].search(summary))
        if PLACEHOLDER.search(summary):
            out[eco] = ("placeholder", "a name reserved against dependency confusion or typosquatting")
        elif UNAMBIGUOUS_NAMES[eco].search(lower):
            out[eco] = ("name", "its name can only mean the framework")
        elif by_summary and not by_name and other and compared:
            out[eco] = ("look_alike", f"a {other} tool whose summary names {eco} only to compare itself with it")
        elif by_summary:
            out[eco] = ("summary", "its summary names the framework")
        elif look:
            out[eco] = ("look_alike", look)
        else:
            out[eco] = ("name_only", "the name matches; the summary does not say" if summary else
                        "the name matches; it has no summary")
    return out


def origin(eco: str, name: str, summary: str, first_party: dict[tuple[str, str], dict[str, str]]
           ) -> tuple[str, str]:
    """Who made a member of ``eco``: (``framework`` | ``first_party`` | ``third_party``, why)."""
    lower = name.lower()
    if FRAMEWORK_BUILD_NAMES.get(eco) and FRAMEWORK_BUILD_NAMES[eco].search(lower):
        return "framework", "a build, nightly or type stubs of the framework itself (by its name)"
    if summary.strip().lower() in FRAMEWORK_SUMMARIES.get(eco, ()):
        return "framework", "it carries the framework's own summary: a build of the framework itself"
    reviewed = first_party.get((eco, lower))
    if reviewed:
        return "first_party", f"{reviewed['organisation']}: {reviewed['reason']}"
    return "third_party", "not the framework itself and not on the reviewed first-party list"


def analyse(rows: list[dict[str, Any]], *, listing_month: str, active_months: int, top_n: int,
            first_party: dict[tuple[str, str], dict[str, str]] | None = None) -> dict[str, Any]:
    """Framework ranks, each package's ecosystem memberships and origins, and per-ecosystem counts, from the
    listing's rows: ``classified`` counts every member (name + summary), ``third_party`` only the third-party ones
    (what the verdict weighs); ``with_name_only`` and ``third_party_with_name_only`` add the name-only candidates."""
    first_party = read_first_party() if first_party is None else first_party
    by_name = {r["name"].lower(): r for r in rows}
    frameworks = {name: ({k: by_name[name][k] for k in ("version", "month", "rank")} if name in by_name else None)
                  for name in FRAMEWORK_PACKAGES}
    members: dict[str, list[dict[str, Any]]] = {eco: [] for eco in ECOSYSTEMS}
    for r in rows:
        for eco, (how, why) in classify(r["name"], r["summary"]).items():
            made_by, made_why = origin(eco, r["name"], r["summary"], first_party)
            members[eco].append({"name": r["name"], "how": how, "why": why, "rank": r["rank"], "month": r["month"],
                                 "summary": r["summary"][:160], "origin": made_by, "origin_why": made_why})

    def is_active(p: dict[str, Any]) -> bool:
        return bool(p["month"]) and months_between(p["month"], listing_month) < active_months

    def counts(pkgs: list[dict[str, Any]]) -> dict[str, int]:
        return {
            "packages": len(pkgs),
            "active": sum(1 for p in pkgs if is_active(p)),
            "widely_downloaded": sum(1 for p in pkgs if p["rank"] is not None and p["rank"] <= top_n),
            "ranked": sum(1 for p in pkgs if p["rank"] is not None),
        }

    ecosystems = {}
    for eco, pkgs in members.items():
        classified = [p for p in pkgs if p["how"] in ("name", "summary")]
        name_only = [p for p in pkgs if p["how"] == "name_only"]
        third = [p for p in classified if p["origin"] == "third_party"]
        third_name_only = [p for p in name_only if p["origin"] == "third_party"]
        ecosystems[eco] = {
            "classified": counts(classified),
            "with_name_only": counts(classified + name_only),
            "third_party": counts(third),
            "third_party_with_name_only": counts(third + third_name_only),
            "by_origin": {o: counts([p for p in classified if p["origin"] == o]) for o in ORIGINS},
            "by_membership": {how: sum(1 for p in pkgs if p["how"] == how) for how in Membership.__args__},
            "best_ranked": sorted([p["rank"], p["name"]] for p in classified if p["rank"] is not None)[:5],
            "best_ranked_third_party": sorted([p["rank"], p["name"]] for p in third if p["rank"] is not None)[:5],
            "excluded": [{k: p[k] for k in ("name", "how", "why", "summary")} for p in pkgs
                         if p["how"] in ("look_alike", "placeholder")],
            "set_apart": [{"name": p["name"], "origin": p["origin"], "why": p["origin_why"], "rank": p["rank"]}
                          for p in classified if p["origin"] != "third_party"],
            "members": sorted(p["name"].lower() for p in classified),
            "active_members": sorted(p["name"].lower() for p in classified if is_active(p)),
        }
    both = sorted(set(ecosystems["tensorflow"]["members"]) & set(ecosystems["keras"]["members"]))
    return {"frameworks": frameworks, "ecosystems": ecosystems, "tensorflow_keras_both": both, "rows": len(rows)}
