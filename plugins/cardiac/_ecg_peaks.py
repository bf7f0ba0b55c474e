"""Offline ECG functions in NeuroKit2's shape: ``ecg_<step>(signal, sampling_rate, *, method)``.

``ecg_peaks(..., method="heartmind")`` runs the streaming :class:`RPeakDetector` over the
whole array, so an offline analysis gives exactly the beats a live session reports.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.errors import MissingExtraError
from heartmind.streaming import check_method, check_signal, instantaneous_rate, run_blocks

__all__ = ["ECG_PEAK_METHODS", "ecg_peaks", "ecg_rate"]

log = logging.getLogger(__name__)

#: Valid ``method`` values of :func:`ecg_peaks`.
ECG_PEAK_METHODS: tuple[str, ...] = ("heartmind", "neurokit")


def ecg_peaks(
    ecg_signal: npt.ArrayLike,
    sampling_rate: float = 1000.0,
    *,
    method: str = "heartmind",
    chunk_size: int | None = None,
) -> tuple[npt.NDArray[np.int64], dict[str, Any]]:
    """Find R-peaks in an ECG.

    Parameters
    ----------
    ecg_signal
        One ECG channel (1-D; any unit, e.g. mV). Raw: no cleaning needed.
    sampling_rate
        Sampling rate in Hz (100–2000 Hz).
    method
        ``"heartmind"``: the causal streaming detector of this plugin (Pan–Tompkins
        family; the same code as the ``heart-rate`` processor). ``"neurokit"``:
        ``neurokit2.ecg_clean`` then ``neurokit2.ecg_peaks`` (needs the ``signal`` extra).
    chunk_size
        ``"heartmind"`` only: feed the detector blocks of this many samples instead of the
        whole array (the result does not depend on it; for tests and demonstrations).

    Returns
    -------
    peaks : numpy.ndarray
        Sample indices of the R-peaks (int64, increasing).
    info : dict
        ``"ECG_R_Peaks"`` (the same indices), ``"sampling_rate"`` (Hz), ``"method"``; for
        ``"heartmind"`` also ``"detection_delay"`` (s per beat: decision time minus R-peak
        time) and ``"search_back"`` (bool per beat).

    Raises
    ------
    ValueError
        For an unknown ``method`` (the message lists the valid ones), a signal that is not
        1-D and finite, or an unusable sampling rate (:class:`heartmind.ConfigError`).
    """
    check_method(method, ECG_PEAK_METHODS, "ecg_peaks")
    x = check_signal(ecg_signal, "ecg_peaks")
    fs = float(sampling_rate)
    if method == "neurokit":
        return _neurokit_peaks(x, fs)
    return _heartmind_peaks(x, fs, chunk_size)


def _heartmind_peaks(
    x: npt.NDArray[np.float64], fs: float, chunk_size: int | None
) -> tuple[npt.NDArray[np.int64], dict[str, Any]]:
    from ._r_peak_detector import RPeakDetector

    det = RPeakDetector(fs)
    parts = run_blocks(det.process, x, chunk_size, "ecg_peaks")
    parts.append(det.flush())
    peaks = np.concatenate([p.peaks for p in parts]).astype(np.int64)
    at = np.concatenate([p.detected_at for p in parts]).astype(np.int64)
    sb = np.concatenate([p.search_back for p in parts]).astype(bool)
    info: dict[str, Any] = {
        "ECG_R_Peaks": peaks,
        "sampling_rate": fs,
        "method": "heartmind",
        "detection_delay": (at - peaks) / fs,
        "search_back": sb,
    }
    return peaks, info


def _neurokit_peaks(
    x: npt.NDArray[np.float64], fs: float
) -> tuple[npt.NDArray[np.int64], dict[str, Any]]:
    try:
        import neurokit2 as nk
    except ImportError as exc:
        raise MissingExtraError("signal", "ecg_peaks(method='neurokit')", "neurokit2") from exc
    cleaned = nk.ecg_clean(x, sampling_rate=round(fs), method="neurokit")
    _, nk_info = nk.ecg_peaks(cleaned, sampling_rate=round(fs), method="neurokit")
    peaks = np.asarray(nk_info["ECG_R_Peaks"], dtype=np.int64)
    return peaks, {"ECG_R_Peaks": peaks, "sampling_rate": fs, "method": "neurokit"}


def ecg_rate(
    peaks: npt.ArrayLike,
    sampling_rate: float = 1000.0,
    *,
    min_rr: float = 0.25,
    max_rr: float = 2.5,
) -> npt.NDArray[np.float64]:
    """Instantaneous heart rate at each beat, in bpm, from R-peak sample indices.

    Parameters
    ----------
    peaks
        R-peak sample indices (increasing).
    sampling_rate
        Sampling rate in Hz.
    min_rr, max_rr
        RR intervals outside ``[min_rr, max_rr]`` s are physiologically implausible; the
        rate there is NaN.

    Returns
    -------
    numpy.ndarray
        One value per beat, in bpm; the first beat (no previous one) is NaN.
    """
    return instantaneous_rate(peaks, sampling_rate, min_rr, max_rr)
