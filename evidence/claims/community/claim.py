"""The community claim's declarations: what it claims, what it reads, the thresholds with their reasons, and
its decision log; the parts are wired in from their modules (measure, assess, verdict, report)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidence.claim import Claim, Context, Side, VenueScope
from evidence.contract import Decision, DecisionChange, Report, SubjectResult, Threshold, Thresholds

from .assessment import CommunityAssessment

# The shared declarations live in .constants (the parts read them there); kept importable from here.
from .constants import (
    CANNOT_SAY,
    DATA_FILE,
    DECIDES,
    FIRST_PARTY_FILE,
    LISTING_DATE,
    OPTION_ECOSYSTEMS,
    SIGNALS,
    SOURCE,
    SOURCE_FILE,
)

__all__ = ["CANNOT_SAY", "DATA_FILE", "DECIDES", "FIRST_PARTY_FILE", "LISTING_DATE", "OPTION_ECOSYSTEMS", "SIGNALS",
           "SOURCE", "SOURCE_FILE", "CommunityClaim"]


class CommunityClaim(Claim):
    """Ecosystems classified by what their packages are and who made them, from a dated PyPI listing."""

    id = "community"
    dimension = "Community"
    title = "TensorFlow's community is larger and more active than Keras's"
    statement = ("TensorFlow has a bigger, busier community than Keras, so it is the safer choice for finding "
                 "help, libraries and maintained add-ons.")
    sub_claims = {
        "ecosystem": "How many third-party packages each ecosystem has, classified by what they are.",
        "activity": "How many of them released in the twelve months before the listing.",
        "reach": "How many of them are among the most downloaded packages.",
        "set_apart": "The framework's own builds, nightlies and stubs, and its organisation's packages: reported "
                     "apart, not counted as its community.",
        "downloads": "How the frameworks' own packages rank in downloads, and why that cannot decide the claim.",
        "overlap": "Packages that belong to both (add-ons for TensorFlow/Keras), counted once per side.",
        "look_alikes": "Packages that share the letters but are something else (Terraform tools, TF-IDF, "
                       "torchsummary…).",
        "scope": "What a package listing can and cannot say about a community.",
    }
    subjects = ("pypi-listing",)
    data_files = (DATA_FILE, SOURCE_FILE, FIRST_PARTY_FILE)
    assessment_type = CommunityAssessment
    venue_scope = VenueScope(machine_dependent=False,
                             needs="nothing of the machine: a dated PyPI listing read from a data file")
    thresholds = {
        "noise_band": Threshold(
            value=1.5,
            reason="a listing selected by name, one snapshot date and classification rules can move a ratio by "
                   "tens of percent; a difference under 1.5x is not claimed either way"),
        "min_signals_for_support": Threshold(
            value=2, reason="of the three comparisons (packages, active, widely downloaded), at least two must "
                            "favour one side beyond the noise band for a verdict other than inconclusive"),
        "min_count": Threshold(
            value=10, reason="a ratio of a handful of packages (0 against 1) says nothing: a signal is read only "
                             "when each side has at least 10 third-party packages in it"),
        "active_window_months": Threshold(
            value=12, reason="a package released in the year before the listing is maintained"),
        "top_n": Threshold(
            value=15000, reason="'widely downloaded': ranked at all, i.e. among the 15,000 most downloaded on PyPI "
                                "(the listing's whole rank range)"),
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
        DecisionChange(
            date="2026-12-07",
            change="The three signals count third-party packages only: the framework itself (platform builds, "
                   "nightlies, type stubs, packages carrying its own summary) and its organisation's packages (a "
                   "reviewed list, evidence/data/community-first-party.tsv) are reported apart; a package of "
                   "another framework whose summary names this one only to compare (torchsummary) is a look-alike; "
                   "a signal with fewer than 10 packages on a side is not read (too_few); and since a package "
                   "listing shows only the package half of a community (no contributors, questions or issue "
                   "traffic), the verdict is at most 'partly supported' (two signals favour TensorFlow, none "
                   "Keras) and otherwise inconclusive: neither 'supported' nor 'refuted' is reachable from it.",
            reason="A review as a maintainer found the deciding signal (35 vs 11 widely downloaded packages) "
                   "counted tensorflow-cpu/-intel/-macos/-aarch64, tf-nightly, types-tensorflow and the TFX "
                   "libraries as TensorFlow's community and torchsummary as Keras's, and that the verdict claimed "
                   "more than a download listing can say about a community.",
            affects="The result of 2026-12-01 (partly supported: only the widely-downloaded signal, 35 vs 11, "
                    "favoured TensorFlow), made under the old rule."),
    )
    repeats = (1, 1)  # a file read: nothing to time
    timeout_s = (60, 120)

    unguarded_thresholds = {
        "active_window_months": "a measurement parameter: which packages count as active, applied package by "
                                "package in the listing, not compared against a judged number",
        "top_n": "a measurement parameter: which ranks count as widely downloaded (the listing's whole range)",
    }

    def measure(self, ctx: Context) -> dict[str, Any]:
        """Read the listing, classify its packages and count (:mod:`.measure`)."""
        from .measure import measure

        return measure(self, ctx)

    def assess(self, results: Mapping[str, SubjectResult], quick: bool) -> CommunityAssessment:
        """Counts per ecosystem, origin and option, and the three third-party signals (:mod:`.assess`)."""
        from .assess import assess

        return assess(self, results, quick)

    def decide(self, assessment: CommunityAssessment, thresholds: Thresholds) -> Decision:  # type: ignore[override]
        """The decision (:func:`.verdict.decide`)."""
        from .verdict import decide

        return decide(assessment, thresholds)

    def report(self, assessment: CommunityAssessment, decision: Decision) -> Report:  # type: ignore[override]
        """The prose (:func:`.report.report`)."""
        from .report import report

        return report(assessment, decision)

    def synthetic_results(self, quick: bool, around: tuple[str, Side] | None = None
                          ) -> dict[str, SubjectResult] | None:
        """Results from a made-up listing (:func:`.synthetic.synthetic_results`)."""
        from .synthetic import synthetic_results

        return synthetic_results(self, quick, around)
