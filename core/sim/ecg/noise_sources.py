"""Raw ECG noise sources: each produces noise of unit expected power per channel, block by
block, seeded per (seed, type, block) so that any split into chunks gives the same samples.

Continuous types carry filter state and must be asked for in block order; event types
(bursts, pops, steps, contact loss) draw their events per block and look back far enough
to finish the events that started earlier.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import numpy.typing as npt
from scipy.signal import butter, sosfilt

from ...errors import ConfigError
from ..kernels import BLOCK, Array, block_rng

__all__ = ["ACTIVITIES", "EVENT_TYPES", "Movement", "RawNoise"]

#: Event types: (events per minute per channel, duration range s, band Hz or None).
EVENT_TYPES: dict[str, tuple[float, tuple[float, float], tuple[float, float] | None]] = {
    "motion": (6.0, (0.5, 3.0), (0.5, 8.0)),
    "burst": (3.0, (0.1, 1.0), (1.0, 100.0)),
    "pops": (2.0, (0.05, 0.3), None),  # duration = decay time constant
    "steps": (1.0, (1.0, 6.0), None),  # duration = recovery time constant
    "contact": (1.0, (0.2, 2.0), None),
}
_TUKEY = 0.5  # taper fraction of burst windows
#: Movement profiles of the textile motion artefact: (cadence Hz, harmonic weights, bout s).
ACTIVITIES: dict[str, tuple[float, tuple[float, ...], float]] = {
    "walk": (1.8, (1.0, 0.5, 0.25), 40.0),
    "run": (2.7, (1.0, 0.7, 0.4), 30.0),
    "arms": (0.9, (1.0, 0.2, 0.1), 15.0),
    "stairs": (1.5, (1.0, 0.6, 0.3), 25.0),
}


def _rng(seed: int, key: str, *idx: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(key.encode()), *idx])


class Movement:
    """A closed-form body-movement signal (a.u., unit peak harmonic) for ``activity``.

    Steps at a cadence that wanders by ±8 %; movement comes in bouts (an envelope in
    [0, 1] with period ~``bout`` s).
    """

    def __init__(self, activity: str, seed: int) -> None:
        if activity not in ACTIVITIES:
            raise ConfigError(f"activity {activity!r} is unknown; valid: {', '.join(ACTIVITIES)}.")
        self.cadence, self.weights, self.bout = ACTIVITIES[activity]
        rng = _rng(seed, f"movement-{activity}")
        self.p = rng.uniform(0, 2 * math.pi, 8)
        self.nu = rng.uniform(0.02, 0.08)

    def __call__(self, t: Array) -> Array:
        dev = (
            0.08
            * self.cadence
            * (np.cos(self.p[0]) - np.cos(2 * math.pi * self.nu * t + self.p[0]))
        )
        phase = 2 * math.pi * (self.cadence * t + dev / (2 * math.pi * self.nu))
        m = sum(w * np.sin((h + 1) * phase + self.p[h + 1]) for h, w in enumerate(self.weights))
        env = np.clip(0.55 + 0.7 * np.sin(2 * math.pi * t / self.bout + self.p[5]), 0.0, 1.0)
        out: Array = env * m
        return out


class RawNoise:
    """Unit-power noise of one type for ``n_ch`` channels.

    Parameters
    ----------
    kind
        Noise type (see :data:`heartmind.sim.ecg.noise.NOISE_TYPES`).
    rate
        Sampling rate in Hz.
    n_ch
        Channels (leads, or electrodes).
    seed
        Seed.
    powerline_hz
        Mains frequency in Hz.
    per_min
        Events per minute per channel (event types; default from :data:`EVENT_TYPES`).
    activity
        Movement profile of ``textile_motion``.
    """

    def __init__(
        self,
        kind: str,
        rate: float,
        n_ch: int,
        seed: int,
        powerline_hz: float = 50.0,
        per_min: float | None = None,
        activity: str = "walk",
    ) -> None:
        self.kind, self.rate, self.n_ch, self.seed = kind, float(rate), int(n_ch), int(seed)
        self.key = f"ecgnoise-{kind}"
        self.powerline_hz = float(powerline_hz)
        self._zi: npt.NDArray[np.float64] | None = None
        self._sos: npt.NDArray[np.float64] | None = None
        self._norm = 1.0
        self.spans: list[tuple[float, float, int]] = []
        self._events_cache: dict[int, tuple[Array, npt.NDArray[np.int64], Array, Array]] = {}
        rng0 = _rng(seed, self.key, 0)
        self._static = (
            rng0.uniform(0.25, 0.75, (6, self.n_ch)),
            rng0.uniform(0.0, 2 * math.pi, (6, self.n_ch)),
            rng0.uniform(0.0, 2 * math.pi, (3, self.n_ch)),
        )
        self._burst_sos: npt.NDArray[np.float64] | None = None
        self._waves: dict[tuple[int, int], Array] = {}
        if kind in EVENT_TYPES:
            base, self.durations, self.band = EVENT_TYPES[kind]
            self.per_s = (base if per_min is None else float(per_min)) / 60.0
            self._lookback = math.ceil(8.0 * self.durations[1] / BLOCK) + 1
            self._logged = -1
        if kind == "powerline" and self.rate < 2.2 * self.powerline_hz:
            raise ConfigError(
                f"powerline noise at {self.powerline_hz:g} Hz needs a sampling rate of at least "
                f"{2.2 * self.powerline_hz:g} Hz (got {self.rate:g} Hz); leave it out."
            )
        if kind in ("emg", "impedance"):
            lo, hi = (20.0, 150.0) if kind == "emg" else (0.5, 40.0)
            hi = min(hi, 0.45 * self.rate)
            lo = min(lo, 0.4 * hi)
            self._sos = butter(
                4 if kind == "emg" else 2, [lo, hi], btype="bandpass", fs=self.rate, output="sos"
            )
            imp = np.zeros(int(self.rate * 20))
            imp[0] = 1.0
            self._norm = 1.0 / math.sqrt(float(np.sum(sosfilt(self._sos, imp) ** 2)))
        if kind == "textile_motion":
            self.movement = Movement(activity, seed)
            rng = _rng(seed, self.key, 0)
            self._c = rng.normal(0.0, 1.0, (3, self.n_ch))
            self._delay = rng.uniform(0.0, 0.08, self.n_ch)
            self._norm_ch = self._calibrate_motion()

    # ------------------------------------------------------------------ dispatch

    def block(self, k: int, t: Array) -> Array:
        """Noise ``(len(t), n_ch)`` of block ``k`` at times ``t`` (s)."""
        if self.kind in ("pops", "steps", "motion", "burst"):
            return self._events(k, t)
        out: Array = getattr(self, f"_{self.kind}")(k, t)
        return out

    # ------------------------------------------------------------------ continuous

    def _baseline(self, k: int, t: Array) -> Array:
        jitter, phases, _ = self._static
        freqs = 0.05 + (np.arange(6)[:, None] + jitter) * 0.075
        arg = 2 * math.pi * t[:, None, None] * freqs[None] + phases[None]
        out: Array = math.sqrt(2.0 / 6.0) * np.sin(arg).sum(axis=1)
        return out

    def _powerline(self, k: int, t: Array) -> Array:
        ph = self._static[2]
        f = self.powerline_hz
        a3 = 0.3 if 3 * f < 0.45 * self.rate else 0.0
        norm = math.sqrt((1.0 + a3 * a3) / 2.0 * (1.0 + 0.02))
        arg = 2 * math.pi * f * t[:, None]
        mod = 1.0 + 0.2 * np.sin(2 * math.pi * 0.05 * t[:, None] + ph[2])
        out: Array = mod * (np.sin(arg + ph[0]) + a3 * np.sin(3 * arg + ph[1])) / norm
        return out

    def _filtered(self, k: int, t: Array) -> Array:
        assert self._sos is not None
        if self._zi is None:
            self._zi = np.zeros((self._sos.shape[0], 2, self.n_ch))
        white = block_rng(self.seed, self.key, k).standard_normal((t.size, self.n_ch))
        out, self._zi = sosfilt(self._sos, white, axis=0, zi=self._zi)
        res: Array = out * self._norm
        return res

    _emg = _filtered
    _impedance = _filtered

    def _textile_motion(self, k: int, t: Array) -> Array:
        out: Array = self._motion_raw(t) / self._norm_ch[None, :]
        return out

    def _motion_raw(self, t: Array) -> Array:
        m = self.movement
        cols = []
        for ch in range(self.n_ch):
            x = m(t - self._delay[ch])
            c = self._c[:, ch]
            cols.append(c[0] * x + c[1] * x * x + c[2] * np.abs(x))
        return np.column_stack(cols)

    def _calibrate_motion(self) -> Array:
        t = np.arange(0.0, 600.0, 0.01)
        p = np.sqrt(np.mean(self._motion_raw(t) ** 2, axis=0))
        out: Array = np.maximum(p, 1e-9)
        return out

    # ------------------------------------------------------------------ events

    def events(self, b: int) -> tuple[Array, npt.NDArray[np.int64], Array, Array]:
        """Events that start in block ``b``: times (s), channels, durations (s), amplitudes."""
        if b in self._events_cache:
            return self._events_cache[b]
        rng = _rng(self.seed, self.key, 1, b)
        n = int(rng.poisson(self.per_s * BLOCK * self.n_ch))
        t0 = b * BLOCK + rng.uniform(0.0, BLOCK, n)
        ch = rng.integers(0, self.n_ch, n)
        lo, hi = self.durations
        dur = rng.uniform(lo, hi, n)
        amp = rng.choice([-1.0, 1.0], n) * (
            rng.lognormal(0.0, 0.5, n) if self.kind in ("motion", "burst") else 1.0
        )
        order = np.argsort(t0)
        out = (t0[order], ch[order], dur[order], amp[order])
        self._events_cache[b] = out
        self._events_cache.pop(b - self._lookback - 1, None)
        return out

    def _log_spans(self, b: int, t0: Array, ch: npt.NDArray[np.int64], dur: Array) -> None:
        if b <= self._logged:
            return
        self._logged = b
        ext = {"pops": 5.0, "steps": 3.0}.get(self.kind, 1.0)
        self.spans += [
            (float(a), float(a + ext * d), int(c)) for a, c, d in zip(t0, ch, dur, strict=True)
        ]

    def _events(self, k: int, t: Array) -> Array:
        out = np.zeros((t.size, self.n_ch))
        lo, hi = self.durations
        if self.kind in ("pops", "steps"):
            mean_pow = self.per_s * (lo + hi) / 2.0 / 2.0
        else:
            mean_pow = self.per_s * (lo + hi) / 2.0 * (1.0 - 5.0 * _TUKEY / 8.0) * math.exp(0.5)
        scale = 1.0 / math.sqrt(mean_pow)
        first = round(t[0] * self.rate) if t.size else 0
        for b in range(max(0, k - self._lookback), k + 1):
            t0, ch, dur, amp = self.events(b)
            if b == k:
                self._log_spans(b, t0, ch, dur)
            for j in range(t0.size):
                self._add_event(out, first, t0[j], int(ch[j]), dur[j], amp[j] * scale, b, j)
        return out

    def ensure_event(self, out: Array, duration: float) -> None:
        """Give every channel of ``out`` (a whole record from sample 0) at least one event.

        Used offline, where a requested SNR must hold in every lead even when the event
        process left one quiet; the extra events are logged in :attr:`spans`.
        """
        lo, hi = self.durations
        for ch in np.nonzero(~np.any(out != 0.0, axis=0))[0]:
            rng = _rng(self.seed, self.key, 3, int(ch))
            dur = float(rng.uniform(lo, min(hi, max(lo, duration / 4.0))))
            t0 = float(rng.uniform(0.1, 0.9) * max(duration - dur, 0.0))
            self._add_event(out, 0, t0, int(ch), dur, float(rng.choice([-1.0, 1.0])), -1, int(ch))
            ext = {"pops": 5.0, "steps": 3.0}.get(self.kind, 1.0)
            self.spans.append((t0, t0 + ext * dur, int(ch)))

    def _add_event(
        self, out: Array, first: int, t0: float, ch: int, dur: float, amp: float, b: int, j: int
    ) -> None:
        fs = self.rate
        s0 = math.ceil(t0 * fs)
        if self.kind in ("pops", "steps"):
            length = math.ceil(8.0 * dur * fs) + 1
        else:
            length = max(math.ceil(dur * fs), 2)
        a, z = max(s0, first), min(s0 + length, first + out.shape[0])
        if z <= a:
            return
        idx = np.arange(s0, s0 + length)
        if self.kind in ("pops", "steps"):
            wave = np.exp(-(idx / fs - t0) / dur)
        else:
            wave = self._burst_wave(length, b, j)
        out[a - first : z - first, ch] += amp * wave[a - s0 : z - s0]

    def _burst_wave(self, length: int, b: int, j: int) -> Array:
        """Band-limited noise of unit RMS under a Tukey window (the same for every block)."""
        if (b, j) not in self._waves:
            self._waves[(b, j)] = self._make_burst(length, b, j)
            for key in [key for key in self._waves if key[0] < b - self._lookback - 1]:
                del self._waves[key]
        return self._waves[(b, j)]

    def _make_burst(self, length: int, b: int, j: int) -> Array:
        assert self.band is not None
        if self._burst_sos is None:
            lo, hi = self.band
            hi = min(hi, 0.45 * self.rate)
            lo = min(lo, 0.4 * hi)
            self._burst_sos = butter(2, [lo, hi], btype="bandpass", fs=self.rate, output="sos")
        sos = self._burst_sos
        pad = int(self.rate)
        white = _rng(self.seed, self.key, 2, b + 1, j).standard_normal(length + pad)
        x = sosfilt(sos, white)[pad:]
        x = x / max(float(np.sqrt(np.mean(x * x))), 1e-12)
        u = np.linspace(0.0, 1.0, length)
        w = np.ones(length)
        edge = _TUKEY / 2.0
        left, right = u < edge, u > 1.0 - edge
        w[left] = 0.5 * (1 - np.cos(math.pi * u[left] / edge))
        w[right] = 0.5 * (1 - np.cos(math.pi * (1.0 - u[right]) / edge))
        out: Array = x * w
        return out

    # ------------------------------------------------------------------ contact

    def contact_spans(self, k: int) -> list[tuple[float, float, int, float]]:
        """Contact losses overlapping block ``k``: (start s, end s, channel, sign ±1)."""
        out = []
        for b in range(max(0, k - self._lookback), k + 1):
            t0, ch, dur, amp = self.events(b)
            if b == k:
                self._log_spans(b, t0, ch, dur)
            for a, c, d, s in zip(t0, ch, dur, amp, strict=True):
                if a < (k + 1) * BLOCK and a + d > k * BLOCK:
                    out.append((float(a), float(a + d), int(c), float(np.sign(s))))
        return out
