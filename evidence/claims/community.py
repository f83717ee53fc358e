"""Claim ``community``: TensorFlow has a larger and more active community than Keras.

Evidence: the PyPI listing of 2026-11-25 (``evidence/data/pypi-dl-frameworks-2026-11-25.tsv``): download ranks of
each framework's own packages, how many packages each ecosystem has, how many of them are among the 15,000 most
downloaded, and how many released in the twelve months before the listing.
"""

from __future__ import annotations

import csv
from typing import Any

from evidence.claim import DATA_DIR, Claim, Context, Verdict, missing_subjects

DATA_FILE = "pypi-dl-frameworks-2026-11-25.tsv"
LISTING_DATE = "2026-11-25"

#: Each framework's own distributions, whose download ranks are compared.
FRAMEWORK_PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "tf-keras", "jax", "jaxlib", "flax", "torch",
                      "theano", "cntk")

#: Which packages belong to an ecosystem, by name. A name can match several (``tf-keras`` is TensorFlow's
#: and Keras's); the overlap is reported, not hidden.
ECOSYSTEMS: dict[str, tuple[str, ...]] = {
    "tensorflow": ("tensorflow", "tf-", "tf_"),
    "keras": ("keras",),
    "jax": ("jax", "flax"),
    "torch": ("torch",),
    "theano": ("theano",),
    "cntk": ("cntk",),
}


def in_ecosystem(name: str, ecosystem: str) -> bool:
    """Whether package ``name`` belongs to ``ecosystem`` (prefix patterns end in ``-``/``_``)."""
    name = name.lower()
    for pattern in ECOSYSTEMS[ecosystem]:
        if pattern.endswith(("-", "_")):
            if name.startswith(pattern):
                return True
        elif pattern in name:
            return True
    return False


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
                         "rank": int(rank) if rank else None})
    return rows


def analyse(rows: list[dict[str, Any]], *, listing_month: str, active_months: int, top_n: int) -> dict[str, Any]:
    """Framework ranks and per-ecosystem counts from the listing's rows."""
    by_name = {r["name"].lower(): r for r in rows}
    frameworks = {
        name: ({"version": by_name[name]["version"], "month": by_name[name]["month"], "rank": by_name[name]["rank"]}
               if name in by_name else None)
        for name in FRAMEWORK_PACKAGES
    }
    ecosystems = {}
    for eco in ECOSYSTEMS:
        members = [r for r in rows if in_ecosystem(r["name"], eco)]
        ranked = [r for r in members if r["rank"] is not None]
        recent = [r for r in members if r["month"] and months_between(r["month"], listing_month) < active_months]
        ecosystems[eco] = {
            "packages": len(members),
            "ranked": len(ranked),
            f"in_top_{top_n}": sum(1 for r in ranked if r["rank"] <= top_n),
            "released_in_window": len(recent),
            "best_ranked": sorted((r["rank"], r["name"]) for r in ranked)[:5],
        }
    overlap = sum(1 for r in rows if in_ecosystem(r["name"], "tensorflow") and in_ecosystem(r["name"], "keras"))
    return {"frameworks": frameworks, "ecosystems": ecosystems, "tensorflow_keras_overlap": overlap,
            "rows": len(rows)}


class CommunityClaim(Claim):
    """Download ranks and ecosystem sizes from a dated PyPI listing."""

    id = "community"
    dimension = "Community"
    title = "TensorFlow's community is larger and more active than Keras's"
    statement = ("TensorFlow has a bigger, busier community than Keras, so it is the safer choice for finding "
                 "help, libraries and maintained add-ons.")
    sub_claims = {
        "downloads": "How the frameworks' own packages rank among the most downloaded on PyPI.",
        "ecosystem": "How many third-party packages each ecosystem has, and how many of them are widely downloaded.",
        "activity": "How many packages of each ecosystem released in the twelve months before the listing.",
        "overlap": "tf.keras is Keras: the two communities are not separable.",
        "legacy_backends": "When Theano and CNTK, Keras's former backends, last released.",
    }
    subjects = ("pypi-listing",)
    data_files = (DATA_FILE,)
    thresholds = {
        # Ranks within this factor of each other count as comparable popularity.
        "comparable_rank_ratio": 1.25,
        # An ecosystem this many times larger (in packages) counts as clearly larger.
        "larger_ecosystem_ratio": 1.5,
        # A package that released within this many months of the listing counts as active.
        "active_window_months": 12,
        # "Widely downloaded": among this many most downloaded packages.
        "top_n": 1000,
    }
    repeats = (1, 1)  # a file read: nothing to time
    timeout_s = (60, 120)

    def measure(self, ctx: Context) -> dict[str, Any]:
        """Read the listing and count."""
        result = analyse(read_listing(), listing_month=LISTING_DATE[:7],
                         active_months=int(self.thresholds["active_window_months"]),
                         top_n=int(self.thresholds["top_n"]))
        result["source"] = f"PyPI listing of {LISTING_DATE} ({DATA_FILE})"
        return result

    def judge(self, results) -> Verdict:
        """TensorFlow vs Keras on downloads, ecosystem size and activity, with the overlap caveat."""
        missing = missing_subjects(results, self.subjects)
        if missing:
            return Verdict("inconclusive", f"No listing was analysed: {'; '.join(missing)}.")
        m = results["pypi-listing"].measurements
        fw, eco = m["frameworks"], m["ecosystems"]
        t = self.thresholds
        top = f"in_top_{int(t['top_n'])}"
        tf_rank, keras_rank = fw["tensorflow"]["rank"], fw["keras"]["rank"]
        torch_rank = fw["torch"]["rank"] if fw.get("torch") else None
        rank_ratio = keras_rank / tf_rank  # > 1: TensorFlow ranks higher (a smaller rank number)
        eco_ratio = eco["tensorflow"]["packages"] / eco["keras"]["packages"]
        active_ratio = eco["tensorflow"]["released_in_window"] / max(eco["keras"]["released_in_window"], 1)
        downloads_comparable = 1 / t["comparable_rank_ratio"] <= rank_ratio <= t["comparable_rank_ratio"]
        eco_larger = eco_ratio >= t["larger_ecosystem_ratio"]
        active_larger = active_ratio >= t["larger_ecosystem_ratio"]

        findings = {
            "downloads": (f"tensorflow ranks {tf_rank} and keras {keras_rank} among PyPI's most downloaded "
                          f"(ratio {rank_ratio:.2f}; comparable within {t['comparable_rank_ratio']}×); "
                          f"torch ranks {torch_rank}, jax {fw['jax']['rank']}."),
            "ecosystem": (f"{eco['tensorflow']['packages']} TensorFlow-named packages ({eco['tensorflow'][top]} in "
                          f"the top {int(t['top_n'])}, {eco['tensorflow']['ranked']} in the top 15,000) vs "
                          f"{eco['keras']['packages']} Keras-named ({eco['keras'][top]}, {eco['keras']['ranked']}); "
                          f"torch {eco['torch']['packages']}, jax {eco['jax']['packages']}."),
            "activity": (f"released in the {int(t['active_window_months'])} months before the listing: "
                         f"TensorFlow {eco['tensorflow']['released_in_window']}, "
                         f"Keras {eco['keras']['released_in_window']}, torch {eco['torch']['released_in_window']}, "
                         f"jax {eco['jax']['released_in_window']}."),
            "overlap": (f"keras is a dependency of tensorflow, so every TensorFlow install counts as a Keras "
                        f"download, and {m['tensorflow_keras_overlap']} packages carry both names: tf.keras is "
                        f"Keras, and the two communities are one."),
            "legacy_backends": (f"theano last released {fw['theano']['month']} (v{fw['theano']['version']}), "
                                f"cntk {fw['cntk']['month']} (v{fw['cntk']['version']})."),
            "caveat": "Download ranks are a rough signal: mirrors, caches and CI reinstalls distort them.",
        }
        if not downloads_comparable and rank_ratio < 1:
            verdict = "refuted"
            lead = f"keras out-ranks tensorflow in downloads ({keras_rank} vs {tf_rank})"
        elif not downloads_comparable and (eco_larger or active_larger):
            verdict = "supported"
            lead = (f"tensorflow out-ranks keras ({tf_rank} vs {keras_rank}) and its ecosystem has "
                    f"{eco_ratio:.1f}× as many packages")
        elif eco_larger or active_larger:
            verdict = "partly supported"
            lead = (f"TensorFlow's ecosystem is larger ({eco_ratio:.1f}× the packages, {active_ratio:.1f}× the "
                    f"recent releases) but the two frameworks are downloaded about equally "
                    f"(ranks {tf_rank} and {keras_rank})")
        elif downloads_comparable:
            verdict = "refuted"
            lead = (f"no measurable gap: tensorflow and keras rank {tf_rank} and {keras_rank} in downloads, and "
                    f"TensorFlow's ecosystem has only {eco_ratio:.1f}× the packages and {active_ratio:.1f}× the "
                    f"recent releases of Keras's (below the {t['larger_ecosystem_ratio']}× declared as larger)")
        else:
            verdict = "partly supported"
            lead = (f"tensorflow out-ranks keras ({tf_rank} vs {keras_rank}) but its ecosystem is not clearly "
                    f"larger ({eco_ratio:.1f}× the packages)")
        summary = (f"{lead}; since keras ships inside every TensorFlow install the communities overlap, and "
                   f"torch out-ranks both (rank {torch_rank}) — PyPI listing of {LISTING_DATE}.")
        return Verdict(verdict, summary[0].upper() + summary[1:], findings)


CLAIM = CommunityClaim()
