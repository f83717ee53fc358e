"""The release sets, oldest first: multi-backend Keras 2.2 (the article's era), Keras 2.15, Keras 3.0, today's pins
and the newest releases."""

from __future__ import annotations

from evidence.releases.model import ReleaseSet

#: Why a claim whose programs need Keras 3 is not run under Keras 2.
KERAS3_PROGRAMS = ("its programs are written to Keras 3's API (keras.ops, the Keras 3 trainer): under Keras 2.15 "
                   "they would measure our programs' portability, not Keras 2.15 (that needs Keras 2 versions)")
#: The same for multi-backend Keras 2.2 (whose API is older still: no tf.keras, no keras.ops).
KERAS2_2_PROGRAMS = ("its programs are written to Keras 3's API (keras.ops, the Keras 3 trainer, TensorFlow): "
                     "under multi-backend Keras 2.2 on Theano they would measure our programs, not Keras 2.2")
#: The distributions the ``latest`` set leaves unpinned: the four frameworks.
LATEST_FLOATING = ("tensorflow-cpu", "keras", "jax", "torch")
#: Why community is not run on the dated sets: it reads one dated PyPI listing, the same data file under every
#: release, so a set's run would repeat today's result under another name; its schema also moved on 2026-12-07
#: (third-party counts), which left the sets' earlier community results unreadable.
LISTING_ONLY = ("it reads one dated PyPI listing (evidence/data), the same under every release: its result is "
                "today's (evidence/results/community.*.json), not the release's")
#: Why the two longest claims are not run on the older sets.
NOT_TRIED = "not tried on this set yet: its three full runs take 6 to 14 minutes a set"
#: Why deployment is not run under Keras 2.15: since 2026-12-07 it deploys the shared model zoo, whose BERT is a
#: KerasHub backbone (KerasHub needs Keras 3), through Keras 3's Model.export; its schema moved the same day, which
#: left the set's earlier deployment result (a digits MLP) unreadable.
ZOO_NEEDS_KERAS3 = ("its models come from the shared model zoo (KerasHub's BERT needs Keras 3) and its routes call "
                    "Keras 3's Model.export: under Keras 2.15 the cells would record our programs' failure as the "
                    "release's")
#: Why multi-backend Keras 2 has no JAX, PyTorch or OpenVINO backend.
KERAS3_BACKEND = "multi-backend Keras 2 had no {} backend: Keras 3.0 (2023-11) brought JAX and PyTorch, later OpenVINO"

RELEASE_SETS: dict[str, ReleaseSet] = {
    s.name: s
    for s in (
        ReleaseSet(
            name="keras-2.2",
            title="Multi-backend Keras 2.2.4 on Theano (the article's era)",
            released="2018-10",
            requirements=("keras==2.2.4", "keras-applications==1.0.6", "keras-preprocessing==1.0.5",
                          "Theano==1.0.5", "numpy==1.23.2", "scipy==1.9.2"),
            # The engines of the era: pip is asked for them, and what it says is the record.
            attempts={"tensorflow": ("tensorflow>=1.5,<2",), "cntk": ("cntk",)},
            replaces_base=("numpy",),
            shims=("collections_aliases",),
            environment={"THEANO_FLAGS": "blas.ldflags=,base_compiledir={env}/theano", "KERAS_HOME": "{env}/keras"},
            absent={
                "jax": KERAS3_BACKEND.format("JAX"),
                "torch": KERAS3_BACKEND.format("PyTorch"),
                "openvino": KERAS3_BACKEND.format("OpenVINO"),
            },
            not_run={
                **{claim: KERAS2_2_PROGRAMS for claim in ("backend_portability", "ease_of_use", "extensibility",
                                                          "deployment", "performance", "distributed_scaling")},
                "platform": "it reads which accelerators and systems today's four options support (Keras 3 on "
                            "TensorFlow, JAX and PyTorch, TensorFlow core) from their installed code: none is here",
                "community": LISTING_ONLY,
            },
            notes="Keras 2.2.4 (2018-10), the multi-backend Keras the article describes, on Theano 1.0.5 (its last "
                  "release, 2020-07: the first that imports on Python 3.9 and later). This machine has Python 3.11 "
                  "only, so the set is what of 2018 installs there: numpy 1.23.2 and scipy 1.9.2 are the oldest "
                  "with Python 3.11 wheels; TensorFlow 1.x and CNTK are tried and recorded with pip's answer; Keras "
                  "2.2.4 imports collections' ABC aliases, which Python 3.10 removed, so a start-up shim restores "
                  "them (no library file is changed); Theano reads its BLAS flags from THEANO_FLAGS, since the "
                  "numpy 1.23 wheel's build record has no BLAS entry for Theano to read.",
        ),
        ReleaseSet(
            name="keras-2.15",
            title="TensorFlow 2.15 with Keras 2.15 (the last release set before Keras 3)",
            released="2023-11",
            requirements=("tensorflow-cpu==2.15.1", "keras==2.15.0", "numpy<2", "tf2onnx==1.16.1",
                          "onnx==1.15.0", "onnxruntime==1.16.3", "openvino==2023.2.0"),
            absent={
                "jax": "Keras 2.15 runs on TensorFlow only; multi-backend Keras (JAX, PyTorch) came with Keras 3.0",
                "torch": "Keras 2.15 runs on TensorFlow only; multi-backend Keras (JAX, PyTorch) came with Keras 3.0",
                "ai_edge_litert": "LiteRT's standalone interpreter (ai-edge-litert) was first released in 2024",
            },
            not_run={
                **{claim: KERAS3_PROGRAMS for claim in ("backend_portability", "ease_of_use", "extensibility")},
                "community": LISTING_ONLY,
                "deployment": ZOO_NEEDS_KERAS3,
                "performance": NOT_TRIED,
                "distributed_scaling": NOT_TRIED,
            },
            notes="tf.keras is Keras 2.15 (the keras package TensorFlow 2.15 depends on); Keras runs on "
                  "TensorFlow only; the converters are those of late 2023.",
        ),
        ReleaseSet(
            name="keras-3.0",
            title="TensorFlow 2.16 with Keras 3.0 and JAX 0.4 (the first Keras 3 release set)",
            released="2024-03",
            requirements=("tensorflow-cpu==2.16.1", "keras==3.0.5", "jax[cpu]==0.4.25", "numpy<2",
                          "tf2onnx==1.16.1", "onnx==1.15.0", "onnxruntime==1.17.1", "openvino==2024.0.0"),
            absent={
                "torch": "torch 2.2 (the release beside Keras 3.0) has only CUDA builds of several GB on PyPI; "
                         "its CPU wheels are on PyTorch's own index, which this machine cannot reach",
                "ai_edge_litert": "LiteRT's standalone interpreter (ai-edge-litert) was first released later in 2024",
            },
            not_run={
                "extensibility": "its programs call keras.ops.custom_gradient, which Keras 3.0.5 lacks: every route "
                                 "would fail for want of an API our programs call, not of an extension mechanism",
                "deployment": "its export programs pass Model.export's verbose argument, which Keras 3.0.5 lacks: "
                              "the cells would record our programs' failure as the release's",
                "backend_portability": "it assumes Keras 3.15's backends (openvino is no Keras 3.0 backend)",
                "community": LISTING_ONLY,
                "performance": NOT_TRIED,
                "distributed_scaling": NOT_TRIED,
            },
            notes="TensorFlow 2.16.1 is the first TensorFlow whose tf.keras is Keras 3 (it requires keras>=3.0); "
                  "Keras 3.0.5 was the newest Keras 3 on the day it came out; torch is recorded unavailable.",
        ),
        ReleaseSet(
            name="today",
            title="Today's pins (the evidence extra of pyproject.toml)",
            released="2026-11",
            requirements=None,
            not_run={"community": LISTING_ONLY},
            notes="The releases the committed results in evidence/results/ were made with.",
        ),
        ReleaseSet(
            name="latest",
            title="The newest Keras, TensorFlow, JAX and PyTorch that install together",
            released="2026-12",
            requirements=None,
            floating=LATEST_FLOATING,
            not_run={
                "performance": "not run on this set yet: its three full runs take about 14 minutes a set",
                "deployment": "not run on this set yet: its converters and browser targets take over 10 minutes "
                              "a set",
            },
            notes="Today's pins with the four frameworks unpinned: pip picks the newest releases that install "
                  "together (the manifest records them), so the weekly run's drift from evidence/results names any "
                  "verdict a new release flips. Where pip is capped by a constraints file (this project's build "
                  "machine caps torch at 2.14.1), the cap wins and the manifest shows it.",
        ),
    )
}
