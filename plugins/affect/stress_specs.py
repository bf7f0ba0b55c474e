"""Specs of the ``stress`` and ``fusion`` processors (cheap to import: no numpy here).

The affect plugin's ``heartmind_processors`` hook yields these (see ``docs/plugins/stress.md``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from heartmind.specs import Option, ProcessorSpec

if TYPE_CHECKING:
    from .fusion import FusionProcessor
    from .stress import StressProcessor

__all__ = ["FUSION_OPTIONS", "STRESS_OPTIONS", "stress_specs"]

#: Options of the ``stress`` processor.
STRESS_OPTIONS: dict[str, Option] = {
    "calibration": Option(
        float,
        180.0,
        "rest period at the start of each beat stream forming the user's baseline (s); "
        "0 needs an existing calibration_file",
        min=0.0,
        max=86400.0,
        unit="s",
    ),
    "calibration_file": Option(
        str, "", "JSON baseline: read if it exists, else written (mode 0600) after the rest"
    ),
    "model": Option(str, "", "stress-logistic .hmm model; default: the z-score model"),
    "interval": Option(
        float,
        0.0,
        "least s between Stress events of a stream; 0 = every HRV update",
        min=0.0,
        unit="s",
    ),
    "drift": Option(
        float,
        1800.0,
        "time constant of the baseline drift EWMA (s); 0 = no drift",
        min=0.0,
        unit="s",
    ),
    "max_drift": Option(
        float, 1.0, "largest baseline drift, in baseline standard deviations", min=0.0, unit="SD"
    ),
    "drift_below": Option(
        float, 1 / 3, "the baseline drifts only while the level is below this", min=0, max=1
    ),
}

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


def _stress(**options: Any) -> StressProcessor:
    from .stress import StressProcessor

    return StressProcessor(**options)


def _fusion(**options: Any) -> FusionProcessor:
    from .fusion import FusionProcessor

    opts = dict(options)
    opts["quality_streams"] = opts.get("quality_streams") or None
    return FusionProcessor(**opts)


def stress_specs() -> Iterator[ProcessorSpec]:
    """The ``stress`` and ``fusion`` processor specs."""
    yield ProcessorSpec(
        name="stress",
        events=("hrv", "skin_conductance", "signal_quality"),
        outputs=("stress",),
        factory=_stress,
        options=STRESS_OPTIONS,
        description=(
            "Stress level/label from HRV (+ EDA) relative to the user's calibrated baseline "
            "(saved 0600, drift-aware); z-score model or a trained stress-logistic model."
        ),
    )
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
