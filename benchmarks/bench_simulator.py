"""Speed of the simulator (× real time), building heartmind Chunk objects included.

Run:  .venv/bin/python benchmarks/bench_simulator.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import time

from heartmind.sim import Participant

CASES = {
    "ECG+PPG+EDA+RSP (+truth)": ("ECG", "PPG", "EDA", "RSP"),
    "all modalities, 32-ch EEG (+truth)": (
        "ECG",
        "PPG",
        "EDA",
        "RSP",
        "EEG",
        "RADAR",
        "FACE",
        "KEYS",
        "MOUSE",
    ),
}


def measure(modalities: tuple[str, ...], seconds: float, snr_db: float | None) -> tuple[float, int]:
    """Wall time in s to stream ``seconds`` of simulation in 0.25 s chunks, and chunk count."""
    participant = Participant("rest-stress-recovery", seed=1, modalities=modalities, snr_db=snr_db)
    start = time.perf_counter()
    n = sum(1 for _ in participant.chunks(t0=0.0, duration=seconds, chunk_duration=0.25))
    return time.perf_counter() - start, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="simulated minutes")
    args = parser.parse_args()
    seconds = args.minutes * 60.0
    print(f"heartmind.sim speed, {args.minutes:g} simulated minutes, 0.25 s chunks")
    for label, modalities in CASES.items():
        for snr in (None, 10.0):
            wall, n = measure(modalities, seconds, snr)
            noise = "clean" if snr is None else f"SNR {snr:g} dB"
            print(
                f"  {label:36s} {noise:10s} {wall:6.3f} s  {seconds / wall:8.0f}x real time"
                f"  ({n} chunks)"
            )


if __name__ == "__main__":
    main()
