"""Per-stream bookkeeping shared by the physio, radar and EEG processors.

* :class:`Timeline` maps absolute sample indices (fractional allowed) of one stream to
  timestamps on the session clock, from a ring buffer of recent timestamps;
* :func:`resolve_channel` (``heartmind.streams.channel_index``) turns the ``channel``
  option into a column index;
* :func:`run_blocks` feeds a streaming core an array in blocks (offline functions use it,
  so an offline analysis runs exactly the code a live session runs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError
from heartmind.streams import channel_index as resolve_channel

__all__ = ["GAP_RESET", "Timeline", "check_signal", "resolve_channel", "run_blocks"]

#: A jump in timestamps longer than this (s) restarts processing of a stream.
GAP_RESET = 1.0

T = TypeVar("T")


class Timeline:
    """Timestamps of the last ``history`` s of one regularly sampled stream.

    Parameters
    ----------
    rate
        Nominal sampling rate in Hz.
    history
        Seconds of timestamps kept; older indices are extrapolated at the nominal rate.
    """

    def __init__(self, rate: float, history: float = 30.0) -> None:
        self.rate = float(rate)
        self._ts = np.zeros(max(16, math.ceil(history * rate)))
        self.n = 0  # samples stored so far
        self.last = math.nan

    def store(self, timestamps: npt.NDArray[np.float64]) -> None:
        """Append the timestamps (s) of the next samples."""
        cap = self._ts.size
        keep = timestamps[-cap:]
        start = self.n + timestamps.size - keep.size
        self._ts[np.arange(start, start + keep.size) % cap] = keep
        self.n += timestamps.size
        if timestamps.size:
            self.last = float(timestamps[-1])

    def time_of(self, index: float) -> float:
        """Timestamp in s of absolute (fractional) sample ``index``."""
        i0 = math.floor(index)
        frac = index - i0
        t = self._at(i0)
        if frac:
            t += frac * (self._at(i0 + 1) - t) if i0 + 1 < self.n else frac / self.rate
        return t

    def _at(self, i: int) -> float:
        i = max(i, 0)
        if i >= self.n:
            return self.last + (i - self.n + 1) / self.rate
        if self.n - i <= self._ts.size:
            return float(self._ts[i % self._ts.size])
        return self.last - (self.n - 1 - i) / self.rate


def check_signal(x: npt.ArrayLike, who: str, ndim: int = 1) -> npt.NDArray[np.float64]:
    """``x`` as a finite float64 array of ``ndim`` dimensions, or a :class:`ConfigError`."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != ndim:
        what = "1-D (one channel)" if ndim == 1 else f"{ndim}-D"
        raise ConfigError(f"{who}: the signal must be {what}, got shape {arr.shape}.")
    if not np.isfinite(arr).all():
        raise ConfigError(f"{who}: the signal contains NaN or inf; interpolate them first.")
    return arr


def check_rate(sampling_rate: float, who: str, lo: float, hi: float = 1e5) -> float:
    """``sampling_rate`` as float if within ``[lo, hi]`` Hz, else a :class:`ConfigError`."""
    fs = float(sampling_rate)
    if not (math.isfinite(fs) and lo <= fs <= hi):
        raise ConfigError(
            f"{who}: sampling rate {sampling_rate!r} Hz is outside the supported "
            f"{lo:g}–{hi:g} Hz; resample the signal."
        )
    return fs


def check_method(method: str, valid: tuple[str, ...], who: str) -> None:
    """Raise :class:`ConfigError` (a ``ValueError``) for an unknown ``method``."""
    if method not in valid:
        raise ConfigError(f"{who}: unknown method {method!r}; valid methods: {', '.join(valid)}.")


def run_blocks(
    feed: Callable[[npt.NDArray[np.float64]], T],
    x: npt.NDArray[np.float64],
    chunk_size: int | None,
    who: str,
) -> list[T]:
    """Call ``feed`` on consecutive blocks of ``x`` (along axis 0) of ``chunk_size`` samples."""
    step = x.shape[0] if chunk_size is None else int(chunk_size)
    if step < 1:
        if x.shape[0] == 0:
            return []
        raise ConfigError(f"{who}: chunk_size must be >= 1, got {chunk_size}.")
    return [feed(x[i : i + step]) for i in range(0, x.shape[0], step)]
