"""Confidence intervals for results across subjects or resamples (numpy and scipy).

* :func:`mean_ci` — the mean of per-subject results with a Student-t interval;
* :func:`bootstrap_ci` — any metric on pooled samples with a percentile bootstrap
  interval, resampling samples or whole subjects.

Both drop ``nan`` values (an undefined metric, see :mod:`heartmind.models.metrics`) and
report how many they dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._metric_checks import MetricError

__all__ = ["Estimate", "bootstrap_ci", "mean_ci"]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval.

    Attributes
    ----------
    value
        The estimate (mean, or the metric on all data); ``nan`` when undefined.
    low, high
        Bounds of the interval; ``nan`` when it cannot be estimated (fewer than two
        values, or fewer than two defined resamples).
    confidence
        Coverage of the interval (e.g. 0.95).
    n
        Number of values (subjects) or defined resamples used.
    dropped
        Number of ``nan`` values or resamples left out.
    """

    value: float
    low: float
    high: float
    confidence: float
    n: int
    dropped: int

    def __str__(self) -> str:
        pct = round(100 * self.confidence)
        return f"{self.value:.3f} ({pct}% CI {self.low:.3f}–{self.high:.3f}, n={self.n})"


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise MetricError(f"confidence = {confidence}; give a number between 0 and 1 (0.95).")


def mean_ci(values: npt.ArrayLike, *, confidence: float = 0.95) -> Estimate:
    """Mean of ``values`` (e.g. one AUROC per subject) with a Student-t interval.

    mean ± t₍₁₊c₎/₂,ₙ₋₁ · s / √n with s the sample standard deviation (ddof = 1).
    ``nan`` values are dropped and counted; no value left gives ``nan`` everywhere, one
    value gives ``nan`` bounds.
    """
    from scipy.stats import t as student_t

    _check_confidence(confidence)
    x = np.asarray(values, dtype=np.float64).ravel()
    defined = x[~np.isnan(x)]
    n, dropped = int(defined.size), int(x.size - defined.size)
    nan = float("nan")
    if n == 0:
        return Estimate(nan, nan, nan, confidence, 0, dropped)
    mean = float(defined.mean())
    if n == 1:
        return Estimate(mean, nan, nan, confidence, 1, dropped)
    half = float(student_t.ppf((1 + confidence) / 2, n - 1)) * float(defined.std(ddof=1))
    half /= math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, confidence, n, dropped)


def bootstrap_ci(
    metric: Callable[..., float],
    *arrays: npt.ArrayLike,
    groups: npt.ArrayLike | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Estimate:
    """A metric on all samples with a percentile bootstrap interval.

    Parameters
    ----------
    metric
        Called as ``metric(*arrays)`` on the data and on each resample, e.g.
        :func:`heartmind.models.metrics.auroc` with ``(y_true, y_score)``.
    *arrays
        Arrays with one row per sample, resampled together.
    groups
        Subject of each sample: whole subjects are resampled (a cluster bootstrap), so the
        interval reflects variation between subjects. Default: samples are resampled.
    n_resamples, confidence, seed
        Number of resamples, coverage (0–1) and the random seed (deterministic).

    Returns
    -------
    Estimate
        ``value`` = metric on all data; bounds = percentiles of the defined resamples
        (a resample where the metric is ``nan``, e.g. one class only, is dropped and
        counted in ``dropped``).
    """
    _check_confidence(confidence)
    data = [np.asarray(a) for a in arrays]
    if not data:
        raise MetricError("bootstrap_ci needs the metric's input arrays.")
    n = len(data[0])
    if any(len(a) != n for a in data):
        raise MetricError("the arrays have different numbers of rows; give one row per sample.")
    units = _units(groups, n)
    rng = np.random.default_rng(seed)
    stats = np.array([_resample(metric, data, units, rng) for _ in range(n_resamples)])
    defined = stats[~np.isnan(stats)]
    value = float(metric(*data)) if n else float("nan")
    low = high = float("nan")
    if defined.size >= 2:
        tails = [(1 - confidence) / 2, (1 + confidence) / 2]
        low, high = (float(q) for q in np.quantile(defined, tails))
    return Estimate(value, low, high, confidence, int(defined.size), int(stats.size - defined.size))


def _units(groups: npt.ArrayLike | None, n: int) -> list[npt.NDArray[np.int64]] | int:
    """Sample count (resample rows) or the rows of each group (resample groups)."""
    if groups is None:
        return n
    g = np.asarray(groups)
    if g.shape != (n,):
        raise MetricError(f"groups has shape {g.shape}; give one subject per sample ({n}).")
    return [np.flatnonzero(g == name) for name in np.unique(g)]


def _resample(
    metric: Callable[..., float],
    data: list[npt.NDArray[Any]],
    units: list[npt.NDArray[np.int64]] | int,
    rng: np.random.Generator,
) -> float:
    if isinstance(units, int):
        rows = rng.integers(0, units, size=units)
    elif units:
        rows = np.concatenate([units[i] for i in rng.integers(0, len(units), size=len(units))])
    else:
        return float("nan")
    if not rows.size:
        return float("nan")
    return float(metric(*(a[rows] for a in data)))
