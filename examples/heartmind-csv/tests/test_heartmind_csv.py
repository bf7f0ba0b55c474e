"""Tests of the csv-file sensor, written as a third-party plugin's own tests would be:
with nothing but the public ``heartmind.testing`` kit.

Run them from the repository root (the main suite collects them too)::

    .venv/bin/python -m pytest examples/heartmind-csv/tests
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import heartmind
import heartmind_csv
from heartmind.testing import assert_events, fake_distribution, run_pipeline


def _csv(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_discovered_through_an_entry_point() -> None:
    """What pip-installing the package registers: one plugin named csv (faked here under
    another name, so it does not clash with the installed one)."""
    with fake_distribution("heartmind-csv-copy", {"csv-copy": "heartmind_csv"}):
        pm = heartmind.PluginManager(only=["csv-copy"], strict=True)
        loaded = [r for r in pm.report() if r.status == "loaded"]
        assert [r.name for r in loaded] == ["csv-copy"]
        record = loaded[0]
        assert record.distribution == "heartmind-csv-copy"
        assert record.provides["sensors"] == ["csv-file"]
        assert pm.get("sensors", "csv-file").option_schema()["rate"].min == 0.0


def test_the_sample_streams_exactly_on_the_virtual_clock() -> None:
    path = heartmind_csv.sample_path()
    expected = np.loadtxt(path, delimiter=",", skiprows=1)
    chunks = run_pipeline(
        sensors=[("csv-file", {"name": "file", "path": str(path), "units": "mV"})],
        topics=["stream:*"],
    )
    assert chunks.stats["sensors"]["file"]["samples"] == len(expected) == 2500
    np.testing.assert_array_equal(np.concatenate([c.data[:, 0] for c in chunks]), expected[:, 1])
    np.testing.assert_array_equal(np.concatenate([c.timestamps for c in chunks]), expected[:, 0])


def test_heart_rate_of_the_sample_is_about_72_bpm() -> None:
    """The sensor feeds the built-in heart-rate processor like any ECG source."""
    events = run_pipeline(
        sensors=[("csv-file", {"name": "file", "path": str(heartmind_csv.sample_path())})],
        processors=[("heart-rate", {"name": "hr"})],
        topics=["heart_rate"],
    )
    assert_events(
        events,
        "heart_rate",
        source="hr",
        count=(5, None),
        fields={"bpm": 72.0, "stream": "ecg_250hz"},
        tol={"bpm": 6.0},
        within=(0.0, 10.0),
    )


def test_a_rate_and_no_time_column(tmp_path: Path) -> None:
    path = _csv(tmp_path / "ppg.csv", "".join(f"{i},{-i}\n" for i in range(8)))
    chunks = run_pipeline(
        sensors=[("csv-file", {"path": path, "rate": 4.0, "type": "ppg", "chunk_duration": 1.0})],
        topics=["type:PPG"],
    )
    assert [len(c) for c in chunks] == [4, 4]
    np.testing.assert_allclose(np.concatenate([c.timestamps for c in chunks]), np.arange(8) / 4)


def test_signal_rms_of_a_sine_is_its_amplitude_over_root_two() -> None:
    """The processor on a synthetic stream of known RMS (amplitude 2 → √2 per channel)."""
    from heartmind.testing import regular_stream

    sine = regular_stream(
        "EEG",
        200.0,
        ("a", "b"),
        duration=5.0,
        signal="sine",
        frequency=10.0,
        amplitude=2.0,
        name="sine",
    )
    events = run_pipeline(sensors=[sine], processors=[("signal-rms", {"window": 1.0})])
    rms = assert_events(
        events,
        "signal_rms",
        count=5,
        fields={"stream": "sine", "channels": ("a", "b"), "window": 1.0},
        within=(0.99, 5.0),
    )
    for event in rms:
        np.testing.assert_allclose(event.rms, [2.0 / np.sqrt(2.0)] * 2, rtol=1e-6)
