"""I/Q correction and arctangent demodulation of continuous-wave (CW) Doppler radar.

A CW radar's baseband is ``I + jQ = A exp(j φ)`` with ``φ = 4π d / λ + φ0`` for a target
displacement ``d`` (mm) and wavelength ``λ`` (mm). Real receivers add a DC offset per
channel and an amplitude/phase imbalance between I and Q, which turn the circle traced by
``(I, Q)`` into an off-centre ellipse. The correction fits that ellipse (direct
least-squares fit of Fitzgibbon et al. 1999 in the numerically stable form of Halíř &
Flusser 1998) and maps it back onto the unit circle; the phase is then the unwrapped
``atan2`` of the corrected samples (Park et al. 2007, arctangent demodulation).

``method="circle"`` fits a circle instead (Kåsa algebraic fit: DC offset only, no
imbalance), ``"none"`` applies no correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError
from heartmind.streaming import check_method

__all__ = [
    "IQ_METHODS",
    "IQCorrection",
    "fit_iq_correction",
    "radar_displacement",
    "wavelength_mm",
]

#: Valid ``method`` values of :func:`fit_iq_correction`.
IQ_METHODS: tuple[str, ...] = ("ellipse", "circle", "none")
_C_MM_PER_S = 299_792_458_000.0
_F64 = npt.NDArray[np.float64]


def wavelength_mm(carrier_ghz: float) -> float:
    """Wavelength in mm of a carrier of ``carrier_ghz`` GHz."""
    if not (math.isfinite(carrier_ghz) and carrier_ghz > 0):
        raise ConfigError(f"carrier frequency must be > 0 GHz, got {carrier_ghz!r}.")
    return _C_MM_PER_S / (carrier_ghz * 1e9)


@dataclass(frozen=True)
class IQCorrection:
    """Affine map taking raw ``(I, Q)`` onto the unit circle: ``u = (p - centre) @ matrix``.

    Attributes
    ----------
    centre
        DC offsets of I and Q (a.u.).
    matrix
        2 × 2 matrix removing the amplitude/phase imbalance and scaling to radius 1
        (positive determinant: the direction of rotation, hence the sign of the phase, is kept).
    method
        Fit that produced it.
    """

    centre: _F64
    matrix: _F64
    method: str

    def apply(self, iq: _F64) -> _F64:
        """Corrected ``(n, 2)`` samples, on the unit circle for an ideal target."""
        out: _F64 = (iq - self.centre) @ self.matrix
        return out


def fit_iq_correction(iq: npt.ArrayLike, method: str = "ellipse") -> IQCorrection:
    """Fit the I/Q correction on ``(n, 2)`` samples (a.u.).

    The samples should trace a good part of the arc (breathing moves the chest by several
    mm: at 24 GHz, 1 mm is 58° of phase). Falls back to the circle fit when the ellipse
    fit is degenerate (arc too short or too noisy).

    Raises
    ------
    ValueError
        Unknown ``method`` (:class:`heartmind.ConfigError`) or fewer than 6 samples.
    """
    check_method(method, IQ_METHODS, "fit_iq_correction")
    p = np.asarray(iq, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 2 or p.shape[0] < 6:
        raise ConfigError(f"I/Q data must have shape (n >= 6, 2), got {p.shape}.")
    if method == "none":
        return IQCorrection(np.zeros(2), np.eye(2), "none")
    if method == "ellipse":
        fit = _fit_ellipse(p)
        if fit is not None:
            return fit
    return _fit_circle(p)


def _fit_circle(p: _F64) -> IQCorrection:
    x, y = p[:, 0], p[:, 1]
    a = np.column_stack((x, y, np.ones_like(x)))
    sol, *_ = np.linalg.lstsq(a, x * x + y * y, rcond=None)
    cx, cy = sol[0] / 2, sol[1] / 2
    r = math.sqrt(max(sol[2] + cx * cx + cy * cy, 1e-12))
    return IQCorrection(np.array([cx, cy]), np.eye(2) / r, "circle")


def _fit_ellipse(p: _F64) -> IQCorrection | None:
    mu = p.mean(axis=0)
    scale = float(p.std()) or 1.0
    x, y = ((p - mu) / scale).T
    d1 = np.column_stack((x * x, x * y, y * y))
    d2 = np.column_stack((x, y, np.ones_like(x)))
    s1, s2, s3 = d1.T @ d1, d1.T @ d2, d2.T @ d2
    try:
        t = -np.linalg.solve(s3, s2.T)
        m = s1 + s2 @ t
        m = np.array([m[2] / 2, -m[1], m[0] / 2])
        _, v = np.linalg.eig(m)
    except np.linalg.LinAlgError:
        return None
    v = np.real(v)
    ok = np.flatnonzero(4 * v[0] * v[2] - v[1] ** 2 > 0)
    if ok.size != 1:
        return None
    a1 = v[:, ok[0]]
    a, b, c, d, e, f = np.concatenate((a1, t @ a1))
    den = b * b - 4 * a * c
    if den >= 0:
        return None
    x0, y0 = (2 * c * d - b * e) / den, (2 * a * e - b * d) / den
    k = -(a * x0 * x0 + b * x0 * y0 + c * y0 * y0 + d * x0 + e * y0 + f)
    q = np.array([[a, b / 2], [b / 2, c]]) / k
    try:
        chol = np.linalg.cholesky(q if q[0, 0] > 0 else -q)
    except np.linalg.LinAlgError:
        return None
    centre = mu + scale * np.array([x0, y0])
    return IQCorrection(centre, chol / scale, "ellipse")


def radar_displacement(
    iq: npt.ArrayLike,
    *,
    carrier_ghz: float = 24.0,
    method: str = "ellipse",
    correction: IQCorrection | None = None,
) -> tuple[_F64, IQCorrection]:
    """Chest displacement in mm from CW radar I/Q (offline; arctangent demodulation).

    Parameters
    ----------
    iq
        ``(n, 2)`` I and Q samples (a.u.).
    carrier_ghz
        Carrier frequency in GHz (24 GHz: λ = 12.49 mm).
    method
        I/Q correction fitted on the whole input (see :func:`fit_iq_correction`).
    correction
        Use this correction instead of fitting one.

    Returns
    -------
    displacement, correction
        Displacement in mm (towards the radar positive, starting near 0; only changes are
        meaningful), and the correction used.
    """
    p = np.asarray(iq, dtype=np.float64)
    corr = correction if correction is not None else fit_iq_correction(p, method)
    u = corr.apply(p)
    phase = np.unwrap(np.arctan2(u[:, 1], u[:, 0]))
    disp: _F64 = phase * wavelength_mm(carrier_ghz) / (4 * math.pi)
    return disp - (disp[0] if disp.size else 0.0), corr
