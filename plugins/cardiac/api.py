"""Offline functions of the cardiac plugin (NeuroKit2-shaped): the plugin's public API.

Other plugins and applications use the cardiac plugin through this module (and its
events); everything else in the package is private.

    from heartmind.plugins.cardiac.api import ecg_peaks, hrv_summary
"""

from __future__ import annotations

from .clean import ECG_CLEAN_METHODS, detect_powerline, ecg_clean
from .ecg import ECG_PEAK_METHODS, ecg_peaks, ecg_rate
from .hrv import (
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
from .quality import ECG_QUALITY_METHODS, ecg_quality, snr_db
from .rr import RR_CORRECTION_KINDS, rr_correct

__all__ = [
    "ECG_CLEAN_METHODS",
    "ECG_PEAK_METHODS",
    "ECG_QUALITY_METHODS",
    "FREQUENCY_BANDS",
    "MIN_WINDOW_FREQUENCY",
    "RR_CORRECTION_KINDS",
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
]
