"""The latent physiology every signal is rendered from: breathing, heartbeat, SCR events.

Per block of :data:`~heartmind.sim.kernels.BLOCK` s the engine evaluates the scripted state
on a control grid (:data:`~heartmind.sim.kernels.FC` Hz) and derives:

* **breathing**: a phase (rad) whose rate rises with activation, and a depth (a.u.);
* **heartbeat**: an integral pulse frequency modulation (IPFM) model. The instantaneous
  heart rate ``HR(t) = HR_mean(t) * (1 + a_rsa sin(phi_resp) + a_lf sin(phi_lf))`` is
  integrated and a beat occurs each time the integral crosses an integer. Respiratory sinus
  arrhythmia therefore uses the *same* breathing phase as the respiration signal, and its
  depth falls with stress (HF power and RMSSD drop), while the mean rate rises. Small
  beat-to-beat jitter and optional ectopic beats (premature beat, full compensatory pause)
  are added on top;
* **skin conductance responses**: a Poisson process whose rate and amplitude rise with
  activation.

Activation is ``0.75 stress + 0.25 max(arousal, 0)`` (see ``StateValues.activation``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .kernels import BLOCK, FC, Array, block_rng, ou
from .state import StateScript, StateValues

__all__ = ["Latent", "LatentBlock", "Physiology"]

_KEEP = 8  # latent blocks kept in memory (renderers look back at most ~3 blocks)


@dataclass(frozen=True)
class Physiology:
    """Parameters of the latent physiology (defaults: a healthy seated adult).

    Attributes
    ----------
    hr_rest
        Mean heart rate at zero activation in bpm.
    hr_gain
        Heart rate added at full activation in bpm.
    rsa
        Respiratory sinus arrhythmia: fractional heart-rate modulation at zero activation;
        it shrinks by ``rsa_drop`` (80 %) at full activation.
    lf
        Fractional heart-rate modulation of the ~0.1 Hz (Mayer wave) oscillation.
    lf_hz
        Centre frequency of that oscillation in Hz.
    jitter
        Standard deviation of the beat-to-beat timing jitter at rest in s.
    resp_rate
        Breathing rate at zero activation in breaths/min.
    resp_gain
        Breathing rate added at full activation in breaths/min.
    scr_rate
        Skin conductance responses per minute at zero activation.
    scr_gain
        Responses per minute added at full activation.
    rsa_drop
        Fraction of the RSA lost at full activation, in [0, 1] (low: vagal non-responder).
    eda_tonic_gain
        Tonic skin conductance added at full activation in µS (above 2 µS at rest).
    behaviour_gain
        Factor on the activation that keyboard and mouse timing follow (the product is
        clipped to [0, 1]); 0 = behaviour does not react.
    """

    hr_rest: float = 65.0
    hr_gain: float = 30.0
    rsa: float = 0.06
    lf: float = 0.03
    lf_hz: float = 0.1
    jitter: float = 0.006
    resp_rate: float = 15.0
    resp_gain: float = 8.0
    scr_rate: float = 1.0
    scr_gain: float = 8.0
    rsa_drop: float = 0.8
    eda_tonic_gain: float = 3.0
    behaviour_gain: float = 1.0


@dataclass
class LatentBlock:
    """Latent variables of one block; grid arrays have ``BLOCK * FC + 1`` points.

    Attributes
    ----------
    k
        Block index.
    t
        Control-grid times in s (relative to the start), endpoint included.
    state
        The scripted state on the grid.
    resp_phase
        Unwrapped breathing phase in rad (0 mod 2π = start of inspiration).
    resp_depth
        Breathing depth in a.u. (1 = calm breathing).
    beats, rr, ectopic
        R-peak times (s) of the beats generated in this block, their RR intervals (s) and
        ectopic flags.
    scr_onsets, scr_amps
        Onset times (s) and amplitudes (µS) of skin conductance responses.
    """

    k: int
    t: Array
    state: StateValues
    resp_phase: Array
    resp_depth: Array
    beats: Array
    rr: Array
    ectopic: Array
    scr_onsets: Array
    scr_amps: Array


@dataclass
class _Carry:
    resp_phase: float
    lf_phase: float
    beat_phase: float
    hr_noise: float | None = None
    resp_noise: float | None = None
    depth_noise: float | None = None
    lf_noise: float | None = None
    last_beat: float | None = None
    last_ectopic: bool = False


class Latent:
    """Generates :class:`LatentBlock` objects in order and keeps the recent ones.

    Parameters
    ----------
    script
        The affective state script.
    seed
        Random seed.
    physiology
        Model parameters.
    ectopic_rate
        Probability that a beat is a premature (ectopic) beat, in [0, 0.3].
    """

    def __init__(
        self,
        script: StateScript,
        seed: int,
        physiology: Physiology | None = None,
        ectopic_rate: float = 0.0,
    ) -> None:
        self.script = script
        self.seed = seed
        self.phys = physiology or Physiology()
        self.ectopic_rate = float(ectopic_rate)
        rng = block_rng(seed, "latent-init", 0)
        self._carry = _Carry(
            resp_phase=float(rng.uniform(0, 2 * math.pi)),
            lf_phase=float(rng.uniform(0, 2 * math.pi)),
            beat_phase=float(rng.uniform(0, 1)),
        )
        self._blocks: dict[int, LatentBlock] = {}
        self._next = 0

    def block(self, k: int) -> LatentBlock:
        """The latent block ``k`` (generated on demand, in order)."""
        if k < 0:
            raise ValueError(f"block index must be >= 0, got {k}")
        while self._next <= k:
            self._blocks[self._next] = self._generate(self._next)
            self._blocks.pop(self._next - _KEEP, None)
            self._next += 1
        try:
            return self._blocks[k]
        except KeyError:
            raise RuntimeError(
                f"latent block {k} was already discarded; renderers must not lag behind"
            ) from None

    def blocks_between(self, a: float, b: float) -> list[LatentBlock]:
        """Blocks overlapping ``[a, b]`` s (clipped at 0)."""
        k0 = max(0, math.floor(a / BLOCK))
        k1 = max(0, math.floor(b / BLOCK))
        return [self.block(k) for k in range(k0, k1 + 1)]

    def beats(self, a: float, b: float) -> tuple[Array, Array, Array]:
        """``(times, rr, ectopic)`` of the beats with ``a <= time < b`` (s)."""
        blocks = self.blocks_between(a - 1.0, b + 1.0)
        times = np.concatenate([blk.beats for blk in blocks])
        rr = np.concatenate([blk.rr for blk in blocks])
        ect = np.concatenate([blk.ectopic for blk in blocks])
        keep = (times >= a) & (times < b)
        return times[keep], rr[keep], ect[keep]

    def scrs(self, a: float, b: float) -> tuple[Array, Array]:
        """``(onsets, amplitudes)`` of the SCRs with ``a <= onset < b`` (s, µS)."""
        blocks = self.blocks_between(a, b)
        onsets = np.concatenate([blk.scr_onsets for blk in blocks])
        amps = np.concatenate([blk.scr_amps for blk in blocks])
        keep = (onsets >= a) & (onsets < b)
        return onsets[keep], amps[keep]

    def resp(self, k: int, t: Array) -> tuple[Array, Array]:
        """Breathing phase (rad) and depth (a.u.) at times ``t`` (s) inside block ``k``."""
        blk = self.block(k)
        return np.interp(t, blk.t, blk.resp_phase), np.interp(t, blk.t, blk.resp_depth)

    def resp_at(self, times: Array) -> tuple[Array, Array]:
        """Breathing phase (rad) and depth (a.u.) at arbitrary times (s), any blocks."""
        if times.size == 0:
            return np.zeros(0), np.zeros(0)
        blocks = self.blocks_between(float(times.min()), float(times.max()))
        grid = np.concatenate([blk.t[:-1] for blk in blocks] + [blocks[-1].t[-1:]])
        phase = np.concatenate([b.resp_phase[:-1] for b in blocks] + [blocks[-1].resp_phase[-1:]])
        depth = np.concatenate([b.resp_depth[:-1] for b in blocks] + [blocks[-1].resp_depth[-1:]])
        return np.interp(times, grid, phase), np.interp(times, grid, depth)

    # ------------------------------------------------------------------ generation

    def _generate(self, k: int) -> LatentBlock:
        rng = block_rng(self.seed, "latent", k)
        n = round(BLOCK * FC)
        t = k * BLOCK + np.arange(n + 1) / FC
        state = self.script.evaluate(t)
        act = state.activation
        resp_phase, depth = self._breathing(rng, n, act)
        f_hr = self._heart_rate(rng, n, act, resp_phase)
        beats, rr, ect = self._beats(rng, t, f_hr, act)
        onsets, amps = self._scr(rng, t, act)
        return LatentBlock(k, t, state, resp_phase, depth, beats, rr, ect, onsets, amps)

    def _continued(
        self, rng: np.random.Generator, n: int, tau: float, sd: float, name: str
    ) -> Array:
        """An OU process of ``n + 1`` grid points whose first one is the carried value."""
        last = getattr(self._carry, name)
        if last is None:
            last = float(rng.normal(0.0, sd))
        x, new_last = ou(rng, n, 1.0 / FC, tau, sd, last)
        setattr(self._carry, name, new_last)
        return np.concatenate(([last], x))

    def _integrate(self, start: float, rate: Array) -> Array:
        """``n + 1`` points of ``start + ∫ rate dt`` (left rectangles on the grid)."""
        return start + np.concatenate(([0.0], np.cumsum(rate[:-1]))) / FC

    def _breathing(self, rng: np.random.Generator, n: int, act: Array) -> tuple[Array, Array]:
        p = self.phys
        rate_noise = self._continued(rng, n, 20.0, 0.6, "resp_noise")  # breaths/min
        rate_hz = np.maximum(p.resp_rate + p.resp_gain * act + rate_noise, 4.0) / 60.0
        phase = self._integrate(self._carry.resp_phase, 2 * math.pi * rate_hz)
        self._carry.resp_phase = float(phase[-1])
        depth_noise = self._continued(rng, n, 15.0, 0.08, "depth_noise")
        depth = np.maximum((1.0 - 0.35 * act) * (1.0 + depth_noise), 0.2)
        return phase, depth

    def _heart_rate(self, rng: np.random.Generator, n: int, act: Array, resp_phase: Array) -> Array:
        """Instantaneous heart rate on the grid, in beats per s."""
        p = self.phys
        hr = p.hr_rest + p.hr_gain * act + self._continued(rng, n, 30.0, 1.5, "hr_noise")
        lf_noise = self._continued(rng, n, 20.0, 0.01, "lf_noise")
        lf_phase = self._integrate(self._carry.lf_phase, 2 * math.pi * (p.lf_hz + lf_noise))
        self._carry.lf_phase = float(lf_phase[-1])
        rsa = p.rsa * (1.0 - p.rsa_drop * act)
        lf = p.lf * (1.0 - 0.4 * act)
        mod = 1.0 + rsa * np.sin(resp_phase) + lf * np.sin(lf_phase)
        return np.maximum(hr, 30.0) / 60.0 * mod

    def _beats(
        self, rng: np.random.Generator, t: Array, f_hr: Array, act: Array
    ) -> tuple[Array, Array, Array]:
        phi = self._integrate(self._carry.beat_phase, f_hr)
        self._carry.beat_phase = float(phi[-1])
        ms = np.arange(math.floor(phi[0]) + 1, math.floor(phi[-1]) + 1, dtype=np.float64)
        j = np.searchsorted(phi, ms, side="left")
        frac = (ms - phi[j - 1]) / (phi[j] - phi[j - 1])
        times = t[j - 1] + frac / FC
        sd = self.phys.jitter * (1.0 - 0.6 * act[j])
        times = times + np.clip(rng.standard_normal(ms.size), -3, 3) * sd
        draws = rng.uniform(size=ms.size)
        prem = rng.uniform(0.25, 0.4, size=ms.size)
        return self._ectopy(times, f_hr[j], draws, prem)

    def _ectopy(
        self, times: Array, f_at: Array, draws: Array, prem: Array
    ) -> tuple[Array, Array, Array]:
        """Move some beats earlier (premature beats, full compensatory pause); RR intervals."""
        c = self._carry
        out = times.copy()
        ect = np.zeros(times.size, dtype=bool)
        prev = c.last_beat
        prev_ect = c.last_ectopic
        for i in range(times.size):
            if prev is None:
                prev = float(times[i] - 1.0 / f_at[i])
            if self.ectopic_rate > 0 and not prev_ect and draws[i] < self.ectopic_rate:
                out[i] = times[i] - prem[i] * (times[i] - prev)
                ect[i] = True
            prev_ect = bool(ect[i])
            prev = float(out[i])
        first_prev = c.last_beat if c.last_beat is not None else float(times[0] - 1.0 / f_at[0])
        rr = np.diff(np.concatenate(([first_prev], out))) if out.size else out
        if out.size:
            c.last_beat = float(out[-1])
            c.last_ectopic = bool(ect[-1])
        return out, rr, ect.astype(np.float64)

    def _scr(self, rng: np.random.Generator, t: Array, act: Array) -> tuple[Array, Array]:
        p = self.phys
        per_s = (p.scr_rate + p.scr_gain * act[:-1]) / 60.0
        hit = rng.uniform(size=per_s.size) < per_s / FC
        offset = rng.uniform(0, 1.0 / FC, size=per_s.size)
        size = rng.lognormal(0.0, 0.35, size=per_s.size)
        onsets = t[:-1][hit] + offset[hit]
        amps = (0.08 + 0.5 * act[:-1][hit]) * size[hit]
        return onsets, amps
