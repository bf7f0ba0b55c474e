"""The replay sensor on a virtual clock: exact samples and timing, order, markers, gaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from replay_testkit import ORIGIN, concat, replay_virtual, write_xdf

import heartmind
from heartmind import ConfigError, Gap

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def recording(tmp_path: Path) -> tuple[Path, dict[str, tuple[np.ndarray, np.ndarray]]]:
    path = tmp_path / "rec.xdf"
    return path, write_xdf(path)


def test_samples_and_relative_timestamps_equal_the_file(recording) -> None:  # type: ignore[no-untyped-def]
    path, written = recording
    chunks, _ = replay_virtual(path)
    assert {c.info.name for c in chunks} == set(written)
    for name, (data, ts) in written.items():
        got, stamps = concat(chunks, name)
        np.testing.assert_array_equal(got, data)
        # the virtual session starts at 0 s: the recording start maps to 0 exactly
        np.testing.assert_array_equal(stamps, ts - ORIGIN)
    info = {c.info.name: c.info for c in chunks}
    assert info["t-ecg"].units == ("mV",) and info["t-eeg"].channels == ("Cz", "Pz")
    assert info["t-mk"].type == "MARKERS" and info["t-mk"].dtype == "string"


def test_keep_timestamps_is_exact(recording) -> None:  # type: ignore[no-untyped-def]
    path, written = recording
    chunks, _ = replay_virtual(path, keep_timestamps=True)
    for name, (_, ts) in written.items():
        np.testing.assert_array_equal(concat(chunks, name)[1], ts)


def test_global_timestamp_order_and_chunk_length(recording) -> None:  # type: ignore[no-untyped-def]
    path, _ = recording
    chunks, _events = replay_virtual(path, chunk_duration=0.25)
    firsts = [c.first_timestamp for c in chunks]
    assert firsts == sorted(firsts)
    assert max(c.last_timestamp - c.first_timestamp for c in chunks) < 0.25
    assert len([c for c in chunks if c.info.name == "t-ecg"]) == 16  # 4 s / 0.25 s


def test_markers_are_replayed_as_strings(recording) -> None:  # type: ignore[no-untyped-def]
    path, _ = recording
    chunks, _ = replay_virtual(path)
    data, ts = concat(chunks, "t-mk")
    assert [row[0] for row in data] == ["start", "middle", "end"]
    np.testing.assert_allclose(ts, [0.5, 2.0, 3.8], atol=1e-9)


def test_recorded_gaps_become_gap_events_at_the_right_time(recording) -> None:  # type: ignore[no-untyped-def]
    path, _ = recording
    session = heartmind.Session(clock="virtual")
    session.add_sensor("replay", path=str(path), name="rp")
    order: list[tuple[str, float]] = []
    session.subscribe("stream:t-ecg", lambda c: order.append(("chunk", c.first_timestamp)))
    gaps: list[Gap] = []
    session.subscribe("gap", gaps.append)
    session.subscribe("gap", lambda g: order.append(("gap", g.timestamp)))
    session.run()
    assert len(gaps) == 1
    gap = gaps[0]
    assert (gap.stream, gap.n_lost, gap.reason, gap.source) == ("t-ecg", 125, "unplugged", "rp")
    assert gap.start == pytest.approx(1.0) and gap.end == pytest.approx(1.5)
    assert gap.timestamp == pytest.approx(1.5)
    i = order.index(("gap", gap.timestamp))
    assert order[i - 1][1] < 1.5 <= order[i + 1][1]  # delivered among the chunks, in time


def test_select_by_name_and_type(recording) -> None:  # type: ignore[no-untyped-def]
    path, _ = recording
    chunks, _ = replay_virtual(path, select=["EEG", "t-mk"])
    assert {c.info.name for c in chunks} == {"t-eeg", "t-mk"}
    # the recording now starts with the EEG (0.3 s after the ECG)
    assert min(c.first_timestamp for c in chunks) == 0.0


def test_session_start_time_is_the_clock_now(recording) -> None:  # type: ignore[no-untyped-def]
    from heartmind.plugins.replay import open_replay

    path, _written = recording
    sensor = open_replay(path=str(path))
    clock = heartmind.VirtualClock()
    clock.advance(100.0)
    sensor.start(heartmind.Context(name="r", clock=clock))
    first = sensor.read(0.0)
    assert isinstance(first, heartmind.Chunk) and first.first_timestamp == 100.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"path": "missing.xdf"}, "does not exist"),
        ({"path": "notes.txt"}, "not a file type"),
        ({"select": ["nope"]}, "no stream named or typed 'nope'"),
        ({"speed": 0.0}, "below its minimum"),
    ],
)
def test_clear_config_errors(recording, tmp_path: Path, options, message) -> None:  # type: ignore[no-untyped-def]
    path, _ = recording
    opts = {"path": str(path), **options}
    if not Path(opts["path"]).is_absolute():
        opts["path"] = str(tmp_path / opts["path"])
    session = heartmind.Session(clock="virtual")
    with pytest.raises(ConfigError, match=message):
        session.add_sensor("replay", **opts)


def test_live_speed_is_refused_on_a_virtual_clock(recording) -> None:  # type: ignore[no-untyped-def]
    path, _ = recording
    session = heartmind.Session(clock="virtual")
    session.add_sensor("replay", path=str(path), speed=2.0)
    with pytest.raises(heartmind.SessionError, match="realtime"):
        session.start()
