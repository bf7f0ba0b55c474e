"""The streaming R-peak detector and the offline ``ecg_peaks``/``ecg_rate`` functions."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from ecg_synth import beat_times, match, scores, synth_ecg

from heartmind.errors import ConfigError
from heartmind.plugins.cardiac.api import ECG_PEAK_METHODS, RPeakDetector, ecg_peaks, ecg_rate

LEARNING = 2.0  # s: the detector's threshold-learning phase


@pytest.mark.parametrize("fs", [250.0, 500.0, 1000.0])
def test_sensitivity_and_ppv_at_10_db(fs: float) -> None:
    s = synth_ecg(180.0, fs, snr_db=10.0, seed=11)
    peaks, _ = ecg_peaks(s.ecg, fs)
    se, ppv = scores(s.beats, peaks / fs, tol=0.05)
    assert se >= 0.995, f"sensitivity {se:.4f}"
    assert ppv >= 0.995, f"positive predictivity {ppv:.4f}"
    _, err = match(s.beats, peaks / fs, 0.05)
    assert np.abs(err).mean() < 0.005  # R-peak timing: mean error under 5 ms
    assert np.abs(err).max() < 0.015


@pytest.mark.parametrize("fs", [250.0, 1000.0])
def test_inverted_polarity(fs: float) -> None:
    s = synth_ecg(120.0, fs, snr_db=10.0, invert=True, seed=12)
    peaks, _ = ecg_peaks(s.ecg, fs)
    se, ppv = scores(s.beats, peaks / fs, tol=0.05)
    assert se >= 0.995 and ppv >= 0.995
    _, err = match(s.beats, peaks / fs, 0.05)
    assert np.abs(err).max() < 0.015  # the (inverted) R-peak, not the S wave


def test_sampling_rate_extremes() -> None:
    for fs in (100.0, 2000.0):
        s = synth_ecg(60.0, fs, snr_db=15.0, seed=13)
        peaks, _ = ecg_peaks(s.ecg, fs)
        assert scores(s.beats, peaks / fs) >= (0.995, 0.995), fs


@pytest.mark.parametrize("fs", [250.0, 1000.0])
def test_chunk_size_independent_and_equal_to_offline(fs: float) -> None:
    s = synth_ecg(20.0, fs, snr_db=10.0, seed=14)
    whole, info = ecg_peaks(s.ecg, fs)
    assert whole.size >= 20
    sizes = [1, 7, 50, 1000, s.ecg.size] if fs == 250.0 else [7, 50, 1000, s.ecg.size]
    for size in sizes:
        peaks, inf = ecg_peaks(s.ecg, fs, chunk_size=size)
        np.testing.assert_array_equal(peaks, whole, err_msg=f"chunk_size={size}")
        np.testing.assert_array_equal(inf["detection_delay"], info["detection_delay"])


def test_random_chunking_with_detector_directly() -> None:
    fs = 500.0
    s = synth_ecg(30.0, fs, snr_db=10.0, seed=15)
    reference, _ = ecg_peaks(s.ecg, fs)
    rng = np.random.default_rng(0)
    det = RPeakDetector(fs)
    found: list[np.ndarray] = []
    i = 0
    while i < s.ecg.size:
        n = int(rng.integers(0, 400))  # empty blocks included
        found.append(det.process(s.ecg[i : i + n]).peaks)
        i += n
    found.append(det.flush().peaks)
    np.testing.assert_array_equal(np.concatenate(found), reference)
    assert det.n_samples == s.ecg.size


@pytest.mark.parametrize("fs", [250.0, 1000.0])
def test_detection_delay_p99_below_250_ms(fs: float) -> None:
    s = synth_ecg(300.0, fs, snr_db=10.0, seed=16)
    peaks, info = ecg_peaks(s.ecg, fs)
    delay = info["detection_delay"][peaks / fs > LEARNING]
    assert (delay > 0).all()
    assert np.percentile(delay, 99) <= 0.25
    assert np.median(delay) < 0.22


def test_search_back_recovers_a_weak_beat() -> None:
    fs = 250.0
    beats = beat_times(60.0, seed=1)
    amps = np.ones(beats.size)
    amps[30] = 0.45  # QRS energy ~0.2 of the others: under the primary threshold
    s = synth_ecg(60.0, fs, snr_db=20.0, beats=beats, amplitudes=amps, seed=1)
    peaks, info = ecg_peaks(s.ecg, fs)
    near = np.abs(peaks / fs - beats[30]) < 0.05
    assert near.sum() == 1
    assert info["search_back"][near].all()
    assert scores(s.beats, peaks / fs) == (1.0, 1.0)


def test_tall_t_waves_are_not_beats() -> None:
    s = synth_ecg(120.0, 500.0, snr_db=15.0, t_amplitude=1.0, seed=17)
    peaks, _ = ecg_peaks(s.ecg, 500.0)
    assert scores(s.beats, peaks / 500.0) >= (0.995, 0.995)


def test_flat_and_empty_signals_give_no_beats() -> None:
    peaks, info = ecg_peaks(np.zeros(5000), 250.0)
    assert peaks.size == 0 and info["detection_delay"].size == 0
    assert ecg_peaks(np.full(3000, 2.5), 500.0)[0].size == 0  # pure offset: no step response
    assert ecg_peaks(np.zeros(0), 250.0)[0].size == 0


def test_agrees_with_neurokit() -> None:
    fs = 500.0
    s = synth_ecg(120.0, fs, snr_db=20.0, seed=18)
    ours, _ = ecg_peaks(s.ecg, fs)
    theirs, info = ecg_peaks(s.ecg, fs, method="neurokit")
    assert info["method"] == "neurokit"
    ours, theirs = ours[ours / fs > LEARNING], theirs[theirs / fs > LEARNING]
    n, err = match(ours / fs, theirs / fs, 0.010)
    assert n >= 0.99 * max(ours.size, theirs.size)
    assert np.abs(err).max() <= 0.010


def test_unknown_method_lists_valid_ones() -> None:
    with pytest.raises(ValueError, match="heartmind, neurokit"):
        ecg_peaks(np.zeros(100), 250.0, method="pantompkins")
    assert ECG_PEAK_METHODS == ("heartmind", "neurokit")


def test_invalid_inputs() -> None:
    with pytest.raises(ConfigError, match="1-D"):
        ecg_peaks(np.zeros((100, 2)), 250.0)
    with pytest.raises(ConfigError, match="NaN"):
        ecg_peaks(np.array([0.0, np.nan]), 250.0)
    with pytest.raises(ConfigError, match="resample"):
        RPeakDetector(30.0)
    with pytest.raises(ConfigError, match="chunk_size"):
        ecg_peaks(np.zeros(100), 250.0, chunk_size=0)


def test_ecg_rate() -> None:
    rate = ecg_rate(np.array([0, 250, 500, 550, 750, 1500]), 250.0)
    assert np.isnan(rate[0])  # no previous beat
    np.testing.assert_allclose(rate[[1, 2, 4]], [60.0, 60.0, 75.0])
    assert np.isnan(rate[3])  # RR 0.2 s: implausible
    assert np.isnan(rate[5])  # RR 3.0 s: implausible


def test_import_is_cheap() -> None:
    code = (
        "import sys, heartmind.plugins.cardiac as c; "
        "bad = [m for m in ('neurokit2', 'mne', 'scipy', 'heartmind.plugins.cardiac.api', "
        "'heartmind.plugins.cardiac._r_peak_detector') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
