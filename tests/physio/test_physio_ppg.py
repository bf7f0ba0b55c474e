"""PPG pulses, pulse rate and PRV on the simulator (ground-truth beats + transit time)."""

from __future__ import annotations

import numpy as np
import pytest
from physio_helpers import chunks, nearest, run
from scipy.special import expit

import heartmind
from heartmind import HRV, HeartBeat, HeartRate, StreamInfo
from heartmind.errors import ConfigError
from heartmind.plugins.physio.api import PPGProcessor, ppg_peaks, ppg_rate
from heartmind.sim import simulate_ppg

PTT = 0.25


@pytest.mark.parametrize("fs", [25.0, 100.0, 500.0])
def test_pulses_match_ecg_beats_plus_transit_time(fs: float) -> None:
    x, beats = simulate_ppg(60.0, fs, seed=3, state="rest")
    peaks, info = ppg_peaks(x, fs)
    assert info["method"] == "heartmind"
    err = nearest(peaks / fs, beats + PTT)
    assert np.abs(err).max() < 0.02  # s: steepest upstroke = R peak + ptt
    assert abs(peaks.size - beats.size) <= 1


def test_pulses_under_stress_and_noise() -> None:
    x, beats = simulate_ppg(120.0, 100.0, seed=5, state="stress", snr_db=10.0)
    peaks, _ = ppg_peaks(x, 100.0)
    err = nearest(peaks / 100.0, beats + PTT)
    assert np.mean(np.abs(err) < 0.05) > 0.97
    assert abs(peaks.size - beats.size) <= 3


@pytest.mark.parametrize("size", [1, 7, 64])
def test_chunk_size_independent(size: int) -> None:
    x, _ = simulate_ppg(30.0, 100.0, seed=1)
    ref, _ = ppg_peaks(x, 100.0)
    np.testing.assert_allclose(ppg_peaks(x, 100.0, chunk_size=size)[0], ref, atol=1e-9)


def test_processor_equals_offline_and_rate_within_1_bpm() -> None:
    fs, t0 = 100.0, 1000.0
    x, beats = simulate_ppg(120.0, fs, seed=2, state="rest")
    ref, _ = ppg_peaks(x, fs)
    info = StreamInfo("ppg", "PPG", ("PPG",), rate=fs)
    events = run(PPGProcessor(hrv_interval=30.0), chunks(x, info, t0, 13))
    hb = np.array([e.timestamp for e in events if isinstance(e, HeartBeat)])
    np.testing.assert_allclose(hb, t0 + ref / fs, atol=1e-9)
    rates = [e for e in events if isinstance(e, HeartRate) and e.timestamp > t0 + 15]
    for e in rates:
        t = e.timestamp - t0 - PTT
        sel = beats[(beats > t - 10.0) & (beats <= t)]
        assert abs(e.bpm - 60.0 / np.mean(np.diff(sel))) < 1.5
    prv = [e for e in events if isinstance(e, HRV)]
    assert prv and all(e.stream == "ppg" and 10.0 < e.rmssd < 150.0 for e in prv)
    true_rmssd = 1000 * np.sqrt(np.mean(np.diff(np.diff(beats[beats > 60])) ** 2))
    assert abs(prv[-1].rmssd - true_rmssd) < 0.25 * true_rmssd


def test_compare_with_neurokit_elgendi() -> None:
    x, _ = simulate_ppg(60.0, 100.0, seed=4)
    ours, _ = ppg_peaks(x, 100.0)
    nk_peaks, info = ppg_peaks(x, 100.0, method="elgendi")
    assert info["method"] == "elgendi"
    assert abs(ours.size - nk_peaks.size) <= 2
    # Elgendi marks systolic peaks; ours the upstroke before them (< 0.3 s earlier)
    lead = nearest(nk_peaks / 100.0, ours / 100.0)
    assert 0.0 < np.median(lead) < 0.3


def test_ppg_rate_and_errors() -> None:
    rate = ppg_rate([0, 100, 200, 210], 100.0)
    assert np.isnan(rate[0]) and rate[1] == pytest.approx(60.0) and np.isnan(rate[3])
    with pytest.raises(ValueError, match="heartmind, elgendi"):
        ppg_peaks(np.zeros(100), 100.0, method="pan")
    with pytest.raises(ConfigError, match="1-D"):
        ppg_peaks(np.zeros((10, 2)), 100.0)
    with pytest.raises(ConfigError, match="sampling rate"):
        ppg_peaks(np.zeros(100), 5.0)
    with pytest.raises(ConfigError, match="no channel"):
        run(
            PPGProcessor(channel="X"),
            chunks(np.zeros(10), StreamInfo("p", "PPG", ("A",), rate=50.0), 0, 5),
        )


def test_ppg_rate_by_spec_name() -> None:
    session = heartmind.Session(clock="virtual", seed=1)
    session.add_sensor("simulator", modalities=["PPG"], state="rest", truth=False)
    session.add_processor("ppg-rate")
    got: list[heartmind.Event] = []
    session.subscribe("heart_rate", got.append)
    session.run(duration=20.0)
    assert got and all(50 < e.bpm < 90 for e in got if isinstance(e, HeartRate))


def test_steep_diastolic_wave_is_not_a_pulse() -> None:
    """A second upstroke 0.33 s after each pulse, as steep but reaching a lower peak."""
    fs = 100.0
    t = np.arange(0.0, 30.0, 1 / fs)
    beats = np.arange(0.5, 29.5, 1.0)
    x = np.zeros_like(t)
    for b in beats:  # systolic rise to 1.0, then a diastolic rise of 0.5 from a deep trough
        x += expit((t - b) / 0.02) * np.exp(-np.clip(t - b, 0, None) / 0.12)
        x += 0.5 * expit((t - b - 0.33) / 0.01) * np.exp(-np.clip(t - b - 0.33, 0, None) / 0.15)
    peaks, _ = ppg_peaks(x, fs)
    assert abs(peaks.size - beats.size) <= 1
    assert np.abs(nearest(peaks / fs, beats)).max() < 0.05
    for size in (1, 37):
        np.testing.assert_allclose(ppg_peaks(x, fs, chunk_size=size)[0], peaks, atol=1e-9)
