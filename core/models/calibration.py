"""Probability calibration: temperature scaling and the expected calibration error.

Temperature scaling (Guo et al., 2017) divides a classifier's logits by one scalar
``T > 0`` fitted on a validation split (never on the test data) by minimising the negative
log-likelihood; it changes the confidence of the predictions, not their ranking or the
predicted class. numpy and scipy only.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._metric_checks import MetricError, as_1d, as_scores, same_length

__all__ = ["apply_temperature", "expected_calibration_error", "fit_temperature", "softmax"]

FloatArray = npt.NDArray[np.float64]


def softmax(logits: npt.ArrayLike) -> FloatArray:
    """Class probabilities from ``(n, k)`` logits (rows sum to 1), numerically stable."""
    z = as_scores(logits, "logits")
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: FloatArray = e / e.sum(axis=-1, keepdims=True)
    return out


def _check(
    logits: npt.ArrayLike, labels: npt.ArrayLike
) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    z = as_scores(logits, "logits")
    if z.ndim != 2 or z.shape[1] < 2:
        raise MetricError(f"logits have shape {z.shape}; give (n, k) logits with k >= 2 classes.")
    y = as_1d(labels, "labels")
    z, y = same_length(z, y)
    if y.size and (y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= z.shape[1]):
        raise MetricError(f"labels must be class indices 0..{z.shape[1] - 1}.")
    return z, y.astype(np.int64)


def _nll(z: FloatArray, y: npt.NDArray[np.int64], temperature: float) -> float:
    scaled = z / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    log_p = scaled[np.arange(y.size), y] - np.log(np.exp(scaled).sum(axis=1))
    return float(-log_p.mean())


def fit_temperature(
    logits: npt.ArrayLike, labels: npt.ArrayLike, *, bounds: tuple[float, float] = (0.05, 20.0)
) -> float:
    """The temperature ``T`` that minimises the NLL of ``softmax(logits / T)``.

    Parameters
    ----------
    logits
        ``(n, k)`` validation logits (before softmax). A binary model with one logit ``z``
        gives ``(n, 2)`` logits as ``[0, z]``.
    labels
        ``(n,)`` true class indices ``0..k-1``.
    bounds
        Search range of ``T``.

    Returns
    -------
    float
        ``T`` (> 1 softens over-confident predictions); 1.0 for empty input.
    """
    from scipy.optimize import minimize_scalar

    z, y = _check(logits, labels)
    if not y.size:
        return 1.0
    lo, hi = bounds
    if not 0 < lo < hi:
        raise MetricError(f"bounds {bounds} must satisfy 0 < low < high.")
    result = minimize_scalar(
        lambda log_t: _nll(z, y, float(np.exp(log_t))),
        bounds=(np.log(lo), np.log(hi)),
        method="bounded",
        options={"xatol": 1e-6},
    )
    return float(np.exp(result.x))


def apply_temperature(logits: npt.ArrayLike, temperature: float) -> FloatArray:
    """Calibrated probabilities ``softmax(logits / temperature)`` of ``(n, k)`` logits."""
    if not temperature > 0:
        raise MetricError(f"temperature = {temperature}; it must be positive.")
    return softmax(as_scores(logits, "logits") / temperature)


def expected_calibration_error(
    probabilities: npt.ArrayLike, labels: npt.ArrayLike, *, n_bins: int = 15
) -> float:
    """Expected calibration error of the top-class confidence, 0–1.

    Predictions are binned by confidence (max probability) into ``n_bins`` equal-width
    bins on (0, 1]; ECE = Σ_b (n_b / n) · |accuracy_b − mean confidence_b|.
    ``nan`` for empty input.
    """
    p, y = _check(probabilities, labels)
    if not y.size:
        return float("nan")
    if n_bins < 1:
        raise MetricError(f"n_bins = {n_bins}; give at least 1.")
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    bins = np.clip(np.ceil(confidence * n_bins).astype(np.int64) - 1, 0, n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        inside = bins == b
        total += inside.sum() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total / y.size)
