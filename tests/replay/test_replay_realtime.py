"""Real-time replay: 1× pacing by the session (rate error < 0.1 %), self-paced speed N."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from replay_testkit import write_xdf

import heartmind
from heartmind import local_clock

pytestmark = [pytest.mark.slow, pytest.mark.timeout(60)]


def _run(path: Path, **options: object) -> tuple[np.ndarray, np.ndarray, float]:
    """(delivery time, last timestamp) of each ECG chunk, and the sensor's start time."""
    session = heartmind.Session(clock="realtime")
    sensor = session.add_sensor("replay", path=str(path), select=["ECG"], **options)
    seen: list[tuple[float, float]] = []
    session.subscribe("stream:*", lambda c: seen.append((local_clock(), c.last_timestamp)))
    session.start()
    t0 = session.start_time
    try:
        deadline = time.monotonic() + 20
        while not session.wait(0.02) and time.monotonic() < deadline:
            if sensor.finished:
                break
    finally:
        session.stop()
    arr = np.array(seen)
    return arr[:, 0], arr[:, 1], t0


def test_1x_replay_rate_error_below_0_1_percent(tmp_path: Path) -> None:
    path = tmp_path / "rec.xdf"
    write_xdf(path, seconds=4.0)
    recv, last, t0 = _run(path, chunk_duration=0.05)
    assert len(recv) == 80
    # the recording starts at the clock reading of sensor start, just before the runner t0
    assert last[0] == pytest.approx(t0 + 0.048, abs=0.05)
    slope = np.polyfit(last, recv, 1)[0]  # wall seconds per content second
    assert abs(slope - 1.0) < 1e-3, f"rate error {abs(slope - 1) * 100:.3f} %"
    lag = recv - last
    assert lag.min() >= -1e-4 and lag.max() < 0.05  # never early, never far behind


def test_speed_2_paces_itself_and_keeps_1x_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "rec.xdf"
    write_xdf(path, seconds=4.0)
    recv, last, t0 = _run(path, chunk_duration=0.05, speed=2.0)
    assert len(recv) == 80
    slope = np.polyfit(last - t0, recv - t0, 1)[0]
    assert slope == pytest.approx(0.5, rel=5e-3)
    assert recv[-1] - t0 == pytest.approx(2.0, abs=0.1)
    assert last[-1] - last[0] == pytest.approx(3.996 - 0.048, abs=1e-9)  # content time
