"""The lsl-inlet sensor against plain pylsl outlets in other processes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from heartmind import Chunk, Context, Gap, Session, VirtualClock, local_clock
from heartmind.components import Output
from heartmind.plugins.lsl.api import LSLInlet, ensure_lsl, open_inlet

pytestmark = [pytest.mark.lsl, pytest.mark.timeout(60)]

RATE = 100.0


def _read_for(
    sensor: LSLInlet, seconds: float, until: Callable[[list[Output]], bool] | None = None
) -> list[Output]:
    out: list[Output] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (until and until(out)):
        item = sensor.read(0.05)
        if item is not None:
            out.append(item)
    return out


def _chunks(items: list[Output]) -> list[Chunk]:
    return [c for c in items if isinstance(c, Chunk)]


def _n(items: list[Output]) -> int:
    return sum(len(c) for c in _chunks(items))


def _start(sensor: LSLInlet) -> LSLInlet:
    sensor.start(Context(name="in", clock=VirtualClock()))
    return sensor


def test_reads_a_plain_outlet_in_another_process(spawn_outlet: Any, uid: str) -> None:
    t0 = local_clock() + 0.3
    spawn_outlet(name=f"ecg-{uid}", source_id=f"sid-{uid}", rate=RATE, channels=2, t0=t0)
    sensor = _start(open_inlet(source_id=f"sid-{uid}", timeout=5.0))
    try:
        items = _read_for(sensor, 1.2)
    finally:
        sensor.stop()
    info = sensor.info
    assert (info.name, info.type, info.rate, info.dtype) == (f"ecg-{uid}", "ECG", RATE, "float32")
    assert info.channels == ("ECG1", "ECG2") and info.units == ("mV", "mV")
    assert info.meta["hostname"] and info.meta["lsl_type"] == "ECG"
    chunks = _chunks(items)
    ts = np.concatenate([c.timestamps for c in chunks])
    data = np.concatenate([c.data for c in chunks])
    k = np.round((ts - t0) * RATE)
    assert len(ts) > 50
    np.testing.assert_array_equal(np.diff(k), 1.0)  # every sample, once, in order
    np.testing.assert_array_equal(data[:, 0], k)  # the value is the sample index
    np.testing.assert_array_equal(data[:, 1], k + 1000)
    offsets = sensor.clock_offsets()
    assert offsets and abs(offsets[0][1]) < 0.005  # same machine: offset ~ 0
    np.testing.assert_allclose(ts, t0 + k / RATE + offsets[-1][1], atol=1e-9)
    assert not [g for g in items if isinstance(g, Gap)]


def test_string_marker_stream(spawn_markers: Any, uid: str) -> None:
    proc = spawn_markers(f"mk-{uid}", 12)
    sensor = _start(open_inlet(lsl_name=f"mk-{uid}", timeout=5.0))
    try:
        items = _read_for(sensor, 5.0, lambda got: _n(got) >= 12)
    finally:
        sensor.stop()
        proc.stdin.close()
    assert sensor.info.dtype == "string" and sensor.info.irregular
    assert sensor.info.type == "MARKERS"
    values = [v for c in _chunks(items) for v in c.data[:, 0]]
    assert values == [f"m{k}" for k in range(12)]


def test_irregular_numeric_stream(uid: str) -> None:
    pylsl = ensure_lsl()
    info = pylsl.StreamInfo(f"irr-{uid}", "KEYS", 1, 0.0, pylsl.cf_int32, f"irr-{uid}")
    outlet = pylsl.StreamOutlet(info)
    sensor = _start(open_inlet(lsl_name=f"irr-{uid}", timeout=5.0))
    try:
        outlet.wait_for_consumers(5.0)
        stamps = [local_clock() - 0.5 + x for x in (0.0, 0.013, 0.2, 0.21)]
        for i, t in enumerate(stamps):
            outlet.push_sample([i * 7], t)
        items = _read_for(sensor, 3.0, lambda got: _n(got) >= 4)
    finally:
        sensor.stop()
        del outlet
    chunks = _chunks(items)
    assert sensor.info.irregular and sensor.info.dtype == "int32"
    np.testing.assert_array_equal(np.concatenate([c.data[:, 0] for c in chunks]), [0, 7, 14, 21])
    got = np.concatenate([c.timestamps for c in chunks])
    np.testing.assert_allclose(got, np.array(stamps) + sensor.clock_offsets()[-1][1], atol=1e-9)
    assert not [g for g in items if isinstance(g, Gap)]  # irregular spacing is not a gap


@pytest.mark.slow
def test_outlet_killed_and_restarted_gives_one_exact_gap(spawn_outlet: Any, uid: str) -> None:
    t0 = local_clock() + 0.3
    opts = {"name": f"rec-{uid}", "source_id": f"rec-{uid}", "rate": RATE, "t0": t0}
    first = spawn_outlet(**opts)
    sensor = _start(open_inlet(source_id=f"rec-{uid}", timeout=5.0))
    try:
        items = _read_for(sensor, 1.0)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(5)
        items += _read_for(sensor, 0.5)
        assert sensor.status == "lost"  # noticed at once (connection closed)
        restart = int(np.ceil((local_clock() - t0) * RATE)) + 5
        spawn_outlet(**opts, first=restart)
        items += _read_for(
            sensor, 8.0, lambda got: sensor.gaps > 0 and sensor.status == "streaming"
        )
        items += _read_for(sensor, 0.5)
    finally:
        sensor.stop()
    gaps = [g for g in items if isinstance(g, Gap)]
    chunks = _chunks(items)
    ts = np.concatenate([c.timestamps for c in chunks])
    k = np.round((ts - t0) * RATE)
    data = np.concatenate([c.data for c in chunks])[:, 0]
    np.testing.assert_array_equal(data, k)  # nothing zero-filled, nothing padded
    jumps = np.flatnonzero(np.diff(k) != 1)
    assert len(gaps) == 1 and len(jumps) == 1 and sensor.reconnects == 1
    gap, j = gaps[0], int(jumps[0])
    assert (gap.start, gap.end) == (ts[j], ts[j + 1])  # the exact lost interval
    assert gap.n_lost == int(k[j + 1] - k[j] - 1) and gap.stream == f"rec-{uid}"
    assert k[j + 1] >= restart


def test_inside_a_realtime_session(spawn_outlet: Any, uid: str) -> None:
    spawn_outlet(name=f"ses-{uid}", source_id=f"ses-{uid}", rate=RATE, channels=1)
    session = Session(clock="realtime")
    session.add_sensor("lsl-inlet", name="ecg", lsl_name=f"ses-{uid}", rename="ecg-lsl")
    got: list[Chunk] = []
    session.subscribe("stream:ecg-lsl", got.append)
    session.start()
    try:
        deadline = time.monotonic() + 5
        while sum(len(c) for c in got) < 50 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        session.stop()
    assert sum(len(c) for c in got) >= 50
    assert got[0].info.name == "ecg-lsl" and got[0].info.source_id == f"ses-{uid}"
    lag = local_clock() - got[-1].last_timestamp
    assert 0 <= lag < 1.0  # timestamps are on this session's (LSL) clock
    assert session.stats()["sensors"]["ecg"]["read_errors"] == 0
