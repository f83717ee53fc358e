"""The community claim's typed assessment: what readers (the advisor, the site) read."""

from __future__ import annotations

from typing import ClassVar, Literal

from evidence.contract import Assessment, ContractModel, Interval

Ecosystem = Literal["tensorflow", "keras", "jax", "torch", "theano", "cntk"]
ECOSYSTEMS: tuple[str, ...] = ("tensorflow", "keras", "jax", "torch", "theano", "cntk")
Membership = Literal["name", "summary", "look_alike", "placeholder", "name_only"]
Origin = Literal["framework", "first_party", "third_party"]
ORIGINS: tuple[str, ...] = ("framework", "first_party", "third_party")


class FrameworkRank(ContractModel):
    """A framework's own package in the listing."""

    version: str
    """Its newest version."""
    month: str
    """That version's month (YYYY-MM)."""
    rank: int | None
    """Its download rank among the 15,000 most downloaded (None: outside them)."""


class OriginCount(ContractModel):
    """The members of one origin (framework, first party, third party) in one ecosystem."""

    packages: int
    """Classified packages of that origin."""
    active: int
    """Of them, released in the activity window before the listing."""
    widely_downloaded: int
    """Of them, among the most downloaded (the threshold's top N)."""


class EcosystemCount(ContractModel):
    """What one ecosystem holds in the listing."""

    packages: int
    """Classified packages of every origin: those whose name can only mean the framework, and those whose summary
    names it (the framework's own builds and its first-party packages included; see ``by_origin``)."""
    active: int
    """Classified packages released in the activity window before the listing (every origin)."""
    widely_downloaded: int
    """Classified packages among the most downloaded (the threshold's top N; every origin)."""
    packages_with_name_only: int
    """``packages`` plus the candidates that only their name ties to the framework."""
    active_with_name_only: int
    """``active``, with the name-only candidates."""
    widely_downloaded_with_name_only: int
    """``widely_downloaded``, with the name-only candidates."""
    by_membership: dict[Membership, int]
    """How many candidates each rule placed: name, summary, look_alike, placeholder, name_only."""
    best_ranked: list[tuple[int, str]]
    """Its five best-ranked classified packages, (rank, name), every origin."""
    by_origin: dict[Origin, OriginCount]
    """The classified packages split by who made them: ``framework`` (platform builds, nightlies, type stubs: the
    framework itself), ``first_party`` (the framework's own organisation, from the reviewed list) and
    ``third_party`` (everyone else: what the verdict weighs)."""
    third_party_with_name_only: OriginCount
    """The third-party counts with the third-party name-only candidates added."""
    best_ranked_third_party: list[tuple[int, str]]
    """Its five best-ranked third-party packages, (rank, name)."""


class ExcludedPackage(ContractModel):
    """A name candidate that is not a package of the ecosystem."""

    ecosystem: Ecosystem
    """The ecosystem its name points to."""
    name: str
    """The package."""
    status: Literal["look_alike", "placeholder"]
    """``look_alike``: something else that shares the letters, or another framework's tool that names this one
    only to compare itself with it; ``placeholder``: a reserved name."""
    why: str
    """What it is instead."""
    summary: str
    """Its own summary (first 160 characters)."""


class SetApartPackage(ContractModel):
    """A member of an ecosystem that the deciding signals do not count: the framework itself or its owner's."""

    ecosystem: Ecosystem
    """The ecosystem it belongs to."""
    name: str
    """The package."""
    origin: Literal["framework", "first_party"]
    """``framework``: a build, nightly or type stubs of the framework; ``first_party``: its organisation's."""
    why: str
    """The rule or the reviewed entry (organisation and repository) that set it apart."""
    rank: int | None
    """Its download rank (None: outside the 15,000 most downloaded)."""


class ListingSource(ContractModel):
    """Where the listing came from, how and when, and what it can and cannot say (its ``.source.json``)."""

    taken: str
    """The date the listing was taken."""
    where_from: str
    """Where it came from."""
    how: str
    """How it was selected and what each row holds."""
    rank_source: str
    """What is known of the downloads behind the ranks."""
    holds: list[str]
    """What the listing holds."""
    does_not_hold: list[str]
    """What it does not hold, so no verdict here can rest on it."""


class Signal(ContractModel):
    """One TensorFlow-versus-Keras comparison of third-party packages, as a ratio with the range the
    classification allows."""

    ratio: Interval
    """TensorFlow / Keras: the estimate from classified third-party packages; low and high with the third-party
    name-only candidates added to either side (how far the unclassifiable packages could move it)."""
    tensorflow: int
    """TensorFlow's classified third-party count (its own builds and first-party packages are not counted)."""
    keras: int
    """Keras's classified third-party count."""
    status: Literal["favours_tensorflow", "favours_keras", "within_noise", "too_few"]
    """``too_few``: a side has fewer packages than the declared minimum, so no ratio is read; else
    ``favours_tensorflow``: the whole interval is at or above the noise band; ``favours_keras``: at or below its
    inverse; else ``within_noise``."""


class OptionCommunity(ContractModel):
    """The community an option's code can draw on: Keras's and its engine's ecosystems, each package once."""

    ecosystems: list[Ecosystem]
    """The ecosystems (Keras's and the engine's; TensorFlow core: TensorFlow's)."""
    best_rank: int | None
    """The best download rank among those ecosystems' framework packages."""
    packages: int
    """Distinct classified packages in those ecosystems (every origin)."""
    active: int
    """Distinct classified packages released in the activity window (every origin)."""
    third_party_packages: int
    """Distinct classified third-party packages in those ecosystems."""
    third_party_active: int
    """Distinct classified third-party packages released in the activity window."""


class CommunityAssessment(Assessment):
    """TensorFlow's and Keras's ecosystems classified from a dated PyPI listing, and what they say of the claim."""

    STATUSES: ClassVar[tuple[str, ...]] = ("favours_tensorflow", "favours_keras", "within_noise", "too_few",
                                           "look_alike", "placeholder", "framework", "first_party")

    source: str
    """The listing and its date (every number here holds for that date)."""
    listing: ListingSource | None = None
    """Where the listing came from, how and when, and what it does not hold (None: not analysed)."""
    frameworks: dict[str, FrameworkRank | None]
    """The frameworks' own packages with their ranks (None: not in the listing)."""
    ecosystems: dict[Ecosystem, EcosystemCount]
    """Per ecosystem, its classified counts."""
    both_sides: list[str]
    """Packages classified as both TensorFlow's and Keras's, each counted once on each side."""
    excluded: list[ExcludedPackage]
    """Name candidates excluded as look-alikes or placeholders, with what they are."""
    set_apart: list[SetApartPackage] = []
    """TensorFlow's and Keras's members that the deciding signals do not count (the framework itself, its
    organisation's packages), each with why."""
    keras_is_a_tensorflow_dependency: str | None
    """The installed TensorFlow's requirement on keras (every TensorFlow install is a Keras download), or None
    when TensorFlow is not installed where the claim ran."""
    signals: dict[str, Signal]
    """The comparisons the verdict weighs, over third-party packages only: packages, active, widely_downloaded."""
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
    min_count: int = 0
    """A signal is read only when each side has at least this many third-party packages."""
    decides: str = ""
    """What a package listing can decide of the claim (the package half), in words."""
    cannot_say: list[str] = []
    """What the claim is also about that a package listing cannot show, so the verdict claims none of it."""
    not_measured: list[str]
    """Subjects that did not run ok."""

    def option(self, option: str) -> OptionCommunity | None:
        """The community of ``option`` (None when the listing was not analysed)."""
        return self.options.get(option)


def make_signal(tf: EcosystemCount, keras: EcosystemCount, key: str, band: float, min_count: int) -> Signal:
    """TensorFlow / Keras on ``key`` over third-party packages, with the name-only range; its status against the
    minimum count and the noise band."""
    a, b = getattr(tf.by_origin["third_party"], key), getattr(keras.by_origin["third_party"], key)
    a_all, b_all = getattr(tf.third_party_with_name_only, key), getattr(keras.third_party_with_name_only, key)

    def ratio(x: int, y: int) -> float:
        return x / y if y else float("inf") if x else 1.0

    ends = [ratio(a, b), ratio(a_all, b), ratio(a, b_all), ratio(a_all, b_all)]
    interval = Interval(estimate=ratio(a, b), low=min(ends), high=max(ends), level=1.0,
                        method="classified third-party packages; the ends add the third-party name-only "
                               "candidates to either side")
    if min(a, b) < min_count:
        status = "too_few"
    else:
        status = ("favours_tensorflow" if interval.low >= band else "favours_keras" if interval.high <= 1 / band
                  else "within_noise")
    return Signal(ratio=interval, tensorflow=a, keras=b, status=status)
