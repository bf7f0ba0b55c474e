"""Fusion of every source into one ``Emotion`` and one ``Stress`` stream.

* processor ``fusion``: ``emotion``, ``stress`` and ``signal_quality`` events of all
  sources (heart, behaviour, EDA, face, …) → fused ``Emotion``/``Stress`` events,
  weighted by confidence, signal quality and a prior per modality; stale sources dropped;
  provenance in ``model = "fused(heart:0.70,behaviour:0.30)"``.

Importing this package is cheap: it declares the spec only. Offline pieces: :mod:`.api`
(also importable from here, loaded on first use). See ``docs/plugins/fusion.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind.specs import Option, ProcessorSpec

if TYPE_CHECKING:
    from ._processor import FusionProcessor

__all__ = ["FUSION_OPTIONS", "heartmind_processors"]

#: Options of the ``fusion`` processor.
FUSION_OPTIONS: dict[str, Option] = {
    "timeout": Option(
        float, 90.0, "a source silent this long (s) is dropped from the mix", min=0.1, unit="s"
    ),
    "interval": Option(
        float, 1.0, "least s between fused events of a topic; 0 = all", min=0.0, unit="s"
    ),
    "weights": Option(dict, {}, "prior weight per modality, e.g. {heart = 1.0, behaviour = 0.5}"),
    "quality_streams": Option(
        dict, {}, "SignalQuality stream glob -> modality; default: *ECG*/*PPG*/*RADAR* = heart"
    ),
}


def _fusion(**options: Any) -> FusionProcessor:
    from ._processor import FusionProcessor

    opts = dict(options)
    opts["quality_streams"] = opts.get("quality_streams") or None
    return FusionProcessor(**opts)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare the ``fusion`` processor (``emotion``/``stress`` of all sources → fused)."""
    yield ProcessorSpec(
        name="fusion",
        events=("emotion", "stress", "signal_quality"),
        outputs=("emotion", "stress"),
        factory=_fusion,
        options=FUSION_OPTIONS,
        description=(
            "One Emotion and one Stress stream from all sources, weighted by confidence and "
            "signal quality; stale sources dropped; provenance in model='fused(...)'."
        ),
    )


def __getattr__(name: str) -> Any:
    """Re-export :mod:`.api` lazily (``from heartmind.plugins.fusion import …``)."""
    from . import api

    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
