"""Stress detection AUROC of the whole chain on held-out SYNTHETIC subjects.

    .venv/bin/python benchmarks/bench_stress.py [--train 4] [--test 4] [--seed 2026] [--snr 20]

Each subject (own resting HR, HRV, EDA level and stress reactivity, from the synthetic
dataset's profiles) goes through rest (240 s, the first 180 s calibrate) → stress (180 s)
→ recovery (180 s) → stress (120 s) → recovery (120 s) in a real
``heartmind.Session(clock="virtual")``: simulator → heart-rate → hrv (90 s window, 10 s
step) → stress, simulator KEYS/MOUSE → behaviour-emotion, and both → fusion. Scored are
the Stress events after the rest period, except those within 90 s after an episode change.

Printed: AUROC per source (heart only, heart+EDA, behaviour only, fused) and, on the same
z-features replayed through the stress processor, the z-score model vs a stress-logistic
model trained on the training subjects (subject-disjoint).

SYNTHETIC data: it shows the plumbing and the calibration work, not clinical validity.
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np

from heartmind.plugins.affect.stress import zscore_level
from heartmind.plugins.affect.stress_eval import (
    ChainResult,
    auroc,
    episode_labels,
    replay_z_rows,
    run_chain,
)
from heartmind.plugins.affect.stress_model import fit_stress_model

START, MARGIN = 240.0, 90.0


def _pooled(results: list[ChainResult], modality: str) -> tuple[float, int]:
    scores, labels = zip(*(r.scores(modality, START, MARGIN) for r in results), strict=True)
    s, y = np.concatenate(scores), np.concatenate(labels)
    return auroc(s, y), int(s.size)


def _z_table(results: list[ChainResult]) -> tuple[list[dict[str, float]], np.ndarray]:
    rows: list[dict[str, float]] = []
    labels: list[np.ndarray] = []
    for r in results:
        z, t = replay_z_rows(r)
        y = episode_labels(t, r.episodes, MARGIN)
        y[t < START] = -1
        rows.extend(row for row, keep in zip(z, y >= 0, strict=True) if keep)
        labels.append(y[y >= 0])
    return rows, np.concatenate(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=int, default=4, help="training subjects (model)")
    parser.add_argument("--test", type=int, default=4, help="held-out subjects")
    parser.add_argument("--seed", type=int, default=2026, help="synthetic dataset seed")
    parser.add_argument("--snr", type=float, default=20.0, help="signal-to-noise ratio (dB)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    t0 = time.perf_counter()
    test_ids = range(args.train, args.train + args.test)
    common = {"seed": args.seed, "snr_db": args.snr}
    heart = [run_chain(i, behaviour=True, eda=False, **common) for i in test_ids]
    with_eda = [run_chain(i, behaviour=False, eda=True, **common) for i in test_ids]
    train = [run_chain(i, behaviour=False, **common) for i in range(args.train)]
    elapsed = time.perf_counter() - t0
    print("Stress AUROC on held-out SYNTHETIC subjects (plumbing + calibration, not clinical)")
    print(
        f"seed {args.seed}, SNR {args.snr:g} dB: subjects {list(test_ids)} held out, "
        f"{args.train} for training"
    )
    print(f"{'source':<28}{'AUROC':>8}{'events':>8}")
    for label, results, modality in (
        ("heart only (HRV)", heart, "heart"),
        ("heart + EDA", with_eda, "heart"),
        ("behaviour only", heart, "behaviour"),
        ("fused (heart + behaviour)", heart, "fused"),
    ):
        value, n = _pooled(results, modality)
        print(f"{label:<28}{value:>8.3f}{n:>8d}")
    rows, y = _z_table(train)
    model = fit_stress_model(rows, y.astype(int), synthetic=True)
    test_rows, test_y = _z_table(heart)
    z_auc = auroc(np.array([zscore_level(r) for r in test_rows]), test_y)
    m_auc = auroc(model.predict_rows(test_rows), test_y)
    print(f"{'z-score model (heart)':<28}{z_auc:>8.3f}{len(test_rows):>8d}")
    print(f"{'stress-logistic (trained)':<28}{m_auc:>8.3f}{len(test_rows):>8d}")
    print(f"chain runs: {elapsed:.1f} s for {2 * args.test + args.train} subjects")


if __name__ == "__main__":
    main()
