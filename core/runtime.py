"""The two ways a session runs its sensors.

* :class:`VirtualRunner` — one scheduler thread pulls the next output of every generated
  source, always delivering the one with the smallest timestamp next, and advances the
  virtual clock to it. Processors and subscribers are called synchronously, so a slow
  consumer slows the run down instead of losing data (back-pressure), and one seed gives
  the same events, byte for byte.
* :class:`RealtimeRunner` — each sensor reads on its own thread into a bounded
  :class:`~heartmind.mailbox.Mailbox` (the oldest chunk is dropped and counted when it is
  full); one worker thread drains the mailboxes through the processing graph; subscribers
  receive on their own threads.
  Generated sources are paced by the wall clock: a chunk is released once the LSL clock
  has reached its last timestamp.
"""

from __future__ import annotations

import heapq
import logging
import math
import threading
import time
from collections.abc import Callable

from .clock import Clock, VirtualClock
from .components import Output
from .events import Dropped
from .graph import Graph, Node
from .mailbox import FlowStats, Mailbox
from .streams import Chunk

__all__ = ["RealtimeRunner", "VirtualRunner"]

#: Seconds a live sensor keeps being read after the duration, for samples in transit.
LIVE_GRACE = 0.5

log = logging.getLogger(__name__)


def _timestamp(item: Output) -> float:
    return item.first_timestamp if isinstance(item, Chunk) else item.timestamp


def _truncate(chunk: Chunk, end: float) -> Chunk | None:
    """The samples of ``chunk`` before ``end`` (s), or None if there are none."""
    keep = chunk.timestamps < end
    if keep.all():
        return chunk
    if not keep.any():
        return None
    return Chunk(chunk.data[keep], chunk.timestamps[keep], chunk.info, chunk.clock_offset)


class _Runner:
    """What both runners share: the graph, sensors and their counters."""

    def __init__(
        self, graph: Graph, sensors: list[Node], clock: Clock, duration: float | None
    ) -> None:
        self.graph = graph
        self.sensors = sensors
        self.clock = clock
        self.duration = duration
        self.stats = {s.name: FlowStats() for s in sensors}
        self.stop_requested = threading.Event()
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.t0 = 0.0
        #: Called once on the runner's thread when the sources are done and everything
        #: read was processed (the session ends its iterators with it).
        self.on_done: Callable[[], None] | None = None

    def _finish(self) -> None:
        try:
            if self.on_done is not None:
                self.on_done()
        finally:
            self.done.set()

    def _read_failed(self, node: Node, exc: Exception) -> None:
        st = self.stats[node.name]
        if st.count_error(exc) == 1:
            log.warning("sensor %s raised: %s", node.name, st.last_error, exc_info=exc)


class VirtualRunner(_Runner):
    """Deterministic, as-fast-as-possible scheduling on a :class:`VirtualClock`."""

    def __init__(
        self, graph: Graph, sensors: list[Node], clock: VirtualClock, duration: float | None
    ) -> None:
        super().__init__(graph, sensors, clock, duration)
        self.vclock = clock
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the scheduler thread (the session checked that no sensor is live)."""
        self._thread = threading.Thread(target=self._run, name="hm-scheduler", daemon=True)
        self._thread.start()

    def _next(self, node: Node) -> Output | None:
        failures = 0  # in a row: a sensor with occasional errors keeps running
        while not self.stop_requested.is_set():
            try:
                item: Output | None = node.obj.read(0.0)
            except Exception as exc:
                self._read_failed(node, exc)
                failures += 1
                if failures >= 10:
                    log.error("sensor %s failed 10 times in a row; it is stopped", node.name)
                    return None
                continue
            if item is None:
                return None
            if isinstance(item, Chunk) and len(item) == 0:
                continue
            return item
        return None

    def _run(self) -> None:
        end = math.inf if self.duration is None else self.t0 + self.duration
        heap: list[tuple[float, int, int, Output]] = []
        seq = 0
        try:
            for i, node in enumerate(self.sensors):
                first = self._next(node)
                if first is not None:
                    heapq.heappush(heap, (_timestamp(first), seq, i, first))
                    seq += 1
            while heap and not self.stop_requested.is_set():
                ts, _, i, popped = heapq.heappop(heap)
                if ts >= end:
                    break
                item: Output | None = popped
                if isinstance(popped, Chunk) and popped.last_timestamp >= end:
                    item = _truncate(popped, end)
                node = self.sensors[i]
                if item is not None:
                    self.vclock.advance(_timestamp(item))
                    self.stats[node.name].count(item)
                    self.graph.route(item, node.name)
                nxt = self._next(node)
                if nxt is not None:
                    heapq.heappush(heap, (_timestamp(nxt), seq, i, nxt))
                    seq += 1
            if math.isfinite(end) and not self.stop_requested.is_set():
                self.vclock.advance(end)
            self.graph.flush()
        except BaseException as exc:  # reported by Session.wait / stop
            self.error = exc
            log.exception("the virtual-clock scheduler stopped on an error")
        finally:
            self._finish()

    def stop(self, timeout: float) -> None:
        self.stop_requested.set()
        if self._thread is not None:
            self._thread.join(timeout)


class RealtimeRunner(_Runner):
    """Threads per sensor, one processing worker, wall-clock pacing of generated sources."""

    def __init__(
        self,
        graph: Graph,
        sensors: list[Node],
        clock: Clock,
        duration: float | None,
        capacity: int = 256,
    ) -> None:
        super().__init__(graph, sensors, clock, duration)
        self._wake = threading.Condition()
        self._buffers: dict[str, Mailbox[Output]] = {
            s.name: Mailbox(capacity, self.stats[s.name], wake=self._wake) for s in sensors
        }
        self._threads: list[threading.Thread] = []
        self._worker: threading.Thread | None = None
        self._sensors_done = threading.Event()
        self._reported: dict[str, tuple[int, int, int]] = {}

    def start(self) -> None:
        self.t0 = self.clock.now()
        for node in self.sensors:
            t = threading.Thread(
                target=self._read_loop, args=(node,), name=f"hm-sensor-{node.name}", daemon=True
            )
            self._threads.append(t)
        self._worker = threading.Thread(target=self._work_loop, name="hm-worker", daemon=True)
        for t in self._threads:
            t.start()
        self._worker.start()

    def _deadline(self) -> float:
        return math.inf if self.duration is None else self.t0 + self.duration

    def _read_loop(self, node: Node) -> None:
        live = getattr(node.obj, "live", True)
        end = self._deadline()
        while not self.stop_requested.is_set():
            try:
                item = node.obj.read(0.1)
            except Exception as exc:
                self._read_failed(node, exc)
                self.stop_requested.wait(0.1)
                continue
            if item is None:
                if node.obj.finished or self._past_end(live, end):
                    break  # a file or simulation ended, or the duration is over
                continue
            if not live:  # release generated data when its time has come
                last = item.last_timestamp if isinstance(item, Chunk) else item.timestamp
                while not self.stop_requested.is_set():
                    delay = min(last, end) - self.clock.now()
                    if delay <= 0:
                        break
                    self.stop_requested.wait(min(delay, 0.05))
            if isinstance(item, Chunk):
                if item.first_timestamp >= end:
                    if not live:
                        break  # generated sources deliver in timestamp order: nothing more
                    if self._past_end(live, end):
                        break
                    continue  # a live multi-stream sensor may still hold earlier samples
                if item.last_timestamp >= end:
                    item = _truncate(item, end)  # exactly the duration, as on a virtual clock
                if item is None or len(item) == 0:
                    continue
            self.stats[node.name].count(item)
            self._buffers[node.name].put(item)
            if self._past_end(live, end):
                break

    def _past_end(self, live: bool, end: float) -> bool:
        """True once the duration is over; live sensors get ``LIVE_GRACE`` s more, so that
        samples stamped before the end but still in transit are kept."""
        return self.clock.now() >= end + (LIVE_GRACE if live else 0.0)

    def _drain_once(self) -> list[tuple[str, Output]]:
        """The oldest item of every sensor's mailbox that has one."""
        with self._wake:
            batch = [(name, buf.get_nowait()) for name, buf in self._buffers.items() if len(buf)]
            return batch

    def _work_loop(self) -> None:
        next_report = time.monotonic() + 1.0
        try:
            while True:
                with self._wake:
                    if not any(len(b) for b in self._buffers.values()):
                        if not any(t.is_alive() for t in self._threads):
                            self._sensors_done.set()
                        if self._sensors_done.is_set():
                            break
                        self._wake.wait(0.05)
                for name, item in self._drain_once():
                    self.graph.route(item, name)
                if time.monotonic() >= next_report:
                    self._report_drops()
                    next_report = time.monotonic() + 1.0
            self.graph.flush()
            self._report_drops()
        except BaseException as exc:
            self.error = exc
            log.exception("the processing worker stopped on an error")
        finally:
            self._finish()

    def _report_drops(self) -> None:
        """Publish a ``Dropped`` event for every queue that dropped since the last report."""
        now = self.clock.now()
        where_counts: list[tuple[str, int, int, int]] = []
        for name, st in self.stats.items():
            where_counts.append((f"sensor:{name}", *st.dropped))
        for sub in self.graph.dispatcher.subscribers:
            where_counts.append((f"subscriber:{sub.name}", *sub.stats.dropped))
        for where, chunks, samples, events in where_counts:
            before = self._reported.get(where, (0, 0, 0))
            if (chunks, samples, events) != before:
                self._reported[where] = (chunks, samples, events)
                log.warning(
                    "%s dropped %d chunks (%d samples) and %d events so far",
                    where,
                    chunks,
                    samples,
                    events,
                )
                self.graph.route(
                    Dropped(
                        timestamp=now,
                        where=where,
                        chunks=chunks - before[0],
                        samples=samples - before[1],
                        events=events - before[2],
                    ),
                    "session",
                )

    def wait_sensors(self, timeout: float | None) -> bool:
        """Wait until every sensor thread ended (duration reached or sources finished)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for t in self._threads:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            t.join(remaining)
            if t.is_alive():
                return False
        self._sensors_done.set()
        with self._wake:
            self._wake.notify()
        return True

    def stop(self, timeout: float) -> None:
        """Stop reading, then process everything already read (nothing in transit is lost)."""
        self.stop_requested.set()
        self.wait_sensors(timeout)
        self._sensors_done.set()
        with self._wake:
            self._wake.notify()
        if self._worker is not None:
            self._worker.join(timeout)
