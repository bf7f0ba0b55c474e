"""PPG pulse detection: a causal streaming detector and NeuroKit2-shaped offline functions.

Signal path (all causal, state carried across blocks):

1. band-pass 0.5–8 Hz (2nd-order Butterworth, second-order sections; the upper edge is
   lowered to 0.4 × the sampling rate for slow sensors);
2. slope (first difference × rate) of the band-passed pulse wave;
3. :class:`~heartmind.streaming.CausalPeakPicker`: local maxima of the slope
   within ±0.25 s, above 45 % of the typical peak slope, at least 0.3 s apart (≤ 200 bpm);
4. localisation: the pulse time is the **steepest upstroke** (maximum slope) of the raw
   signal, lightly smoothed (centred 40 ms moving average), searched within ±0.12 s of the
   detected slope peak shifted back by the filter's group delay, with parabolic
   interpolation (sub-sample times, so 25 Hz sensors still give ms-resolution pulses).

The maximum-slope point is the usual pulse-arrival fiducial: it follows the R-peak by the
pulse arrival time (PAT, 0.15–0.35 s at a finger). Pulses are decided 0.25 s after their
slope peak.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from heartmind.errors import ConfigError, MissingExtraError
from heartmind.streaming import (
    CausalPeakPicker,
    SOSFilter,
    check_method,
    check_rate,
    check_signal,
    group_delay_samples,
    instantaneous_rate,
    run_blocks,
)

__all__ = ["PPG_PEAK_METHODS", "PPGDetector", "ppg_peaks", "ppg_rate"]

log = logging.getLogger(__name__)

#: Valid ``method`` values of :func:`ppg_peaks`.
PPG_PEAK_METHODS: tuple[str, ...] = ("heartmind", "elgendi")
_F64 = npt.NDArray[np.float64]


class PPGDetector:
    """Streaming pulse detector for one PPG channel (any rate, 20–2000 Hz).

    Parameters
    ----------
    sampling_rate
        Sampling rate in Hz.
    band
        Pass band of the pulse filter in Hz.

    Examples
    --------
    >>> det = PPGDetector(100.0)
    >>> times = det.process(ppg[:300])   # fractional sample indices of new pulses
    >>> times = det.process(ppg[300:])
    >>> last = det.flush()
    """

    def __init__(self, sampling_rate: float, *, band: tuple[float, float] = (0.5, 8.0)) -> None:
        fs = check_rate(sampling_rate, "PPG pulse detection", 20.0, 5000.0)
        lo, hi = band[0], min(band[1], 0.4 * fs)
        if not 0 < lo < hi:
            raise ConfigError(f"PPG band {band} Hz must satisfy 0 < low < high < 0.4 × rate.")
        self.sampling_rate = fs
        self._sos = signal.butter(2, [lo, hi], btype="bandpass", fs=fs, output="sos")
        self._bandpass = SOSFilter(self._sos)
        self._prev = 0.0
        self._picker = CausalPeakPicker(
            fs, lookahead=0.25, refractory=0.3, fraction=0.45, early=0.6, ratio=2.0, max_early=1.0
        )
        self._gd = group_delay_samples(self._sos, min(math.sqrt(lo * hi) * 1.5, 0.45 * fs), fs)
        self._half = max(1, round(0.12 * fs))
        self._smooth = max(1, round(0.04 * fs)) | 1  # odd
        self._raw = np.zeros(0)
        self._raw0 = 0
        #: Decision times (sample indices) of the pulses returned by the last call.
        self.decided = np.zeros(0)

    def process(self, x: npt.ArrayLike) -> _F64:
        """Feed the next samples (any unit); return pulse times as fractional sample indices."""
        return self._run(np.asarray(x, dtype=np.float64).reshape(-1), final=False)

    def flush(self) -> _F64:
        """Decide the pulses still pending at the end of the recording."""
        return self._run(np.zeros(0), final=True)

    def _run(self, block: _F64, *, final: bool) -> _F64:
        if block.size:
            bp = self._bandpass.process(block)
            slope = np.diff(bp, prepend=self._prev if self._raw.size else bp[0])
            self._prev = float(bp[-1])
            self._raw = np.concatenate((self._raw, block))
        else:
            bp = slope = np.zeros(0)
        found = self._picker.process(slope * self.sampling_rate, bp, final=final)
        times = np.array([self._localise(i) for i in found], dtype=np.float64)
        self.decided = np.asarray(self._picker.decided, dtype=np.float64)
        keep = self._picker.horizon - self._picker.delay - 2 * self._half - self._gd - self._smooth
        cut = max(0, keep - self._raw0)
        self._raw, self._raw0 = self._raw[cut:], self._raw0 + cut
        return times

    def _localise(self, index: int) -> float:
        """Steepest upstroke of the smoothed raw signal near slope peak ``index``."""
        centre = index - self._gd
        a = max(self._raw0, centre - self._half - self._smooth)
        b = min(self._raw0 + self._raw.size, centre + self._half + self._smooth + 1)
        seg = self._raw[a - self._raw0 : b - self._raw0]
        if seg.size < self._smooth + 3:
            return float(index)
        sm = np.convolve(seg, np.ones(self._smooth) / self._smooth, mode="valid")
        d = np.diff(sm)  # d[k] is the slope between sm[k] and sm[k+1]
        k = int(np.argmax(d))
        off = 0.0
        if 0 < k < d.size - 1:
            den = d[k - 1] - 2 * d[k] + d[k + 1]
            off = 0.5 * (d[k - 1] - d[k + 1]) / den if den < 0 else 0.0
        return a + (self._smooth - 1) / 2 + k + 0.5 + off


def ppg_peaks(
    ppg_signal: npt.ArrayLike,
    sampling_rate: float = 100.0,
    *,
    method: str = "heartmind",
    chunk_size: int | None = None,
) -> tuple[_F64, dict[str, Any]]:
    """Find pulses in a PPG.

    Parameters
    ----------
    ppg_signal
        One PPG channel (1-D, any unit; larger = more blood volume). Raw: no cleaning needed.
    sampling_rate
        Sampling rate in Hz (20–5000 Hz).
    method
        ``"heartmind"``: the causal streaming detector of the ``ppg-rate`` processor
        (steepest-upstroke fiducial). ``"elgendi"``: ``neurokit2.ppg_clean`` then
        ``neurokit2.ppg_findpeaks`` (Elgendi et al. 2013; offline, **systolic peaks**).
    chunk_size
        ``"heartmind"`` only: feed the detector blocks of this many samples (the result
        does not depend on it).

    Returns
    -------
    pulses : numpy.ndarray
        Pulse times in (fractional) samples, increasing (float64). ``"elgendi"`` gives
        integer sample indices of systolic peaks.
    info : dict
        ``"PPG_Peaks"`` (the same array), ``"sampling_rate"`` (Hz), ``"method"``.

    Raises
    ------
    ValueError
        Unknown ``method`` (the message lists the valid ones), a signal that is not 1-D and
        finite, or a sampling rate outside 20–5000 Hz (:class:`heartmind.ConfigError`).
    """
    check_method(method, PPG_PEAK_METHODS, "ppg_peaks")
    x = check_signal(ppg_signal, "ppg_peaks")
    fs = check_rate(sampling_rate, "ppg_peaks", 20.0, 5000.0)
    if method == "elgendi":
        try:
            import neurokit2 as nk
        except ImportError as exc:
            raise MissingExtraError("signal", "ppg_peaks(method='elgendi')", "neurokit2") from exc
        clean = nk.ppg_clean(x, sampling_rate=round(fs))
        found = nk.ppg_findpeaks(clean, sampling_rate=round(fs), method="elgendi")
        peaks = np.asarray(found["PPG_Peaks"], dtype=np.float64)
    else:
        det = PPGDetector(fs)
        parts = run_blocks(det.process, x, chunk_size, "ppg_peaks")
        peaks = np.concatenate([*parts, det.flush()])
    return peaks, {"PPG_Peaks": peaks, "sampling_rate": fs, "method": method}


def ppg_rate(
    peaks: npt.ArrayLike,
    sampling_rate: float = 100.0,
    *,
    min_interval: float = 0.3,
    max_interval: float = 2.5,
) -> _F64:
    """Instantaneous pulse rate at each pulse in bpm (first pulse and implausible: NaN).

    Parameters
    ----------
    peaks
        Pulse times in (fractional) samples, increasing.
    sampling_rate
        Sampling rate in Hz.
    min_interval, max_interval
        Plausible pulse intervals in s; outside them the rate is NaN.
    """
    return instantaneous_rate(peaks, sampling_rate, min_interval, max_interval)
