"""The platform claim's story and the Advisor page's platform and community sections, from an assessment the test
builds (framework-free: the code readings are of installed files, or are left out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.claim import Context
from evidence.registry import get_claim
from evidence.results import SubjectResult


def _result(drop: tuple[str, ...] = ()):
    """A result file of the platform claim made in this process (the checks read installed files only)."""
    from types import SimpleNamespace

    claim = get_claim("platform")
    results = {}
    for subject in claim.subjects:
        if subject in drop:
            results[subject] = SubjectResult(status="unavailable", reason="not installed")
            continue
        ctx = Context(subject=subject, stage="measure", quick=True, workdir=Path("."), repeats=1, warmup=0)
        try:
            results[subject] = SubjectResult(status="ok", measurements=claim.measure(ctx))
        except Exception as exc:  # a package missing here: the public record stands alone
            results[subject] = SubjectResult(status="unavailable", reason=str(exc))
    return SimpleNamespace(assessment=claim.assess(results, True))


@pytest.fixture(scope="module")
def story():
    from kvt_docs.stories import story_for

    return story_for("platform")


def test_the_story_names_each_gap_in_words_and_tables_every_platform(story):
    r = _result()
    if r.assessment.code_checks["keras-torch-devices"].status != "ok":
        pytest.skip("keras is not installed here: the torch backend's devices cannot be read")
    assert story.found(r) == ("Keras runs wherever its engine runs except in 1 case: Keras · PyTorch on TPUs under "
                              "Linux, which the installed Keras never selects.")
    sections = dict(story.details(r))
    # One section per accelerator, each with a table per operating system that exists for it.
    assert [t for t in sections if t.endswith("per operating system")] == [
        f"{a}: per operating system" for a in ("CPU", "NVIDIA GPU", "AMD GPU", "TPU", "Apple silicon")]
    tpu = sections["TPU: per operating system"]
    assert tpu.count("| option | status |") == 1 and "**macOS:** not a platform" in tpu
    # Every cited source is linked with the date it was read; no raw id reaches the tables.
    sources = sections["Sources from the public record"]
    assert "https://docs.jax.dev/en/latest/installation.html" in sources and "7 December 2026" in sources
    assert "keras-torch" not in "".join(sections.values()) and "nvidia_gpu" not in "".join(sections.values())
    means = story.means(r)
    assert "**On TPUs under Linux:** supported by Keras · TensorFlow, Keras · JAX and TensorFlow core; " \
           "unsupported for Keras · PyTorch." in means


def test_unknown_is_not_verified_never_a_failure_on_the_page(story):
    r = _result(drop=("keras-torch-devices",))
    text = story.means(r) + "".join(body for _, body in story.details(r))
    assert "not verified for Keras · PyTorch" in story.means(r)
    assert "| Keras · PyTorch | not verified |" in text
    assert "Not read (the cells rest on the public record alone)" in " ".join(story.caveats(r))


def test_the_advisor_page_explains_the_platform_requirement_and_the_proxy():
    from kvt_docs.advisor_page import community_markdown, export_data, platform_markdown

    data = export_data()
    platform = platform_markdown(data)
    assert "| TPUs under Linux | runs | runs | does not run | runs |" in platform
    assert "No such platform:" in platform and "TPUs under Windows (native)" in platform
    assert "“What will you train on?”" in platform and "“accelerator”" not in platform
    community = community_markdown(data)
    assert "**It is a proxy:**" in community and "No download rank is used" in community
    # one row per option, in human labels
    for label in ("Keras · TensorFlow", "Keras · JAX", "Keras · PyTorch", "TensorFlow core"):
        assert f"| {label} |" in community
