"""EEG band powers and frontal alpha asymmetry (offline, NeuroKit2/MNE-shaped).

Band powers use :func:`mne.time_frequency.psd_array_welch` on each window (Hann segments
of 2 s or the window, 50 % overlap), integrated over the band (µV² for µV input). The
streaming ``eeg-bands`` processor computes exactly the same windows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError
from heartmind.extras import require
from heartmind.streaming import check_rate, check_signal

from ._channel_names import find_channel, standard_name

__all__ = [
    "BANDS",
    "FAA_PAIRS",
    "eeg_bandpower",
    "eeg_filter",
    "faa_pairs",
    "frontal_asymmetry",
    "window_powers",
    "window_samples",
]

#: EEG bands in Hz.
BANDS: dict[str, tuple[float, float]] = {
    "delta": (1.0, 4.0),
    "theta": (4.0, 8.0),
    "alpha": (8.0, 13.0),
    "beta": (13.0, 30.0),
    "gamma": (30.0, 45.0),
}
_F64 = npt.NDArray[np.float64]
#: Frontal pairs (right, left) for the asymmetry, in order of preference.
FAA_PAIRS: tuple[tuple[str, str], ...] = (("F4", "F3"), ("F8", "F7"))


def eeg_filter(
    data: npt.ArrayLike,
    sampling_rate: float,
    *,
    l_freq: float | None = 1.0,
    h_freq: float | None = 45.0,
    notch: float | None = None,
) -> _F64:
    """Band-pass (and optionally notch) filter EEG with MNE's zero-phase FIR filters.

    Parameters
    ----------
    data
        ``(n_samples, n_channels)`` EEG in µV.
    sampling_rate
        Sampling rate in Hz.
    l_freq, h_freq
        Pass band edges in Hz (``None``: no high-pass / low-pass).
    notch
        Mains frequency in Hz (50 or 60) to notch out with its harmonics below Nyquist.

    Returns
    -------
    numpy.ndarray
        Filtered data, same shape (µV).
    """
    mne = require("mne", "EEG filtering")
    x = check_signal(data, "eeg_filter", ndim=2)
    fs = check_rate(sampling_rate, "eeg_filter", 32.0)
    y = x.T.copy()
    if notch:
        freqs = np.arange(notch, fs / 2, notch)
        if freqs.size:
            y = mne.filter.notch_filter(y, fs, freqs, verbose="error")
    if l_freq is not None or h_freq is not None:
        y = mne.filter.filter_data(y, fs, l_freq, h_freq, verbose="error")
    out: _F64 = np.ascontiguousarray(y.T)
    return out


def window_powers(x: _F64, fs: float) -> _F64:
    """``(n_channels, 5)`` band powers (µV²) of one ``(n_samples, n_channels)`` window."""
    mne = require("mne", "EEG band power")
    n_fft = min(x.shape[0], round(2.0 * fs))
    psd, freqs = mne.time_frequency.psd_array_welch(
        x.T,
        fs,
        fmin=0.5,
        fmax=min(46.0, fs / 2),
        n_fft=n_fft,
        n_overlap=n_fft // 2,
        verbose="error",
    )
    df = float(freqs[1] - freqs[0]) if freqs.size > 1 else 1.0
    out = np.empty((x.shape[1], len(BANDS)))
    for j, (lo, hi) in enumerate(BANDS.values()):
        sel = (freqs >= lo) & (freqs < hi)
        out[:, j] = psd[:, sel].sum(axis=1) * df
    return out


def eeg_bandpower(
    data: npt.ArrayLike,
    sampling_rate: float,
    *,
    window: float = 4.0,
    step: float = 1.0,
) -> dict[str, Any]:
    """Band powers per channel in sliding windows (what the ``eeg-bands`` processor emits).

    Parameters
    ----------
    data
        ``(n_samples, n_channels)`` EEG in µV (no filtering needed: Welch removes the mean
        of each segment and bands start at 1 Hz).
    sampling_rate
        Sampling rate in Hz (≥ 100 Hz for the gamma band).
    window, step
        Window length and step in s; window ``k`` ends at sample ``w + k·s``.

    Returns
    -------
    dict
        ``"times"`` (s from sample 0 at the end of each window), ``"absolute"``
        (``(n_windows, n_channels, 5)`` µV², bands in :data:`BANDS` order),
        ``"relative"`` (the same divided by the 1–45 Hz power), ``"bands"``.
    """
    x = check_signal(data, "eeg_bandpower", ndim=2)
    fs = check_rate(sampling_rate, "eeg_bandpower", 100.0)
    w, s = window_samples(window, step, fs)
    ends = np.arange(w, x.shape[0] + 1, s)
    absolute = np.array([window_powers(x[e - w : e], fs) for e in ends]).reshape(
        ends.size, x.shape[1], len(BANDS)
    )
    total = absolute.sum(axis=2, keepdims=True)
    return {
        "times": ends / fs,
        "absolute": absolute,
        "relative": absolute / np.where(total > 0, total, 1.0),
        "bands": tuple(BANDS),
    }


def window_samples(window: float, step: float, fs: float) -> tuple[int, int]:
    """Window and step in samples; :class:`ConfigError` if they are not usable."""
    if not (window >= 1.0 and step > 0 and math.isfinite(window + step)):
        raise ConfigError(
            f"EEG band power: window ({window} s) must be >= 1 s and step ({step} s) > 0."
        )
    return round(window * fs), max(1, round(step * fs))


def faa_pairs(channels: Sequence[str]) -> list[tuple[str, int, int]]:
    """Frontal pairs present in ``channels``: ``(label, right index, left index)``."""
    out = []
    for right, left in FAA_PAIRS:
        i, j = find_channel(channels, right), find_channel(channels, left)
        if i is not None and j is not None:
            out.append((f"{right}-{left}", i, j))
    if not out:
        names = ", ".join(standard_name(c) for c in channels)
        raise ConfigError(
            "frontal alpha asymmetry needs a frontal pair F4/F3 or F8/F7, but the channels "
            f"are {names}; record F3 and F4, or disable the asymmetry."
        )
    return out


def frontal_asymmetry(alpha: npt.ArrayLike, channels: Sequence[str]) -> dict[str, _F64]:
    """Frontal alpha asymmetry ``ln(alpha right) - ln(alpha left)`` per window.

    Parameters
    ----------
    alpha
        ``(n_windows, n_channels)`` alpha power in µV² (e.g. ``absolute[:, :, 2]``).
    channels
        Channel names (any case; old names T3/T4… accepted).

    Returns
    -------
    dict
        One array per pair present: ``"F4-F3"`` and/or ``"F8-F7"``.

    Raises
    ------
    ConfigError
        If neither F4/F3 nor F8/F7 is present (the message lists the channels).
    """
    a = np.asarray(alpha, dtype=np.float64).reshape(-1, len(channels))
    a = np.maximum(a, 1e-12)
    return {label: np.log(a[:, i]) - np.log(a[:, j]) for label, i, j in faa_pairs(channels)}
