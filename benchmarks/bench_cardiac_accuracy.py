"""R-peak accuracy across SNR and HRV update time: heartmind beside neurokit2.

Synthetic data only (``heartmind.sim``: baseline wander, EMG and motion noise, 2 % ectopic
beats, rest-stress-recovery script); no beat-annotated real ECG is available here.
Run: ``.venv/bin/python benchmarks/bench_cardiac_accuracy.py``.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cardiac"))
from ecg_synth import scores

from heartmind.plugins.cardiac.api import ecg_peaks, hrv_summary
from heartmind.sim import simulate, simulate_ecg

FS = 500.0
NK_METHODS = ("neurokit", "pantompkins1985", "hamilton2002", "elgendi2010")


def _nk(x: np.ndarray, method: str) -> np.ndarray:
    import neurokit2 as nk

    clean = nk.ecg_clean(x, sampling_rate=int(FS), method="neurokit")
    _, info = nk.ecg_peaks(clean, sampling_rate=int(FS), method=method)
    return np.asarray(info["ECG_R_Peaks"], dtype=np.int64)


def accuracy() -> None:
    print("R-peak Se / PPV (%), 300 s at 500 Hz, noise baseline+emg+motion, 2 % ectopics")
    print(f"{'SNR dB':>6} | {'heartmind':>15} | " + " | ".join(f"{m:>15}" for m in NK_METHODS))
    for snr in (0, 5, 10, 15, 20, 30):
        x, truth = simulate_ecg(
            300.0,
            FS,
            seed=snr + 1,
            snr_db=snr,
            state="rest-stress-recovery",
            noise=["baseline", "emg", "motion"],
            ectopic_rate=0.02,
        )
        cells = []
        for method in ("heartmind", *NK_METHODS):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    peaks = ecg_peaks(x, FS)[0] if method == "heartmind" else _nk(x, method)
                se, ppv = scores(truth, peaks / FS, tol=0.05)
                cells.append(f"{100 * se:6.2f} / {100 * ppv:6.2f}")
            except Exception as exc:
                cells.append(f"{'failed: ' + type(exc).__name__:>15}")
        print(f"{snr:>6} | " + " | ".join(cells))


def _best(fn, n: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * min(times), 1000 * float(np.median(times))  # type: ignore[return-value]


def speed() -> None:
    import neurokit2 as nk

    rec = simulate(300.0, ("ECG",), 1, "rest", rates={"ECG": 250}, ectopic_rate=0.02)
    beats = rec["BEATS"].timestamps
    rr = np.diff(beats) * 1000
    peaks = np.round(beats * 1000).astype(np.int64)
    print(f"\nOne HRV update, 5-min window ({rr.size} intervals), best / median ms:")
    ours = _best(lambda: hrv_summary(rr), 50)
    print(
        f"  heartmind hrv_summary (correction+time+freq+SD1/SD2+SI): {ours[0]:.2f} / {ours[1]:.2f}"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tf = _best(lambda: (nk.hrv_time(peaks, 1000), nk.hrv_frequency(peaks, 1000)), 10)
        full = _best(lambda: nk.hrv(peaks, 1000), 3)
    print(f"  neurokit2 hrv_time + hrv_frequency: {tf[0]:.2f} / {tf[1]:.2f}")
    print(f"  neurokit2 hrv (all):               {full[0]:.1f} / {full[1]:.1f}")


if __name__ == "__main__":
    accuracy()
    speed()
