"""Shared building blocks of the simulator: blocks, seeded generators, pulse rendering.

The simulator computes everything in fixed blocks of :data:`BLOCK` s of *relative* time
(seconds since the start of the simulation). Every random draw of block ``k`` comes from a
generator seeded with ``(seed, stream key, k)``, and state that must be continuous (filter
states, phases) is carried from block to block. Chunks are slices of blocks, so the chunk
duration never changes a sample.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = [
    "BLOCK",
    "FC",
    "Array",
    "block_rng",
    "block_samples",
    "ou",
    "render_pulses",
]

#: Length of a generation block in s.
BLOCK = 10.0
#: Rate of the latent control grid in Hz (state, breathing, heart-rate function).
FC = 100.0

Array = npt.NDArray[np.float64]


def block_rng(seed: int, key: str, block: int) -> np.random.Generator:
    """A generator for one stream key and block, independent of every other one."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(key.encode()), int(block)])


def block_samples(block: int, rate: float) -> tuple[int, int]:
    """Global sample indices ``[first, stop)`` whose times ``i / rate`` fall in the block."""
    first = math.ceil(block * BLOCK * rate - 1e-7)
    stop = math.ceil((block + 1) * BLOCK * rate - 1e-7)
    return first, stop


def ou(
    rng: np.random.Generator, n: int, dt: float, tau: float, sd: float, last: float | None
) -> tuple[Array, float]:
    """An Ornstein–Uhlenbeck (AR(1)) process continuing from ``last``.

    Parameters
    ----------
    rng
        Random generator of this block.
    n
        Number of samples.
    dt
        Sample interval in s.
    tau
        Correlation time in s.
    sd
        Stationary standard deviation (unit of the result).
    last
        Last value of the previous block, or None to start from the stationary law.

    Returns
    -------
    values, last
        ``n`` samples and the value to carry into the next block.
    """
    from scipy.signal import lfilter

    a = math.exp(-dt / tau)
    start = rng.normal(0.0, sd) if last is None else last
    w = rng.normal(0.0, sd * math.sqrt(1.0 - a * a), n)
    x: Array = lfilter([1.0], [1.0, -a], w, zi=[a * start])[0]
    return x, float(x[-1])


def render_pulses(
    first: int,
    n: int,
    rate: float,
    centers: Array,
    amps: Array,
    widths: Array,
    shape: Callable[[Array], Array] | None = None,
    support: tuple[float, float] = (-4.0, 4.0),
) -> Array:
    """Sum of pulses, sampled at ``rate`` on global samples ``[first, first + n)``.

    Each pulse ``j`` is ``amps[j] * shape((t - centers[j]) / widths[j])``; the shape defaults
    to a unit Gaussian ``exp(-x**2 / 2)``. It is evaluated on ``support`` (in units of the
    width) only, with no Python loop over samples or pulses.

    Parameters
    ----------
    first, n
        Global index of the first sample and number of samples.
    rate
        Sampling rate in Hz; sample ``i`` is at ``i / rate`` s.
    centers, amps, widths
        Per-pulse centre (s), amplitude (signal unit) and width (s).
    shape
        Vectorised shape function of the normalised time.
    support
        Normalised time range outside which the shape is taken as 0.
    """
    out = np.zeros(n, dtype=np.float64)
    if centers.size == 0 or n == 0:
        return out
    span = math.ceil((support[1] - support[0]) * float(widths.max()) * rate) + 2
    lo = np.floor((centers + support[0] * widths) * rate).astype(np.int64)
    idx = lo[:, None] + np.arange(span, dtype=np.int64)[None, :]
    x = (idx / rate - centers[:, None]) / widths[:, None]
    vals = (np.exp(-0.5 * x * x) if shape is None else shape(x)) * amps[:, None]
    inside = (x >= support[0]) & (x <= support[1]) & (idx >= first) & (idx < first + n)
    out += np.bincount(idx[inside] - first, weights=vals[inside], minlength=n)[:n]
    return out
