"""Continuous atrial activity: fibrillatory f-waves (AF) and flutter F-waves.

Both are closed-form functions of time, so any block of samples is computed independently
and streaming equals offline generation exactly.

**f-waves** (atrial fibrillation): two dipole components with an instantaneous frequency
``f(t) = f0 + df · m(t)`` (``m`` a sum of three slow sinusoids, 0.03–0.3 Hz, ``|m| <= 1``)
and an amplitude envelope varying by ±40 % on 2–10 s scales. The phase is the exact
integral of ``f``. ``f0`` is 4–9 Hz (240–540 /min); the spatial amplitude is typically
0.05–0.2 mV (fine to coarse AF); V1 sees the most.

**F-waves** (atrial flutter): a smoothed sawtooth (five harmonics) of period ``cycle``
(190–240 ms, 250–320 /min) that jumps at each integer phase, then descends slowly,
pointing superior and anterior (the classic negative sawtooth in II, III and aVF, positive
in V1). Cycle ``i`` starts at
``start + (i - phase0) * cycle`` (see :meth:`AtrialActivity.cycle_starts`).

Both fade in and out over 0.2 s at the episode edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..kernels import Array

__all__ = ["AtrialActivity", "fibrillation", "flutter"]

_FADE = 0.2  # s


@dataclass(frozen=True)
class AtrialActivity:
    """One episode of continuous atrial activity.

    Attributes
    ----------
    kind
        ``"af"`` or ``"flutter"``.
    start, end
        Episode bounds in s (``end`` may be ``inf``).
    rate
        Mean atrial rate in Hz (f-wave frequency, or F-wave rate).
    vec1, vec2
        Dipole vectors (mV) of the two components (flutter uses ``vec1`` only).
    mod
        ``(3, 3)`` rows of (frequency Hz, phase rad, weight) of the frequency modulation.
    env
        ``(3, 3)`` rows of (frequency Hz, phase rad, weight) of the amplitude envelope.
    df
        Frequency deviation in Hz (AF).
    phase0
        Initial phase in cycles.
    """

    kind: str
    start: float
    end: float
    rate: float
    vec1: Array
    vec2: Array
    mod: Array
    env: Array
    df: float
    phase0: float

    def phase(self, t: Array) -> Array:
        """Atrial phase in cycles at times ``t`` (s)."""
        u = t - self.start
        ph = self.phase0 + self.rate * u
        if self.kind == "af":
            for f, p, w in self.mod:
                ph = ph + self.df * w * (np.cos(p) - np.cos(2 * math.pi * f * u + p)) / (
                    2 * math.pi * f
                )
        out: Array = ph
        return out

    def dipole(self, t: Array) -> Array:
        """The atrial dipole (mV) at times ``t`` (s), shape ``(len(t), 3)``; 0 outside."""
        out = np.zeros((t.size, 3))
        inside = (t >= self.start) & (t < self.end)
        if not inside.any():
            return out
        tt = t[inside]
        fade = np.clip(np.minimum(tt - self.start, self.end - tt) / _FADE, 0.0, 1.0)
        fade = 0.5 - 0.5 * np.cos(math.pi * fade)
        x = 2 * math.pi * self.phase(tt)
        if self.kind == "flutter":
            saw = -sum(np.sin(h * x) / h for h in range(1, 6))  # jumps up at integer phase
            out[inside] = (fade * saw * (2 / math.pi))[:, None] * self.vec1[None, :]
            return out
        envelope = 1.0 + 0.4 * sum(w * np.sin(2 * math.pi * f * tt + p) for f, p, w in self.env)
        a = fade * envelope
        c1 = np.sin(x) + 0.3 * np.sin(2 * x + 0.7)
        c2 = np.sin(x + 1.3 + 0.8 * np.sin(2 * math.pi * 0.15 * tt))
        out[inside] = (a * c1)[:, None] * self.vec1[None, :] + (a * c2)[:, None] * self.vec2[
            None, :
        ]
        return out

    def cycle_starts(self, a: float, b: float) -> Array:
        """Times (s) in ``[a, b)`` where a new atrial cycle starts (integer phase)."""
        a, b = max(a, self.start), min(b, self.end)
        if b <= a:
            return np.zeros(0)
        if self.kind == "flutter":
            first = math.ceil(self.phase0 + self.rate * (a - self.start) - 1e-12)
            last = math.floor(self.phase0 + self.rate * (b - self.start) - 1e-12)
            k = np.arange(first, last + 1, dtype=np.float64)
            out: Array = self.start + (k - self.phase0) / self.rate
            return out[(out >= a) & (out < b)]
        t = np.arange(a, b, 1e-3)
        ph = self.phase(t)
        idx = np.nonzero(np.floor(ph[1:]) > np.floor(ph[:-1]))[0]
        starts: Array = t[idx + 1]
        return starts


def _unit(v: Array) -> Array:
    out: Array = v / np.linalg.norm(v)
    return out


def fibrillation(
    start: float, end: float, rng: np.random.Generator, f0: float | None, amplitude: float | None
) -> AtrialActivity:
    """AF f-waves at ``f0`` Hz (default 4.5–8 Hz) with spatial amplitude ``amplitude`` mV."""
    f = float(f0) if f0 is not None else float(rng.uniform(4.5, 8.0))
    amp = float(amplitude) if amplitude is not None else float(rng.uniform(0.04, 0.15))
    v1 = _unit(np.array([-0.35, 0.35, 0.85]) + rng.normal(0.0, 0.2, 3)) * amp
    v2 = _unit(rng.normal(0.0, 1.0, 3)) * amp * 0.5
    mod = np.column_stack(
        (rng.uniform(0.03, 0.3, 3), rng.uniform(0, 2 * math.pi, 3), rng.dirichlet(np.ones(3)))
    )
    env = np.column_stack(
        (rng.uniform(0.1, 0.5, 3), rng.uniform(0, 2 * math.pi, 3), rng.dirichlet(np.ones(3)))
    )
    return AtrialActivity(
        "af", start, end, f, v1, v2, mod, env, 0.15 * f, float(rng.uniform(0.0, 1.0))
    )


def flutter(
    start: float,
    end: float,
    rng: np.random.Generator,
    per_min: float | None,
    amplitude: float | None,
) -> AtrialActivity:
    """Flutter F-waves at ``per_min`` /min (default 250–320) of ``amplitude`` mV."""
    rate = (float(per_min) if per_min is not None else float(rng.uniform(250.0, 320.0))) / 60.0
    amp = float(amplitude) if amplitude is not None else float(rng.uniform(0.12, 0.3))
    v1 = _unit(np.array([0.1, -0.8, 0.5]) + rng.normal(0.0, 0.1, 3)) * amp
    z = np.zeros((0, 3))
    return AtrialActivity(
        "flutter", start, end, rate, v1, np.zeros(3), z, z, 0.0, float(rng.uniform(0.0, 1.0))
    )
