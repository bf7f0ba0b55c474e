"""Heart-rate variability from NN intervals, vectorised (NeuroKit2-shaped offline functions).

Every function takes RR/NN intervals in **ms** (``rr``), or R-peak sample indices
(``peaks``) with their ``sampling_rate`` in Hz, and returns a dict of ``HRV_<Name>`` values
named as in NeuroKit2 (``HRV_MeanNN``, ``HRV_SDNN``, ``HRV_RMSSD``, ``HRV_pNN50``,
``HRV_LF``, ``HRV_HF``, ``HRV_LFHF``, ``HRV_SD1``, ``HRV_SD2``) plus ``HRV_SI`` (Baevsky).

Definitions (the same as NeuroKit2 0.2's, so values agree to rounding where stated):

* **time domain**: MeanNN, SDNN (``ddof=1``), RMSSD (root mean of the squared successive
  differences), pNN50 = #(|ΔNN| > 50 ms) / #NN × 100 (NeuroKit2's denominator), in ms / %;
* **frequency domain** (≥ 2 min of intervals): the NN series, placed at its beat times, is
  resampled to 4 Hz with a quadratic spline (NeuroKit2: quadratic at 100 Hz — below
  0.5 Hz the two agree), the mean removed, and its Welch PSD taken with a Hann window of
  half the series, 50 % overlap, zero-padded to twice the window, no detrending (NeuroKit2's
  defaults); LF = ∫ 0.04–0.15 Hz, HF = ∫ 0.15–0.4 Hz (trapezoid over bins ``lo ≤ f < hi``),
  in ms². NeuroKit2 normalises the PSD to its maximum unless ``normalize=False``; compare
  with that. Measured agreement on simulated 5-min series: LF, HF within 3 %, LF/HF within
  3 % (``tests/cardiac/test_cardiac_hrv.py``);
* **Poincaré**: SD1 = std((NNᵢ − NNᵢ₊₁)/√2), SD2 = std((NNᵢ + NNᵢ₊₁)/√2), ``ddof=1``, ms;
* **Baevsky stress index** (not in NeuroKit2): a histogram of the NN intervals in 50 ms
  bins aligned to multiples of 50 ms; Mo = centre of the fullest bin (the shortest one on a
  tie) in s, AMo = share of intervals in that bin in %, MxDMn = max − min NN in s;
  ``SI = AMo / (2 · Mo · MxDMn)`` (dimensionless as conventionally reported, s⁻²·%).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import interpolate, signal

from heartmind.errors import ConfigError

from ._rr_correction import rr_correct

__all__ = [
    "FREQUENCY_BANDS",
    "MIN_WINDOW_FREQUENCY",
    "hrv_baevsky",
    "hrv_frequency",
    "hrv_nonlinear",
    "hrv_poincare",
    "hrv_summary",
    "hrv_time",
    "rr_from_peaks",
]

log = logging.getLogger(__name__)

_F64 = npt.NDArray[np.float64]

#: Frequency bands in Hz.
FREQUENCY_BANDS: dict[str, tuple[float, float]] = {"LF": (0.04, 0.15), "HF": (0.15, 0.4)}
#: Shortest series (s) for which frequency-domain values are computed.
MIN_WINDOW_FREQUENCY = 120.0
#: Resampling rate of the NN series for the PSD, in Hz.
RESAMPLING_RATE = 4.0
#: Histogram bin width of the Baevsky stress index, in ms.
BAEVSKY_BIN = 50.0


def rr_from_peaks(peaks: npt.ArrayLike, sampling_rate: float) -> _F64:
    """RR intervals in ms from increasing R-peak sample indices at ``sampling_rate`` Hz."""
    idx = np.asarray(peaks, dtype=np.float64).reshape(-1)
    return np.diff(idx) * (1000.0 / float(sampling_rate))


def _intervals(
    rr: npt.ArrayLike | None, peaks: npt.ArrayLike | None, sampling_rate: float, need: int
) -> _F64:
    """Validated NN intervals in ms from either ``rr`` (ms) or ``peaks`` (samples)."""
    if (rr is None) == (peaks is None):
        raise ConfigError("HRV: give either rr (intervals in ms) or peaks (sample indices).")
    if rr is None:
        assert peaks is not None
        x = rr_from_peaks(peaks, sampling_rate)
    else:
        x = np.asarray(rr, dtype=np.float64)
    x = x.reshape(-1)
    if not np.isfinite(x).all() or (x.size and x.min() <= 0):
        raise ConfigError(
            "HRV: intervals must be finite and positive (ms); drop NaN/zero intervals first."
        )
    if x.size < need:
        raise ConfigError(
            f"HRV: needs at least {need} intervals, got {x.size}; use a longer window."
        )
    if x.size and float(np.median(x)) < 10.0:
        log.warning(
            "HRV: median interval %.3g looks like seconds; intervals are in ms", np.median(x)
        )
    return x


def hrv_time(
    rr: npt.ArrayLike | None = None,
    *,
    peaks: npt.ArrayLike | None = None,
    sampling_rate: float = 1000.0,
) -> dict[str, float]:
    """Time-domain HRV.

    Parameters
    ----------
    rr
        NN intervals in ms (or give ``peaks``).
    peaks
        R-peak sample indices, increasing.
    sampling_rate
        Sampling rate of ``peaks`` in Hz.

    Returns
    -------
    dict
        ``HRV_MeanNN``, ``HRV_SDNN``, ``HRV_RMSSD`` (ms) and ``HRV_pNN50`` (%).
    """
    x = _intervals(rr, peaks, sampling_rate, need=3)
    diff = np.diff(x)
    return {
        "HRV_MeanNN": float(x.mean()),
        "HRV_SDNN": float(x.std(ddof=1)),
        "HRV_RMSSD": float(math.sqrt(float(np.mean(diff * diff)))),
        "HRV_pNN50": float(np.count_nonzero(np.abs(diff) > 50.0) / x.size * 100.0),
    }


def hrv_frequency(
    rr: npt.ArrayLike | None = None,
    *,
    peaks: npt.ArrayLike | None = None,
    sampling_rate: float = 1000.0,
    resampling_rate: float = RESAMPLING_RATE,
) -> dict[str, float]:
    """Frequency-domain HRV (LF, HF in ms², LF/HF) by resampling and Welch's method.

    Parameters
    ----------
    rr, peaks, sampling_rate
        As for :func:`hrv_time`; the series should cover at least 2 min.
    resampling_rate
        Rate in Hz the NN series is resampled to (default 4 Hz, as Kubios).

    Returns
    -------
    dict
        ``HRV_LF``, ``HRV_HF`` (ms²) and ``HRV_LFHF``; NaN where a band holds no power.
    """
    x = _intervals(rr, peaks, sampling_rate, need=4)
    t = np.cumsum(x) / 1000.0  # beat times in s (end of each interval)
    n = math.floor((t[-1] - t[0]) * resampling_rate) + 1
    grid = t[0] + np.arange(n) / resampling_rate
    series = interpolate.make_interp_spline(t, x, k=2)(grid)
    series = series - series.mean()
    nper = max(8, series.size // 2)
    freq, psd = signal.welch(
        series,
        fs=resampling_rate,
        window="hann",
        nperseg=nper,
        nfft=2 * nper,
        detrend=False,
        scaling="density",
        average="mean",
    )
    out: dict[str, float] = {}
    for name, (lo, hi) in FREQUENCY_BANDS.items():
        sel = (freq >= lo) & (freq < hi)
        power = float(np.trapezoid(psd[sel], freq[sel])) if sel.sum() > 1 else 0.0
        out[f"HRV_{name}"] = power if power > 0 else math.nan
    out["HRV_LFHF"] = out["HRV_LF"] / out["HRV_HF"]
    return out


def hrv_poincare(
    rr: npt.ArrayLike | None = None,
    *,
    peaks: npt.ArrayLike | None = None,
    sampling_rate: float = 1000.0,
) -> dict[str, float]:
    """Poincaré descriptors SD1, SD2 (ms) and SD1/SD2, as NeuroKit2's ``hrv_nonlinear``."""
    x = _intervals(rr, peaks, sampling_rate, need=3)
    a, b = x[:-1], x[1:]
    sd1 = float(np.std((a - b) / math.sqrt(2.0), ddof=1))
    sd2 = float(np.std((a + b) / math.sqrt(2.0), ddof=1))
    return {"HRV_SD1": sd1, "HRV_SD2": sd2, "HRV_SD1SD2": sd1 / sd2 if sd2 > 0 else math.nan}


#: NeuroKit2-style alias: the nonlinear indices heartmind computes are the Poincaré ones.
hrv_nonlinear = hrv_poincare


def hrv_baevsky(
    rr: npt.ArrayLike | None = None,
    *,
    peaks: npt.ArrayLike | None = None,
    sampling_rate: float = 1000.0,
    bin_width: float = BAEVSKY_BIN,
) -> dict[str, float]:
    """Baevsky stress index ``SI = AMo / (2 · Mo · MxDMn)``.

    Parameters
    ----------
    rr, peaks, sampling_rate
        As for :func:`hrv_time`.
    bin_width
        Histogram bin width in ms (default 50 ms); bins are aligned to multiples of it.

    Returns
    -------
    dict
        ``HRV_SI``, and its parts ``HRV_Mo`` (s, centre of the fullest bin), ``HRV_AMo``
        (%, share of intervals in that bin) and ``HRV_MxDMn`` (s, range of the intervals).
        ``HRV_SI`` is NaN when all intervals are equal (MxDMn = 0).
    """
    x = _intervals(rr, peaks, sampling_rate, need=2)
    bins = np.floor(x / bin_width).astype(np.int64)
    first = int(bins.min())
    counts = np.bincount(bins - first)
    k = int(np.argmax(counts))  # argmax takes the first (shortest) bin on a tie
    mo = (first + k + 0.5) * bin_width / 1000.0
    amo = float(counts[k]) / x.size * 100.0
    mxdmn = float(x.max() - x.min()) / 1000.0
    si = amo / (2.0 * mo * mxdmn) if mxdmn > 0 else math.nan
    return {"HRV_SI": si, "HRV_Mo": mo, "HRV_AMo": amo, "HRV_MxDMn": mxdmn}


def hrv_summary(
    rr: npt.ArrayLike | None = None,
    *,
    peaks: npt.ArrayLike | None = None,
    sampling_rate: float = 1000.0,
    correct: bool = True,
    min_window_frequency: float = MIN_WINDOW_FREQUENCY,
) -> tuple[dict[str, float], dict[str, Any]]:
    """One HRV update: artefact correction, then time, frequency, Poincaré and Baevsky.

    Parameters
    ----------
    rr, peaks, sampling_rate
        As for :func:`hrv_time`.
    correct
        Correct ectopic, missed and extra beats first (:func:`~.rr.rr_correct`).
    min_window_frequency
        Frequency-domain values are computed only when the intervals span at least this
        many s (default 120 s); otherwise ``HRV_LF``, ``HRV_HF``, ``HRV_LFHF`` are NaN.

    Returns
    -------
    values : dict
        The ``HRV_*`` values of :func:`hrv_time`, :func:`hrv_frequency`,
        :func:`hrv_poincare` and :func:`hrv_baevsky` (``HRV_SI``).
    info : dict
        ``"n_corrected"`` (intervals changed by the correction), ``"n_beats"`` (NN
        intervals used), ``"window"`` (s spanned by them), ``"rr"`` (the NN intervals used,
        ms) and ``"correction"`` (the info of :func:`~.rr.rr_correct`).
    """
    x = _intervals(rr, peaks, sampling_rate, need=3)
    corr: dict[str, Any] = {"n_corrected": 0}
    if correct:
        x, corr = rr_correct(x)
    span = float(x.sum()) / 1000.0
    values = hrv_time(x)
    values.update(hrv_poincare(x))
    values["HRV_SI"] = hrv_baevsky(x)["HRV_SI"]
    if span >= min_window_frequency and x.size >= 4:
        values.update(hrv_frequency(x))
    else:
        values.update({"HRV_LF": math.nan, "HRV_HF": math.nan, "HRV_LFHF": math.nan})
    info = {
        "n_corrected": int(corr["n_corrected"]),
        "n_beats": int(x.size),
        "window": span,
        "rr": x,
        "correction": corr,
    }
    return values, info
