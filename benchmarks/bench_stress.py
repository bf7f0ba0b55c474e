"""Stress detection AUROC of the whole chain on held-out SYNTHETIC subjects, two scenarios.

    .venv/bin/python benchmarks/bench_stress.py [--train 4] [--test 4] [--seed 2026]
                                                [--scenario easy hard]

One real ``heartmind.Session(clock="virtual")`` per subject: simulator (ECG, EDA, KEYS,
MOUSE) → heart-rate → hrv (90 s window, 10 s step) → stress (+ eda's skin conductance),
KEYS/MOUSE → behaviour-emotion, all → fusion. Heart-only and trained-model sources are
replays of the run's events through fresh stress/fusion processors (same code).

* **easy**: the synthetic dataset's subjects through rest 240 s (the first 180 s
  calibrate) → stress 180 s → recovery 180 s → stress 120 s → recovery 120 s, strong stress
  (0.9 × reactivity 0.55–1), SNR 20 dB.
* **hard**: weak, heterogeneous responders (cardiac, electrodermal, behavioural, weak:
  subject i is type i % 4), three mild stress episodes (0.3–0.5) among rest, a walk and a
  standing phase (arousal without stress, labelled 0), SNR 5–10 dB with motion bursts and
  electrode pops, 2 % ectopic beats, typing only part of the time, no input while walking
  (``benchmarks/stress_chain.py``: ``hard_setup``).

Scored: Stress events after the baseline episode, except those within 90 s after an
episode change, pooled over the held-out subjects. Printed per scenario: AUROC (events)
per source — heart only, heart + EDA, behaviour only, fused heart + behaviour, fused
heart+EDA + behaviour — with the default z-score model and with a stress-logistic model
trained on the first ``--train`` subjects of the same scenario (subject-disjoint).

SYNTHETIC data: it shows the plumbing and the calibration work, not clinical validity.
"""

from __future__ import annotations

import argparse
import logging
import time

from stress_chain import SCENARIOS, evaluate_scenario, run_setup  # this folder

ROWS: tuple[tuple[str, str, str], ...] = (
    ("heart only (HRV)", "heart", "z-score"),
    ("heart + EDA", "heart+eda", "z-score"),
    ("behaviour only", "behaviour", "default"),
    ("fused (heart + behaviour)", "fused", "z-score"),
    ("fused (heart+EDA + behav.)", "fused+eda", "z-score"),
    ("heart only, trained", "heart", "trained"),
    ("heart + EDA, trained", "heart+eda", "trained"),
    ("fused (heart), trained", "fused", "trained"),
    ("fused (heart+EDA), trained", "fused+eda", "trained"),
)


def main() -> None:
    """Run the scenarios and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--train", type=int, default=4, help="training subjects (model)")
    parser.add_argument("--test", type=int, default=4, help="held-out subjects")
    parser.add_argument("--seed", type=int, default=2026, help="synthetic dataset seed")
    parser.add_argument("--scenario", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    test_ids = range(args.train, args.train + args.test)
    tables = {}
    for name in args.scenario:
        t0 = time.perf_counter()
        make = SCENARIOS[name]
        test = [run_setup(make(args.seed, i), eda=True) for i in test_ids]
        train = [run_setup(make(args.seed, i), eda=True) for i in range(args.train)]
        tables[name] = evaluate_scenario(test, train)
        print(f"{name}: {args.train + args.test} chain runs in {time.perf_counter() - t0:.1f} s")
    print()
    print("Stress AUROC on held-out SYNTHETIC subjects (plumbing + calibration, not clinical)")
    print(
        f"seed {args.seed}: subjects {list(test_ids)} held out, "
        f"{args.train} for training; AUROC (scored events)"
    )
    print(f"{'source':<30}" + "".join(f"{name:>16}" for name in args.scenario))
    for label, source, model in ROWS:
        cells = []
        for name in args.scenario:
            value, n = tables[name][source, model]
            cells.append(f"{value:>9.3f} ({n:>4d})")
        print(f"{label:<30}" + "".join(f"{c:>16}" for c in cells))


if __name__ == "__main__":
    main()
