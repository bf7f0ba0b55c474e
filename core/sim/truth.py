"""Ground-truth streams: beats (BEATS), the scripted state (STATE) and phase markers."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .base import Regular, Renderer
from .kernels import BLOCK, Array
from .latent import Latent
from .state import DIMENSIONS

__all__ = ["BeatsRenderer", "MarkersRenderer", "StateRenderer"]


class BeatsRenderer(Renderer):
    """One sample per heartbeat at its R-peak time: RR interval (s) and ectopic flag."""

    type = "BEATS"
    channels = ("rr_s", "ectopic")
    units = ("s", "bool")
    dtype = "float64"

    def render(self, k: int) -> tuple[Array, npt.NDArray[Any]]:
        times, rr, ect = self.latent.beats(k * BLOCK, (k + 1) * BLOCK)
        return times, np.column_stack((rr, ect))


class StateRenderer(Regular):
    """The scripted state, regularly sampled: stress, valence, arousal, dominance, phase."""

    type = "STATE"
    channels = (*DIMENSIONS, "phase")
    units = ("a.u.", "a.u.", "a.u.", "a.u.", "index")

    def __init__(self, latent: Latent, seed: int, rate: float) -> None:
        super().__init__(latent, seed, rate)
        self.meta = {"phases": [p.name for p in latent.script.phases]}

    def signal(self, k: int, first: int, t: Array) -> Array:
        s = self.latent.script.evaluate(t)
        return np.column_stack((s.stress, s.valence, s.arousal, s.dominance, s.phase))


class MarkersRenderer(Renderer):
    """String markers ``"phase:<name>"`` at the start of each phase of the script."""

    type = "MARKERS"
    channels = ("marker",)
    units = ""
    dtype = "string"

    def render(self, k: int) -> tuple[Array, npt.NDArray[Any]]:
        script = self.latent.script
        starts = np.asarray(script.starts)
        keep = (starts >= k * BLOCK) & (starts < (k + 1) * BLOCK)
        labels = [f"phase:{p.name}" for p, kept in zip(script.phases, keep, strict=True) if kept]
        return starts[keep], np.array(labels, dtype=object).reshape(-1, 1)
