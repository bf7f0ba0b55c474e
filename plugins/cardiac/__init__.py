"""Built-in ``cardiac`` plugin: R-peaks, heart rate, signal quality and HRV from ECG.

Importing this package is cheap: it declares specs only. The detector (scipy) loads when
the ``heart-rate`` processor is built; neurokit2 only for ``ecg_peaks(method="neurokit")``.

Offline functions (NeuroKit2-shaped) and public classes live in
:mod:`heartmind.plugins.cardiac.api`; this package re-exports them lazily (scipy loads
on first use)::

    from heartmind.plugins.cardiac import ecg_peaks
    peaks, info = ecg_peaks(ecg, sampling_rate=250)

The plugin's events are the core ``HeartBeat``, ``HeartRate``, ``HRV`` and
``SignalQuality`` (:mod:`heartmind.events`); it defines no event type of its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import heartmind
from heartmind import Option, ProcessorSpec

if TYPE_CHECKING:
    from ._heart_rate_processor import HeartRateProcessor
    from ._hrv_processor import HRVProcessor

__all__ = ["HEART_RATE_OPTIONS", "HRV_OPTIONS", "heartmind_processors"]

#: What :mod:`.api` exports (its ``__all__``; a test keeps the two equal), re-exported
#: lazily by :func:`__getattr__`.
_API = (
    "ECG_CLEAN_METHODS",
    "ECG_PEAK_METHODS",
    "ECG_QUALITY_METHODS",
    "FREQUENCY_BANDS",
    "MIN_WINDOW_FREQUENCY",
    "RR_CORRECTION_KINDS",
    "DetectedBeats",
    "ECGCleaner",
    "HRVProcessor",
    "HeartRateProcessor",
    "RPeakDetector",
    "detect_powerline",
    "ecg_clean",
    "ecg_peaks",
    "ecg_quality",
    "ecg_rate",
    "hrv_baevsky",
    "hrv_frequency",
    "hrv_nonlinear",
    "hrv_poincare",
    "hrv_summary",
    "hrv_time",
    "rr_correct",
    "rr_from_peaks",
    "snr_db",
    "window_intervals",
)


def __getattr__(name: str) -> Any:
    """Lazily re-export the :mod:`.api` names (``from heartmind.plugins.cardiac import ...``)."""
    if name in _API:
        return getattr(importlib.import_module(".api", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Options of the ``heart-rate`` processor.
HEART_RATE_OPTIONS: dict[str, Option] = {
    "hr_interval": Option(
        float,
        1.0,
        "seconds of sample time between HeartRate events (s)",
        min=0.05,
        max=3600.0,
        unit="s",
    ),
    "hr_window": Option(
        float,
        10.0,
        "trailing window the heart rate is averaged over (s)",
        min=1.0,
        max=600.0,
        unit="s",
    ),
    "channel": Option(
        str, "", "ECG channel label, or its index as a string ('0'); default: first channel"
    ),
    "quality_interval": Option(
        float,
        5.0,
        "s between SignalQuality events; 0 = none (beats are still flagged)",
        min=0.0,
        max=3600.0,
        unit="s",
    ),
    "quality_window": Option(
        float, 10.0, "window a SignalQuality event assesses (s)", min=1.0, max=600.0, unit="s"
    ),
    "artefact_threshold": Option(
        float, 3.0, "artefact ratio above which a beat is flagged unusable", min=1.1, max=100.0
    ),
    "powerline": Option(
        float, 50.0, "mains frequency notched for quality (Hz); 0 = none", unit="Hz"
    ),
}

#: Options of the ``hrv`` processor.
HRV_OPTIONS: dict[str, Option] = {
    "window": Option(
        float, 300.0, "sliding window of the HRV (s)", min=10.0, max=86400.0, unit="s"
    ),
    "step": Option(
        float, 30.0, "s between two HRV events of a stream", min=1.0, max=86400.0, unit="s"
    ),
    "min_window_frequency": Option(
        float, 120.0, "shortest window with LF/HF values (s)", min=0.0, max=86400.0, unit="s"
    ),
    "correct": Option(bool, True, "correct ectopic/missed/extra beats before HRV"),
}


def _build_heart_rate(**options: Any) -> HeartRateProcessor:
    from ._heart_rate_processor import HeartRateProcessor

    return HeartRateProcessor(**options)


def _build_hrv(**options: Any) -> HRVProcessor:
    from ._hrv_processor import HRVProcessor

    return HRVProcessor(**options)


@heartmind.hookimpl
def heartmind_processors() -> Iterator[ProcessorSpec]:
    """Declare ``heart-rate`` (ECG → beats, rate, quality) and ``hrv`` (beats → HRV)."""
    yield ProcessorSpec(
        name="heart-rate",
        inputs=("ECG",),
        outputs=("heart_beat", "heart_rate", "signal_quality"),
        factory=_build_heart_rate,
        options=HEART_RATE_OPTIONS,
        description=(
            "Causal R-peak detection (Pan–Tompkins family, ~0.2 s delay) and heart rate "
            "over a trailing window, per ECG stream; beats in artefacts flagged unusable, "
            "SignalQuality per window."
        ),
    )
    yield ProcessorSpec(
        name="hrv",
        inputs=(),
        events=("heart_beat",),
        outputs=("hrv",),
        factory=_build_hrv,
        options=HRV_OPTIONS,
        description=(
            "HRV (time, frequency, Poincaré, Baevsky SI) over sliding windows of HeartBeat "
            "events, after ectopic/artefact correction."
        ),
    )
