"""Electrodermal activity: causal tonic/phasic split and SCR detection, streaming + offline.

Signal path of :class:`EDAAnalyzer` (causal, state carried across blocks):

1. low-pass 1.5 Hz (2nd-order Butterworth, SOS): the cleaned conductance ``x`` (µS);
2. **tonic** (skin conductance level, SCL): the minimum of ``x`` over the trailing
   ``tonic_window`` s (8 s: longer than an SCR's rise, so the minimum sits on the level
   before the responses), smoothed by a 2-s exponential average; **phasic** = ``x - tonic``;
3. **SCRs** (trough-to-peak): an onset is the last sample before the slope of ``x``
   exceeds ``min_slope`` (0.05 µS/s: slower rises are tonic drift), the peak the next
   sample where the slope turns negative; a response counts when the rise is
   at least ``min_amplitude`` µS. Onset and peak times are shifted back by the low-pass
   group delay. Each SCR is decided at its peak.

This is the classical trough-to-peak scoring (Boucsein 2012) made causal; it
underestimates overlapping responses (a response starting on the rise of the previous one
merges with it), as every trough-to-peak method does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import ndimage, signal

from heartmind.errors import ConfigError, MissingExtraError
from heartmind.streaming import (
    SOSFilter,
    check_method,
    check_rate,
    check_signal,
    group_delay,
    run_blocks,
)

__all__ = ["EDA_PHASIC_METHODS", "EDAAnalyzer", "EDAOutput", "eda_phasic", "eda_process"]

#: Valid ``method`` values of :func:`eda_phasic`.
EDA_PHASIC_METHODS: tuple[str, ...] = ("heartmind", "median", "highpass")
_F64 = npt.NDArray[np.float64]


@dataclass
class EDAOutput:
    """What one call of :meth:`EDAAnalyzer.process` produced (sample indices absolute)."""

    clean: _F64
    tonic: _F64
    phasic: _F64
    scrs: list[tuple[float, float, float]] = field(default_factory=list)
    # (onset index, peak index, amplitude µS)


class EDAAnalyzer:
    """Streaming tonic/phasic decomposition and SCR detection of one EDA channel (µS).

    Parameters
    ----------
    sampling_rate
        Sampling rate in Hz (≥ 4 Hz).
    tonic_window
        Trailing window of the tonic minimum, in s.
    min_amplitude
        Smallest SCR amplitude counted, in µS.
    min_slope
        Slope above which a rise starts, in µS/s (slower changes are tonic drift).
    """

    def __init__(
        self,
        sampling_rate: float,
        *,
        tonic_window: float = 8.0,
        min_amplitude: float = 0.02,
        min_slope: float = 0.05,
    ) -> None:
        fs = check_rate(sampling_rate, "EDA analysis", 4.0)
        if not (tonic_window > 0 and min_amplitude > 0):
            raise ConfigError("EDA: tonic_window (s) and min_amplitude (µS) must be > 0.")
        self.sampling_rate = fs
        sos = signal.butter(2, min(1.5, 0.4 * fs), fs=fs, output="sos")
        self._lowpass = SOSFilter(sos)
        self._gd = group_delay(sos, 0.2, fs)
        self._w = max(3, round(tonic_window * fs)) | 1
        self._hist = np.zeros(0)
        alpha = 1.0 / (2.0 * fs)
        self._ema = ([alpha], [1.0, alpha - 1.0])
        self._ema_zi: _F64 | None = None
        self._min_amp = float(min_amplitude)
        self._min_slope = float(min_slope)
        self._n = 0
        self._prev = math.nan  # last clean sample
        self._rising = False
        self._onset = (0.0, 0.0)  # (index, level)

    def process(self, x: npt.ArrayLike) -> EDAOutput:
        """Feed the next samples (µS); return clean, tonic, phasic and SCRs found."""
        block = np.asarray(x, dtype=np.float64).reshape(-1)
        if block.size == 0:
            return EDAOutput(np.zeros(0), np.zeros(0), np.zeros(0))
        clean = self._lowpass.process(block)
        buf = np.concatenate((self._hist, clean))
        low = ndimage.minimum_filter1d(buf, self._w, origin=(self._w - 1) // 2, mode="nearest")
        low = low[self._hist.size :]
        self._hist = buf[-(self._w - 1) :]
        if self._ema_zi is None:
            self._ema_zi = np.array([low[0] * (1.0 - self._ema[0][0])])
        tonic, self._ema_zi = signal.lfilter(*self._ema, low, zi=self._ema_zi)
        out = EDAOutput(clean, tonic, clean - tonic, self._scrs(clean))
        self._n += block.size
        return out

    def _scrs(self, clean: _F64) -> list[tuple[float, float, float]]:
        found = []
        prev, rising, onset = self._prev, self._rising, self._onset
        thr = self._min_slope / self.sampling_rate  # µS per sample
        for k, v in enumerate(clean.tolist()):
            i = self._n + k
            if not math.isnan(prev):
                step = v - prev
                if not rising and step <= thr:
                    onset = (i, v)  # latest sample before the rise
                elif not rising:
                    rising = True
                elif step < 0:
                    rising = False
                    amp = prev - onset[1]
                    if amp >= self._min_amp:
                        found.append((onset[0] - self._gd, i - 1.0 - self._gd, amp))
                    onset = (i, v)
            prev = v
        self._prev, self._rising, self._onset = prev, rising, onset
        return found


def eda_process(
    eda_signal: npt.ArrayLike,
    sampling_rate: float = 50.0,
    *,
    tonic_window: float = 8.0,
    min_amplitude: float = 0.02,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """Tonic/phasic split and SCRs of an EDA recording, exactly as the ``eda`` processor.

    Parameters
    ----------
    eda_signal
        Skin conductance in µS (1-D).
    sampling_rate
        Sampling rate in Hz (≥ 4 Hz).
    tonic_window, min_amplitude
        See :class:`EDAAnalyzer` (s, µS).
    chunk_size
        Feed blocks of this many samples (same result).

    Returns
    -------
    dict
        ``"EDA_Clean"``, ``"EDA_Tonic"``, ``"EDA_Phasic"`` (µS, per sample),
        ``"SCR_Onsets"``, ``"SCR_Peaks"`` (fractional samples), ``"SCR_Amplitude"`` (µS),
        ``"SCR_RiseTime"`` (s), ``"sampling_rate"`` (Hz).
    """
    x = check_signal(eda_signal, "eda_process")
    fs = check_rate(sampling_rate, "eda_process", 4.0)
    core = EDAAnalyzer(fs, tonic_window=tonic_window, min_amplitude=min_amplitude)
    parts = run_blocks(core.process, x, chunk_size, "eda_process")
    scr = np.array([s for p in parts for s in p.scrs], dtype=np.float64).reshape(-1, 3)
    return {
        "EDA_Clean": np.concatenate([np.zeros(0), *(p.clean for p in parts)]),
        "EDA_Tonic": np.concatenate([np.zeros(0), *(p.tonic for p in parts)]),
        "EDA_Phasic": np.concatenate([np.zeros(0), *(p.phasic for p in parts)]),
        "SCR_Onsets": scr[:, 0],
        "SCR_Peaks": scr[:, 1],
        "SCR_Amplitude": scr[:, 2],
        "SCR_RiseTime": (scr[:, 1] - scr[:, 0]) / fs,
        "sampling_rate": fs,
    }


def eda_phasic(
    eda_signal: npt.ArrayLike, sampling_rate: float = 50.0, *, method: str = "heartmind"
) -> tuple[_F64, _F64]:
    """Tonic and phasic components in µS.

    Parameters
    ----------
    eda_signal
        Skin conductance in µS (1-D).
    sampling_rate
        Sampling rate in Hz.
    method
        ``"heartmind"``: the causal decomposition of :class:`EDAAnalyzer`;
        ``"median"`` / ``"highpass"``: ``neurokit2.eda_phasic`` with that method
        (offline, zero-phase; needs the ``signal`` extra).

    Returns
    -------
    tonic, phasic
        Arrays of the input's length, µS.
    """
    check_method(method, EDA_PHASIC_METHODS, "eda_phasic")
    x = check_signal(eda_signal, "eda_phasic")
    fs = check_rate(sampling_rate, "eda_phasic", 4.0)
    if method == "heartmind":
        out = eda_process(x, fs)
        return out["EDA_Tonic"], out["EDA_Phasic"]
    try:
        import neurokit2 as nk
    except ImportError as exc:
        raise MissingExtraError("signal", f"eda_phasic(method={method!r})", "neurokit2") from exc
    df = nk.eda_phasic(x, sampling_rate=round(fs), method=method)
    return np.asarray(df["EDA_Tonic"], dtype=np.float64), np.asarray(
        df["EDA_Phasic"], dtype=np.float64
    )
