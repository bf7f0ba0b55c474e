"""Dispatch cost and end-to-end latency of the session runtime.

Prints:
1. in-thread dispatch cost of one chunk to 5 subscribers (p50/p99, µs), beside a pluggy
   hook call with 5 implementations measured in the same run;
2. end-to-end latency sensor → subscriber in real time (p50/p99, ms), idle and with both
   cores loaded by busy processes.

Run: .venv/bin/python benchmarks/bench_dispatch.py
"""

from __future__ import annotations

import multiprocessing as mp
import time

import numpy as np
import pluggy

import heartmind as hm
from heartmind.dispatch import Dispatcher

N_CALLS = 20000


def _percentiles(samples: list[float]) -> tuple[float, float]:
    arr = np.asarray(samples)
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def bench_dispatch() -> tuple[float, float]:
    """Cost of Dispatcher.publish(chunk) to 5 synchronous subscribers, in µs."""
    dispatcher = Dispatcher(threaded=False)
    sink: list[int] = []
    for i in range(5):
        dispatcher.subscribe(f"s{i}", ["stream:*"], lambda c: sink.append(1))
    info = hm.StreamInfo("bench-ECG", "ECG", ("ECG",), "mV", 500.0)
    chunk = hm.Chunk(np.zeros((50, 1), np.float32), np.arange(50) / 500.0, info)
    times = []
    for _ in range(N_CALLS):
        t0 = time.perf_counter_ns()
        dispatcher.publish(chunk)
        times.append((time.perf_counter_ns() - t0) / 1000.0)
        sink.clear()
    return _percentiles(times)


def bench_route() -> tuple[float, float]:
    """Cost of routing one chunk through the session graph (routing table, one processor
    that returns nothing, 5 synchronous subscribers), in µs."""
    from heartmind.clock import VirtualClock
    from heartmind.graph import Graph, Node

    class Null(hm.Processor):
        def process(self, chunk: hm.Chunk) -> list[hm.Chunk]:
            return []

    dispatcher = Dispatcher(threaded=False)
    for i in range(5):
        dispatcher.subscribe(f"s{i}", ["stream:*"], lambda c: None)
    nodes = [Node("sensors", "sensor", None), Node("processors", "null", Null())]
    graph = Graph(nodes, dispatcher, VirtualClock())
    info = hm.StreamInfo("bench-ECG", "ECG", ("ECG",), "mV", 500.0)
    chunk = hm.Chunk(np.zeros((50, 1), np.float32), np.arange(50) / 500.0, info)
    times = []
    for _ in range(N_CALLS):
        t0 = time.perf_counter_ns()
        graph.route(chunk, "sensor")
        times.append((time.perf_counter_ns() - t0) / 1000.0)
    return _percentiles(times)


def bench_pluggy() -> tuple[float, float]:
    """Cost of one pluggy hook call with 5 implementations, in µs (the reference)."""
    spec = pluggy.HookspecMarker("bench")
    impl = pluggy.HookimplMarker("bench")

    class Spec:
        @spec
        def on_chunk(self, chunk: object) -> None: ...

    pm = pluggy.PluginManager("bench")
    pm.add_hookspecs(Spec)
    for i in range(5):

        class Plugin:
            @impl
            def on_chunk(self, chunk: object) -> None:
                return None

        pm.register(Plugin(), name=f"p{i}")
    times = []
    for _ in range(N_CALLS):
        t0 = time.perf_counter_ns()
        pm.hook.on_chunk(chunk=None)
        times.append((time.perf_counter_ns() - t0) / 1000.0)
    return _percentiles(times)


class ClockSensor(hm.Sensor):
    """A live sensor producing 10-sample chunks at 1 kHz, stamped when they are made."""

    live = True

    def __init__(self) -> None:
        self.info = hm.StreamInfo("latency", "ECG", ("x",), "mV", 1000.0)
        self._next = 0.0

    @property
    def streams(self) -> tuple[hm.StreamInfo, ...]:
        return (self.info,)

    def read(self, timeout: float) -> hm.Chunk | None:
        now = hm.local_clock()
        if now < self._next:
            time.sleep(self._next - now)
        self._next = hm.local_clock() + 0.01
        t = hm.local_clock()
        return hm.Chunk(np.zeros((10, 1), np.float32), t - np.arange(9, -1, -1) / 1000.0, self.info)


def bench_latency(seconds: float) -> tuple[float, float, int]:
    """Sensor -> subscriber latency (ms) in a real-time session."""
    lat: list[float] = []
    session = hm.Session(clock="realtime", plugins=hm.PluginManager(load_entry_points=False))
    session.add_sensor(ClockSensor(), name="sensor")
    session.subscribe(
        "stream:latency", lambda c: lat.append((hm.local_clock() - c.last_timestamp) * 1000.0)
    )
    stats = session.run(duration=seconds)
    p50, p99 = _percentiles(lat)
    return p50, p99, stats["dropped"]


def _burn(stop: mp.synchronize.Event) -> None:
    x = 0
    while not stop.is_set():
        for _ in range(10000):
            x += 1


def main() -> None:
    print(f"heartmind {hm.__version__} dispatch benchmark ({mp.cpu_count()} cores)")
    d50, d99 = bench_dispatch()
    r50, r99 = bench_route()
    p50, p99 = bench_pluggy()
    print(
        f"in-thread dispatch of one chunk to 5 subscribers: p50 {d50:.1f} µs, "
        f"p99 {d99:.1f} µs (target p50 <= 50 µs)"
    )
    print(
        f"routing one chunk through the session graph (1 processor + 5 subscribers): "
        f"p50 {r50:.1f} µs, p99 {r99:.1f} µs"
    )
    print(
        f"pluggy hook call with 5 implementations (reference): p50 {p50:.1f} µs, p99 {p99:.1f} µs"
    )
    idle = bench_latency(5.0)
    print(
        f"end-to-end latency sensor -> subscriber, real time, idle: p50 {idle[0]:.2f} ms, "
        f"p99 {idle[1]:.2f} ms, dropped {idle[2]}"
    )
    stop = mp.Event()
    burners = [mp.Process(target=_burn, args=(stop,)) for _ in range(mp.cpu_count())]
    for b in burners:
        b.start()
    try:
        loaded = bench_latency(5.0)
    finally:
        stop.set()
        for b in burners:
            b.join()
    print(
        f"end-to-end latency, all {len(burners)} cores loaded by busy processes: "
        f"p50 {loaded[0]:.2f} ms, p99 {loaded[1]:.2f} ms, dropped {loaded[2]}"
    )


if __name__ == "__main__":
    main()
