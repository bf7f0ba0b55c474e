"""Facial action-unit intensities (FACS, 0–5 scale) driven by valence, arousal and stress.

Each AU has a tonic level set by the state, expressive bursts (smiles: AU06 + AU12 at a
rate rising with positive valence; frowns: AU04 + AU15 at a rate rising with stress and
negative valence) and a little slow jitter; values are clipped to [0, 5].
"""

from __future__ import annotations

import numpy as np

from .base import Regular
from .kernels import BLOCK, Array, block_rng, ou, render_pulses
from .latent import Latent

__all__ = ["ACTION_UNITS", "FaceRenderer"]

#: Action units produced: inner brow raiser, brow lowerer, cheek raiser, lip corner
#: puller (smile), lip corner depressor, lips part.
ACTION_UNITS: tuple[str, ...] = ("AU01", "AU04", "AU06", "AU12", "AU15", "AU25")


class FaceRenderer(Regular):
    """Action-unit intensities in FACS units (0 = absent … 5 = maximal)."""

    type = "FACE"
    channels = ACTION_UNITS
    units = "intensity"

    def __init__(self, latent: Latent, seed: int, rate: float) -> None:
        super().__init__(latent, seed, rate)
        self._jitter: list[float | None] = [None] * len(ACTION_UNITS)

    def _bursts(self, block: int) -> tuple[Array, Array, Array]:
        """Smile and frown bursts of one block: centres (s), sizes, kind (0 smile, 1 frown)."""
        rng = block_rng(self.seed, "face-bursts", block)
        mid = self.latent.script.evaluate(np.array([block * BLOCK + BLOCK / 2]))
        pos = float(np.clip(mid.valence[0], 0, 1))
        neg = float(np.clip(-mid.valence[0], 0, 1))
        rates = (1.0 + 5.0 * pos, 0.5 + 3.0 * float(mid.stress[0]) + 2.0 * neg)  # per min
        centres, sizes, kinds = [], [], []
        for kind, per_min in enumerate(rates):
            n = rng.poisson(per_min * BLOCK / 60.0)
            centres.append(block * BLOCK + rng.uniform(0, BLOCK, n))
            sizes.append(rng.uniform(0.8, 2.5, n))
            kinds.append(np.full(n, float(kind)))
        return np.concatenate(centres), np.concatenate(sizes), np.concatenate(kinds)

    def signal(self, k: int, first: int, t: Array) -> Array:
        s = self.latent.script.evaluate(t)
        v, a = s.valence, s.arousal
        pos, neg, up = np.clip(v, 0, 1), np.clip(-v, 0, 1), np.clip(a, 0, 1)
        tonic = [
            0.2 + 1.2 * neg * np.clip(-s.dominance, 0, 1) + 0.3 * up,
            0.3 + 1.6 * s.stress + 0.8 * neg,
            0.1 + 1.5 * pos * (0.5 + 0.5 * up),
            0.2 + 2.0 * pos,
            0.1 + 1.5 * neg,
            0.3 + 0.8 * up,
        ]
        parts = [self._bursts(b) for b in (k - 1, k, k + 1) if b >= 0]
        centres = np.concatenate([p[0] for p in parts])
        sizes = np.concatenate([p[1] for p in parts])
        kinds = np.concatenate([p[2] for p in parts])
        widths = np.full(centres.size, 1.2)
        smile = render_pulses(first, t.size, self.rate, centres, sizes * (kinds == 0), widths)
        frown = render_pulses(first, t.size, self.rate, centres, sizes * (kinds == 1), widths)
        burst = [0.2 * frown, frown, 0.8 * smile, smile, 0.6 * frown, 0.3 * smile]
        rng = block_rng(self.seed, "face-jitter", k)
        cols = []
        for i in range(len(ACTION_UNITS)):
            jitter, self._jitter[i] = ou(rng, t.size, 1.0 / self.rate, 2.0, 0.12, self._jitter[i])
            cols.append(tonic[i] + burst[i] + jitter)
        return np.clip(np.column_stack(cols), 0.0, 5.0)
