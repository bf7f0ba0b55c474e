"""Causal peak picking with an adaptive threshold, shared by PPG and radar beat detection.

The picker sees a feature signal (e.g. the slope of a band-passed PPG) block by block and
gives the same peaks whatever the blocking: a sample is a candidate when it is the largest
within ``±lookahead`` and above the threshold, so it is decided ``lookahead`` after the
sample, at an index that depends only on the data.

Threshold: ``fraction × level``, where ``level`` is the median of the last 8 accepted peak
heights (initialised from the largest value of the first ``learning`` s). When no peak was
accepted for 1.8 median intervals, the threshold is halved (a simple search-back).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt
from scipy import ndimage

__all__ = ["CausalPeakPicker"]

_F64 = npt.NDArray[np.float64]


class CausalPeakPicker:
    """Streaming local-maximum detector with refractory period and adaptive threshold.

    Parameters
    ----------
    sampling_rate
        Rate of the feature signal in Hz.
    lookahead
        Half width of the local-maximum window, in s (also the decision delay).
    refractory
        Minimum interval between two peaks, in s.
    fraction
        Threshold as a fraction of the typical peak height.
    learning
        Length of the initial phase that sets the first threshold, in s.
    history
        Samples of the feature kept before the next undecided sample (for callers that
        refine peak positions in their own buffers; at least the lookahead).
    """

    def __init__(
        self,
        sampling_rate: float,
        *,
        lookahead: float = 0.25,
        refractory: float = 0.3,
        fraction: float = 0.45,
        learning: float = 3.0,
    ) -> None:
        fs = float(sampling_rate)
        self._look = max(1, round(lookahead * fs))
        self._refr = max(1, round(refractory * fs))
        self._fraction = float(fraction)
        self._learn = max(self._look + 1, round(learning * fs))
        self._buf = np.zeros(0)
        self._buf0 = 0  # absolute index of _buf[0]
        self._n = 0
        self._next = 0  # first sample not yet evaluated
        self._heights: deque[float] = deque(maxlen=8)
        self._intervals: deque[int] = deque(maxlen=8)
        self._last: int | None = None

    @property
    def delay(self) -> int:
        """Decision delay in samples."""
        return self._look

    def process(self, feature: _F64, *, final: bool = False) -> list[int]:
        """Feed the next samples of the feature; return absolute indices of new peaks."""
        self._buf = np.concatenate((self._buf, feature))
        self._n += feature.size
        if self._n < self._learn and not final:
            return []
        if not self._heights:
            head = self._buf[: self._learn - self._buf0]
            if head.size == 0 or float(head.max()) <= 0:
                return self._skip_learning(final)
            self._heights.append(float(head.max()))
        last = self._n - 1 if final else self._n - 1 - self._look
        out: list[int] = []
        if last >= self._next:
            out = self._scan(self._next, last)
            self._next = last + 1
        cut = max(0, self._next - self._look - 1 - self._buf0)
        self._buf = self._buf[cut:]
        self._buf0 += cut
        return out

    def _skip_learning(self, final: bool) -> list[int]:
        """A flat start (no positive value yet): keep waiting with a bounded buffer."""
        if not final and self._buf.size > 4 * self._learn:
            drop = self._buf.size - self._learn
            self._buf = self._buf[drop:]
            self._buf0 += drop
            self._learn = self._buf0 + self._learn
            self._next = self._buf0
        return []

    def _scan(self, first: int, last: int) -> list[int]:
        buf = self._buf
        peak = ndimage.maximum_filter1d(buf, 2 * self._look + 1, mode="constant", cval=-np.inf)
        lo, hi = first - self._buf0, last - self._buf0 + 1
        seg = buf[lo:hi]
        prev = np.concatenate(([-np.inf], buf[:-1]))[lo:hi]
        cand = np.flatnonzero((seg == peak[lo:hi]) & (seg > prev) & (seg > 0)) + lo
        out = []
        for rel in cand.tolist():
            index = rel + self._buf0
            if self._accept(index, float(buf[rel])):
                out.append(index)
        return out

    def _accept(self, index: int, value: float) -> bool:
        thr = self._fraction * float(np.median(self._heights))
        last = self._last
        if last is not None:
            gap = index - last
            if gap < self._refr:
                return False
            if self._intervals and gap > 1.8 * float(np.median(self._intervals)):
                thr *= 0.5
        if value < thr:
            return False
        if last is not None and index - last < 3 * self._refr * 4:
            self._intervals.append(index - last)
        self._heights.append(value)
        self._last = index
        return True
