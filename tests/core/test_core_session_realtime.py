"""Real-time sessions: threaded delivery, drop accounting, draining on stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import datetime

import numpy as np
from core_testkit import LiveSensor

from heartmind import Chunk, Dropped, Event, Marker, Processor, Session
from heartmind.components import Output


def wait_read(sensor: LiveSensor, timeout: float = 10.0) -> None:
    """Wait until the sensor produced everything and the session has read it all."""
    assert sensor.produced_all.wait(timeout)
    deadline = time.monotonic() + timeout
    while not sensor.q.empty():
        assert time.monotonic() < deadline, "the session stopped reading the sensor"
        time.sleep(0.005)


class SlowProcessor(Processor):
    """Takes ``delay`` s per chunk and emits a Marker for each."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.seen = 0

    def process(self, chunk: Chunk) -> Iterable[Output]:
        time.sleep(self.delay)
        self.seen += 1
        return [Marker(timestamp=chunk.last_timestamp, text=f"chunk {self.seen}")]


def test_slow_subscriber_drops_are_counted_and_reported() -> None:
    n = 300
    sensor = LiveSensor("live", n_chunks=n, period=0.001, chunk=4)
    session = Session(clock="realtime", mailbox_size=32, queue_size=4096)
    session.add_sensor(sensor, name="live")
    fast: list[Chunk] = []
    slow: list[Chunk] = []
    dropped: list[Dropped] = []

    def sleepy(chunk: Chunk) -> None:
        time.sleep(0.015)
        slow.append(chunk)

    session.subscribe("stream:live", fast.append, name="fast")
    session.subscribe("stream:live", sleepy, name="slow")
    session.subscribe("dropped", dropped.append, name="drops")
    session.start()
    wait_read(sensor)
    session.stop()
    stats = session.stats()
    # acquisition was not slowed: the slow subscriber alone would need n * 15 ms = 4.5 s
    assert sensor.elapsed < 1.5, sensor.elapsed
    assert stats["sensors"]["live"]["chunks"] == n
    assert stats["sensors"]["live"]["dropped_chunks"] == 0
    assert len(fast) == n
    assert [int(c.data[0, 0]) for c in fast] == list(range(n))
    assert stats["subscribers"]["fast"]["dropped_chunks"] == 0
    st = stats["subscribers"]["slow"]
    assert st["delivered"] == len(slow)
    assert st["dropped_chunks"] > 0
    assert st["delivered"] + st["dropped_chunks"] == n
    assert st["dropped_samples"] == 4 * st["dropped_chunks"]
    # the newest items are kept: the last chunk reached the slow subscriber
    assert int(slow[-1].data[0, 0]) == n - 1
    reported = [d for d in dropped if d.where == "subscriber:slow"]
    assert reported, dropped
    assert sum(d.chunks for d in reported) == st["dropped_chunks"]
    assert sum(d.samples for d in reported) == st["dropped_samples"]
    assert all(d.source == "session" and d.time.endswith("Z") for d in reported)
    assert stats["dropped"] >= st["dropped_chunks"]


def test_full_sensor_queue_drops_oldest_and_reports() -> None:
    n = 60
    sensor = LiveSensor("live", n_chunks=n, period=0.0005)
    session = Session(clock="realtime", queue_size=4)
    session.add_sensor(sensor, name="live")
    proc = SlowProcessor(0.01)
    session.add_processor(proc, name="slowproc")
    dropped: list[Dropped] = []
    session.subscribe("dropped", dropped.append, name="drops")
    session.start()
    wait_read(sensor)
    session.stop()
    stats = session.stats()
    st = stats["sensors"]["live"]
    assert st["chunks"] == n
    assert st["dropped_chunks"] > 0
    assert proc.seen + st["dropped_chunks"] == n
    reported = [d for d in dropped if d.where == "sensor:live"]
    assert sum(d.chunks for d in reported) == st["dropped_chunks"]
    assert stats["dropped"] >= st["dropped_chunks"]


def test_stop_drains_items_in_transit() -> None:
    n = 80
    sensor = LiveSensor("live", n_chunks=n, period=0.0)
    session = Session(clock="realtime", queue_size=1024)
    session.add_sensor(sensor, name="live")
    proc = SlowProcessor(0.003)
    session.add_processor(proc, name="slowproc")
    chunks: list[Chunk] = []
    markers: list[Marker] = []
    session.subscribe("stream:live", chunks.append, name="chunks")
    session.subscribe("marker", markers.append, name="markers")
    session.start()
    wait_read(sensor)
    in_transit = n - proc.seen
    session.stop()
    assert in_transit > 0  # otherwise this test proves nothing
    assert len(chunks) == n
    assert len(markers) == n
    assert [m.text for m in markers] == [f"chunk {i}" for i in range(1, n + 1)]
    stats = session.stats()
    assert stats["dropped"] == 0
    # time is filled in from the real clock, in UTC
    now = time.time()
    for m in markers:
        t = datetime.fromisoformat(m.time.replace("Z", "+00:00")).timestamp()
        assert abs(t - session.clock.to_utc(m.timestamp)) < 1e-5
        assert now - 10 < t <= now + 0.01


def test_realtime_iterator_ends_when_session_stops() -> None:
    sensor = LiveSensor("live", n_chunks=50, period=0.001)
    session = Session(clock="realtime")
    session.add_sensor(sensor, name="live")
    it = session.events("stream:live", timeout=10)

    def stop_when_read() -> None:
        wait_read(sensor)
        session.stop()

    stopper = threading.Thread(target=stop_when_read)
    session.start()
    stopper.start()
    got = list(it)
    stopper.join(10)
    assert len(got) == 50
    assert not session.running


def test_raising_subscriber_in_realtime_is_counted() -> None:
    sensor = LiveSensor("live", n_chunks=30, period=0.001)
    session = Session(clock="realtime")
    session.add_sensor(sensor, name="live")
    good: list[Chunk] = []

    def bad(item: Event | Chunk) -> None:
        raise ValueError("nope")

    session.subscribe("stream:live", bad, name="bad")
    session.subscribe("stream:live", good.append, name="good")
    with session:
        assert session.running
        wait_read(sensor)
    assert not session.running
    stats = session.stats()
    assert len(good) == 30
    assert stats["subscribers"]["bad"]["errors"] == 30
    assert stats["subscribers"]["bad"]["last_error"] == "ValueError: nope"


def test_realtime_generated_source_is_cut_exactly_at_the_duration() -> None:
    from core_testkit import GeneratedSensor

    from heartmind import local_clock

    session = Session(clock="realtime")
    t0 = local_clock()  # generated sources in real time stamp on the session's clock
    sensor = GeneratedSensor("gen", n_chunks=1000, t0=t0)  # 0.1 s chunks, 100 Hz
    session.add_sensor(sensor, name="gen")
    chunks: list[Chunk] = []
    session.subscribe("stream:gen", chunks.append)
    it = session.events("stream:gen", timeout=10)
    session.run(duration=0.35)
    end = session.start_time + 0.35
    timestamps = np.concatenate([c.timestamps for c in chunks])
    expected = t0 + np.arange(1000 * 10) / 100.0
    assert np.array_equal(timestamps, expected[expected < end])  # nothing lost, nothing after
    assert len(list(it)) == len(chunks)  # the iterator ended at the cut as well


def test_live_multi_stream_sensor_keeps_lagging_samples_up_to_the_duration() -> None:
    from heartmind import Sensor, StreamInfo, local_clock

    class Lagging(Sensor):
        """Live: stream 'fast' is stamped now, stream 'slow' arrives 0.3 s late."""

        live = True

        def __init__(self) -> None:
            self.fast = StreamInfo("fast", "PPG", ("x",), rate=0.0)
            self.slow = StreamInfo("slow", "PPG", ("x",), rate=0.0)
            self.turn = 0

        @property
        def streams(self) -> tuple[StreamInfo, ...]:
            return (self.fast, self.slow)

        def read(self, timeout: float) -> Chunk:
            time.sleep(0.01)
            self.turn += 1
            now = local_clock()
            if self.turn % 2:
                return Chunk(np.zeros(1), np.array([now]), self.fast)
            return Chunk(np.zeros(1), np.array([now - 0.3]), self.slow)

    session = Session(clock="realtime")
    session.add_sensor(Lagging(), name="lag")
    got: dict[str, list[float]] = {"fast": [], "slow": []}
    session.subscribe("stream:*", lambda c: got[c.info.name].extend(c.timestamps))
    session.run(duration=1.0)
    end = session.start_time + 1.0
    assert max(got["fast"]) < end and max(got["slow"]) < end  # nothing after the cut
    assert max(got["slow"]) > end - 0.1  # the late stream was read up to the cut too


def test_realtime_iterator_drops_the_oldest_items_with_maxsize_2() -> None:
    """events() keeps the newest items when the application falls behind, counting drops."""
    n = 40
    sensor = LiveSensor("live", n_chunks=n, period=0.001)
    session = Session(clock="realtime")
    session.add_sensor(sensor, name="live")
    it = session.events("stream:live", timeout=10, maxsize=2)
    session.start()
    wait_read(sensor)  # the application reads nothing meanwhile
    session.stop()
    st = session.stats()["subscribers"]["events-0"]  # (gone once the iterator ended)
    got = list(it)
    assert [int(c.data[0, 0]) for c in got] == [n - 2, n - 1]  # the newest two
    assert st["dropped_chunks"] == n - 2
    assert st["dropped_samples"] == 4 * (n - 2)
    assert st["delivered"] == n


def test_realtime_async_iterator_drops_the_oldest_items_with_maxsize_2() -> None:
    import asyncio

    n = 30
    sensor = LiveSensor("live", n_chunks=n, period=0.001)
    session = Session(clock="realtime")
    session.add_sensor(sensor, name="live")

    async def main() -> list[Chunk]:
        stream = session.aevents("stream:live", maxsize=2)
        session.start()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, wait_read, sensor)  # nothing is read meanwhile
        await loop.run_in_executor(None, session.stop)
        stats.update(session.stats()["subscribers"]["aevents-0"])
        return [c async for c in stream]

    stats: dict[str, int] = {}
    got = asyncio.run(asyncio.wait_for(main(), 30))
    assert [int(c.data[0, 0]) for c in got] == [n - 2, n - 1]
    assert stats["dropped_chunks"] == n - 2
