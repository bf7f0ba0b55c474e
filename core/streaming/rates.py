"""Event rates from event times: per event (instantaneous) and over trailing windows."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["instantaneous_rate", "windowed_rate"]

_F64 = npt.NDArray[np.float64]


def instantaneous_rate(
    indices: npt.ArrayLike, sampling_rate: float, min_interval: float, max_interval: float
) -> _F64:
    """Rate per minute at each event from the interval to the previous one.

    Parameters
    ----------
    indices
        Event times in (fractional) samples, increasing.
    sampling_rate
        Sampling rate in Hz.
    min_interval, max_interval
        Plausible intervals in s; outside ``[min_interval, max_interval]`` the rate is NaN.

    Returns
    -------
    numpy.ndarray
        One value per event, per minute (bpm for beats); the first event is NaN.
    """
    idx = np.asarray(indices, dtype=np.float64)
    rate = np.full(idx.shape, np.nan)
    if idx.size > 1:
        ii = np.diff(idx) / float(sampling_rate)
        ok = (ii >= min_interval) & (ii <= max_interval)
        rate[1:][ok] = 60.0 / ii[ok]
    return rate


def windowed_rate(times: npt.ArrayLike, at: npt.ArrayLike, window: float) -> _F64:
    """Event rate per minute at times ``at`` from event ``times`` (both in s).

    The rate at ``t`` is ``60 / mean interval`` of the intervals whose end lies in
    ``(t - window, t]``; NaN where there is none.
    """
    ev = np.asarray(times, dtype=np.float64)
    grid = np.asarray(at, dtype=np.float64)
    out = np.full(grid.shape, np.nan)
    if ev.size < 2:
        return out
    ends, lengths = ev[1:], np.diff(ev)
    for i, t in enumerate(grid.tolist()):
        sel = lengths[(ends > t - window) & (ends <= t)]
        if sel.size:
            out[i] = 60.0 / float(sel.mean())
    return out
