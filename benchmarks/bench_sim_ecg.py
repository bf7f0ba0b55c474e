"""Speed of the clinical ECG simulator (heartmind.sim.ecg): offline records and streaming.

Run:  .venv/bin/python benchmarks/bench_sim_ecg.py [--hours 1] [--repeat 3]

Prints the wall time (best of ``--repeat``) and peak traced memory (tracemalloc) of:
1 h single lead at 250 Hz (clean, with 20 % multiform PVCs, with Holter noise), 10 s × 12
leads at 500 Hz (the paper-ECG / EXGnet record), a 10 s EXGnet window recipe, and 10 min
of 12-lead streaming in 0.25 s chunks.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from heartmind.sim.ecg import EcgSimulator, EcgStream, Ectopy, rhythm_example, simulate

PVC = Ectopy(pvc=0.2, couplet=0.2, run=0.05, bigeminy=0.1, multiform=0.6, pac=0.03)


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall time in s over ``repeat`` runs and peak traced memory in MB of one run."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 1e6


def _stream(minutes: float) -> int:
    s = EcgStream(seed=1, rhythm="SR", ectopy=PVC, sampling_rate=500.0)
    return sum(1 for _ in s.chunks(0.0, minutes * 60.0, 0.25))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=1.0, help="length of the long records")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (best is shown)")
    args = parser.parse_args()
    sec = args.hours * 3600.0
    label = f"{args.hours:g} h"
    cases: list[tuple[str, Callable[[], Any], float]] = [
        (
            f"{label} lead II 250 Hz, sinus",
            lambda: simulate(sec, "SR", leads=("II",), sampling_rate=250.0, seed=1),
            sec,
        ),
        (
            f"{label} lead II 250 Hz, 20 % multiform PVCs",
            lambda: simulate(sec, "SR", leads=("II",), sampling_rate=250.0, seed=1, ectopy=PVC),
            sec,
        ),
        (
            f"{label} lead II 250 Hz, AF",
            lambda: simulate(sec, "AF", leads=("II",), sampling_rate=250.0, seed=1),
            sec,
        ),
        (
            f"{label} lead II 250 Hz, Holter noise 10 dB (stream-calibrated)",
            lambda: EcgSimulator(
                None, "SR", leads=("II",), sampling_rate=250.0, seed=1, noise="holter", snr_db=10.0
            ).record(sec),
            sec,
        ),
        (
            "10 s x 12 leads 500 Hz, sinus + LBBB",
            lambda: simulate(10.0, "SR", seed=2, conditions=("LBBB",)),
            10.0,
        ),
        (
            "10 s x 12 leads 500 Hz, AF + PVCs",
            lambda: simulate(10.0, "AF", seed=2, ectopy=PVC),
            10.0,
        ),
        ("10 s EXGnet window (rhythm_example, noise)", lambda: rhythm_example("SVT", 3), 10.0),
        ("10 min x 12 leads 500 Hz streamed (0.25 s chunks)", lambda: _stream(10.0), 600.0),
    ]
    print(f"heartmind.sim.ecg speed (best of {args.repeat}; peak = tracemalloc peak)")
    for name, fn, simulated in cases:
        wall, peak = measure(fn, args.repeat)
        print(
            f"  {name:58s} {wall * 1000:9.1f} ms  {simulated / wall:9.0f}x real time"
            f"  peak {peak:7.1f} MB"
        )


if __name__ == "__main__":
    main()
