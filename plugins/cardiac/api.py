"""The cardiac plugin's public API: offline functions (NeuroKit2-shaped) and public classes.

Other plugins and applications use the cardiac plugin through this module (and its
events, the core ``HeartBeat``, ``HeartRate``, ``HRV`` and ``SignalQuality``); everything
else in the package is private. The names are also re-exported lazily by the package::

    from heartmind.plugins.cardiac import ecg_peaks, hrv_summary
    peaks, info = ecg_peaks(ecg, sampling_rate=250)

Streaming classes: :class:`RPeakDetector` (the causal detector behind ``ecg_peaks``),
:class:`ECGCleaner`, :class:`HeartRateProcessor` and :class:`HRVProcessor` (the
``heart-rate`` and ``hrv`` processors).
"""

from __future__ import annotations

from ._ecg_clean import ECG_CLEAN_METHODS, ECGCleaner, detect_powerline, ecg_clean
from ._ecg_peaks import ECG_PEAK_METHODS, ecg_peaks, ecg_rate
from ._ecg_quality import ECG_QUALITY_METHODS, ecg_quality, snr_db
from ._heart_rate_processor import HeartRateProcessor
from ._hrv import (
    FREQUENCY_BANDS,
    MIN_WINDOW_FREQUENCY,
    hrv_baevsky,
    hrv_frequency,
    hrv_nonlinear,
    hrv_poincare,
    hrv_summary,
    hrv_time,
    rr_from_peaks,
)
from ._hrv_processor import HRVProcessor, window_intervals
from ._r_peak_detector import DetectedBeats, RPeakDetector
from ._rr_correction import RR_CORRECTION_KINDS, rr_correct

__all__ = [
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
]
