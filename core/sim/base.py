"""Base classes of the per-stream renderers, and the breathing waveform they share."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import numpy.typing as npt

from .kernels import BLOCK, Array, block_samples
from .latent import Latent

__all__ = ["Irregular", "Regular", "Renderer", "breath_wave"]

#: Fraction of a breath spent inhaling.
INHALE = 0.4


def breath_wave(phase: Array) -> Array:
    """Breathing waveform in [-1, 1] of the breathing phase (rad).

    -1 at the start of inspiration (phase 0 mod 2π), +1 at the end of inspiration (after
    ``INHALE`` of the cycle), then a slower expiration back to -1; smooth at both turns.
    """
    u = np.mod(phase, 2 * math.pi) / (2 * math.pi)
    inhale = -np.cos(np.pi * u / INHALE)
    exhale = np.cos(np.pi * (u - INHALE) / (1.0 - INHALE))
    out: Array = np.where(u < INHALE, inhale, exhale)
    return out


class Renderer(ABC):
    """Renders one stream, block after block (blocks are requested in order).

    Attributes
    ----------
    type
        Stream type (``"ECG"``, …).
    rate
        Nominal rate in Hz (0 for irregular streams).
    channels, units, dtype
        As in :class:`~heartmind.StreamInfo`.
    meta
        Extra stream metadata.
    """

    type: str = ""
    rate: float = 0.0
    channels: tuple[str, ...] = ()
    units: tuple[str, ...] | str = "a.u."
    dtype: str = "float32"

    def __init__(self, latent: Latent, seed: int) -> None:
        self.latent = latent
        self.seed = seed
        self.meta: dict[str, Any] = {}

    @abstractmethod
    def render(self, k: int) -> tuple[Array, npt.NDArray[Any]]:
        """Relative times (s, from the simulation start) and data of block ``k``."""


class Regular(Renderer):
    """A renderer of a regularly sampled stream: sample ``i`` is at ``i / rate`` s."""

    def __init__(self, latent: Latent, seed: int, rate: float) -> None:
        super().__init__(latent, seed)
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"{type(self).__name__}: rate must be > 0 Hz, got {rate}")
        self.rate = float(rate)

    def render(self, k: int) -> tuple[Array, npt.NDArray[Any]]:
        first, stop = block_samples(k, self.rate)
        t = np.arange(first, stop, dtype=np.float64) / self.rate
        return t, self.signal(k, first, t)

    @abstractmethod
    def signal(self, k: int, first: int, t: Array) -> npt.NDArray[Any]:
        """The clean signal of block ``k`` at global samples ``first…`` (times ``t``, s)."""


class Irregular(Renderer):
    """A renderer of an irregular stream (events); carries events past the block end."""

    def __init__(self, latent: Latent, seed: int) -> None:
        super().__init__(latent, seed)
        self._pending_t = np.zeros(0)
        self._pending_d: npt.NDArray[Any] | None = None

    def render(self, k: int) -> tuple[Array, npt.NDArray[Any]]:
        t, d = self.events(k)
        if self._pending_d is not None and self._pending_t.size:
            t = np.concatenate((self._pending_t, t))
            d = np.concatenate((self._pending_d, d))
        order = np.argsort(t, kind="stable")
        t, d = t[order], d[order]
        end = (k + 1) * BLOCK
        late = t >= end
        self._pending_t, self._pending_d = t[late], d[late]
        return t[~late], d[~late]

    @abstractmethod
    def events(self, k: int) -> tuple[Array, npt.NDArray[Any]]:
        """Events generated in block ``k``; some may lie after its end (carried over)."""
