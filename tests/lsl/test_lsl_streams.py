"""The lsl-streams sensor: one poller thread (or a thread per stream) over real outlets."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from heartmind import Chunk, Context, RealClock, local_clock
from heartmind.components import Output
from heartmind.plugins.lsl.api import LSLStreams

pytestmark = [pytest.mark.lsl, pytest.mark.timeout(60)]

RATE = 200.0


def _read(sensor: LSLStreams, seconds: float) -> list[Output]:
    out: list[Output] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        item = sensor.read(0.05)
        if item is not None:
            out.append(item)
    return out


def _by_stream(items: list[Output]) -> dict[str, list[Chunk]]:
    out: dict[str, list[Chunk]] = {}
    for item in items:
        if isinstance(item, Chunk):
            out.setdefault(item.info.name, []).append(item)
    return out


def _reader_threads(uid: str) -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("hm-lsl-") and uid in t.name]


@pytest.mark.parametrize("poll_interval", [0.1, 0.0])
def test_every_sample_of_every_stream_in_order(
    spawn_outlet: Any, spawn_markers: Any, uid: str, poll_interval: float
) -> None:
    t0 = local_clock() + 0.3
    names = [f"ps{i}-{uid}" for i in range(3)]
    for name in names:
        spawn_outlet(name=name, source_id=name, rate=RATE, channels=2, t0=t0)
    spawn_markers(f"mk-{uid}", 10)
    sensor = LSLStreams(predicates=[f"contains(name,'{uid}')"], poll_interval=poll_interval)
    sensor.start(Context(name="lsl", clock=RealClock()))
    try:
        items = _read(sensor, 1.5)
        threads = _reader_threads(uid)
        sensor.drain(timeout=3.0)
        items += _read(sensor, 0.5)
        assert sensor.wait_drained(5.0)
    finally:
        sensor.stop()
    chunks = _by_stream(items)
    assert set(chunks) == {*names, f"mk-{uid}"}
    for name in names:
        ts = np.concatenate([c.timestamps for c in chunks[name]])
        k = np.round((ts - t0) * RATE)
        np.testing.assert_array_equal(np.diff(k), 1.0)  # every sample once, in order
        np.testing.assert_array_equal(np.concatenate([c.data for c in chunks[name]])[:, 0], k)
    assert sum(len(c) for c in chunks[f"mk-{uid}"]) == 10
    if poll_interval > 0:
        assert sensor.poller is not None and len(sensor.poller.members) == 0  # all drained
        assert threads == []  # one poller reads them all: no thread per stream
    else:
        assert sensor.poller is None and len(threads) == 4
    assert all(s["dropped_samples"] == 0 for s in sensor.stats().values())


def test_a_lost_outlet_gets_a_thread_of_its_own_and_continues(spawn_outlet: Any, uid: str) -> None:
    name = f"lost-{uid}"
    t0 = local_clock() + 0.2
    first = spawn_outlet(name=name, source_id=name, rate=RATE, channels=1, t0=t0)
    sensor = LSLStreams(lsl_names=[name], poll_interval=0.05, watchdog=0.3)
    sensor.start(Context(name="lsl", clock=RealClock()))
    try:
        items = _read(sensor, 0.8)
        assert sensor.poller is not None and len(sensor.poller.members) == 1
        first.kill()
        first.wait(10)
        items += _read(sensor, 1.5)
        assert len(sensor.poller.members) == 0  # handed to its own thread while lost
        assert _reader_threads(uid) == [f"hm-lsl-{name}"]
        now_k = int((local_clock() - t0) * RATE)  # the new outlet goes on from now
        spawn_outlet(name=name, source_id=name, rate=RATE, channels=1, t0=t0, first=now_k)
        items += _read(sensor, 2.5)
    finally:
        sensor.stop()
    chunks = _by_stream(items)[name]
    ts = np.concatenate([c.timestamps for c in chunks])
    assert ts[-1] > ts[0] + 2.0  # it went on after the restart
    assert sensor.stats()[name]["reconnects"] == 1
    assert [i for i in items if not isinstance(i, Chunk)]  # the gap was reported
