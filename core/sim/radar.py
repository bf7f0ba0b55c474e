"""Continuous-wave Doppler radar: I/Q baseband whose phase carries chest displacement.

Chest displacement (mm) = breathing excursion (about 4 mm × breathing depth) + a
heartbeat micro-motion pulse (0.3 mm, peaking ``HEART_DELAY`` s after each R peak) + slow
body sway. The baseband is ``I = A cos(φ) + dc_I + n``, ``Q = A (1 + ε) sin(φ + δ) + dc_Q + n``
with ``φ = 4π d / λ + φ0`` (λ = 12.5 mm at 24 GHz), a DC offset, an I/Q amplitude (ε) and
phase (δ) imbalance, and white noise.
"""

from __future__ import annotations

import math

import numpy as np

from .base import Regular, breath_wave
from .kernels import Array, block_rng, ou, render_pulses
from .latent import Latent

__all__ = ["HEART_DELAY", "RadarRenderer"]

#: Delay of the heartbeat micro-motion peak after the R peak, in s.
HEART_DELAY = 0.1
_C_MM_PER_S = 299_792_458_000.0


class RadarRenderer(Regular):
    """Two channels I and Q in a.u.

    Parameters
    ----------
    carrier_ghz
        Carrier frequency in GHz (sets the wavelength).
    imbalance
        Add DC offsets and I/Q imbalance (set False for an ideal receiver).
    noise_sd
        Standard deviation of the white noise on each channel (a.u., amplitude A = 1).
    """

    type = "RADAR"
    channels = ("I", "Q")
    units = "a.u."

    def __init__(
        self,
        latent: Latent,
        seed: int,
        rate: float,
        carrier_ghz: float = 24.0,
        imbalance: bool = True,
        noise_sd: float = 0.02,
    ) -> None:
        super().__init__(latent, seed, rate)
        self.wavelength_mm = _C_MM_PER_S / (carrier_ghz * 1e9)
        rng = block_rng(seed, "radar-static", 0)
        self.phi0 = float(rng.uniform(0, 2 * math.pi))
        dc = rng.uniform(-0.3, 0.3, 2)
        self.dc = dc if imbalance else np.zeros(2)
        self.eps = float(rng.uniform(0.02, 0.08)) if imbalance else 0.0
        self.delta = float(rng.uniform(0.02, 0.08)) if imbalance else 0.0
        self.noise_sd = float(noise_sd)
        self._sway: float | None = None
        self.meta = {"carrier_ghz": carrier_ghz, "wavelength_mm": self.wavelength_mm}

    def displacement(self, k: int, first: int, t: Array) -> Array:
        """Chest displacement in mm at global samples ``first…`` (times ``t``, s)."""
        phase, depth = self.latent.resp(k, t)
        breathing = 2.0 * depth * (breath_wave(phase) + 1.0)
        beats, _, _ = self.latent.beats(float(t[0]) - 1.0, float(t[-1]) + 1.0)
        heart = render_pulses(
            first,
            t.size,
            self.rate,
            beats + HEART_DELAY,
            np.full(beats.size, 0.3),
            np.full(beats.size, 0.04),
        )
        rng = block_rng(self.seed, "radar-sway", k)
        sway, self._sway = ou(rng, t.size, 1.0 / self.rate, 8.0, 0.3, self._sway)
        out: Array = breathing + heart + sway
        return out

    def signal(self, k: int, first: int, t: Array) -> Array:
        d = self.displacement(k, first, t)
        phi = 4 * math.pi * d / self.wavelength_mm + self.phi0
        rng = block_rng(self.seed, "radar-noise", k)
        noise = rng.normal(0.0, self.noise_sd, (t.size, 2))
        i = np.cos(phi) + self.dc[0] + noise[:, 0]
        q = (1.0 + self.eps) * np.sin(phi + self.delta) + self.dc[1] + noise[:, 1]
        return np.column_stack((i, q))
