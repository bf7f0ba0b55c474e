"""Write the sample CSV shipped with heartmind-csv: 10 s of a synthetic ECG-like signal.

The signal is made here, from nothing but numpy: every beat is a sum of five Gaussian
waves (P, Q, R, S, T) placed at a heart rate of about 72 bpm with a little respiratory
sinus arrhythmia, plus slow baseline wander and a small amount of noise (fixed seed, so
the file is reproducible byte for byte). It is *ECG-like*, good enough for R-peak
detection and heart-rate demos; it is not a physiological model.

Usage (from ``examples/heartmind-csv``)::

    python make_sample.py            # rewrites heartmind_csv/data/ecg_250hz.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 250.0  # Hz
DURATION = 10.0  # s
MEAN_HR = 72.0  # bpm
SEED = 20261124
OUT = Path(__file__).parent / "heartmind_csv" / "data" / "ecg_250hz.csv"

# (offset from the R peak in s, width in s, amplitude in mV) of the P, Q, R, S, T waves.
WAVES: tuple[tuple[float, float, float], ...] = (
    (-0.20, 0.025, 0.15),
    (-0.035, 0.010, -0.12),
    (0.0, 0.010, 1.10),
    (0.035, 0.012, -0.25),
    (0.25, 0.045, 0.30),
)


def beat_times(duration: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """R-peak times in s: mean RR of 60/MEAN_HR s, modulated at 0.25 Hz (breathing)."""
    times = [0.35]
    while times[-1] < duration + 1.0:
        t = times[-1]
        rr = 60.0 / MEAN_HR * (1.0 + 0.05 * np.sin(2 * np.pi * 0.25 * t))
        times.append(t + rr + rng.normal(0.0, 0.01))
    return np.asarray(times)


def synthesize(
    rate: float = RATE, duration: float = DURATION, seed: int = SEED
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return ``(t, ecg)``: sample times in s and the signal in mV."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(rate * duration)) / rate
    ecg = np.zeros_like(t)
    for r in beat_times(duration, rng):
        for offset, width, amplitude in WAVES:
            ecg += amplitude * np.exp(-0.5 * ((t - r - offset) / width) ** 2)
    ecg += 0.05 * np.sin(2 * np.pi * 0.3 * t)  # baseline wander
    ecg += rng.normal(0.0, 0.01, t.size)  # measurement noise
    return t, ecg


def main() -> int:
    t, ecg = synthesize()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("time,ECG\n")
        for ti, vi in zip(t, ecg, strict=True):
            fh.write(f"{ti:.3f},{vi:.4f}\n")
    print(f"wrote {OUT} ({t.size} samples at {RATE:g} Hz)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
