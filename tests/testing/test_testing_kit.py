"""heartmind.testing: the kit plugin authors test with, tested on the real components."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from heartmind import ConfigError, HeartRate, PluginManager, Session
from heartmind.sim import simulate_ecg
from heartmind.testing import (
    assert_events,
    fake_distribution,
    regular_stream,
    run_pipeline,
    run_session,
    simulated_ecg,
    simulated_ppg,
)

PLUGIN = """
import heartmind
from heartmind.testing import regular_stream


@heartmind.hookimpl
def heartmind_sensors():
    yield heartmind.SensorSpec(
        name="kit-noise", produces=("EEG",), factory=lambda: regular_stream("EEG", 128.0, 2)
    )
"""


# ---------------------------------------------------------------- fake distributions


def test_a_fake_distribution_is_discovered_and_removed_again() -> None:
    with fake_distribution("kit-plugin", {"kit": "kit_test_plugin"}, {"kit_test_plugin": PLUGIN}):
        pm = PluginManager(only=["kit"], strict=True)
        record = pm.records["kit"]
        assert (record.status, record.distribution, record.version) == (
            "loaded",
            "kit-plugin",
            "0.1",
        )
        assert pm.sensors()["kit-noise"].plugin == "kit"
        assert "kit_test_plugin" in sys.modules
    assert "kit_test_plugin" not in sys.modules
    assert "kit" not in PluginManager().records


def test_a_fake_distribution_of_an_importable_module(tmp_path: Path) -> None:
    """The usual case for a plugin author: the module exists, only the entry point is faked."""
    dist = fake_distribution("heartmind-console-again", {"console2": "heartmind.plugins.console"})
    dist.install()
    try:
        pm = PluginManager(only=["console2"], strict=False)
        assert pm.records["console2"].distribution == "heartmind-console-again"
    finally:
        dist.uninstall()
    with pytest.raises(ValueError, match="top-level module names only"):
        fake_distribution("x", {}, {"a.b": ""})


# ---------------------------------------------------------------- synthetic streams


def test_regular_stream_shapes_rate_and_timestamps() -> None:
    sensor = regular_stream("EEG", 256.0, ("Fz", "Cz", "Pz"), duration=2.0, chunk_duration=0.5)
    chunks = run_pipeline(sensors=[sensor], topics=["stream:*"]).chunks
    assert [len(c) for c in chunks] == [128] * 4
    info = chunks[0].info
    assert (info.name, info.type, info.channels, info.rate) == (
        "test-EEG",
        "EEG",
        ("Fz", "Cz", "Pz"),
        256.0,
    )
    ts = np.concatenate([c.timestamps for c in chunks])
    np.testing.assert_allclose(ts, np.arange(512) / 256.0)


def test_regular_stream_signals() -> None:
    def run(**kw: object) -> np.ndarray:
        sensor = regular_stream("PPG", 100.0, 2, duration=1.0, **kw)  # type: ignore[arg-type]
        return np.concatenate([c.data for c in run_pipeline(sensors=[sensor], topics=["stream:*"])])

    sine = run(signal="sine", amplitude=2.0, frequency=5.0)
    assert sine.shape == (100, 2)
    assert np.max(np.abs(sine[:, 0])) == pytest.approx(2.0, rel=1e-3)
    expected = 2.0 * np.sin(2 * np.pi * 5.0 * np.arange(100) / 100)
    np.testing.assert_allclose(sine[:, 0], expected, atol=1e-12)
    assert not run(signal="zeros").any()
    np.testing.assert_allclose(run(signal="ramp")[:, 1], np.arange(100) / 100.0)
    noise = run(seed=4)
    np.testing.assert_array_equal(noise, run(seed=4))  # seeded
    assert not np.array_equal(noise, run(seed=5))
    np.testing.assert_allclose(run(signal=lambda t, rng: 3 * t)[:, 0], 3 * np.arange(100) / 100)
    with pytest.raises(ConfigError, match="signal = 'square'"):
        regular_stream(signal="square")
    with pytest.raises(ConfigError, match="needs a rate > 0 Hz"):
        regular_stream(rate=0.0)


def test_simulated_ecg_comes_with_its_true_beats() -> None:
    ecg = simulated_ecg(duration=20.0, rate=250.0, seed=2)
    _, beats = simulate_ecg(20.0, sampling_rate=250.0, seed=2)
    np.testing.assert_allclose(ecg.beat_times, beats)
    chunks = run_pipeline(sensors=[ecg], topics=["stream:*"]).chunks
    assert chunks[0].info.name == "sim-ECG" and chunks[0].info.rate == 250.0
    assert sum(len(c) for c in chunks) == 5000
    assert 50 < ecg.mean_rate < 90


def test_heart_rate_of_simulated_ecg_and_ppg_follows_the_true_beats() -> None:
    """The kit end to end, the way the module docs show it."""
    ecg = simulated_ecg(duration=40.0, seed=1)
    events = run_pipeline(sensors=[ecg], processors=["heart-rate"], topics=["heart_rate"])
    assert events.stats["dropped"] == 0
    assert_events(
        events, "heart_rate", count=(25, 40), fields={"bpm": ecg.mean_rate}, tol={"bpm": 6.0}
    )
    ppg = simulated_ppg(duration=40.0, seed=1)
    assert ppg.mean_rate == pytest.approx(ecg.mean_rate)
    pulses = run_pipeline(sensors=[ppg], processors=["ppg-rate"], topics=["heart_rate"])
    assert_events(pulses, "heart_rate", count=(25, 40), fields={"bpm": (40.0, 100.0)})


# ---------------------------------------------------------------- run_pipeline


def test_run_pipeline_is_deterministic_and_names_repeats() -> None:
    first = run_pipeline(
        sensors=[regular_stream("ECG", 100.0, duration=1.0), ("simulator", {"duration": 1.0})],
        seed=3,
        topics=["stream:*"],
    )
    again = run_pipeline(
        sensors=[regular_stream("ECG", 100.0, duration=1.0), ("simulator", {"duration": 1.0})],
        seed=3,
        topics=["stream:*"],
    )
    assert [c.info.name for c in first] == [c.info.name for c in again]
    assert all(np.array_equal(a.data, b.data) for a, b in zip(first, again, strict=True))
    assert set(first.stats["sensors"]) == {"SyntheticSensor", "simulator"}
    two = run_pipeline(
        sensors=[regular_stream(name="a", duration=0.5), regular_stream(name="b", duration=0.5)]
    )
    assert set(two.stats["sensors"]) == {"SyntheticSensor", "SyntheticSensor-2"}


def test_run_pipeline_from_a_pipeline_dict() -> None:
    data = {
        "session": {"clock": "realtime", "duration": 5.0, "seed": 1},  # forced to virtual
        "sensors": {"p": {"spec": "simulator", "options": {"modalities": ["ECG"]}}},
        "processors": {"hr": {"spec": "heart-rate"}},
    }
    events = run_pipeline(data, topics=["heart_rate@hr", "stream:sim-ECG"])
    assert events.stats["clock"] == "virtual"
    assert events.chunks and events.of("heart_rate") == events.events
    assert all(e.source == "hr" for e in events.events)


def test_run_session_collects_from_a_session_built_by_hand() -> None:
    session = Session(clock="virtual")
    session.add_sensor(regular_stream("ECG", 50.0, duration=1.0), name="ecg")
    got = run_session(session, ["type:ECG"])
    assert [len(c) for c in got] == [13, 12, 13, 12]  # 0.25 s chunks of 50 Hz
    assert got.stats["sensors"]["ecg"]["samples"] == 50


# ---------------------------------------------------------------- assert_events


def rates(*bpm: float) -> list[HeartRate]:
    return [
        HeartRate(timestamp=float(i), bpm=b, source="hr", time="2026-01-05T09:00:00Z")
        for i, b in enumerate(bpm)
    ]


def test_assert_events_passes_and_returns_the_selection() -> None:
    events = rates(60.0, 62.0, 61.0)
    assert assert_events(events, "heart_rate", count=3, fields={"bpm": 61.0}, tol=1.0) == events
    assert_events(events, topic="heart_rate", source="hr", count=(1, None), within=(0.0, 2.0))
    assert_events(events, fields={"bpm": (59.0, 63.0), "source": "hr"})
    assert_events(events, fields={"bpm": lambda v: v > 50})
    assert_events(events, rates(60.2, 61.9, 61.0), tol={"bpm": 0.5})
    assert_events(events, [{"bpm": 60.0}, {"bpm": 62.0}, {"bpm": 61.2}], rtol=0.01)
    assert assert_events(events, "stress", count=0) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 2}, r"expected 2 heart_rate events, got 3"),
        ({"count": (4, None)}, r"expected between 4 and None heart_rate events, got 3"),
        (
            {"fields": {"bpm": 61.0}, "tol": 0.5},
            r"event 0 \(heart_rate at 0.000 s from hr\): bpm = 60.0, expected 61.0 ± 0.5",
        ),
        ({"fields": {"bpm": (60.5, 70)}}, r"event 0 .*: bpm = 60.0, expected in \[60.5, 70\]"),
        ({"fields": {"rr": 1.0}}, r"has no field 'rr'"),
        ({"within": (0.0, 1.5)}, r"event 2 .* is outside \[0.0, 1.5\] s"),
        ({"fields": {"bpm": lambda v: v < 61}}, r"event 1 .*: bpm = 62.0 fails"),
    ],
)
def test_assert_events_says_what_differs(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        assert_events(rates(60.0, 62.0, 61.0), "heart_rate", **kwargs)  # type: ignore[arg-type]


def test_assert_events_pairwise_and_order() -> None:
    with pytest.raises(AssertionError, match=r"event 1 .*: bpm = 62.0, expected 64.0 ± 1"):
        assert_events(rates(60.0, 62.0), rates(60.0, 64.0), tol={"bpm": 1.0})
    with pytest.raises(AssertionError, match=r"expected 3 events, got 2"):
        assert_events(rates(60.0, 62.0), rates(60.0, 62.0, 64.0))
    backwards = [*rates(60.0, 61.0)][::-1]
    with pytest.raises(AssertionError, match=r"comes before the event ahead of it"):
        assert_events(backwards)
    assert_events(backwards, ordered=False)
