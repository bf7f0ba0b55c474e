"""Peak picker, filters, rates, beat events, checks and channel selection of the kit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import signal

from heartmind import HRV, HeartBeat, HeartRate, StreamInfo
from heartmind.errors import ConfigError
from heartmind.streaming import (
    BeatEvents,
    CausalPeakPicker,
    SOSFilter,
    channel_indices,
    check_method,
    check_rate,
    check_signal,
    group_delay,
    group_delay_samples,
    instantaneous_rate,
    rr_field,
    run_blocks,
    windowed_rate,
)


def _pulses(fs: float, beats: np.ndarray, n: int) -> np.ndarray:
    """A train of Gaussian pulses (40 ms wide) at the ``beats`` times in s, plus noise."""
    t = np.arange(n) / fs
    x = sum(np.exp(-0.5 * ((t - b) / 0.04) ** 2) for b in beats)
    return np.asarray(x) + np.random.default_rng(3).normal(0, 0.02, n)


def test_peak_picker_finds_the_pulses_whatever_the_blocking() -> None:
    fs = 100.0
    beats = np.cumsum(np.full(40, 0.8)) + 0.5
    x = _pulses(fs, beats, int(34 * fs))
    results = []
    for size in (1, 7, 100, x.size):
        picker = CausalPeakPicker(fs)
        found = [i for k in range(0, x.size, size) for i in picker.process(x[k : k + size])]
        found += picker.process(np.zeros(0), final=True)
        results.append(np.asarray(found))
    for other in results[1:]:
        np.testing.assert_array_equal(other, results[0])
    peaks = results[0] / fs
    expected = beats[beats < 33.7]
    assert peaks.size == expected.size
    assert np.abs(peaks - expected).max() < 0.02  # within 2 samples
    picker = CausalPeakPicker(fs)
    assert picker.delay == 25  # 0.25 s lookahead at 100 Hz


def test_peak_picker_shape_rule_needs_a_size_signal() -> None:
    picker = CausalPeakPicker(100.0, early=0.6)
    with pytest.raises(ConfigError, match="size signal"):
        picker.process(np.zeros(10))


def test_sos_filter_in_blocks_equals_the_whole_signal() -> None:
    fs = 250.0
    sos = signal.butter(2, [5.0, 15.0], btype="bandpass", fs=fs, output="sos")
    x = 3.0 + np.random.default_rng(0).normal(size=1000)  # a DC offset: no start transient
    whole, _ = signal.sosfilt(sos, x, zi=signal.sosfilt_zi(sos) * x[0])
    f = SOSFilter(sos)
    assert not f.started
    parts = [f.process(x[i : i + 37]) for i in range(0, x.size, 37)]
    assert f.started and f.process(np.zeros(0)).size == 0
    np.testing.assert_allclose(np.concatenate(parts), whole, rtol=0, atol=1e-12)


def test_group_delay() -> None:
    fs = 100.0
    b = np.full(11, 1.0 / 11)  # an 11-tap moving average delays by 5 samples at every f
    sos = signal.tf2sos(b, [1.0])
    assert group_delay(sos, 2.0, fs) == pytest.approx(5.0, abs=1e-6)
    assert group_delay_samples(sos, 2.0, fs) == 5


def test_rates() -> None:
    rate = instantaneous_rate([0, 100, 200, 220, 420], 100.0, 0.3, 2.5)
    assert np.isnan(rate[0]) and np.isnan(rate[3])
    np.testing.assert_allclose(rate[[1, 2, 4]], [60.0, 60.0, 30.0])
    times = np.arange(0.0, 20.0, 2.0)  # one breath every 2 s: 30 per minute
    np.testing.assert_allclose(windowed_rate(times, [10.0, 19.0], 10.0), [30.0, 30.0])
    assert np.isnan(windowed_rate(times[:1], [1.0], 10.0)).all()
    assert np.isnan(windowed_rate(times, [100.0], 10.0)).all()


def test_rr_field_follows_the_heart_beat_declaration() -> None:
    lo, hi = HeartBeat.__dataclass_fields__["rr"].metadata["range"]
    assert rr_field(lo) == lo and rr_field(hi) == hi
    assert rr_field(lo - 1e-9) is None and rr_field(hi + 1e-9) is None and rr_field(None) is None


def test_beat_events_rates_ectopics_and_variability() -> None:
    seen: list[int] = []

    def variability(intervals: object) -> dict[str, float]:
        seen.append(len(list(intervals)))  # type: ignore[call-overload]
        return {"mean_nn": 800.0, "sdnn": 10.0, "rmssd": 12.0, "pnn50": 1.0}

    ev = BeatEvents(
        "ppg",
        "p",
        0.0,
        hr_interval=1.0,
        hr_window=10.0,
        hrv_interval=5.0,
        hrv_window=10.0,
        variability=variability,
    )
    times = [0.2 + 0.8 * k for k in range(15)]
    times.insert(8, times[7] + 0.35)  # an extra beat: two intervals far from the median
    out = ev.emit([(t, t + 0.25) for t in times], until=12.0)
    beats = [e for e in out if isinstance(e, HeartBeat)]
    rates = [e for e in out if isinstance(e, HeartRate)]
    hrv = [e for e in out if isinstance(e, HRV)]
    assert len(beats) == len(times) and beats[0].rr is None
    assert [b.ectopic for b in beats].count(True) == 2
    assert [r.timestamp for r in rates] == [float(t) for t in range(2, 13)]
    assert all(r.bpm == pytest.approx(75.0) for r in rates)  # ectopic intervals left out
    # 11 plausible intervals end in (0, 10], but the beat at 9.8 s is decided at 10.05 s,
    # after the report at 10 s: it is not in it
    assert [h.timestamp for h in hrv] == [10.0] and seen == [10]
    with pytest.raises(ConfigError, match="variability"):
        BeatEvents("s", "p", 0.0, hr_interval=1.0, hr_window=10.0, hrv_interval=5.0)


def test_checks_and_run_blocks() -> None:
    with pytest.raises(ConfigError, match=r"1-D \(one channel\).*data\[:, 0\]"):
        check_signal(np.zeros((4, 2)), "f")
    with pytest.raises(ConfigError, match="2-D"):
        check_signal(np.zeros(4), "f", ndim=2)
    with pytest.raises(ConfigError, match="NaN"):
        check_signal([0.0, np.inf], "f")
    assert check_rate(100, "f", 20.0) == 100.0
    with pytest.raises(ConfigError, match="20–5000 Hz; resample"):
        check_rate(10.0, "f", 20.0, 5000.0)
    with pytest.raises(ConfigError, match="valid methods: a, b"):
        check_method("c", ("a", "b"), "f")
    x = np.arange(10.0)
    assert run_blocks(len, x, 4, "f") == [4, 4, 2]
    assert run_blocks(len, x, None, "f") == [10]
    assert run_blocks(len, x[:0], 0, "f") == []
    with pytest.raises(ConfigError, match="chunk_size"):
        run_blocks(len, x, 0, "f")


def test_channel_indices() -> None:
    info = StreamInfo(name="r", type="RADAR", channels=("I", "Q", "T"), rate=100.0)
    assert channel_indices(info, ("Q", "I"), "radar") == (1, 0)
    assert channel_indices(info, ("0", "-1"), "radar") == (0, 2)
    wrong = r"no channel 'X'; its channels are I, Q, T\. Fix the option 'channels'"
    with pytest.raises(ConfigError, match=wrong):
        channel_indices(info, ("I", "X"), "radar")
    with pytest.raises(ConfigError, match="no channel ''"):
        channel_indices(info, ("",), "radar")


def test_importing_the_kit_does_not_load_scipy() -> None:
    code = "import sys, heartmind.streaming; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
