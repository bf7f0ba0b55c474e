"""The lsl-outlet consumer, read back by plain pylsl inlets in other processes."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

import numpy as np
import pytest

from heartmind import Chunk, Context, HeartRate, Marker, RealClock, StreamInfo, local_clock
from heartmind.plugins.lsl.api import open_outlet

pytestmark = [pytest.mark.lsl, pytest.mark.timeout(60)]


def _result(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = proc.communicate(timeout=20)
    return dict(json.loads(out.strip().splitlines()[-1]))


def _wait_consumers(consumer: Any, n: int) -> None:
    outlets = [o for _, o in consumer._outlets.values()]
    if consumer._events_outlet is not None:
        outlets.append(consumer._events_outlet)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and sum(o.have_consumers() for o in outlets) < n:
        time.sleep(0.02)


def test_streams_and_events_reach_another_process(spawn_reader: Any, uid: str) -> None:
    info = StreamInfo(
        name=f"ecg-{uid}",
        type="ECG",
        channels=("I", "II"),
        units=("mV", "uV"),
        rate=250.0,
        dtype="float32",
        source_id=f"dev-{uid}",
    )
    consumer = open_outlet(prefix=f"hm{uid}-", event_topics=["heart_rate"])
    consumer.start(Context(name="pub", clock=RealClock()))
    try:
        t = local_clock()
        first = Chunk(np.zeros((5, 2), np.float32), t + np.arange(5) / 250.0, info)
        consumer.on_chunk(first)  # creates the outlet
        data_reader = spawn_reader(f"hm{uid}-ecg-{uid}", 25)
        event_reader = spawn_reader(f"hm{uid}-events", 2)
        _wait_consumers(consumer, 2)
        values = np.arange(40, dtype=np.float32).reshape(20, 2)
        stamps = local_clock() + np.arange(20) / 250.0
        consumer.on_chunk(Chunk(values, stamps, info))
        events = [
            HeartRate(timestamp=stamps[0], bpm=61.5, source="hr"),
            HeartRate(timestamp=stamps[5], bpm=62.0, source="hr"),
        ]
        consumer.on_event(Marker(timestamp=stamps[1], text="filtered out"))
        for ev in events:
            consumer.on_event(ev)
        data, marks = _result(data_reader), _result(event_reader)
    finally:
        consumer.stop()
    assert data["name"] == f"hm{uid}-ecg-{uid}" and data["type"] == "ECG"
    assert data["source_id"] == f"heartmind:dev-{uid}" and data["rate"] == 250.0
    assert data["labels"] == ["I", "II"] and data["units"] == ["mV", "uV"]
    assert data["types"] == ["ECG", "ECG"] and data["manufacturer"] == "heartmind"
    np.testing.assert_array_equal(np.array(data["values"])[-20:], values)
    np.testing.assert_allclose(np.array(data["timestamps"])[-20:], stamps, atol=1e-6)
    assert [json.loads(v[0]) for v in marks["values"]] == [e.to_dict() for e in events]
    np.testing.assert_allclose(marks["timestamps"], [stamps[0], stamps[5]], atol=1e-6)
