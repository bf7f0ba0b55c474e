"""Additive noise at a set signal-to-noise ratio.

Noise types (each scaled to unit average power, then mixed at equal power):

``baseline``
    Baseline wander: six slow sinusoids (0.1–0.5 Hz), e.g. breathing/electrode drift.
``powerline``
    Mains interference at 50 or 60 Hz with a third harmonic (skipped, with the others
    taking its share, where the sampling rate cannot represent it).
``emg``
    Broadband muscle noise: white noise band-passed to 20–150 Hz (limited by the rate).
``motion``
    Motion bursts: ~2 per minute, Gaussian-windowed 1–4 Hz oscillations of 0.3–0.8 s.
``pops``
    Electrode pops: ~1 per minute, a step followed by an exponential decay (0.1–0.4 s).

The noise power is ``P_clean / 10**(snr_db / 10)`` where ``P_clean`` is the variance of
the clean signal over its first minute, averaged over channels (the participant computes
it; by default the first block's): the noise level is that of the sensor and stays fixed
while the signal changes with the state. Bursty types
reach their power on average over minutes, not in every block.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.signal import butter, sosfilt, sosfilt_zi

from .kernels import BLOCK, Array, block_rng

__all__ = ["NOISE_TYPES", "NoiseModel"]

log = logging.getLogger(__name__)

NOISE_TYPES: tuple[str, ...] = ("baseline", "powerline", "emg", "motion", "pops")
_MOTION_RATE = 2.0 / 60.0  # bursts per s
_POP_RATE = 1.0 / 60.0  # pops per s


class NoiseModel:
    """Continuous, seeded, block-wise noise for one stream.

    Parameters
    ----------
    snr_db
        Target signal-to-noise ratio in dB.
    types
        Noise types to mix, from :data:`NOISE_TYPES`.
    rate
        Sampling rate of the stream in Hz.
    seed
        Random seed.
    key
        Stream key (type) making this stream's noise independent of the others'.
    powerline_hz
        Mains frequency in Hz.
    """

    def __init__(
        self,
        snr_db: float,
        types: Sequence[str],
        rate: float,
        seed: int,
        key: str,
        powerline_hz: float = 50.0,
        reference_power: float | None = None,
    ) -> None:
        self.reference_power = reference_power
        self.snr_db = float(snr_db)
        self.rate = float(rate)
        self.seed = seed
        self.key = f"noise-{key}"
        self.powerline_hz = float(powerline_hz)
        self.types = tuple(t for t in types if t != "powerline" or rate > 2.5 * powerline_hz)
        if len(self.types) < len(types):
            log.debug("%s: %s Hz cannot carry powerline noise; it is left out", key, rate)
        self.gain: float | None = None
        self._emg_sos: npt.NDArray[np.float64] | None = None
        self._emg_zi: npt.NDArray[np.float64] | None = None
        self._emg_norm = 1.0
        self._n_ch = 0

    def apply(self, k: int, t: Array, clean: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        """``clean`` plus noise for block ``k`` at relative times ``t`` (s)."""
        data = np.asarray(clean, dtype=np.float64)
        data2 = data.reshape(t.size, -1)
        if self.gain is None:
            if k != 0:
                raise RuntimeError("noise must be applied from block 0 on, in order")
            power = self.reference_power
            if power is None:
                power = float(np.mean(np.var(data2, axis=0))) if t.size else 0.0
            per_type = power / 10 ** (self.snr_db / 10) / max(len(self.types), 1)
            self.gain = math.sqrt(per_type)
            self._n_ch = data2.shape[1]
        noise = np.zeros_like(data2)
        for kind in self.types:
            noise += getattr(self, f"_{kind}")(k, t)
        return (data2 + self.gain * noise).reshape(data.shape)

    def _static(self, what: str, size: tuple[int, ...], lo: float, hi: float) -> Array:
        """Random parameters fixed for the whole run (drawn from block 0's generator)."""
        return block_rng(self.seed, f"{self.key}-{what}", 0).uniform(lo, hi, size)

    def _baseline(self, k: int, t: Array) -> Array:
        # stratified frequencies: no two closer than 0.033 Hz, so the power is steady
        jitter = self._static("bw-f", (6, self._n_ch), 0.25, 0.75)
        freqs = 0.1 + (np.arange(6)[:, None] + jitter) * (0.4 / 6)
        phases = self._static("bw-p", (6, self._n_ch), 0.0, 2 * math.pi)
        arg = 2 * math.pi * t[:, None, None] * freqs[None] + phases[None]
        out: Array = math.sqrt(2.0 / 6.0) * np.sin(arg).sum(axis=1)
        return out

    def _powerline(self, k: int, t: Array) -> Array:
        phases = self._static("pl-p", (2, self._n_ch), 0.0, 2 * math.pi)
        a1, a3 = 0.95, 0.3
        norm = math.sqrt((a1 * a1 + a3 * a3) / 2)
        arg = 2 * math.pi * self.powerline_hz * t[:, None]
        out: Array = (a1 * np.sin(arg + phases[0]) + a3 * np.sin(3 * arg + phases[1])) / norm
        if 3 * self.powerline_hz >= self.rate / 2:
            out = np.sin(arg + phases[0]) * math.sqrt(2.0)
        return out

    def _emg(self, k: int, t: Array) -> Array:
        if self._emg_sos is None:
            hi = min(150.0, 0.45 * self.rate)
            lo = min(20.0, 0.4 * hi)
            self._emg_sos = butter(4, [lo, hi], btype="bandpass", fs=self.rate, output="sos")
            impulse = np.zeros(int(self.rate * 4))
            impulse[0] = 1.0
            self._emg_norm = 1.0 / math.sqrt(float(np.sum(sosfilt(self._emg_sos, impulse) ** 2)))
            zi = sosfilt_zi(self._emg_sos)[:, :, None] * 0.0
            self._emg_zi = np.repeat(zi, self._n_ch, axis=2)
        rng = block_rng(self.seed, f"{self.key}-emg", k)
        white = rng.standard_normal((t.size, self._n_ch))
        out, self._emg_zi = sosfilt(self._emg_sos, white, axis=0, zi=self._emg_zi)
        result: Array = out * self._emg_norm
        return result

    def _events(self, kind: str, k: int, rate: float) -> tuple[Array, Array, Array, Array]:
        """Event times (s), channel, size and extra parameter of blocks ``k-1 … k``."""
        parts = []
        for b in (k - 1, k):
            if b < 0:
                continue
            rng = block_rng(self.seed, f"{self.key}-{kind}", b)
            n = rng.poisson(rate * BLOCK * self._n_ch)
            parts.append(
                (
                    b * BLOCK + rng.uniform(0, BLOCK, n),
                    rng.integers(0, self._n_ch, n),
                    rng.uniform(0.3, 0.8, n) if kind == "motion" else rng.uniform(0.1, 0.4, n),
                    rng.uniform(1.0, 4.0, n) * rng.choice([-1.0, 1.0], n),
                )
            )
        if not parts:
            return np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0)
        cat = [np.concatenate([p[i] for p in parts]) for i in range(4)]
        return cat[0], cat[1], cat[2], cat[3]

    def _motion(self, k: int, t: Array) -> Array:
        out = np.zeros((t.size, self._n_ch))
        times, chans, widths, freqs = self._events("motion", k, _MOTION_RATE)
        # mean power per event: sigma * sqrt(pi) / 2 for a unit Gaussian-windowed cosine
        amp = 1.0 / math.sqrt(_MOTION_RATE * 0.55 * math.sqrt(math.pi) / 2)
        for c0, ch, w, f in zip(times, chans, widths, freqs, strict=True):
            sel = np.abs(t - c0) < 4 * w
            x = t[sel] - c0
            out[sel, int(ch)] += amp * np.exp(-0.5 * (x / w) ** 2) * np.cos(2 * math.pi * f * x)
        return out

    def _pops(self, k: int, t: Array) -> Array:
        out = np.zeros((t.size, self._n_ch))
        times, chans, taus, signs = self._events("pops", k, _POP_RATE)
        amp = 1.0 / math.sqrt(_POP_RATE * 0.25 / 2)  # mean energy tau / 2, E[tau] = 0.25 s
        for c0, ch, tau, s in zip(times, chans, taus, signs, strict=True):
            sel = (t >= c0) & (t < c0 + 10 * tau)
            out[sel, int(ch)] += amp * np.sign(s) * np.exp(-(t[sel] - c0) / tau)
        return out
