"""Dipole lobes: the building block of every wave, and their sampling into leads.

A *lobe* is a 3-D dipole vector ``v`` (mV) times a compact bump in time: a Tukey window of
half-width ``h`` (s) around the centre ``c`` (s) whose central ``flat`` fraction is flat,

    w(x) = 1                                   |x| <= flat
    w(x) = (1 + cos(pi (|x| - flat) / (1 - flat))) / 2    flat < |x| <= 1
    w(x) = 0                                   |x| > 1,      x = (t - c) / h

so a lobe is exactly zero outside ``[c - h, c + h]`` (``flat = 0`` is a raised cosine whose
full width at half maximum is ``h``). A wave (P, QRS, ST, T) is a few lobes; its onset and
offset are the first and last instants its dipole is non-zero, which makes "wave absent"
exact: no lobe, no energy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..kernels import Array

__all__ = ["QRS", "SPIKE", "ST", "WAVE_NAMES", "Lobes", "P", "T", "bump", "render"]

P, QRS, ST, T, SPIKE = 0, 1, 2, 3, 4
#: Names of the wave codes stored in :attr:`Lobes.wave`.
WAVE_NAMES: tuple[str, ...] = ("P", "QRS", "ST", "T", "SPIKE")

IntArray = npt.NDArray[np.int64]


def bump(x: Array, flat: Array | float) -> Array:
    """The unit lobe shape of the normalised time ``x`` (see the module docstring)."""
    a = np.abs(x)
    f = np.broadcast_to(np.asarray(flat, dtype=np.float64), a.shape)
    r = np.clip((a - f) / np.maximum(1.0 - f, 1e-9), 0.0, 1.0)
    out: Array = np.where(a <= 1.0, 0.5 * (1.0 + np.cos(math.pi * r)), 0.0)
    return out


@dataclass(frozen=True)
class Lobes:
    """A set of lobes (arrays of equal length).

    Attributes
    ----------
    centre
        Centre times in s.
    half
        Half-widths of the support in s.
    flat
        Flat fraction of each lobe, in [0, 1).
    vec
        Dipole vectors, shape ``(n, 3)``, in mV.
    wave
        Wave code of each lobe (:data:`P`, :data:`QRS`, :data:`ST`, :data:`T`, :data:`SPIKE`).
    """

    centre: Array
    half: Array
    flat: Array
    vec: Array
    wave: IntArray

    @staticmethod
    def make(rows: Sequence[tuple[float, float, float, Sequence[float]]], wave: int) -> Lobes:
        """Lobes of one wave from ``(centre, half, flat, (vx, vy, vz))`` rows."""
        if not rows:
            return Lobes.empty()
        return Lobes(
            np.array([r[0] for r in rows], dtype=np.float64),
            np.array([r[1] for r in rows], dtype=np.float64),
            np.array([r[2] for r in rows], dtype=np.float64),
            np.array([r[3] for r in rows], dtype=np.float64).reshape(len(rows), 3),
            np.full(len(rows), wave, dtype=np.int64),
        )

    @staticmethod
    def empty() -> Lobes:
        """No lobe."""
        z = np.zeros(0)
        return Lobes(z, z, z, np.zeros((0, 3)), np.zeros(0, dtype=np.int64))

    @staticmethod
    def concat(parts: Sequence[Lobes]) -> Lobes:
        """All lobes of ``parts``, in order."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return Lobes.empty()
        return Lobes(
            np.concatenate([p.centre for p in parts]),
            np.concatenate([p.half for p in parts]),
            np.concatenate([p.flat for p in parts]),
            np.concatenate([p.vec for p in parts]),
            np.concatenate([p.wave for p in parts]),
        )

    def __len__(self) -> int:
        return int(self.centre.size)

    def select(self, mask: npt.NDArray[np.bool_]) -> Lobes:
        """The lobes where ``mask`` is true."""
        return Lobes(
            self.centre[mask], self.half[mask], self.flat[mask], self.vec[mask], self.wave[mask]
        )

    def of(self, *waves: int) -> Lobes:
        """The lobes of the given wave codes."""
        return self.select(np.isin(self.wave, waves))

    def shifted(self, dt: float) -> Lobes:
        """Moved by ``dt`` s."""
        return Lobes(self.centre + dt, self.half, self.flat, self.vec, self.wave)

    def stretched(self, origin: float, factor: float) -> Lobes:
        """Time-scaled by ``factor`` about ``origin`` (s): centres and widths."""
        return Lobes(
            origin + factor * (self.centre - origin),
            self.half * factor,
            self.flat,
            self.vec,
            self.wave,
        )

    def scaled(self, gain: float | Array) -> Lobes:
        """Vectors multiplied by ``gain`` (a scalar or a 3×3 matrix applied as ``gain @ v``)."""
        g = np.asarray(gain, dtype=np.float64)
        vec = self.vec @ g.T if g.ndim == 2 else self.vec * g
        return Lobes(self.centre, self.half, self.flat, vec, self.wave)

    def extent(self) -> tuple[float, float]:
        """First and last instant (s) where the dipole is non-zero; NaN for no lobe."""
        live = np.any(self.vec != 0.0, axis=1)
        if not live.any():
            return math.nan, math.nan
        c, h = self.centre[live], self.half[live]
        return float(np.min(c - h)), float(np.max(c + h))

    def evaluate(self, t: Array) -> Array:
        """The dipole at times ``t`` (s), shape ``(len(t), 3)`` in mV (direct sum, small sets)."""
        if not len(self):
            return np.zeros((t.size, 3))
        x = (t[:, None] - self.centre[None, :]) / self.half[None, :]
        w = bump(x, self.flat[None, :])
        out: Array = w @ self.vec
        return out

    def peak_times(self, directions: Array | None = None, dt: float = 2.5e-4) -> Array:
        """Time (s) of the largest deflection, on a ``dt`` grid over the lobes' extent.

        Parameters
        ----------
        directions
            ``(m, 3)`` lead vectors: the peak of ``|direction · dipole|`` per lead. ``None``
            gives the peak of the spatial magnitude ``|dipole|`` (one time).
        dt
            Grid step in s.

        Returns
        -------
        numpy.ndarray
            ``(m,)`` times, or ``(1,)`` for the spatial peak; NaN when there is no lobe.
        """
        m = 1 if directions is None else len(directions)
        on, off = self.extent()
        if math.isnan(on):
            return np.full(m, math.nan)
        t = np.arange(on, off + dt, dt)
        d = self.evaluate(t)
        mag = np.linalg.norm(d, axis=1)[:, None] if directions is None else np.abs(d @ directions.T)
        out: Array = t[np.argmax(mag, axis=0)]
        return out


def render(first: int, n: int, rate: float, lobes: Lobes, weights: Array) -> Array:
    """Sum of lobes sampled at ``i / rate`` s for global samples ``[first, first + n)``.

    Parameters
    ----------
    first, n
        Global index of the first sample and number of samples.
    rate
        Sampling rate in Hz.
    lobes
        The lobes (absolute times).
    weights
        ``(len(lobes), m)`` amplitude of each lobe in each output channel (mV), e.g.
        ``lobes.vec @ lead_vectors.T``.

    Returns
    -------
    numpy.ndarray
        ``(n, m)`` float64. Lobes are grouped by width so narrow ones cost little.
    """
    m = weights.shape[1]
    out = np.zeros((n, m))
    if not len(lobes) or n == 0:
        return out
    spans = np.ceil(2.0 * lobes.half * rate).astype(np.int64) + 2
    bucket = np.ceil(np.log2(np.maximum(spans, 1))).astype(np.int64)
    for b in np.unique(bucket):
        sel = bucket == b
        span = int(spans[sel].max())
        c, h, f = lobes.centre[sel], lobes.half[sel], lobes.flat[sel]
        lo = np.floor((c - h) * rate).astype(np.int64)
        idx = lo[:, None] + np.arange(span, dtype=np.int64)[None, :]
        x = (idx / rate - c[:, None]) / h[:, None]
        inside = (np.abs(x) <= 1.0) & (idx >= first) & (idx < first + n)
        if not inside.any():
            continue
        rows = np.nonzero(inside)[0]
        vals = bump(x[inside], f[rows])
        pos = idx[inside] - first
        w = weights[sel]
        for j in range(m):
            out[:, j] += np.bincount(pos, weights=vals * w[rows, j], minlength=n)[:n]
    return out
