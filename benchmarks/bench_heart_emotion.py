"""Inference cost per ``Emotion`` event of the heart-rate VAD models (CPU, ms).

    .venv/bin/python benchmarks/bench_heart_emotion.py [--minutes 10] [--threads 1]

Feeds the beats of a simulated 10-minute rest-stress-recovery session (ground-truth beats
of ``heartmind.sim``) into a ``heart-emotion`` processor per bundled model and times each
``on_event`` call that emits an Emotion: window preparation (HR sequence or HRV features,
per-user normalisation), the model, and building the event. Prints p50/p99/max in ms and
the model call alone. The bundled models are trained on SYNTHETIC data; this measures
cost, not accuracy.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from heartmind import HeartBeat
from heartmind.plugins.heart_emotion.api import HeartEmotionProcessor, baseline_from_beats
from heartmind.sim import StateScript
from heartmind.sim.latent import Latent

MODELS = ("hrv-linear-synthetic", "hr-gru-synthetic", "hr-lstm-synthetic")


def _beats(minutes: float) -> list[HeartBeat]:
    latent = Latent(StateScript.load("rest-stress-recovery"), seed=1)
    times, rr, _ = latent.beats(0.0, minutes * 60.0)
    return [
        HeartBeat(timestamp=float(t), rr=float(r), stream="ecg")
        for t, r in zip(times[1:], rr[1:], strict=True)
    ]


def _per_event(name: str, beats: list[HeartBeat]) -> tuple[np.ndarray, int]:
    proc = HeartEmotionProcessor(model=name, interval=1.0)
    costs = []
    n = 0
    for beat in beats:
        t0 = time.perf_counter()
        out = list(proc.on_event(beat))
        dt = time.perf_counter() - t0
        if out:
            costs.append(dt / len(out))
            n += len(out)
    return np.array(costs) * 1000.0, n


def _model_only(name: str, beats: list[HeartBeat], repeats: int = 300) -> np.ndarray:
    proc = HeartEmotionProcessor(model=name)
    model = proc.model
    times = np.array([b.timestamp for b in beats])
    rr = np.array([b.rr for b in beats], dtype=np.float64)
    x = model.prepare(times, rr, [times[-1]], baseline_from_beats(times[:100], rr[:100]))
    costs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model.predict(x)
        costs.append(time.perf_counter() - t0)
    return np.array(costs) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    beats = _beats(args.minutes)
    print(
        f"heart-emotion inference cost per Emotion event, CPU, torch threads={args.threads}, "
        f"{args.minutes:g} min of beats ({len(beats)} beats); models trained on SYNTHETIC data"
    )
    print(f"{'model':<22}{'events':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'model p50':>11}")
    for name in MODELS:
        _per_event(name, beats[:200])  # warm-up (imports, first call)
        costs, n = _per_event(name, beats)
        model = _model_only(name, beats)
        p50, p99 = np.percentile(costs, [50, 99])
        print(
            f"{name:<22}{n:>7}{p50:>9.3f}{p99:>9.3f}{costs.max():>9.3f}"
            f"{np.percentile(model, 50):>11.3f}"
        )


if __name__ == "__main__":
    main()
