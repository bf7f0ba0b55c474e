"""Small real components for the core tests (not collected: no ``test_`` prefix)."""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from heartmind import Chunk, Consumer, Context, Event, HeartRate, Processor, Sensor, StreamInfo
from heartmind.components import Output

#: The ``fake_dist`` fixture: ``(dist, entry_points, modules) -> folder on sys.path``.
FakeDist = Callable[..., Path]


class GeneratedSensor(Sensor):
    """A non-live source of seeded random chunks (regular timestamps from ``t0``)."""

    live = False

    def __init__(
        self,
        name: str = "gen",
        *,
        rate: float = 100.0,
        chunk: int = 10,
        n_chunks: int = 20,
        channels: tuple[str, ...] = ("a", "b"),
        dtype: str = "float32",
        type: str = "ECG",
        t0: float = 0.0,
        seed: int | None = None,
    ) -> None:
        self.info = StreamInfo(
            name=name, type=type, channels=channels, units="mV", rate=rate, dtype=dtype
        )
        self.rate = rate
        self.chunk = chunk
        self.n_chunks = n_chunks
        self.t0 = t0
        self.seed = seed
        self.i = 0
        self.reads = 0
        self.started = False
        self.stopped = False
        self.rng = np.random.default_rng(0)

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return (self.info,)

    def start(self, context: Context) -> None:
        seed = context.seed if self.seed is None else self.seed
        self.rng = np.random.default_rng([seed, sum(map(ord, self.info.name))])
        self.started = True

    def read(self, timeout: float) -> Output | None:
        if self.i >= self.n_chunks:
            return None
        idx = np.arange(self.i * self.chunk, (self.i + 1) * self.chunk)
        ts = self.t0 + idx / self.rate
        data = self.rng.standard_normal((self.chunk, self.info.n_channels))
        self.i += 1
        self.reads += 1
        return Chunk(data.astype(self.info.dtype), ts, self.info)

    @property
    def finished(self) -> bool:
        return self.i >= self.n_chunks

    def stop(self) -> None:
        self.stopped = True


class LiveSensor(Sensor):
    """A live sensor whose own thread produces ``n_chunks`` chunks every ``period`` s."""

    live = True

    def __init__(
        self, name: str = "live", *, n_chunks: int = 100, period: float = 0.002, chunk: int = 4
    ) -> None:
        rate = chunk / period if period > 0 else 0.0
        self.info = StreamInfo(name=name, type="PPG", channels=("ppg",), rate=rate)
        self.n_chunks = n_chunks
        self.period = period
        self.chunk = chunk
        self.q: queue.Queue[Chunk] = queue.Queue()
        self.produced = 0
        self.produced_all = threading.Event()
        self.elapsed = math.nan
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self.clock_now: Any = time.monotonic

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return (self.info,)

    def start(self, context: Context) -> None:
        self.clock_now = context.clock.now
        self._thread = threading.Thread(target=self._produce, daemon=True)
        self._thread.start()

    def _produce(self) -> None:
        t_start = time.monotonic()
        for k in range(self.n_chunks):
            if self._halt.is_set():
                break
            now = self.clock_now()
            ts = now - (self.chunk - 1 - np.arange(self.chunk)) * (self.period / self.chunk)
            data = np.full((self.chunk, 1), float(k), dtype=np.float32)
            self.q.put(Chunk(data, ts, self.info))
            self.produced += 1
            time.sleep(self.period)
        self.elapsed = time.monotonic() - t_start
        self.produced_all.set()

    def read(self, timeout: float) -> Output | None:
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        self._halt.set()
        if self._thread is not None:
            self._thread.join(2.0)


class RateProcessor(Processor):
    """Emits one ``HeartRate`` per chunk, at its last timestamp, derived from the data."""

    def __init__(self) -> None:
        self.seen = 0
        self.inputs: tuple[StreamInfo, ...] = ()

    def start(self, context: Context) -> None:
        self.inputs = context.inputs

    def process(self, chunk: Chunk) -> Iterable[Output]:
        self.seen += 1
        bpm = 60.0 + 20.0 * math.tanh(float(np.mean(chunk.data)))
        return [HeartRate(timestamp=chunk.last_timestamp, bpm=bpm, stream=chunk.info.name)]


class FailingProcessor(Processor):
    """Raises on every chunk."""

    def __init__(self) -> None:
        self.calls = 0

    def process(self, chunk: Chunk) -> Iterable[Output]:
        self.calls += 1
        raise ValueError(f"boom {self.calls}")


class RecordingConsumer(Consumer):
    """Keeps every chunk and event it receives."""

    def __init__(self) -> None:
        self.chunks: list[Chunk] = []
        self.events: list[Event] = []
        self.started = False
        self.stopped = False

    def start(self, context: Context) -> None:
        self.started = True

    def on_chunk(self, chunk: Chunk) -> None:
        self.chunks.append(chunk)

    def on_event(self, event: Event) -> None:
        self.events.append(event)

    def stop(self) -> None:
        self.stopped = True
