"""Ectopic and artefact correction of RR intervals before HRV (robust, median-based).

Each interval is compared with the **local median** of the intervals around it (a centred
running median over ``window`` intervals, 11 by default), and classified, in this order:

``ectopic``
    a premature beat: a short interval (< ``1 − threshold`` × median) followed by a long one
    (> ``1 + threshold/2`` × median) whose sum is within ``threshold`` of two medians (the
    compensatory pause). The premature beat is moved to the middle of its neighbours: both
    intervals become their mean (the sum, hence every later beat time, is kept).
``missed``
    an interval of about k medians (k = 2, 3; within ``threshold`` × median of k medians):
    a beat was not detected. It is split into k equal intervals.
``extra``
    two successive short intervals whose sum is within ``threshold`` of one median: a false
    detection between two beats. They are merged into one.
``other``
    any remaining interval off the median by more than ``threshold``: replaced by the local
    median (interpolation).

This follows the logic of Lipponen & Tarvainen (2019) — ectopic/missed/extra classes from
the deviation to a local reference, then beat-time interpolation — with a simpler
fixed relative threshold instead of their time-varying one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from heartmind.errors import ConfigError

__all__ = ["RR_CORRECTION_KINDS", "rr_correct"]

_F64 = npt.NDArray[np.float64]

#: Classes of corrected intervals, as counted in the info dict of :func:`rr_correct`.
RR_CORRECTION_KINDS: tuple[str, ...] = ("ectopic", "missed", "extra", "other")


def rr_correct(
    rr: npt.ArrayLike, *, threshold: float = 0.2, window: int = 11
) -> tuple[_F64, dict[str, Any]]:
    """Detect and correct ectopic, missed, extra and other artefactual RR intervals.

    Parameters
    ----------
    rr
        RR intervals in ms (any positive unit works; thresholds are relative).
    threshold
        Relative deviation from the local median beyond which an interval is abnormal
        (default 0.2 = 20 %).
    window
        Length of the centred running median, in intervals (odd, ≥ 3).

    Returns
    -------
    corrected : numpy.ndarray
        NN intervals in ms; one shorter per merged extra beat, longer per split interval.
    info : dict
        ``"n_corrected"``: original intervals changed (or removed); one count per class in
        :data:`RR_CORRECTION_KINDS`; ``"flags"``: per original interval, the class name or
        ``""``.
    """
    x = np.asarray(rr, dtype=np.float64).reshape(-1)
    if not 0.0 < threshold < 0.5:
        raise ConfigError(f"rr_correct: threshold must be in (0, 0.5), got {threshold}.")
    if window < 3:
        raise ConfigError(f"rr_correct: window must be at least 3 intervals, got {window}.")
    flags = np.full(x.size, "", dtype=object)
    if x.size < 3:
        return x.copy(), _info(flags)
    med = ndimage.median_filter(x, size=window | 1, mode="nearest")
    rel = x / med
    if not (np.abs(rel - 1.0) > threshold).any():
        return x.copy(), _info(flags)
    out: list[float] = []
    i = 0
    while i < x.size:
        i = _classify(x, med, rel, i, threshold, flags, out)
    return np.asarray(out, dtype=np.float64), _info(flags)


def _classify(
    x: _F64, med: _F64, rel: _F64, i: int, thr: float, flags: npt.NDArray[Any], out: list[float]
) -> int:
    """Append the corrected value(s) for interval ``i``; return the next index to look at."""
    m = med[i]
    if abs(rel[i] - 1.0) <= thr:
        out.append(float(x[i]))
        return i + 1
    has_next = i + 1 < x.size
    pair = float(x[i] + x[i + 1]) if has_next else np.nan
    if rel[i] < 1.0 - thr and has_next:
        if x[i + 1] > (1.0 + thr / 2) * m and abs(pair - 2 * m) <= thr * 2 * m:
            flags[i] = flags[i + 1] = "ectopic"
            out.extend([pair / 2, pair / 2])
            return i + 2
        if x[i + 1] < (1.0 - thr) * m and abs(pair - m) <= thr * m:
            flags[i] = flags[i + 1] = "extra"
            out.append(pair)
            return i + 2
    k = round(rel[i])
    if k in (2, 3) and abs(x[i] - k * m) <= thr * m:
        flags[i] = "missed"
        out.extend([float(x[i]) / k] * k)
        return i + 1
    flags[i] = "other"
    out.append(float(m))
    return i + 1


def _info(flags: npt.NDArray[Any]) -> dict[str, Any]:
    counts = {kind: int(np.count_nonzero(flags == kind)) for kind in RR_CORRECTION_KINDS}
    return {"n_corrected": int(np.count_nonzero(flags != "")), **counts, "flags": flags}
