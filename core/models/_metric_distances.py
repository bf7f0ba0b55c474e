"""Distances between signals, images and distributions: MSE, MAE, PSNR, SSIM, Wasserstein-1.

Part of :mod:`heartmind.models.metrics` (import them from there); the same rule holds:
empty input gives ``nan``, wrong input raises :class:`MetricError`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._metric_checks import MetricError, as_scores

__all__ = ["mae", "mse", "psnr", "ssim", "wasserstein1"]

FloatArray = npt.NDArray[np.float64]
_NAN = float("nan")
#: SSIM constants of Wang et al. (2004): Gaussian window σ = 1.5 samples, 11 taps.
SSIM_SIGMA = 1.5
SSIM_RADIUS = 5
SSIM_K1, SSIM_K2 = 0.01, 0.03


def _pair(reference: npt.ArrayLike, estimate: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    ref, est = as_scores(reference, "reference"), as_scores(estimate, "estimate")
    if ref.shape != est.shape:
        raise MetricError(
            f"reference has shape {ref.shape} and estimate {est.shape}; they must match."
        )
    return ref, est


def mse(reference: npt.ArrayLike, estimate: npt.ArrayLike) -> float:
    """Mean squared error, in the squared unit of the inputs; ``nan`` when empty."""
    ref, est = _pair(reference, estimate)
    return float(np.mean((ref - est) ** 2)) if ref.size else _NAN


def mae(reference: npt.ArrayLike, estimate: npt.ArrayLike) -> float:
    """Mean absolute error, in the unit of the inputs; ``nan`` when empty."""
    ref, est = _pair(reference, estimate)
    return float(np.mean(np.abs(ref - est))) if ref.size else _NAN


def psnr(
    reference: npt.ArrayLike, estimate: npt.ArrayLike, *, data_range: float | None = None
) -> float:
    """Peak signal-to-noise ratio in dB: 10·log₁₀(data_range² / MSE).

    Parameters
    ----------
    reference, estimate
        Signals or images of the same shape (e.g. clean and denoised ECG, in mV).
    data_range
        Peak-to-peak range of the signal, in its unit (e.g. 255 for 8-bit images).
        Default: the range of ``reference``; a constant reference then has none, which is
        an error (pass ``data_range``).

    Returns
    -------
    float
        ``inf`` for identical inputs, ``nan`` for empty input.
    """
    ref, est = _pair(reference, estimate)
    if not ref.size:
        return _NAN
    peak = _data_range(ref, data_range)
    error = float(np.mean((ref - est) ** 2))
    return float("inf") if error == 0 else float(10.0 * np.log10(peak**2 / error))


def ssim(
    reference: npt.ArrayLike, estimate: npt.ArrayLike, *, data_range: float | None = None
) -> float:
    """Structural similarity index of two 1-D signals or 2-D images, −1–1 (1 = identical).

    The mean SSIM of Wang et al. (2004): local means, variances and covariance under a
    Gaussian window (σ = 1.5 samples, radius 5), constants C1 = (0.01·L)², C2 = (0.03·L)²
    with L = ``data_range`` (see :func:`psnr` for its default), averaged over the positions
    where the whole window fits (no border effects).

    Returns ``nan`` for empty input. A signal shorter than 11 samples along an axis, or
    more than two dimensions, raises :class:`MetricError`.
    """
    from scipy.ndimage import gaussian_filter

    ref, est = _pair(reference, estimate)
    if not ref.size:
        return _NAN
    if ref.ndim not in (1, 2) or min(ref.shape) < 2 * SSIM_RADIUS + 1:
        raise MetricError(
            f"ssim needs a 1-D signal or 2-D image of at least {2 * SSIM_RADIUS + 1} samples "
            f"per axis; got shape {ref.shape}."
        )
    peak = _data_range(ref, data_range)
    c1, c2 = (SSIM_K1 * peak) ** 2, (SSIM_K2 * peak) ** 2
    truncate = SSIM_RADIUS / SSIM_SIGMA

    def local(x: FloatArray) -> FloatArray:
        out: FloatArray = gaussian_filter(x, SSIM_SIGMA, mode="reflect", truncate=truncate)
        return out

    mu_x, mu_y = local(ref), local(est)
    var_x = local(ref * ref) - mu_x**2
    var_y = local(est * est) - mu_y**2
    cov = local(ref * est) - mu_x * mu_y
    index = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / (
        (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    )
    inner = tuple(slice(SSIM_RADIUS, n - SSIM_RADIUS) for n in ref.shape)
    return float(index[inner].mean())


def _data_range(ref: FloatArray, data_range: float | None) -> float:
    if data_range is None:
        data_range = float(np.ptp(ref))
        if data_range == 0:
            raise MetricError("the reference is constant, so it has no range; pass data_range.")
    if not np.isfinite(data_range) or data_range <= 0:
        raise MetricError(f"data_range must be a positive number; got {data_range}.")
    return float(data_range)


def wasserstein1(
    u: npt.ArrayLike,
    v: npt.ArrayLike,
    *,
    u_weights: npt.ArrayLike | None = None,
    v_weights: npt.ArrayLike | None = None,
) -> float:
    """Wasserstein-1 (earth mover's) distance between two 1-D empirical distributions.

    W₁ = ∫ |F_u(x) − F_v(x)| dx, with F the (weighted) empirical cumulative distribution
    functions; in the unit of the values (e.g. of a noise score).

    Parameters
    ----------
    u, v
        Samples of the two distributions (any lengths).
    u_weights, v_weights
        Optional non-negative weights, one per sample, with a positive sum.

    Returns
    -------
    float
        ``nan`` when either sample is empty.
    """
    a, b = as_scores(u, "u").ravel(), as_scores(v, "v").ravel()
    if not a.size or not b.size:
        return _NAN
    wa, wb = _weights(u_weights, a.size, "u_weights"), _weights(v_weights, b.size, "v_weights")
    grid = np.sort(np.concatenate([a, b]))
    gaps = np.diff(grid)
    cdf_a = _cdf(a, wa, grid[:-1])
    cdf_b = _cdf(b, wb, grid[:-1])
    return float(np.sum(np.abs(cdf_a - cdf_b) * gaps))


def _weights(weights: npt.ArrayLike | None, n: int, name: str) -> FloatArray:
    if weights is None:
        return np.ones(n)
    w = as_scores(weights, name).ravel()
    if w.size != n or (w < 0).any() or w.sum() <= 0:
        raise MetricError(
            f"{name} must hold {n} non-negative numbers with a positive sum; got {w.size}."
        )
    return w


def _cdf(values: FloatArray, weights: FloatArray, at: FloatArray) -> FloatArray:
    order = np.argsort(values, kind="mergesort")
    cumulative = np.r_[0.0, np.cumsum(weights[order])] / weights.sum()
    found: npt.NDArray[np.float64] = cumulative[np.searchsorted(values[order], at, side="right")]
    return found
