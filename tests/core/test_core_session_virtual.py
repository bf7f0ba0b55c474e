"""Sessions on a virtual clock: lifecycle, iterators, determinism, ordering, errors."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from core_testkit import (
    FailingProcessor,
    GeneratedSensor,
    LiveSensor,
    RateProcessor,
    RecordingConsumer,
)

from heartmind import (
    Chunk,
    ConfigError,
    Event,
    HeartRate,
    Marker,
    Processor,
    Session,
    SessionError,
    VirtualClock,
)
from heartmind.components import Output

START = "2026-11-24T09:00:00Z"


def basic_session(n_chunks: int = 20, seed: int = 1, **kw: object) -> Session:
    session = Session(clock="virtual", seed=seed, start=START, **kw)  # type: ignore[arg-type]
    session.add_sensor(GeneratedSensor("ecg", n_chunks=n_chunks), name="ecg")
    session.add_processor(RateProcessor(), name="hr")
    return session


# ---------------------------------------------------------------- delivery


def test_subscribe_callback_and_consumer() -> None:
    session = basic_session()
    rates: list[HeartRate] = []
    chunks: list[Chunk] = []
    session.subscribe("heart_rate", rates.append, name="rates")
    session.subscribe("type:ECG", chunks.append, name="chunks")
    consumer = session.add_consumer(RecordingConsumer(), name="rec", streams=["ecg"])
    assert isinstance(consumer, RecordingConsumer)
    stats = session.run()
    assert len(rates) == 20 and len(chunks) == 20
    assert [c.first_timestamp for c in chunks] == pytest.approx([i * 0.1 for i in range(20)])
    assert consumer.chunks == chunks
    assert consumer.events == rates
    assert consumer.started and consumer.stopped
    assert stats["subscribers"]["rates"]["delivered"] == 20
    assert stats["subscribers"]["rec"]["delivered"] == 40
    assert stats["sensors"]["ecg"] == {
        "chunks": 20,
        "samples": 200,
        "events": 0,
        "dropped_chunks": 0,
        "dropped_samples": 0,
        "dropped_events": 0,
        "read_errors": 0,
        "last_error": "",
    }
    assert stats["events"] == 20 and stats["chunks"] == 20 and stats["dropped"] == 0


def test_processor_context_inputs() -> None:
    session = Session(clock="virtual")
    session.add_sensor(GeneratedSensor("ecg"), name="ecg")
    session.add_sensor(GeneratedSensor("eeg", type="EEG"), name="eeg")
    proc = session.add_processor(RateProcessor(), input_types=["ECG"])
    assert isinstance(proc, RateProcessor)
    session.run()
    assert [i.name for i in proc.inputs] == ["ecg"]
    assert proc.seen == 20


def test_blocking_iterator_ends_when_session_stops() -> None:
    session = basic_session()
    it = session.events("heart_rate", timeout=10, maxsize=2)  # tiny queue: back-pressure
    runner = threading.Thread(target=session.run)
    runner.start()
    got = list(it)
    runner.join(10)
    assert not runner.is_alive()
    assert len(got) == 20
    assert all(isinstance(e, HeartRate) for e in got)
    assert [e.timestamp for e in got] == sorted(e.timestamp for e in got)


def test_blocking_iterator_of_chunks_and_events() -> None:
    session = basic_session(n_chunks=5)
    it = session.events("stream:ecg", "heart_rate", timeout=10)
    runner = threading.Thread(target=session.run)
    runner.start()
    got = list(it)
    runner.join(10)
    kinds = ["chunk" if isinstance(x, Chunk) else "event" for x in got]
    assert kinds == ["chunk", "event"] * 5  # an input is published before what it caused


def test_blocking_iterator_timeout() -> None:
    session = basic_session()
    it = session.events(timeout=0.05)
    with pytest.raises(TimeoutError, match=r"no event within 0.05 s"):
        next(it)


def test_breaking_out_of_an_iterator_does_not_block_the_session() -> None:
    session = basic_session(n_chunks=50)
    it = session.events("heart_rate", timeout=10, maxsize=1)
    session.start()
    first = next(it)
    it.close()  # unsubscribes; a scheduler blocked on the full queue goes on
    assert session.wait(10)
    session.stop()
    assert isinstance(first, HeartRate)
    assert session.stats()["sensors"]["ecg"]["chunks"] == 50


def test_async_iterator() -> None:
    session = basic_session()

    async def main() -> list[Event]:
        got: list[Event] = []
        loop = asyncio.get_running_loop()
        stream = session.aevents("heart_rate", maxsize=4)
        runner = loop.run_in_executor(None, session.run)
        async for event in stream:
            got.append(event)
        await runner
        return got

    got = asyncio.run(asyncio.wait_for(main(), 20))
    assert len(got) == 20
    assert all(isinstance(e, HeartRate) for e in got)


def test_async_iterator_subscribes_before_start() -> None:
    session = basic_session()

    def finish() -> None:
        assert session.wait(10)
        session.stop()

    async def main() -> list[Event]:
        loop = asyncio.get_running_loop()
        stream = session.aevents("heart_rate")  # subscribes now, like events()
        session.start()
        await asyncio.sleep(0.05)  # the scheduler runs before the first item is asked for
        stopper = loop.run_in_executor(None, finish)
        got = [e async for e in stream]
        await stopper
        return got

    got = asyncio.run(asyncio.wait_for(main(), 20))
    assert len(got) == 20


def test_async_iterator_end_is_not_lost_with_a_full_queue() -> None:
    session = basic_session()

    async def main() -> list[Event]:
        loop = asyncio.get_running_loop()
        stream = session.aevents("heart_rate", maxsize=1)
        runner = loop.run_in_executor(None, session.run)
        got: list[Event] = []
        async for event in stream:
            got.append(event)
            await asyncio.sleep(0.002)  # a slow consumer: the queue is full at stop
        await runner
        return got

    got = asyncio.run(asyncio.wait_for(main(), 20))
    assert len(got) == 20


def test_context_manager_starts_and_stops() -> None:
    sensor = GeneratedSensor("ecg", n_chunks=3)
    consumer = RecordingConsumer()
    session = Session(clock="virtual")
    session.add_sensor(sensor)
    session.add_consumer(consumer, streams=["stream:*"])
    with session as s:
        assert s is session and s.running
        assert s.wait(10)
    assert not session.running
    assert sensor.started and sensor.stopped
    assert consumer.stopped
    assert len(consumer.chunks) == 3


def test_context_manager_stops_on_error() -> None:
    session = basic_session()
    with pytest.raises(KeyError), session:
        raise KeyError("app failed")
    assert not session.running


# ---------------------------------------------------------------- lifecycle misuse


def test_start_twice_is_an_error() -> None:
    session = basic_session()
    session.start()
    with pytest.raises(SessionError, match=r"start\(\) on a session that is running"):
        session.start()
    session.stop()
    with pytest.raises(SessionError, match=r"start\(\) on a session that is stopped"):
        session.start()


def test_add_after_start_is_an_error() -> None:
    session = basic_session()
    session.start()
    try:
        with pytest.raises(SessionError, match=r"only be added before start"):
            session.add_sensor(GeneratedSensor("late"), name="late")
        with pytest.raises(SessionError, match=r"only be added before start"):
            session.add_consumer(RecordingConsumer())
    finally:
        session.stop()


def test_stop_is_idempotent_and_safe_before_start() -> None:
    session = basic_session()
    session.stop()
    assert not session.running
    other = basic_session()
    other.start()
    other.stop()
    other.stop()
    assert not other.running


def test_misuse_errors() -> None:
    with pytest.raises(SessionError, match=r"no sensors"):
        Session(clock="virtual").start()
    with pytest.raises(SessionError, match=r"wait\(\) before start"):
        Session(clock="virtual").wait()
    with pytest.raises(ConfigError, match=r"clock = 'wall'"):
        Session(clock="wall")  # type: ignore[arg-type]
    session = Session(clock="virtual")
    with pytest.raises(SessionError, match=r"is not a sensor"):
        session.add_sensor(RecordingConsumer())  # type: ignore[arg-type]
    with pytest.raises(SessionError, match=r"options are only for components built from a spec"):
        session.add_sensor(GeneratedSensor(), rate=3)
    session.add_sensor(GeneratedSensor("a"), name="a")
    with pytest.raises(ConfigError, match=r"two components are named 'a'"):
        session.add_sensor(GeneratedSensor("a"), name="a")


def test_live_sensor_rejected_on_virtual_clock() -> None:
    session = Session(clock="virtual")
    session.add_sensor(LiveSensor("polar"), name="polar")
    with pytest.raises(SessionError, match=r"live sensors \(polar\) need clock='realtime'"):
        session.start()
    assert not session.running


# ---------------------------------------------------------------- determinism and order


def record_run(seed: int) -> tuple[bytes, bytes]:
    session = Session(clock="virtual", seed=seed, start=START)
    session.add_sensor(GeneratedSensor("ecg", rate=250.0, chunk=25, n_chunks=40), name="ecg")
    session.add_sensor(
        GeneratedSensor("ppg", rate=64.0, chunk=16, n_chunks=10, channels=("p",)), name="ppg"
    )
    session.add_processor(RateProcessor(), name="hr")
    lines: list[str] = []
    digest = hashlib.sha256()

    def on_chunk(chunk: Chunk) -> None:
        digest.update(chunk.info.name.encode())
        digest.update(chunk.data.tobytes())
        digest.update(chunk.timestamps.tobytes())

    session.subscribe("*", lambda ev: lines.append(ev.to_json()))
    session.subscribe("stream:*", on_chunk)
    session.run(duration=3.0)
    assert len(lines) == 30 + 10  # ecg is cut at 3 s; ppg ends at 2.5 s
    return "\n".join(lines).encode(), digest.digest()


def test_same_seed_gives_identical_bytes_and_other_seed_differs() -> None:
    events_a, chunks_a = record_run(5)
    events_b, chunks_b = record_run(5)
    assert events_a == events_b
    assert chunks_a == chunks_b
    events_c, chunks_c = record_run(6)
    assert events_c != events_a
    assert chunks_c != chunks_a


def test_chunks_of_two_rates_are_delivered_in_timestamp_order() -> None:
    session = Session(clock="virtual")
    session.add_sensor(GeneratedSensor("fast", rate=100.0, chunk=10, n_chunks=30), name="fast")
    session.add_sensor(
        GeneratedSensor("slow", rate=30.0, chunk=7, n_chunks=13, t0=0.05), name="slow"
    )
    got: list[Chunk] = []
    session.subscribe("stream:*", got.append)
    session.run()
    firsts = [c.first_timestamp for c in got]
    assert firsts == sorted(firsts)
    names = [c.info.name for c in got]
    assert names.count("fast") == 30 and names.count("slow") == 13
    assert names[:3] == ["fast", "slow", "fast"]  # 0.0, 0.05, 0.1


def test_slow_subscriber_loses_nothing_on_virtual_clock() -> None:
    session = basic_session(n_chunks=40, mailbox_size=2)
    slow: list[Chunk] = []

    def sleepy(chunk: Chunk) -> None:
        time.sleep(0.002)
        slow.append(chunk)

    session.subscribe("stream:ecg", sleepy, name="sleepy")
    stats = session.run()
    assert len(slow) == 40
    assert stats["subscribers"]["sleepy"]["dropped_chunks"] == 0
    assert stats["dropped"] == 0


def test_duration_cuts_chunks_exactly() -> None:
    session = Session(clock="virtual")
    session.add_sensor(GeneratedSensor("ecg", rate=100.0, chunk=30, n_chunks=10), name="ecg")
    got: list[Chunk] = []
    session.subscribe("stream:ecg", got.append)
    stats = session.run(duration=1.0)
    ts = np.concatenate([c.timestamps for c in got])
    assert len(ts) == 100
    assert ts[-1] == pytest.approx(0.99)
    assert ts.max() < 1.0
    assert [len(c) for c in got] == [30, 30, 30, 10]
    assert stats["sensors"]["ecg"]["samples"] == 100
    assert session.clock.now() == 1.0


def test_event_time_is_iso_utc_of_virtual_clock() -> None:
    session = Session(clock="virtual", start="2026-11-24T10:00:00+01:00")
    session.add_sensor(GeneratedSensor("ecg", rate=8.0, chunk=2, n_chunks=8), name="ecg")
    session.add_processor(RateProcessor(), name="hr")
    got: list[HeartRate] = []
    session.subscribe("heart_rate", got.append)
    session.run()
    assert got[0].timestamp == 0.125
    assert got[0].time == "2026-11-24T09:00:00.125000Z"
    assert got[0].source == "hr"
    t0 = datetime(2026, 11, 24, 9, tzinfo=UTC)
    for ev in got:
        parsed = datetime.fromisoformat(ev.time.replace("Z", "+00:00"))
        assert abs(parsed - (t0 + timedelta(seconds=ev.timestamp))) <= timedelta(microseconds=1)
    assert isinstance(session.clock, VirtualClock)


# ---------------------------------------------------------------- failures


def test_raising_subscriber_is_counted_and_session_goes_on() -> None:
    session = basic_session()
    good: list[HeartRate] = []

    def bad(event: Event) -> None:
        raise RuntimeError("subscriber bug")

    session.subscribe("heart_rate", bad, name="bad")
    session.subscribe("heart_rate", good.append, name="good")
    stats = session.run()
    assert len(good) == 20
    assert stats["subscribers"]["bad"]["errors"] == 20
    assert stats["subscribers"]["bad"]["delivered"] == 0
    assert stats["subscribers"]["bad"]["last_error"] == "RuntimeError: subscriber bug"


def test_raising_processor_is_switched_off_after_ten_errors() -> None:
    session = basic_session(n_chunks=25)
    failing = session.add_processor(FailingProcessor(), name="broken")
    assert isinstance(failing, FailingProcessor)
    rates: list[HeartRate] = []
    session.subscribe("heart_rate", rates.append)
    stats = session.run()
    assert failing.calls == 10
    assert stats["processors"]["broken"] == {
        "errors": 10,
        "disabled": True,
        "last_error": "ValueError: boom 10",
    }
    assert stats["processors"]["hr"]["errors"] == 0
    assert len(rates) == 25


class FlakyProcessor(Processor):
    """Fails on every other chunk: never ten in a row, so it stays on."""

    def __init__(self) -> None:
        self.calls = 0

    def process(self, chunk: Chunk) -> Iterable[Output]:
        self.calls += 1
        if self.calls % 2:
            raise ValueError("odd")
        return [Marker(timestamp=chunk.first_timestamp, text="even")]


def test_processor_with_intermittent_errors_stays_on() -> None:
    session = basic_session(n_chunks=30)
    session.add_processor(FlakyProcessor(), name="flaky")
    markers: list[Marker] = []
    session.subscribe("marker", markers.append)
    stats = session.run()
    assert stats["processors"]["flaky"]["errors"] == 15
    assert not stats["processors"]["flaky"]["disabled"]
    assert len(markers) == 15
    assert markers[0].source == "flaky"


class FlakySensor(GeneratedSensor):
    """Raises on every third read."""

    attempts = 0

    def read(self, timeout: float) -> Output | None:
        self.attempts += 1
        if self.attempts % 3 == 0:
            raise OSError("device hiccup")
        return super().read(timeout)


def test_raising_sensor_read_is_counted() -> None:
    sensor = FlakySensor("ecg", n_chunks=10)
    session = Session(clock="virtual")
    session.add_sensor(sensor, name="ecg")
    got: list[Chunk] = []
    session.subscribe("stream:ecg", got.append)
    stats = session.run()
    assert len(got) == 10
    assert stats["sensors"]["ecg"]["read_errors"] == 5  # attempts 3, 6, … 15 of 16
    assert stats["sensors"]["ecg"]["last_error"] == "OSError: device hiccup"


def test_occasional_sensor_errors_do_not_stop_a_long_session() -> None:
    session = Session(clock="virtual")
    session.add_sensor(FlakySensor("ecg", n_chunks=40), name="ecg")
    got: list[Chunk] = []
    session.subscribe("stream:ecg", got.append)
    stats = session.run()
    assert stats["sensors"]["ecg"]["read_errors"] == 20  # more than 10, never in a row
    assert len(got) == 40


class BrokenSensor(GeneratedSensor):
    def read(self, timeout: float) -> Output | None:
        raise OSError("unplugged")


def test_sensor_that_always_raises_is_given_up_while_others_run() -> None:
    session = Session(clock="virtual")
    session.add_sensor(BrokenSensor("dead"), name="dead")
    session.add_sensor(GeneratedSensor("ecg", n_chunks=5), name="ecg")
    got: list[Chunk] = []
    session.subscribe("stream:*", got.append)
    stats = session.run()
    assert len(got) == 5
    assert stats["sensors"]["dead"]["read_errors"] == 10


def test_iterators_end_on_their_own_when_the_sources_are_done() -> None:
    session = basic_session(n_chunks=30)
    it = session.events("heart_rate", timeout=10)
    session.start()
    got = list(it)  # no stop() needed: the generated source finishes
    assert len(got) == 30
    assert session.wait(5)
    session.stop()


def test_async_iterator_ends_on_its_own_when_the_sources_are_done() -> None:
    async def collect() -> list[object]:
        session = basic_session(n_chunks=12)
        ait = session.aevents("heart_rate")
        session.start()
        items = [item async for item in ait]
        session.stop()
        return items

    assert len(asyncio.run(asyncio.wait_for(collect(), 20))) == 12


def test_event_selectors_can_name_the_producing_component() -> None:
    class Echo(Processor):
        def __init__(self) -> None:
            self.seen: list[str] = []

        def process(self, chunk: Chunk) -> Iterable[Output]:
            return ()

        def on_event(self, event: Event) -> Iterable[Output]:
            self.seen.append(event.source)
            return ()

    session = Session(clock="virtual", start=START)
    session.add_sensor(GeneratedSensor("ecg", n_chunks=5), name="ecg")
    session.add_processor(RateProcessor(), name="a")
    session.add_processor(RateProcessor(), name="b")
    only_b = session.add_processor(Echo(), name="only-b", events=["heart_rate@b"])
    every = session.add_processor(Echo(), name="every", events=["heart_rate"])
    session.run()
    assert only_b.seen == ["b"] * 5  # type: ignore[attr-defined]
    assert sorted(set(every.seen)) == ["a", "b"]  # type: ignore[attr-defined]
