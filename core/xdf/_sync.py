"""Clock synchronisation and jitter removal, following pyxdf's algorithms.

* Clock synchronisation fits ``offset = a + b * time`` to a stream's ClockOffset
  measurements with a robust (Huber, ADMM) regression, separately within each range
  between detected clock resets, and adds the fitted offset to every timestamp.
* Jitter removal replaces the timestamps of a regular stream by a least-squares line
  over the sample index, separately within each segment between breaks (a pause longer
  than ``max(1 s, 500 samples)``).
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt

__all__ = ["dejitter", "synchronize"]

logger = logging.getLogger(__name__)

_WINSOR = 0.0001  # s; offsets beyond this from the fit are treated as outliers


def _robust_fit(a: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Huber-loss linear regression by ADMM (1000 iterations, rho = 1), as pyxdf."""
    a = a.copy()
    shift = float(np.min(a[:, 1]))
    a[:, 1] -= shift
    aty = a.T @ y
    lower = np.linalg.cholesky(a.T @ a)
    upper = lower.T
    z = np.zeros_like(y)
    u = z
    x = np.zeros(2)
    for _ in range(1000):
        x = np.linalg.solve(upper, np.linalg.solve(lower, aty + a.T @ (z - u)))
        d = a @ x - y + u
        d_inv = np.zeros_like(d)
        np.divide(1, d, out=d_inv, where=d != 0)
        tmp = np.maximum(0, 1 - 2 * np.abs(d_inv))
        z = 0.5 * d + 0.5 * tmp * d
        u = d - z
    x[0] -= x[1] * shift
    return x


def _outliers(diff: npt.NDArray[np.float64], stds: float, secs: float) -> npt.NDArray[np.bool_]:
    shifted = diff - np.median(diff)
    mad = np.median(np.abs(shifted)) + np.finfo(float).eps
    outliers: npt.NDArray[np.bool_] = (np.abs(shifted / mad) > stds) & (np.abs(shifted) > secs)
    return outliers


def _reset_ranges(
    times: npt.NDArray[np.float64], values: npt.NDArray[np.float64]
) -> list[tuple[int, int]]:
    """Inclusive index ranges of clock offsets between detected clock resets."""
    if times.shape[0] < 2:
        return [(0, times.shape[0] - 1)]
    time_diff = np.diff(times)
    resets = (time_diff < 0) | (_outliers(time_diff, 5, 5) & _outliers(np.diff(values), 10, 1))
    breaks = np.flatnonzero(resets)
    starts = [0, *(breaks + 1).tolist()]
    stops = [*breaks.tolist(), times.shape[0] - 1]
    return list(zip(starts, stops, strict=True))


def _fit(
    times: npt.NDArray[np.float64], values: npt.NDArray[np.float64], lo: int, hi: int
) -> tuple[float, float]:
    if lo == hi:
        return float(values[lo]), 0.0
    x = np.column_stack([np.ones(hi + 1 - lo), times[lo : hi + 1] / _WINSOR])
    try:
        coef = _robust_fit(x, values[lo : hi + 1] / _WINSOR)
    except np.linalg.LinAlgError:
        logger.warning("clock offsets %d..%d cannot be fitted; not applied.", lo, hi)
        return 0.0, 0.0
    return float(coef[0]) * _WINSOR, float(coef[1])


def synchronize(
    stamps: npt.NDArray[np.float64],
    times: npt.NDArray[np.float64],
    values: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Timestamps moved onto the recorder's clock using the stream's clock offsets (s)."""
    if stamps.shape[0] == 0 or times.shape[0] == 0:
        return stamps
    ranges = _reset_ranges(times, values)
    coefs = [_fit(times, values, lo, hi) for lo, hi in ranges]
    out = stamps.copy()
    if len(ranges) == 1:
        return out + (coefs[0][0] + coefs[0][1] * out)
    start = 0
    for (intercept, slope), (_, hi) in zip(coefs, ranges, strict=True):
        if hi + 1 < times.shape[0]:
            rest = out[start:]
            closer = np.abs(rest - times[hi]) < np.abs(rest - times[hi + 1])
            stop = start + (closer.shape[0] if closer.all() else int(np.argmin(closer)))
        else:
            stop = out.shape[0]
        part = out[start:stop]
        out[start:stop] = part + (intercept + slope * part)
        start = stop
    return out


def dejitter(
    stamps: npt.NDArray[np.float64],
    rate: float,
    *,
    break_seconds: float = 1.0,
    break_samples: int = 500,
) -> tuple[npt.NDArray[np.float64], float]:
    """Least-squares regular timestamps of a regular stream, and its effective rate (Hz).

    Segments are split where consecutive timestamps are more than
    ``max(break_seconds, break_samples / rate)`` apart; each gets its own line.
    """
    n = stamps.shape[0]
    if n == 0 or rate <= 0:
        return stamps, 0.0
    breaks = np.flatnonzero(np.abs(np.diff(stamps)) > max(break_seconds, break_samples / rate))
    starts = np.concatenate(([0], breaks + 1))
    stops = np.concatenate((breaks, [n - 1]))
    out = stamps.copy()
    for lo, hi in zip(starts.tolist(), stops.tolist(), strict=True):
        idx = np.arange(lo, hi + 1, dtype=np.float64)
        x = np.column_stack([np.ones_like(idx), idx])
        coef = np.linalg.lstsq(x, stamps[lo : hi + 1], rcond=-1)[0]
        out[lo : hi + 1] = coef[0] + coef[1] * idx
    counts = stops + 1 - starts
    durations = out[stops] - out[starts]
    effective = float(np.sum(counts - 1) / np.sum(durations)) if np.any(counts > 1) else 0.0
    if effective and abs(rate - effective) / rate > 0.1:
        logger.warning("effective rate %.4f Hz differs from the nominal %.4f Hz.", effective, rate)
    return out, effective
