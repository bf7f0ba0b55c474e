"""Respiration: causal breath detection and breathing rate (also used on radar breathing).

Signal path (causal, state carried across blocks):

1. band-pass 0.1–0.8 Hz (2nd-order Butterworth, SOS; 6–48 breaths/min);
2. breath amplitude: a 10-s exponential average of ``|y|``;
3. a breath is an **upward zero crossing** (middle of inspiration) of the band-passed signal
   after it went below ``-0.25 × amplitude`` (hysteresis); its time is interpolated
   between samples; its depth is the peak-to-trough range of the previous cycle.

The breathing rate is ``60 / mean cycle length`` (breaths/min) of the cycles ending in a
trailing window. Breaths are decided at the crossing itself (no look-ahead).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from heartmind.errors import ConfigError, MissingExtraError
from heartmind.streaming import (
    SOSFilter,
    check_method,
    check_rate,
    check_signal,
    run_blocks,
    windowed_rate,
)

__all__ = ["RSP_METHODS", "BreathDetector", "rsp_peaks", "rsp_rate"]

#: Valid ``method`` values of :func:`rsp_peaks`.
RSP_METHODS: tuple[str, ...] = ("heartmind", "neurokit")
_F64 = npt.NDArray[np.float64]


class BreathDetector:
    """Streaming breath detector for one respiration signal (any unit, ≥ 2 Hz).

    Parameters
    ----------
    sampling_rate
        Sampling rate in Hz.
    band
        Pass band in Hz (breathing rates ``60 × band`` breaths/min).
    hysteresis
        Fraction of the running amplitude the signal must fall below before the next
        upward crossing counts.
    """

    def __init__(
        self,
        sampling_rate: float,
        *,
        band: tuple[float, float] = (0.1, 0.8),
        hysteresis: float = 0.25,
    ) -> None:
        fs = check_rate(sampling_rate, "breath detection", 2.0, 1e5)
        if not 0 < band[0] < band[1] < fs / 2:
            raise ConfigError(f"breathing band {band} Hz must satisfy 0 < low < high < {fs / 2}.")
        self.sampling_rate = fs
        self._bandpass = SOSFilter(
            signal.butter(2, list(band), btype="bandpass", fs=fs, output="sos")
        )
        alpha = 1.0 / (10.0 * fs)
        self._ema = ([alpha], [1.0, alpha - 1.0])
        self._ema_zi = np.zeros(1)
        self._hyst = float(hysteresis)
        self._n = 0
        self._armed = False
        self._prev = 0.0
        self._lo = math.inf
        self._hi = -math.inf

    def process(self, x: npt.ArrayLike) -> tuple[_F64, _F64]:
        """Feed the next samples; return breath times (fractional samples) and depths."""
        block = np.asarray(x, dtype=np.float64).reshape(-1)
        if block.size == 0:
            return np.zeros(0), np.zeros(0)
        y = self._bandpass.process(block)
        amp, self._ema_zi = signal.lfilter(*self._ema, np.abs(y), zi=self._ema_zi)
        times, depths = self._crossings(y, amp)
        self._n += block.size
        return np.asarray(times, dtype=np.float64), np.asarray(depths, dtype=np.float64)

    def _crossings(self, y: _F64, amp: _F64) -> tuple[list[float], list[float]]:
        times: list[float] = []
        depths: list[float] = []
        prev, armed, lo, hi = self._prev, self._armed, self._lo, self._hi
        thr = -self._hyst * amp
        for k, v in enumerate(y.tolist()):
            lo, hi = min(lo, v), max(hi, v)
            if v < thr[k]:
                armed = True
            elif armed and v >= 0.0 > prev:
                times.append(self._n + k - v / (v - prev))
                depths.append(hi - lo)
                armed, lo, hi = False, v, v
            prev = v
        self._prev, self._armed, self._lo, self._hi = prev, armed, lo, hi
        return times, depths


def rsp_peaks(
    rsp_signal: npt.ArrayLike,
    sampling_rate: float = 50.0,
    *,
    method: str = "heartmind",
    chunk_size: int | None = None,
) -> tuple[_F64, dict[str, Any]]:
    """Find breaths in a respiration signal (belt, thermistor, radar displacement).

    Parameters
    ----------
    rsp_signal
        One respiration channel (1-D, any unit; larger = more inhaled).
    sampling_rate
        Sampling rate in Hz (≥ 2 Hz).
    method
        ``"heartmind"``: the causal detector of the ``respiration`` processor (upward zero
        crossings, mid-inspiration). ``"neurokit"``: ``neurokit2.rsp_clean`` +
        ``neurokit2.rsp_peaks`` (offline; returns inhalation **troughs**).
    chunk_size
        ``"heartmind"`` only: feed blocks of this many samples (same result).

    Returns
    -------
    breaths : numpy.ndarray
        Breath times in (fractional) samples.
    info : dict
        ``"RSP_Breaths"``, ``"RSP_Depth"`` (peak-to-trough per breath, signal units;
        ``"heartmind"`` only), ``"sampling_rate"``, ``"method"``.
    """
    check_method(method, RSP_METHODS, "rsp_peaks")
    x = check_signal(rsp_signal, "rsp_peaks")
    fs = check_rate(sampling_rate, "rsp_peaks", 2.0)
    info: dict[str, Any] = {"sampling_rate": fs, "method": method}
    if method == "neurokit":
        try:
            import neurokit2 as nk
        except ImportError as exc:
            raise MissingExtraError("signal", "rsp_peaks(method='neurokit')", "neurokit2") from exc
        clean = nk.rsp_clean(x, sampling_rate=round(fs))
        _, nk_info = nk.rsp_peaks(clean, sampling_rate=round(fs))
        breaths = np.asarray(nk_info["RSP_Troughs"], dtype=np.float64)
    else:
        det = BreathDetector(fs)
        parts = run_blocks(det.process, x, chunk_size, "rsp_peaks")
        breaths = np.concatenate([np.zeros(0), *(p[0] for p in parts)])
        info["RSP_Depth"] = np.concatenate([np.zeros(0), *(p[1] for p in parts)])
    info["RSP_Breaths"] = breaths
    return breaths, info


def rsp_rate(
    breaths: npt.ArrayLike,
    sampling_rate: float = 50.0,
    *,
    window: float = 30.0,
    interval: float = 5.0,
    n_samples: int | None = None,
) -> tuple[_F64, _F64]:
    """Breathing rate (breaths/min) on a grid, as the ``respiration`` processor reports it.

    Parameters
    ----------
    breaths
        Breath times in (fractional) samples (from :func:`rsp_peaks`).
    sampling_rate
        Sampling rate in Hz.
    window
        Trailing window in s.
    interval
        Grid step in s; the grid starts ``interval`` s after sample 0.
    n_samples
        Length of the recording in samples (default: up to the last breath).

    Returns
    -------
    times, rate
        Grid times in s from sample 0, and the rate there (NaN without a full cycle).
    """
    fs = float(sampling_rate)
    t = np.asarray(breaths, dtype=np.float64) / fs
    end = (n_samples - 1) / fs if n_samples else (float(t[-1]) if t.size else 0.0)
    grid = np.arange(1, math.floor(end / interval + 1e-9) + 1, dtype=np.float64) * interval
    return grid, windowed_rate(t, grid, window)
