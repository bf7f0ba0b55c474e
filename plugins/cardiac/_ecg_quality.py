"""ECG signal quality: per-beat artefact flags, a template-correlation index, and SNR in dB.

Per beat (causal: only samples up to 150 ms after the R-peak and earlier beats are used,
so the streaming ``heart-rate`` processor can decide it when the beat is detected):

* **artefact ratio** — RMS of the ECG band-passed to 0.7–5 Hz (where motion artefacts and
  electrode pops live; below the QRS band, above baseline wander) over 600 ms before to
  150 ms after the R-peak, divided by the median of that RMS over the last 30 usable
  beats. A beat whose ratio exceeds ``artefact_threshold`` (default 3) is **unusable**.
  The measure ignores QRS shape, so ectopic beats stay usable (HRV correction handles
  them).
* **template correlation** — Pearson correlation of the cleaned beat (−100 … +150 ms) with
  a running average template of the usable beats (averageQRS-like).
* **beat quality** ``q = max(corr, 0) · min(1, 1.5 / ratio)`` in [0, 1].

Per window: ``quality`` = mean ``q`` of its beats (0 if none); ``usable`` when
``quality ≥ 0.5`` and at most half of its beats are unusable. SNR (dB) is estimated from the
isoelectric TP segments (from 0.45·√RR s after an R-peak to 0.25 s before the next), where
a clean ECG is flat: noise power = their mean squared deviation from their median; signal
power = variance of the whole signal − noise power. The estimate is biased where the TP
segment is short (fast heart rates) or noise is bursty.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from heartmind.streaming import RingBuffer, SOSFilter, check_method

from ._ecg_clean import ECGCleaner, detect_powerline

__all__ = ["ECG_QUALITY_METHODS", "BeatQuality", "ecg_quality", "snr_db", "window_quality"]

_F64 = npt.NDArray[np.float64]

#: Valid ``method`` values of :func:`ecg_quality`.
ECG_QUALITY_METHODS: tuple[str, ...] = ("templatematch",)
_ART_BAND = (0.7, 5.0)  # Hz
_ART_SPAN = (-0.6, 0.15)  # s around the R-peak
_TPL_SPAN = (-0.1, 0.15)  # s around the R-peak
_TP_START = 0.45  # s × sqrt(RR): end of the T wave after the R-peak
_TP_STOP = 0.25  # s: start of the P wave before the next R-peak
_HISTORY = 30


@dataclass
class _Reference:
    """Running references of the usable beats (artefact RMS, template)."""

    rms: deque[float] = field(default_factory=lambda: deque(maxlen=_HISTORY))
    template: _F64 | None = None


class BeatQuality:
    """Streaming per-beat quality of one ECG channel; feed the same blocks as the detector.

    Parameters
    ----------
    sampling_rate
        Sampling rate in Hz.
    powerline
        Mains frequency (Hz) notched by the cleaner, or ``None``.
    artefact_threshold
        Artefact ratio above which a beat is unusable.
    buffer
        Seconds of filtered signal kept (must cover the latest beat decision).
    """

    def __init__(
        self,
        sampling_rate: float,
        *,
        powerline: float | None = None,
        artefact_threshold: float = 3.0,
        buffer: float = 30.0,
    ) -> None:
        fs = float(sampling_rate)
        self.sampling_rate = fs
        self.artefact_threshold = float(artefact_threshold)
        self.cleaner = ECGCleaner(fs, powerline=powerline)
        self._lowband = SOSFilter(
            signal.butter(2, _ART_BAND, btype="bandpass", fs=fs, output="sos")
        )
        cap = max(16, math.ceil(buffer * fs))
        #: Raw, cleaned and artefact-band (0.7–5 Hz) samples of the last ``buffer`` s.
        self.raw, self.clean, self.low = RingBuffer(cap), RingBuffer(cap), RingBuffer(cap)
        self.ref = _Reference()

    @property
    def n(self) -> int:
        """Samples processed so far."""
        return self.raw.n

    def process(self, x: npt.ArrayLike) -> None:
        """Filter and buffer the next block of raw samples."""
        block = np.asarray(x, dtype=np.float64).reshape(-1)
        if block.size == 0:
            return
        self.low.append(self._lowband.process(block))
        self.clean.append(self.cleaner.process(block))
        self.raw.append(block)

    def assess(self, r: int) -> tuple[bool, float]:
        """Quality of the beat at absolute sample ``r``: (usable, q in [0, 1])."""
        fs = self.sampling_rate
        low = self.low.segment(r + round(_ART_SPAN[0] * fs), r + round(_ART_SPAN[1] * fs))
        beat = self.clean.segment(r + round(_TPL_SPAN[0] * fs), r + round(_TPL_SPAN[1] * fs))
        if low is None or beat is None:
            return True, 1.0  # too close to the start (or too late): nothing to judge by
        return score_beat(self.ref, low, beat, self.artefact_threshold)


def score_beat(ref: _Reference, low: _F64, beat: _F64, threshold: float) -> tuple[bool, float]:
    """Score one beat against the running references and update them if it is usable."""
    rms = float(np.sqrt(np.mean(low * low)))
    base = float(np.median(ref.rms)) if len(ref.rms) >= 3 else rms
    ratio = rms / base if base > 0 else 1.0
    usable = ratio <= threshold
    tpl = ref.template
    corr = 1.0 if tpl is None else _corr(beat, tpl)
    if usable:
        ref.rms.append(rms)
        if tpl is None:
            ref.template = beat.copy()
        elif corr > 0.7:
            ref.template = 0.9 * tpl + 0.1 * beat
    q = max(corr, 0.0) * min(1.0, 1.5 / ratio) if ratio > 0 else 0.0
    return usable, float(min(max(q, 0.0), 1.0))


def _corr(a: _F64, b: _F64) -> float:
    a0, b0 = a - a.mean(), b - b.mean()
    den = math.sqrt(float(np.dot(a0, a0) * np.dot(b0, b0)))
    return float(np.dot(a0, b0) / den) if den > 0 else 0.0


def window_quality(q: npt.ArrayLike, usable: npt.ArrayLike) -> tuple[float, bool]:
    """Quality index and usability of a window from its beats' ``q`` and ``usable``."""
    qa = np.asarray(q, dtype=np.float64)
    ua = np.asarray(usable, dtype=bool)
    if qa.size == 0:
        return 0.0, False
    quality = float(qa.mean())
    return quality, bool(quality >= 0.5 and np.count_nonzero(~ua) <= ua.size / 2)


def snr_db(x: npt.ArrayLike, peaks: npt.ArrayLike, sampling_rate: float) -> float | None:
    """SNR estimate in dB from a median beat template (see the module docs).

    Parameters
    ----------
    x
        ECG samples (raw or cleaned).
    peaks
        R-peak sample indices into ``x``.
    sampling_rate
        Hz.

    Returns
    -------
    float or None
        SNR in dB; None with fewer than 3 complete beats.
    """
    xa = np.asarray(x, dtype=np.float64)
    fs = float(sampling_rate)
    pk = np.asarray(peaks, dtype=np.int64)
    pk = pk[(pk >= 0) & (pk < xa.size)]
    if pk.size < 4:
        return None
    rr = np.diff(pk) / fs
    start = pk[:-1] + np.round(_TP_START * np.sqrt(np.clip(rr, 0.3, 2.0)) * fs).astype(np.int64)
    stop = pk[1:] - round(_TP_STOP * fs)
    ok = stop - start >= max(2, round(0.04 * fs))
    if np.count_nonzero(ok) < 3:
        return None
    iso = np.concatenate([xa[s0:s1] for s0, s1 in zip(start[ok], stop[ok], strict=True)])
    noise = float(np.mean((iso - np.median(iso)) ** 2))
    sig = float(np.var(xa)) - noise
    if sig <= 0 or noise <= 0:
        return None
    return 10.0 * math.log10(sig / noise)


def ecg_quality(
    ecg_signal: npt.ArrayLike,
    sampling_rate: float = 1000.0,
    *,
    peaks: npt.ArrayLike | None = None,
    method: str = "templatematch",
    window: float = 10.0,
    artefact_threshold: float = 3.0,
) -> tuple[_F64, dict[str, Any]]:
    """Per-beat quality, per-window quality and SNR of an ECG (offline).

    Runs the same per-beat scoring as the streaming ``heart-rate`` processor.

    Parameters
    ----------
    ecg_signal
        One raw ECG channel (1-D).
    sampling_rate
        Hz.
    peaks
        R-peak sample indices; detected with ``ecg_peaks`` if not given.
    method
        ``"templatematch"`` (the only one; see the module docs).
    window
        Length of the quality windows in s.
    artefact_threshold
        Artefact ratio above which a beat is unusable.

    Returns
    -------
    q : numpy.ndarray
        Quality in [0, 1] per beat.
    info : dict
        ``"ECG_R_Peaks"``, ``"usable"`` (bool per beat), ``"powerline"`` (Hz or None),
        ``"window_start"`` (s), ``"window_quality"``, ``"window_usable"``, and
        ``"snr_db"`` / ``"snr_db_clean"`` (dB, whole signal, raw and cleaned).
    """
    check_method(method, ECG_QUALITY_METHODS, "ecg_quality")
    x = np.asarray(ecg_signal, dtype=np.float64)
    fs = float(sampling_rate)
    if peaks is None:
        from ._ecg_peaks import ecg_peaks

        peaks, _ = ecg_peaks(x, fs)
    pk = np.asarray(peaks, dtype=np.int64)
    mains = detect_powerline(x, fs)
    tracker = BeatQuality(
        fs, powerline=mains, artefact_threshold=artefact_threshold, buffer=x.size / fs + 1.0
    )
    tracker.process(x)
    scores = [tracker.assess(int(r)) for r in pk]
    usable = np.asarray([s[0] for s in scores], dtype=bool)
    q = np.asarray([s[1] for s in scores], dtype=np.float64)
    starts = np.arange(0.0, x.size / fs, window)
    wq, wu = [], []
    for s0 in starts:
        sel = (pk >= s0 * fs) & (pk < (s0 + window) * fs)
        quality, ok = window_quality(q[sel], usable[sel])
        wq.append(quality)
        wu.append(ok)
    info = {
        "ECG_R_Peaks": pk,
        "usable": usable,
        "powerline": mains,
        "window_start": starts,
        "window_quality": np.asarray(wq),
        "window_usable": np.asarray(wu, dtype=bool),
        "snr_db": snr_db(x, pk, fs),
        "snr_db_clean": snr_db(_clean_of(tracker, x), pk, fs),
    }
    return q, info


def _clean_of(tracker: BeatQuality, x: _F64) -> _F64:
    """The causally cleaned signal the tracker buffered (whole signal, offline)."""
    seg = tracker.clean.segment(0, x.size)
    return seg if seg is not None else x
