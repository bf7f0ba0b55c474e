"""Sample index → timestamp of one regularly sampled stream."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from .ring_buffer import RingBuffer

__all__ = ["Timeline"]


class Timeline:
    """Timestamps of the last ``history`` s of one regularly sampled stream.

    A detector works in sample indices (absolute: counted from the stream's first sample);
    the timeline turns them back into timestamps on the session clock (s), from the real
    timestamps of recent samples, so jitter and clock corrections carry through.

    Parameters
    ----------
    rate
        Nominal sampling rate in Hz.
    history
        Seconds of timestamps kept; older indices (and indices not yet seen) are
        extrapolated at the nominal rate from the nearest end.

    Examples
    --------
    >>> tl = Timeline(100.0)
    >>> tl.store(np.array([10.00, 10.01, 10.02]))
    >>> tl.time_of(1.5)  # halfway between samples 1 and 2
    10.015
    """

    def __init__(self, rate: float, history: float = 30.0) -> None:
        self.rate = float(rate)
        self._ts = RingBuffer(max(16, math.ceil(history * rate)))
        #: Timestamp (s) of the last sample stored; NaN before the first.
        self.last = math.nan

    @property
    def n(self) -> int:
        """Number of samples stored so far (absolute index of the next sample)."""
        return self._ts.n

    def store(self, timestamps: npt.NDArray[np.float64]) -> None:
        """Append the timestamps (s) of the next samples."""
        self._ts.append(timestamps)
        if timestamps.size:
            self.last = float(timestamps[-1])

    def time_of(self, index: float) -> float:
        """Timestamp in s of absolute (fractional) sample ``index``.

        Between two held samples the time is interpolated linearly; before the oldest held
        sample and after the last one it is extrapolated at the nominal rate.
        """
        i0 = math.floor(index)
        frac = index - i0
        t = self._at(i0)
        if frac:
            t += frac * (self._at(i0 + 1) - t) if i0 + 1 < self.n else frac / self.rate
        return t

    def times(self, first: int, count: int) -> npt.NDArray[np.float64]:
        """Timestamps (s) of ``count`` consecutive samples from absolute index ``first``."""
        return np.array([self._at(first + i) for i in range(count)], dtype=np.float64)

    def _at(self, i: int) -> float:
        i = max(i, 0)
        n = self._ts.n
        if i >= n:
            return self.last + (i - n + 1) / self.rate
        if self._ts.holds(i):
            return self._ts.at(i)
        return self.last - (n - 1 - i) / self.rate
