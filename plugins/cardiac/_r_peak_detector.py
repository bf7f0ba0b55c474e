"""Causal, stateful ECG R-peak detector with bounded delay (Pan–Tompkins family).

The detector sees the ECG one block at a time (any block size, down to one sample) and
gives the same R-peaks whatever the blocking: every filter keeps its state (``zi``), the
tails it still needs are kept in small buffers, and every decision is taken at a sample
index that depends only on the data, never on where a block ended.

Signal path, per sample (all causal):

1. band-pass 5–15 Hz (2nd-order Butterworth, second-order sections, state carried);
2. first difference, squared (slope energy; polarity drops out here);
3. moving-window integration over 150 ms (FIR, state carried);
4. candidate peaks: local maxima of the integrated signal that are the largest within
   ±``lookahead`` (100 ms), so a candidate is confirmed ``lookahead`` after its sample;
5. adaptive thresholds (signal and noise peak levels, Pan & Tompkins 1985), a refractory
   period, a T-wave slope test and search-back for missed beats;
6. localisation of the R-peak: the largest band-passed deflection in the integration
   window fixes polarity and, shifted back by the filter's group delay, a ±40 ms window of
   the raw signal in which the extreme sample (maximum, or minimum if inverted) is the
   R-peak.

A 2-s learning phase initialises the thresholds; beats found in it are reported when it
ends. After it, a beat is reported ``lookahead`` after the peak of the integrated signal,
typically 180–220 ms after the R-peak; beats recovered by search-back come later.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import ndimage, signal

from heartmind.errors import ConfigError
from heartmind.streaming import SOSFilter, group_delay_samples

__all__ = ["DetectedBeats", "RPeakDetector"]

log = logging.getLogger(__name__)

#: Sampling rates the detector is designed and tested for, in Hz.
MIN_RATE = 100.0
MAX_RATE = 2000.0
_HARD_MIN_RATE = 50.0  # below this the 15 Hz band edge is too close to Nyquist

_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]


class DetectedBeats(NamedTuple):
    """Beats found by one call of :meth:`RPeakDetector.process`.

    Attributes
    ----------
    peaks
        Sample indices of the R-peaks, counted from the first sample the detector saw.
    detected_at
        Sample index at which each beat was decided (``>= peaks``); the detection delay
        in s is ``(detected_at - peaks) / sampling_rate``.
    search_back
        True for beats recovered by search-back (below the primary threshold).
    """

    peaks: _I64
    detected_at: _I64
    search_back: npt.NDArray[np.bool_]


@dataclass
class _Candidate:
    """A peak of the integrated signal, with what the decision rules need."""

    index: int  # sample of the integrated-signal peak
    confirmed: int  # sample at which it became known (index + lookahead)
    value: float  # height of the integrated signal
    r: int  # localised R-peak sample
    slope: float  # largest |slope| of the band-passed signal in the window


class RPeakDetector:
    """Streaming R-peak detector; feed it blocks of one ECG channel in order.

    Parameters
    ----------
    sampling_rate
        Sampling rate of the ECG in Hz (designed for 100–2000 Hz; 50–100 Hz works with a
        warning).
    band
        Pass band of the QRS filter in Hz.
    integration_window
        Length of the moving-window integrator in s.
    lookahead
        How far after a candidate peak the detector looks before confirming it, in s.
    refractory
        Minimum interval between two beats in s.
    learning
        Length of the threshold-learning phase at the start, in s.
    search_back
        A search-back for a missed beat starts when no beat came for this many mean RR
        intervals.
    t_wave_window
        A candidate closer than this (s) to the previous beat whose slope is under half the
        previous beat's is taken for a T wave.

    Raises
    ------
    ConfigError
        If the sampling rate is not finite, below 50 Hz, or the parameters are invalid.

    Examples
    --------
    >>> det = RPeakDetector(250.0)
    >>> beats = det.process(ecg[:1000])      # any block sizes, in order
    >>> beats = det.process(ecg[1000:])
    >>> last = det.flush()                   # at the end of the recording
    """

    def __init__(
        self,
        sampling_rate: float,
        *,
        band: tuple[float, float] = (5.0, 15.0),
        integration_window: float = 0.15,
        lookahead: float = 0.06,
        refractory: float = 0.20,
        learning: float = 2.0,
        search_back: float = 1.66,
        t_wave_window: float = 0.36,
    ) -> None:
        fs = float(sampling_rate)
        if not math.isfinite(fs) or fs < _HARD_MIN_RATE:
            raise ConfigError(
                f"R-peak detection needs a sampling rate of at least {MIN_RATE:g} Hz, got "
                f"{sampling_rate!r} Hz; record or resample the ECG at 100–2000 Hz."
            )
        if fs < MIN_RATE or fs > MAX_RATE:
            log.warning(
                "sampling rate %g Hz is outside the tested 100–2000 Hz; R-peak timing "
                "may be less accurate",
                fs,
            )
        lo, hi = band
        if not 0 < lo < hi < fs / 2:
            raise ConfigError(
                f"band {band} Hz must satisfy 0 < low < high < {fs / 2:g} Hz (Nyquist)."
            )
        self.sampling_rate = fs
        self._sos = signal.butter(2, [lo, hi], btype="bandpass", fs=fs, output="sos")
        self._n_int = max(2, round(integration_window * fs))
        self._mwi_b = np.full(self._n_int, 1.0 / self._n_int)
        self._look = max(1, round(lookahead * fs))
        self._refractory = round(refractory * fs)
        self._learn_end = round(learning * fs)
        self._sb_factor = float(search_back)
        self._t_wave = round(t_wave_window * fs)
        self._gd = group_delay_samples(self._sos, math.sqrt(lo * hi), fs)
        self._half_win = max(1, round(0.10 * fs))
        # samples kept behind the next index to evaluate (localisation + max filter)
        self._keep = self._n_int + self._gd + self._half_win + self._look + 2
        self.reset()

    # ------------------------------------------------------------------ public API

    def reset(self) -> None:
        """Forget everything (filter states, thresholds, beats), as after construction."""
        self._bandpass = SOSFilter(self._sos)
        self._floor = 0.0  # integrated-signal level below which nothing is a candidate
        self._zi_mwi = np.zeros(self._n_int - 1)
        self._prev_bp = 0.0
        self._n_seen = 0  # samples seen so far (= absolute index of the next sample)
        self._buf0 = 0  # absolute index of the first buffered sample
        self._raw = np.zeros(0)
        self._bp = np.zeros(0)
        self._mwi = np.zeros(0)
        self._next_eval = 0  # first sample not yet tested as a candidate
        self._learning = True
        self._learn_cands: list[_Candidate] = []
        self._spk = 0.0  # running signal-peak level
        self._npk = 0.0  # running noise-peak level
        self._last: _Candidate | None = None  # last accepted beat
        self._rr: deque[int] = deque(maxlen=8)  # recent RR intervals in samples
        self._noise: list[_Candidate] = []  # noise candidates since the last beat
        self._sb_at = math.inf  # confirmation index at which search-back fires
        self._out_peaks: list[int] = []
        self._out_at: list[int] = []
        self._out_sb: list[bool] = []

    @property
    def n_samples(self) -> int:
        """Number of samples processed so far."""
        return self._n_seen

    @property
    def delay_bound(self) -> float:
        """Nominal detection delay after the learning phase, in s (search-back excluded)."""
        return (self._n_int / 2 + self._gd + self._look) / self.sampling_rate

    def process(self, x: npt.ArrayLike) -> DetectedBeats:
        """Feed the next block of samples (1-D, any unit, e.g. mV); return new beats.

        Parameters
        ----------
        x
            The next samples of the ECG channel, in order. May be empty.

        Returns
        -------
        DetectedBeats
            Beats decided while processing this block (R-peaks may lie in earlier blocks).
        """
        block = np.asarray(x, dtype=np.float64).reshape(-1)
        if block.size:
            if not np.isfinite(block).all():
                raise ConfigError(
                    "the ECG contains NaN or inf; drop or interpolate those samples first."
                )
            self._filter_and_buffer(block)
            self._scan(final=False)
        return self._take()

    def flush(self) -> DetectedBeats:
        """Decide what is pending at the end of the recording (the last ``lookahead``).

        Afterwards the detector should not be fed more samples (call :meth:`reset`).
        """
        if self._n_seen:
            self._scan(final=True)
        return self._take()

    # ------------------------------------------------------------------ filtering

    def _filter_and_buffer(self, block: _F64) -> None:
        if not self._bandpass.started:  # it starts in steady state: no step from the offset
            # rounding residue of that offset is not a QRS complex
            self._floor = (1e-9 * abs(float(block[0])) * self.sampling_rate) ** 2
        bp = self._bandpass.process(block)
        deriv = np.diff(bp, prepend=self._prev_bp) * self.sampling_rate
        self._prev_bp = float(bp[-1])
        mwi, self._zi_mwi = signal.lfilter(self._mwi_b, 1.0, deriv * deriv, zi=self._zi_mwi)
        self._n_seen += block.size
        self._raw = np.concatenate((self._raw, block))
        self._bp = np.concatenate((self._bp, bp))
        self._mwi = np.concatenate((self._mwi, mwi))

    def _trim(self) -> None:
        start = max(self._buf0, self._next_eval - self._keep)
        cut = start - self._buf0
        if cut > 0:
            self._raw = self._raw[cut:]
            self._bp = self._bp[cut:]
            self._mwi = self._mwi[cut:]
            self._buf0 = start

    # ------------------------------------------------------------------ candidates

    def _scan(self, *, final: bool) -> None:
        """Find confirmed candidates in the buffer and run the decision rules on them."""
        horizon = self._n_seen - 1  # last sample seen
        last = horizon if final else horizon - self._look
        if last >= self._next_eval:
            for cand in self._candidates(self._next_eval, last):
                self._handle(cand)
            self._next_eval = last + 1
        if self._learning and (final or self._next_eval >= self._learn_end):
            self._finish_learning(min(horizon, self._learn_end - 1 + self._look))
        while self._sb_at <= horizon:
            self._search_back(math.ceil(self._sb_at))
        self._trim()

    def _candidates(self, first: int, last: int) -> list[_Candidate]:
        mwi = self._mwi
        size = 2 * self._look + 1
        peak = ndimage.maximum_filter1d(mwi, size=size, mode="constant", cval=-np.inf)
        lo, hi = first - self._buf0, last - self._buf0 + 1
        seg = mwi[lo:hi]
        prev = mwi[lo - 1 : hi - 1] if lo > 0 else np.concatenate(([-np.inf], mwi[lo : hi - 1]))
        hit = (seg == peak[lo:hi]) & (seg > prev) & (seg > self._floor)
        rel = np.flatnonzero(hit) + lo
        return [self._describe(int(i)) for i in rel]

    def _describe(self, rel: int) -> _Candidate:
        """Localise the R-peak and measure the slope for the candidate at buffer index ``rel``."""
        w0 = max(0, rel - self._n_int)
        bp = self._bp[w0 : rel + 1]
        slope = float(np.max(np.abs(np.diff(bp)))) if bp.size > 1 else 0.0
        centre = w0 + int(np.argmax(np.abs(bp))) - self._gd
        r0 = max(0, centre - self._half_win)
        r1 = max(r0 + 1, min(rel + self._look, centre + self._half_win) + 1)
        raw = self._raw[r0:r1]
        r = r0 + int(np.argmax(np.abs(raw - np.median(raw))))
        index = rel + self._buf0
        return _Candidate(
            index=index,
            confirmed=index + self._look,
            value=float(self._mwi[rel]),
            r=r + self._buf0,
            slope=slope,
        )

    # ------------------------------------------------------------------ decisions

    @property
    def _thr1(self) -> float:
        return self._npk + 0.25 * (self._spk - self._npk)

    def _handle(self, cand: _Candidate) -> None:
        if self._learning:
            if cand.index < self._learn_end:
                self._learn_cands.append(cand)
                return
            self._finish_learning(self._learn_end - 1 + self._look)
        while self._sb_at <= cand.confirmed:
            self._search_back(math.ceil(self._sb_at))
        self._classify(cand)

    def _finish_learning(self, at: int) -> None:
        """Initialise thresholds from the learning phase and report its beats."""
        self._learning = False
        cands, self._learn_cands = self._learn_cands, []
        if not cands:
            return
        top = max(c.value for c in cands)
        noise = [c.value for c in cands if c.value <= 0.3 * top]
        self._spk = 0.5 * top
        self._npk = float(np.mean(noise)) if noise else 0.0
        for cand in cands:
            if cand.value > 0.3 * top and self._plausible(cand):
                self._accept(cand, at, search_back=False)
            elif cand.value <= 0.3 * top:
                self._noise.append(cand)

    def _plausible(self, cand: _Candidate) -> bool:
        """Refractory period and T-wave test against the last beat."""
        last = self._last
        if last is None:
            return True
        gap = cand.r - last.r
        if gap < self._refractory:
            return False
        return not (gap < self._t_wave and cand.slope < 0.5 * last.slope)

    def _classify(self, cand: _Candidate) -> None:
        last = self._last
        if last is not None and cand.r - last.r < self._refractory:
            return  # part of the last QRS complex
        if cand.value > self._thr1 and self._plausible(cand):
            self._spk = 0.125 * cand.value + 0.875 * self._spk
            self._accept(cand, cand.confirmed, search_back=False)
        else:
            self._npk = 0.125 * cand.value + 0.875 * self._npk
            if cand.value > self._thr1:
                return  # a T wave: never a search-back candidate
            self._noise.append(cand)

    def _accept(self, cand: _Candidate, at: int, *, search_back: bool) -> None:
        last = self._last
        if last is not None:
            self._rr.append(cand.r - last.r)
        self._last = cand
        self._noise = [c for c in self._noise if c.index > cand.index]
        mean_rr = float(np.mean(self._rr)) if self._rr else self.sampling_rate
        self._sb_at = cand.confirmed + self._sb_factor * mean_rr
        self._out_peaks.append(cand.r)
        self._out_at.append(max(at, cand.r))
        self._out_sb.append(search_back)

    def _search_back(self, at: int) -> None:
        """No beat for too long: take the largest noise peak above half the threshold."""
        last = self._last
        thr2 = 0.5 * self._thr1
        pool = [
            c
            for c in self._noise
            if c.value > thr2 and (last is None or c.r - last.r >= self._refractory)
        ]
        if not pool:
            self._sb_at = math.inf  # wait for the next beat
            return
        best = max(pool, key=lambda c: c.value)
        self._spk = 0.25 * best.value + 0.75 * self._spk
        self._accept(best, at, search_back=True)

    def _take(self) -> DetectedBeats:
        out = DetectedBeats(
            np.asarray(self._out_peaks, dtype=np.int64),
            np.asarray(self._out_at, dtype=np.int64),
            np.asarray(self._out_sb, dtype=bool),
        )
        self._out_peaks, self._out_at, self._out_sb = [], [], []
        return out
