"""ECG and PPG, synthesised beat by beat from the latent beat times.

**ECG** (mV): each beat is a sum of Gaussians (P, Q, R, S, T) placed relative to its R
peak, which lies exactly at the beat's ground-truth time. P and T positions and widths
scale with the square root of the preceding RR interval (Bazett-like QT adaptation), and
the QRS amplitude is modulated by breathing (ECG-derived respiration). Ectopic beats have
no P wave, a wide QRS and an inverted T wave.

**PPG** (a.u.): a systolic Gaussian and a smaller diastolic one per beat. The steepest
upstroke of the systolic wave lies exactly ``ptt`` s after the R peak (pulse arrival
time). Pulse amplitude falls with activation (vasoconstriction) and is modulated by
breathing, which also moves the baseline.
"""

from __future__ import annotations

import numpy as np

from .base import Regular, breath_wave
from .kernels import Array, render_pulses
from .latent import Latent

__all__ = ["ECGRenderer", "PPGRenderer", "ecg_waves"]

# name: (offset at RR = 1 s in s, width in s, amplitude in mV, scales with sqrt(RR))
_NORMAL = {
    "P": (-0.17, 0.025, 0.15, True),
    "Q": (-0.03, 0.010, -0.12, False),
    "R": (0.0, 0.011, 1.10, False),
    "S": (0.03, 0.011, -0.25, False),
    "T": (0.28, 0.055, 0.30, True),
}
_ECTOPIC = {
    "R": (0.0, 0.028, 1.40, False),
    "S": (0.09, 0.030, -0.40, False),
    "T": (0.34, 0.070, -0.35, True),
}


def ecg_waves(beats: Array, rr: Array, ectopic: Array, depth: Array) -> tuple[Array, ...]:
    """Centres (s), amplitudes (mV) and widths (s) of every wave of every beat.

    Parameters
    ----------
    beats, rr, ectopic
        R-peak times (s), preceding RR intervals (s) and ectopic flags (0/1).
    depth
        Breathing waveform value at each beat in [-1, 1] (modulates the QRS amplitude).
    """
    scale = np.sqrt(np.clip(rr, 0.3, 2.0))
    qrs_gain = 1.0 + 0.08 * depth
    centers, amps, widths = [], [], []
    for shapes, mask in ((_NORMAL, ectopic < 0.5), (_ECTOPIC, ectopic >= 0.5)):
        if not mask.any():
            continue
        for name, (offset, width, amp, scaled) in shapes.items():
            s = scale[mask] if scaled else np.ones(int(mask.sum()))
            gain = qrs_gain[mask] if name in "QRS" else 1.0
            centers.append(beats[mask] + offset * s)
            widths.append(width * s)
            amps.append(amp * gain * np.ones(int(mask.sum())))
    if not centers:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    return np.concatenate(centers), np.concatenate(amps), np.concatenate(widths)


class ECGRenderer(Regular):
    """Single-lead ECG in mV (lead II-like)."""

    type = "ECG"
    channels = ("ECG",)
    units = "mV"

    def signal(self, k: int, first: int, t: Array) -> Array:
        a, b = float(t[0]), float(t[-1])
        beats, rr, ect = self.latent.beats(a - 1.0, b + 1.0)
        phase, _ = self.latent.resp_at(beats)
        centers, amps, widths = ecg_waves(beats, rr, ect, breath_wave(phase))
        return render_pulses(first, t.size, self.rate, centers, amps, widths)


class PPGRenderer(Regular):
    """Photoplethysmogram in a.u.; pulse arrival ``ptt`` s after each R peak.

    Parameters
    ----------
    ptt
        Pulse arrival time: R peak to steepest systolic upstroke, in s.
    """

    type = "PPG"
    channels = ("PPG",)
    units = "a.u."

    SYSTOLE = 0.07  # width of the systolic wave in s

    def __init__(self, latent: Latent, seed: int, rate: float, ptt: float = 0.25) -> None:
        super().__init__(latent, seed, rate)
        self.ptt = float(ptt)
        self.meta = {"ptt_s": self.ptt}

    def signal(self, k: int, first: int, t: Array) -> Array:
        a, b = float(t[0]), float(t[-1])
        beats, rr, _ = self.latent.beats(a - 1.5, b + 0.5)
        phase, _ = self.latent.resp_at(beats)
        state = self.latent.script.evaluate(beats)
        amp = (1.0 - 0.3 * state.activation) * (1.0 + 0.15 * breath_wave(phase))
        sys_c = beats + self.ptt + self.SYSTOLE
        dia_c = sys_c + 0.3 * np.sqrt(np.clip(rr, 0.3, 2.0))
        centers = np.concatenate((sys_c, dia_c))
        amps = np.concatenate((amp, 0.4 * amp))
        widths = np.concatenate((np.full(beats.size, self.SYSTOLE), np.full(beats.size, 0.1)))
        pulses = render_pulses(first, t.size, self.rate, centers, amps, widths)
        phase_t, depth_t = self.latent.resp(k, t)
        return pulses + 0.1 * depth_t * breath_wave(phase_t)
