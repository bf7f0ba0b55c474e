"""Synthetic ECG with known beat times, for the cardiac tests (until ``heartmind.sim`` lands).

Each beat is a sum of Gaussians (P, Q, R, S, T) centred on its R-peak; RR intervals vary
(respiratory sinus arrhythmia plus random jitter). Baseline wander is added as is; mains
hum (50 Hz), white noise and band-limited EMG noise are scaled together to the requested
SNR against the clean ECG's power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import signal

# (offset from R in s, width in s, amplitude in mV); T/P offsets scale with sqrt(RR)
_WAVES = (
    ("P", -0.20, 0.025, 0.15),
    ("Q", -0.03, 0.010, -0.12),
    ("R", 0.00, 0.010, 1.20),
    ("S", 0.03, 0.010, -0.25),
    ("T", 0.28, 0.050, 0.35),
)


@dataclass(frozen=True)
class SynthECG:
    """A synthetic recording and its ground truth."""

    ecg: npt.NDArray[np.float64]  # mV
    fs: float  # Hz
    beats: npt.NDArray[np.float64]  # R-peak times in s
    peaks: npt.NDArray[np.int64]  # R-peak sample indices


def beat_times(
    duration: float,
    *,
    bpm: float = 70.0,
    rsa: float = 0.05,
    jitter: float = 0.02,
    seed: int = 0,
    start: float = 0.5,
) -> npt.NDArray[np.float64]:
    """R-peak times in s: mean RR from ``bpm``, RSA depth ``rsa`` and jitter ``jitter`` (s)."""
    rng = np.random.default_rng(seed)
    rr0 = 60.0 / bpm
    times = [start]
    while times[-1] < duration - 0.6:
        t = times[-1]
        rr = rr0 * (1 + rsa * np.sin(2 * np.pi * 0.25 * t)) + rng.normal(0.0, jitter)
        times.append(t + float(np.clip(rr, 0.3, 2.0)))
    return np.asarray(times[:-1] if times[-1] > duration - 0.6 else times)


def synth_ecg(
    duration: float = 60.0,
    fs: float = 250.0,
    *,
    snr_db: float | None = 20.0,
    bpm: float = 70.0,
    rsa: float = 0.05,
    jitter: float = 0.02,
    wander: float = 0.3,
    invert: bool = False,
    seed: int = 0,
    beats: npt.NDArray[np.float64] | None = None,
    amplitudes: npt.NDArray[np.float64] | None = None,
    t_amplitude: float = 0.35,
) -> SynthECG:
    """Build a synthetic ECG in mV.

    Parameters
    ----------
    duration
        Length in s.
    fs
        Sampling rate in Hz.
    snr_db
        Ratio of clean-ECG power to (white + EMG + 50 Hz) noise power in dB; None: no noise.
    wander
        Amplitude of the baseline wander (0.15 + 0.33 Hz) in mV.
    invert
        Flip the polarity (electrodes swapped).
    beats
        R-peak times in s; by default from :func:`beat_times`.
    amplitudes
        Scale of each beat's QRS complex (default 1 for all).
    t_amplitude
        Height of the T wave in mV.
    """
    rng = np.random.default_rng(seed + 1000)
    n = round(duration * fs)
    t = np.arange(n) / fs
    if beats is None:
        beats = beat_times(duration, bpm=bpm, rsa=rsa, jitter=jitter, seed=seed)
    clean = np.zeros(n)
    half = int(0.6 * fs)
    rr = np.diff(beats, prepend=beats[0] - 60.0 / bpm)
    scales = np.ones(len(beats)) if amplitudes is None else np.asarray(amplitudes)
    for tb, rri, k in zip(beats, rr, scales, strict=True):
        c = round(float(tb) * fs)
        lo, hi = max(0, c - half), min(n, c + half)
        tt = t[lo:hi] - tb
        scale = np.sqrt(np.clip(rri, 0.3, 2.0))
        for name, off, width, amp in _WAVES:
            o = off * scale if name in ("T", "P") else off
            a = t_amplitude if name == "T" else amp * (k if name in "QRS" else 1.0)
            clean[lo:hi] += a * np.exp(-0.5 * ((tt - o) / width) ** 2)
    x = clean.copy()
    if snr_db is not None:
        p_sig = float(np.var(clean))
        white = rng.normal(size=n)
        b, a = signal.butter(2, [20.0, min(150.0, 0.45 * fs)], btype="bandpass", fs=fs)
        emg = signal.lfilter(b, a, rng.normal(size=n))
        emg /= emg.std()
        hum = np.sqrt(2) * np.sin(2 * np.pi * 50.0 * t + rng.uniform(0, 2 * np.pi))
        noise = 0.4 * white + 0.4 * emg + 0.2 * hum
        noise *= np.sqrt(p_sig / 10 ** (snr_db / 10) / np.var(noise))
        x += noise
    x += wander * (np.sin(2 * np.pi * 0.15 * t) + 0.5 * np.sin(2 * np.pi * 0.33 * t + 1.0))
    if invert:
        x = -x
    peaks = np.round(beats * fs).astype(np.int64)
    return SynthECG(ecg=x, fs=fs, beats=np.asarray(beats), peaks=peaks)


def match(
    truth: npt.NDArray[np.float64], found: npt.NDArray[np.float64], tol: float
) -> tuple[int, npt.NDArray[np.float64]]:
    """Greedy one-to-one matching of times (s) within ``tol`` s.

    Returns the number of matches and the time errors (found − truth) of the matches.
    """
    truth = np.sort(truth)
    found = np.sort(found)
    i = j = 0
    errors: list[float] = []
    while i < truth.size and j < found.size:
        d = found[j] - truth[i]
        if abs(d) <= tol:
            errors.append(d)
            i += 1
            j += 1
        elif d < 0:
            j += 1
        else:
            i += 1
    return len(errors), np.asarray(errors)


def scores(
    truth: npt.NDArray[np.float64], found: npt.NDArray[np.float64], tol: float = 0.05
) -> tuple[float, float]:
    """Sensitivity and positive predictivity (fractions) at tolerance ``tol`` s."""
    tp, _ = match(truth, found, tol)
    se = tp / truth.size if truth.size else 1.0
    ppv = tp / found.size if found.size else 0.0
    return se, ppv
