"""The community claim's judge, first half: the subjects' raw results -> :class:`CommunityAssessment`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evidence.claim import missing_subjects
from evidence.contract import SubjectResult

from .assessment import (
    CommunityAssessment,
    EcosystemCount,
    ExcludedPackage,
    FrameworkRank,
    ListingSource,
    OptionCommunity,
    OriginCount,
    SetApartPackage,
    make_signal,
)
from .constants import CANNOT_SAY, DECIDES, OPTION_ECOSYSTEMS, SIGNALS, SOURCE

if TYPE_CHECKING:
    from evidence.claim import Claim


def _ecosystem(e: dict[str, Any]) -> EcosystemCount:
    def origin_count(c: dict[str, int]) -> OriginCount:
        return OriginCount(packages=c["packages"], active=c["active"], widely_downloaded=c["widely_downloaded"])

    return EcosystemCount(
        **{k: v for k, v in e["classified"].items() if k != "ranked"},
        **{f"{k}_with_name_only": v for k, v in e["with_name_only"].items() if k != "ranked"},
        by_membership=e["by_membership"], best_ranked=[tuple(x) for x in e["best_ranked"]],
        by_origin={o: origin_count(c) for o, c in e["by_origin"].items()},
        third_party_with_name_only=origin_count(e["third_party_with_name_only"]),
        best_ranked_third_party=[tuple(x) for x in e["best_ranked_third_party"]])


def assess(claim: Claim, results: Mapping[str, SubjectResult], quick: bool) -> CommunityAssessment:
    """Counts per ecosystem, origin and option, the excluded and set-apart packages, and the three
    third-party TensorFlow/Keras signals."""
    band = float(claim.threshold("noise_band"))
    min_count = int(claim.threshold("min_count"))
    common = {"active_window_months": int(claim.threshold("active_window_months")),
              "top_n": int(claim.threshold("top_n")), "noise_band": band, "min_count": min_count,
              "decides": DECIDES, "cannot_say": list(CANNOT_SAY)}
    missing = missing_subjects(results, claim.subjects)
    listing = results.get("pypi-listing")
    m = listing.measurements if listing is not None and listing.status == "ok" else None
    if m is None:
        return CommunityAssessment(source=SOURCE, frameworks={}, ecosystems={}, both_sides=[], excluded=[],
                                   keras_is_a_tensorflow_dependency=None, signals={}, downloads_ratio=None,
                                   options={}, not_measured=missing, **common)
    ecos = {eco: _ecosystem(e) for eco, e in m["ecosystems"].items()}
    excluded = [ExcludedPackage(ecosystem=eco, name=x["name"], status=x["how"], why=x["why"], summary=x["summary"])
                for eco, e in m["ecosystems"].items() for x in e["excluded"]]
    set_apart = [SetApartPackage(ecosystem=eco, **x) for eco in ("tensorflow", "keras")
                 for x in m["ecosystems"][eco]["set_apart"]]
    fw = {k: FrameworkRank(**v) if v else None for k, v in m["frameworks"].items()}
    signals = {key: make_signal(ecos["tensorflow"], ecos["keras"], key, band, min_count) for key in SIGNALS}
    tf_rank = fw["tensorflow"].rank if fw.get("tensorflow") else None
    keras_rank = fw["keras"].rank if fw.get("keras") else None
    third = {eco: {n for n in e["members"]} - {x["name"].lower() for x in e["set_apart"]}
             for eco, e in m["ecosystems"].items()}
    options = {}
    for option, names in OPTION_ECOSYSTEMS.items():
        members = set().union(*(m["ecosystems"][e]["members"] for e in names))
        active = set().union(*(m["ecosystems"][e]["active_members"] for e in names))
        third_members = set().union(*(third[e] for e in names))
        ranks = [fw[p].rank for p in ("tensorflow", "keras", "jax", "torch") if fw.get(p) and fw[p].rank
                 and p in names]
        options[option] = OptionCommunity(ecosystems=list(names), best_rank=min(ranks) if ranks else None,
                                          packages=len(members), active=len(active),
                                          third_party_packages=len(third_members),
                                          third_party_active=len(third_members & active))
    return CommunityAssessment(
        source=m["source"], listing=ListingSource(**{k: m["listing"][k] for k in ListingSource.model_fields}),
        frameworks=fw, ecosystems=ecos, both_sides=m["tensorflow_keras_both"], excluded=excluded,
        set_apart=set_apart, keras_is_a_tensorflow_dependency=m.get("tensorflow_requires_keras"),
        signals=signals, downloads_ratio=keras_rank / tf_rank if tf_rank and keras_rank else None,
        options=options, not_measured=missing, **common)

