"""Throughput and detection delay of the cardiac plugin's streaming R-peak detector.

Prints, on a synthetic ECG (no beat-annotated real ECG is available here): offline speed
(×real time) on 1 h at 250 Hz, streaming speed with 0.1-s chunks, detection delay p50/p99
and accuracy. Run: ``.venv/bin/python benchmarks/bench_cardiac_stream.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cardiac"))
from ecg_synth import match, scores, synth_ecg

from heartmind.plugins.cardiac.api import ecg_peaks


def main() -> None:
    fs, duration = 250.0, 3600.0
    s = synth_ecg(duration, fs, snr_db=10.0, seed=42)
    t0 = time.perf_counter()
    peaks, info = ecg_peaks(s.ecg, fs)
    offline = time.perf_counter() - t0
    t0 = time.perf_counter()
    chunked, _ = ecg_peaks(s.ecg, fs, chunk_size=int(0.1 * fs))
    streaming = time.perf_counter() - t0
    se, ppv = scores(s.beats, peaks / fs)
    _, err = match(s.beats, peaks / fs, 0.05)
    delay = info["detection_delay"][peaks / fs > 2.0] * 1000
    print(f"1 h ECG at {fs:g} Hz, 10 dB SNR, {s.beats.size} beats (synthetic)")
    print(f"offline:   {offline:.2f} s = {duration / offline:,.0f}x real time")
    print(
        f"streaming: {streaming:.2f} s with 0.1-s chunks = {duration / streaming:,.0f}x real time"
    )
    print(f"identical: {np.array_equal(peaks, chunked)}")
    print(
        f"Se {100 * se:.2f} %  PPV {100 * ppv:.2f} %  |timing error| mean "
        f"{1000 * np.abs(err).mean():.1f} ms, max {1000 * np.abs(err).max():.1f} ms"
    )
    print(
        f"delay: p50 {np.percentile(delay, 50):.0f} ms, p99 {np.percentile(delay, 99):.0f} ms, "
        f"max {delay.max():.0f} ms; search-back beats: {int(info['search_back'].sum())}"
    )


if __name__ == "__main__":
    main()
