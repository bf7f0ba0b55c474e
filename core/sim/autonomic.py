"""Electrodermal activity (µS) and respiration (a.u.).

**EDA**: a tonic skin conductance level that follows activation through a 30 s low-pass
(plus a slow, smooth random drift), and phasic skin conductance responses (SCRs) at the latent SCR
onsets: a bi-exponential rise (0.75 s) and decay (3 s), scaled so the peak equals the
response amplitude in µS.

**RSP**: a chest-belt-like signal, breathing depth × the breathing waveform, sharing its
phase with the respiratory sinus arrhythmia of the heartbeat.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import lfilter

from .base import Regular, breath_wave
from .kernels import FC, Array, block_rng, ou, render_pulses
from .latent import Latent

__all__ = ["EDARenderer", "RSPRenderer", "scr_shape"]

_TAU_RISE = 0.75  # s
_TAU_DECAY = 3.0  # s
_SCR_SUPPORT = 25.0  # s
_T_PEAK = math.log(_TAU_DECAY / _TAU_RISE) * _TAU_RISE * _TAU_DECAY / (_TAU_DECAY - _TAU_RISE)
_PEAK = math.exp(-_T_PEAK / _TAU_DECAY) - math.exp(-_T_PEAK / _TAU_RISE)


def scr_shape(x: Array) -> Array:
    """Unit-peak skin conductance response ``x`` s after its onset (0 before)."""
    xp = np.maximum(x, 0.0)
    out: Array = (np.exp(-xp / _TAU_DECAY) - np.exp(-xp / _TAU_RISE)) / _PEAK
    return out


class EDARenderer(Regular):
    """Skin conductance in µS (tonic level + phasic responses)."""

    type = "EDA"
    channels = ("EDA",)
    units = "uS"

    def __init__(self, latent: Latent, seed: int, rate: float) -> None:
        super().__init__(latent, seed, rate)
        self._level: float | None = None
        self._drift: float | None = None
        self._last: float | None = None
        self._smooth: float | None = None

    def _tonic(self, k: int, t: Array) -> Array:
        """Tonic level on block ``k``'s control grid, interpolated to ``t`` (µS)."""
        blk = self.latent.block(k)
        rng = block_rng(self.seed, "eda-tonic", k)
        target = 2.0 + self.latent.phys.eda_tonic_gain * blk.state.activation[:-1]
        a = math.exp(-1.0 / (30.0 * FC))
        start = target[0] if self._level is None else self._level
        level = lfilter([1.0 - a], [1.0, -a], target, zi=[a * start])[0]
        walk, self._drift = ou(rng, level.size, 1.0 / FC, 60.0, 0.2, self._drift)
        b = math.exp(-1.0 / (10.0 * FC))  # smooth the drift (10 s) so it has no SCR-like bumps
        start_drift = walk[0] if self._smooth is None else self._smooth
        drift = lfilter([1.0 - b], [1.0, -b], walk, zi=[b * start_drift])[0]
        self._smooth = float(drift[-1])
        value = level + drift
        prev = value[0] if self._last is None else self._last
        self._level, self._last = float(level[-1]), float(value[-1])
        grid = np.concatenate(([prev], value))
        times = np.concatenate((blk.t[:1] - 1.0 / FC, blk.t[:-1]))
        return np.interp(t, times, grid)

    def signal(self, k: int, first: int, t: Array) -> Array:
        a, b = float(t[0]), float(t[-1])
        onsets, amps = self.latent.scrs(a - _SCR_SUPPORT, b + 1e-9)
        phasic = render_pulses(
            first,
            t.size,
            self.rate,
            onsets,
            amps,
            np.ones(onsets.size),
            shape=scr_shape,
            support=(0.0, _SCR_SUPPORT),
        )
        return np.maximum(self._tonic(k, t), 0.2) + phasic


class RSPRenderer(Regular):
    """Respiration (chest belt) in a.u.: rises during inspiration."""

    type = "RSP"
    channels = ("RSP",)
    units = "a.u."

    def signal(self, k: int, first: int, t: Array) -> Array:
        phase, depth = self.latent.resp(k, t)
        out: Array = depth * breath_wave(phase)
        return out
