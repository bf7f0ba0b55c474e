"""Streaming radar vital signs: I/Q → displacement → breathing, heartbeats, quality.

Signal path of :class:`RadarVitals` (causal after calibration, state carried):

1. **calibration**: the first ``calibration`` s of I/Q are buffered and the I/Q correction
   (ellipse fit, :func:`~heartmind.plugins.radar.api.fit_iq_correction`) is fitted on
   them, then applied to every sample (the buffered ones included);
2. **demodulation**: ``atan2`` of the corrected samples, unwrapped across blocks, scaled
   to displacement ``d = φ λ / 4π`` (mm);
3. **breathing**: the physio plugin's
   :class:`~heartmind.plugins.physio.api.BreathDetector` on ``d``
   (band 0.1–0.6 Hz, upward zero crossings);
4. **heartbeats**: the heartbeat micro-motion (≈ 0.1–0.5 mm, 10–100× smaller than
   breathing) is a short pulse whose harmonics reach well above the breathing harmonics,
   so beats are detected in the 2–8 Hz band: band-pass (2nd-order Butterworth), energy
   (square, 150-ms moving average), causal peak picking (±0.25 s, ≥ 0.33 s apart); the
   beat time is the largest band-passed deflection in the energy window, shifted back by
   the filter's group delay;
5. **quality**: every ``quality_interval`` s, the spectrum of the energy envelope over the
   last ``quality_window`` s: the share of its 0.7–6 Hz power that lies within ±0.1 Hz of
   the cardiac peak (0.7–3 Hz) and its second harmonic (1 = perfectly periodic beats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import signal

from heartmind.errors import ConfigError
from heartmind.plugins.physio.api import BreathDetector
from heartmind.streaming import CausalPeakPicker, SOSFilter, group_delay_samples

from ._iq_demodulation import IQCorrection, fit_iq_correction, wavelength_mm

__all__ = ["RadarOutput", "RadarVitals", "cardiac_spectrum_quality"]

_F64 = npt.NDArray[np.float64]
_HEART_BAND = (2.0, 8.0)


@dataclass
class RadarOutput:
    """What one call of :meth:`RadarVitals.process` produced (sample indices are absolute)."""

    beats: list[tuple[float, int]] = field(default_factory=list)  # (beat index, decided at)
    breaths: list[tuple[float, float]] = field(default_factory=list)  # (index, depth mm)
    quality: list[tuple[int, float, float, float]] = field(default_factory=list)
    # (end index, quality 0–1, snr dB, spectral heart rate bpm)
    displacement: _F64 = field(default_factory=lambda: np.zeros(0))
    first: int = 0  # absolute index of displacement[0]


def cardiac_spectrum_quality(envelope: _F64, fs: float) -> tuple[float, float, float]:
    """Periodicity of a heartbeat energy envelope: ``(quality 0–1, snr dB, peak bpm)``."""
    x = envelope - envelope.mean()
    n = max(x.size, int(fs / 0.02))
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size), n)) ** 2
    f = np.fft.rfftfreq(n, 1.0 / fs)
    band = (f >= 0.7) & (f <= 3.0)
    total = float(spec[(f >= 0.7) & (f <= 6.0)].sum())
    if not band.any() or total <= 0:
        return 0.0, -60.0, 0.0
    f0 = float(f[band][np.argmax(spec[band])])
    near = (np.abs(f - f0) <= 0.1) | (np.abs(f - 2 * f0) <= 0.1)
    peak = float(spec[near & (f <= 6.0)].sum())
    q = min(1.0, peak / total)
    snr = 10 * math.log10(max(peak, 1e-300) / max(total - peak, 1e-300))
    return q, float(np.clip(snr, -60.0, 60.0)), 60.0 * f0


class RadarVitals:
    """Streaming vital signs from one CW radar (channels I and Q); see the module docstring.

    Parameters
    ----------
    sampling_rate
        I/Q rate in Hz (≥ 20 Hz).
    carrier_ghz
        Carrier frequency in GHz (sets λ).
    calibration
        Seconds of I/Q buffered to fit the I/Q correction before any output.
    method
        I/Q correction: ``"ellipse"``, ``"circle"`` or ``"none"``.
    quality_interval, quality_window
        Schedule of the quality measure, in s.
    """

    def __init__(
        self,
        sampling_rate: float,
        *,
        carrier_ghz: float = 24.0,
        calibration: float = 10.0,
        method: str = "ellipse",
        quality_interval: float = 5.0,
        quality_window: float = 10.0,
    ) -> None:
        fs = float(sampling_rate)
        if not (math.isfinite(fs) and fs >= 20.0):
            raise ConfigError(f"radar vital signs need an I/Q rate of at least 20 Hz, got {fs}.")
        self.sampling_rate = fs
        self.scale = wavelength_mm(carrier_ghz) / (4 * math.pi)
        fit_iq_correction(np.zeros((6, 2)) + np.eye(6, 2), method)  # validates ``method``
        self.method = method
        self.correction: IQCorrection | None = None
        self._n_cal = max(6, round(calibration * fs))
        self._pending = np.zeros((0, 2))
        self._phase = 0.0
        self._n = 0  # demodulated samples so far
        lo, hi = _HEART_BAND[0], min(_HEART_BAND[1], 0.4 * fs)
        sos = signal.butter(2, [lo, hi], btype="bandpass", fs=fs, output="sos")
        self._bandpass = SOSFilter(sos)
        self._nw = max(2, round(0.15 * fs))
        self._mwi_zi = np.zeros(self._nw - 1)
        self._gd = group_delay_samples(sos, math.sqrt(lo * hi), fs)
        self._picker = CausalPeakPicker(fs, lookahead=0.25, refractory=0.33, fraction=0.35)
        self._breaths = BreathDetector(fs, band=(0.1, 0.6))
        self._q_step = max(1, round(quality_interval * fs))
        self._q_len = max(self._q_step, round(quality_window * fs))
        self._hp = np.zeros(0)  # band-passed heart signal, buffered
        self._env = np.zeros(0)  # energy envelope, buffered
        self._buf0 = 0

    def process(self, iq: npt.ArrayLike, *, final: bool = False) -> RadarOutput:
        """Feed ``(n, 2)`` I/Q samples (a.u.); return beats, breaths and quality found."""
        block = np.asarray(iq, dtype=np.float64).reshape(-1, 2)
        if self.correction is None:
            self._pending = np.concatenate((self._pending, block))
            if self._pending.shape[0] < self._n_cal and not (final and self._pending.shape[0]):
                return RadarOutput()
            if self._pending.shape[0] < 6:
                return RadarOutput()
            self.correction = fit_iq_correction(self._pending[: self._n_cal], self.method)
            block, self._pending = self._pending, np.zeros((0, 2))
        return self._demodulated(self._demodulate(block), final)

    def flush(self) -> RadarOutput:
        """Decide what is pending at the end (also fits on a short recording)."""
        return self.process(np.zeros((0, 2)), final=True)

    def _demodulate(self, block: _F64) -> _F64:
        assert self.correction is not None
        u = self.correction.apply(block)
        wrapped = np.arctan2(u[:, 1], u[:, 0])
        if wrapped.size == 0:
            return wrapped
        start = self._phase if self._n else float(wrapped[0])
        phase = np.unwrap(np.concatenate(([start], wrapped)))[1:]
        if self._n == 0:
            self._origin = float(phase[0])
        self._phase = float(phase[-1])
        out: _F64 = (phase - self._origin) * self.scale
        return out

    def _demodulated(self, d: _F64, final: bool) -> RadarOutput:
        out = RadarOutput(displacement=d, first=self._n)
        times, depths = self._breaths.process(d)
        out.breaths = list(zip(times.tolist(), depths.tolist(), strict=True))
        if d.size:
            hp = self._bandpass.process(d)
            env, self._mwi_zi = signal.lfilter(
                np.full(self._nw, 1.0 / self._nw), 1.0, hp * hp, zi=self._mwi_zi
            )
        else:
            hp = env = np.zeros(0)
        self._hp = np.concatenate((self._hp, hp))
        self._env = np.concatenate((self._env, env))
        n_before, self._n = self._n, self._n + d.size
        for i in self._picker.process(env, final=final):
            out.beats.append((self._localise(i), i + self._picker.delay))
        out.quality = self._quality(n_before)
        keep = max(self._q_len, self._nw + self._picker.delay + 2)
        cut = max(0, self._n - keep - self._buf0)
        self._hp, self._env, self._buf0 = self._hp[cut:], self._env[cut:], self._buf0 + cut
        return out

    def _localise(self, i: int) -> float:
        # centroid of the energy around its peak, shifted back by the integrator's and
        # the band-pass filter's delays
        a = max(self._buf0, i - self._nw // 2)
        seg = self._env[a - self._buf0 : i + self._nw // 2 + 1 - self._buf0]
        k = a + float(np.dot(np.arange(seg.size), seg) / seg.sum()) if seg.sum() > 0 else i
        return float(k - (self._nw - 1) / 2 - self._gd)

    def _quality(self, n_before: int) -> list[tuple[int, float, float, float]]:
        out = []
        end = (n_before // self._q_step + 1) * self._q_step
        while end <= self._n:
            if end >= self._q_len:
                seg = self._env[end - self._q_len - self._buf0 : end - self._buf0]
                out.append((end - 1, *cardiac_spectrum_quality(seg, self.sampling_rate)))
            end += self._q_step
        return out
