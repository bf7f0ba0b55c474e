"""Heartbeat ground truth versus the synthesised ECG and PPG; RR process physiology."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind.sim import simulate, simulate_ecg, simulate_ppg

FS = 500.0


def _rmssd_ms(rr: np.ndarray) -> float:
    return float(1000 * np.sqrt(np.mean(np.diff(rr) ** 2)))


@pytest.fixture(scope="module")
def rsr() -> dict:
    """Ten minutes of rest → stress → recovery with ECG, PPG and respiration."""
    return simulate(600.0, ("ECG", "RSP"), seed=11, state="rest-stress-recovery")


def test_ecg_r_peaks_at_truth_beats() -> None:
    ecg, beats = simulate_ecg(120.0, sampling_rate=FS, seed=3)
    assert 120 < beats.size < 160  # ~65-75 bpm at rest
    inside = beats[(beats > 0.05) & (beats < 119.95)]
    centre = np.round(inside * FS).astype(int)
    windows = centre[:, None] + np.arange(-25, 26)[None, :]  # ±50 ms
    peaks = windows[np.arange(len(centre)), np.argmax(ecg[windows], axis=1)]
    err = peaks / FS - inside
    assert np.abs(err).max() <= 1.0 / FS + 1e-9  # within one sample (2 ms)
    assert ecg[peaks].min() > 0.8  # the R wave, in mV


def test_rr_equals_beat_intervals(rsr: dict) -> None:
    beats = rsr["BEATS"]
    times, rr = beats.timestamps, beats.data[:, 0]
    np.testing.assert_allclose(rr[1:], np.diff(times), atol=1e-9)
    hr = 60.0 / rr
    assert hr.min() > 40 and hr.max() < 160
    assert set(np.unique(beats.data[:, 1])) <= {0.0}


def test_stress_raises_hr_and_lowers_hrv(rsr: dict) -> None:
    times, rr = rsr["BEATS"].timestamps, rsr["BEATS"].data[:, 0]
    rest = rr[(times > 20) & (times < 180)]
    stress = rr[(times > 240) & (times < 420)]
    assert 60 / stress.mean() > 60 / rest.mean() + 15  # bpm
    assert _rmssd_ms(stress) < 0.5 * _rmssd_ms(rest)
    assert 20 < _rmssd_ms(rest) < 100


def test_rsa_follows_breathing_phase(rsr: dict) -> None:
    times, rr = rsr["BEATS"].timestamps, rsr["BEATS"].data[:, 0]
    rsp = rsr["RSP"].data[:, 0]
    t_rsp = rsr["RSP"].timestamps
    m = (times > 20) & (times < 180)
    d_rsp = np.gradient(rsp, t_rsp)
    slope = np.interp(times[m] - rr[m] / 2, t_rsp, d_rsp)  # breathing at mid-interval
    inhale = rr[m][slope > 0].mean()
    exhale = rr[m][slope < 0].mean()
    assert inhale < exhale - 0.02  # shorter RR (faster heart) during inspiration, in s


def test_ectopic_beats_are_premature_with_compensatory_pause() -> None:
    rec = simulate(300.0, ("ECG",), seed=5, state="rest", ectopic_rate=0.05)
    rr, ect = rec["BEATS"].data[:, 0], rec["BEATS"].data[:, 1]
    idx = np.flatnonzero(ect == 1)
    idx = idx[(idx > 1) & (idx < len(rr) - 2)]
    assert 5 < idx.size < 40
    assert np.all(rr[idx] < 0.8 * rr[idx - 1])  # premature
    pair = rr[idx] + rr[idx + 1]
    ratio = pair / (rr[idx - 1] + rr[idx + 2])  # full compensatory pause: two normal RRs
    assert np.all(np.abs(ratio - 1) < 0.2)
    assert np.median(np.abs(ratio - 1)) < 0.08
    clean = simulate(300.0, ("ECG",), seed=5, state="rest")
    assert not clean["BEATS"].data[:, 1].any()


@pytest.mark.parametrize("ptt", [0.2, 0.3])
def test_ppg_upstroke_lags_r_peaks_by_ptt(ptt: float) -> None:
    fs = 250.0
    ppg, beats = simulate_ppg(60.0, sampling_rate=fs, seed=2, ptt=ptt)
    slope = np.gradient(ppg) * fs
    lags = []
    for b in beats[(beats > 1) & (beats < 58)]:
        i0, i1 = int((b + 0.05) * fs), int((b + 0.45) * fs)
        lags.append((i0 + np.argmax(slope[i0:i1])) / fs - b)
    assert np.median(lags) == pytest.approx(ptt, abs=0.01)
    assert np.all(np.abs(np.array(lags) - ptt) < 0.02)
