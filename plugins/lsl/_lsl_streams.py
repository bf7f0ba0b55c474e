"""The ``lsl-streams`` sensor: follows many LSL streams at once (what ``heartmind record`` uses).

Streams are selected by name, type, source id or XPath predicate (any one matches), or
all of them. A ``pylsl.ContinuousResolver`` keeps looking, so streams that appear after
the start are picked up and :attr:`LSLStreams.streams` grows. Each stream has its own
:class:`~heartmind.plugins.lsl.api.LSLInlet`, opened on a thread of its own, and a
bounded queue. With ``poll_interval > 0`` (the default) one thread, the
:class:`InletPoller` (``_inlet_poller``), then reads every stream without
waiting, once per ``poll_interval``; a stream whose outlet is lost or silent goes back to
a thread of its own (which may wait for it). With ``poll_interval = 0`` every stream is
read by its own thread with blocking pulls (lowest latency, most CPU). A full queue makes
its stream wait (liblsl keeps buffering meanwhile), and only if it stays full is its
oldest chunk dropped, and counted. A restarted outlet (same name, type and source id)
continues the same stream, with a :class:`heartmind.Gap`.

:meth:`LSLStreams.drain` ends a recording without losing what is in transit: every reader
goes on until it has the samples stamped before the stop time (or its stream is silent).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from heartmind.components import Context, Output, Sensor
from heartmind.errors import ConfigError
from heartmind.streams import Chunk, StreamInfo

from ._inlet_poller import InletPoller, Service
from ._lsl_inlet import LSLInlet
from ._resolve import describe, selection_predicate
from ._safe_config import Scope, ensure_lsl

__all__ = ["LSLStreams"]

log = logging.getLogger(__name__)

_PROBE_TYPE = "heartmind-probe"  # ensure_lsl's short-lived configuration probe
_RETRY_AFTER = 1.0  # s before a stream that failed to open is tried again
_ROOM_WAIT = 0.5  # s a reader waits for room in its queue before dropping the oldest chunk
_DRAIN_GRACE = 0.3  # s of silence after which a draining reader has everything


def _key(found: Any) -> tuple[str, ...]:
    """Identity of an LSL stream across outlet restarts (as LSLInlet recovers it)."""
    sid = found.source_id()
    if sid:
        return (found.name(), found.type(), sid)
    return (found.name(), found.type(), "", str(found.channel_count()), found.hostname())


class _Follower:
    """One followed stream: its inlet, reader thread, bounded queue and counters."""

    def __init__(self, owner: LSLStreams, key: tuple[str, ...], found: Any, rename: str) -> None:
        self.owner = owner
        self.key = key
        self.found = found
        self.name = rename or found.name()
        self.rename = rename
        self.queue: deque[Output] = deque()
        self.queued_bytes = 0
        self.inlet: LSLInlet | None = None
        self.samples = 0
        self.dropped_chunks = 0
        self.dropped_samples = 0
        self.last_ts = -math.inf
        self.error = ""
        self.idle_since = time.monotonic()  # last time the poller read something (s)
        self.full_since: float | None = None  # since when the poller found the queue full
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"hm-lsl-{self.name}", daemon=True)

    def _open(self) -> LSLInlet:
        o, f = self.owner, self.found
        inlet = LSLInlet(
            lsl_name=f.name(),
            lsl_type=f.type(),
            source_id=f.source_id(),
            timeout=o.open_timeout,
            rename=self.rename,
            clock_sync=o.clock_sync,
            max_samples=o.max_samples,
            max_buflen=o.max_buflen,
            watchdog=o.watchdog,
            scope=o.scope,
        )
        inlet.open(f, o.context)
        return inlet

    def _run(self) -> None:
        o = self.owner
        try:
            self.inlet = self._open()
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("could not open LSL stream %s: %s", describe(self.found), self.error)
            o._opened_failed(self)
            self.done.set()
            return
        o._opened(self)
        if o.poller is not None and o.poller.add(self):
            return  # the poller reads it from now on, and closes it
        self._read_alone()

    def _read_alone(self) -> None:
        """Read the stream on this thread (blocking pulls) until it ends; then close it."""
        assert self.inlet is not None
        try:
            self._loop(self.inlet)
        except Exception as exc:  # never silently: the stream stops being read
            self.error = f"{type(exc).__name__}: {exc}"
            log.error("reading LSL stream %s failed: %s", self.name, self.error, exc_info=exc)
        finally:
            self.finish()

    # ------------------------------------------------------------------ read by the poller

    def service(self) -> Service:
        """Read what the inlet has now, without waiting (on the poller's thread)."""
        o, inlet = self.owner, self.inlet
        assert inlet is not None
        draining = o._drain_until is not None
        try:
            if self._waiting_for_room():
                return Service.IDLE
            item = inlet.read(0.0)
        except Exception as exc:  # never silently: the stream stops being read
            self.error = f"{type(exc).__name__}: {exc}"
            log.error("reading LSL stream %s failed: %s", self.name, self.error, exc_info=exc)
            return Service.DONE
        if item is None:
            if inlet.status != "streaming":
                return Service.DETACH  # waiting for its outlet may block: not here
            if draining and self._drained(self.idle_since):
                return Service.DONE
            return Service.IDLE
        self.idle_since = time.monotonic()
        if isinstance(item, Chunk):
            self.samples += len(item)
            self.last_ts = item.last_timestamp
        o._stage(self, item)
        if draining and self._drained(self.idle_since):
            return Service.DONE
        if isinstance(item, Chunk) and len(item) < o.max_samples:
            return Service.IDLE
        return Service.MORE  # a full chunk, or an event before its chunk

    def _waiting_for_room(self) -> bool:
        """True while the queue is full, for up to ``_ROOM_WAIT`` s (then read and drop)."""
        o = self.owner
        if not o._full(self):
            self.full_since = None
            return False
        now = time.monotonic()
        if self.full_since is None:
            self.full_since = now
        return now - self.full_since < _ROOM_WAIT and not o._stopping.is_set()

    def finish(self) -> None:
        """Close the inlet and mark the stream done."""
        try:
            if self.inlet is not None:
                self.inlet.stop()
        finally:
            self.done.set()

    def detach(self) -> None:
        """Go on reading on a thread of its own (its outlet was lost or is silent)."""
        log.info("LSL stream %s is read by a thread of its own from now on", self.name)
        self.thread = threading.Thread(
            target=self._read_alone, name=f"hm-lsl-{self.name}", daemon=True
        )
        self.thread.start()

    def _loop(self, inlet: LSLInlet) -> None:
        o = self.owner
        # liblsl buffers from open() on: pull only once the session reads, so that nothing
        # piles up (and is dropped) while the session is still starting.
        while not (o._reading.wait(0.1) or o._stopping.is_set()):
            pass
        idle_since = time.monotonic()
        while not o._stopping.is_set():
            draining = o._drain_until is not None
            item = inlet.read(0.05 if draining else 0.1)
            if item is None:
                if draining and self._drained(idle_since):
                    return  # read at least once since the drain began, and silent
                continue
            idle_since = time.monotonic()
            if isinstance(item, Chunk):
                self.samples += len(item)
                self.last_ts = item.last_timestamp
            o._put(self, item)
            if draining and self._drained(idle_since):
                return
            if not draining and (not isinstance(item, Chunk) or len(item) < o.max_samples):
                # Let liblsl gather samples: fewer, larger chunks cost far less CPU.
                # drain() and stop() end the wait at once.
                o._wake.wait(o.poll_interval)

    def _drained(self, idle_since: float) -> bool:
        o = self.owner
        now = time.monotonic()
        assert o._drain_until is not None
        return (
            self.last_ts >= o._drain_until
            or now - max(idle_since, o._drain_started) >= _DRAIN_GRACE
            or now >= o._drain_deadline
        )

    def stats(self) -> dict[str, Any]:
        inlet = self.inlet
        return {
            "status": inlet.status if inlet is not None else ("failed" if self.error else "new"),
            "samples": self.samples,
            "dropped_chunks": self.dropped_chunks,
            "dropped_samples": self.dropped_samples,
            "queued": len(self.queue),
            "queued_bytes": self.queued_bytes,
            "gaps": inlet.gaps if inlet is not None else 0,
            "reconnects": inlet.reconnects if inlet is not None else 0,
            "error": self.error,
        }


class LSLStreams(Sensor):
    """A live sensor that follows every LSL stream matching a selection.

    Parameters
    ----------
    lsl_names, lsl_types, source_ids, predicates
        Select streams whose name, type or source id is one of these, or that match one
        of these XPath predicates; a stream matching any criterion is followed.
    all_streams
        Follow every stream visible (instead of a selection).
    wait
        How long ``start`` waits for the selected streams, in s: until every named stream
        and source id is there and at least one stream of each type (others may appear
        later and are picked up then).
    resolve_interval
        Seconds between two looks for new streams.
    forget_after
        Seconds after which the resolver forgets an outlet it no longer sees.
    open_timeout
        Seconds to wait for a found stream's full info and first clock offset.
    clock_sync, max_samples, max_buflen, watchdog
        As for ``lsl-inlet`` (each stream's inlet gets them).
    poll_interval
        Seconds between two reads of a stream that did not fill ``max_samples`` (liblsl
        buffers meanwhile): larger chunks, less CPU, up to this much more latency. With
        ``> 0`` one thread reads every stream without waiting (a stream that filled
        ``max_samples`` is read again at once); ``0`` gives each stream a thread of its
        own that returns each sample as soon as it arrives (more CPU).
    queue_chunks, queue_mb
        Chunks, and MB of sample data, each stream may have queued; when either is
        reached its reader waits (liblsl keeps buffering), then drops the oldest chunk.
    scope
        LSL scope, see :func:`heartmind.plugins.lsl.api.ensure_lsl`.
    """

    live = True

    def __init__(
        self,
        *,
        lsl_names: Sequence[str] = (),
        lsl_types: Sequence[str] = (),
        source_ids: Sequence[str] = (),
        predicates: Sequence[str] = (),
        all_streams: bool = False,
        wait: float = 2.0,
        resolve_interval: float = 0.5,
        forget_after: float = 5.0,
        open_timeout: float = 5.0,
        clock_sync: bool = True,
        max_samples: int = 1024,
        max_buflen: int = 360,
        watchdog: float = 1.0,
        poll_interval: float = 0.2,
        queue_chunks: int = 4096,
        queue_mb: float = 64.0,
        scope: Scope = "machine",
    ) -> None:
        self.names, self.types = tuple(lsl_names), tuple(lsl_types)
        self.source_ids, self.predicates = tuple(source_ids), tuple(predicates)
        selection = selection_predicate(self.names, self.types, self.source_ids, self.predicates)
        if all_streams == bool(selection):
            raise ConfigError(
                "lsl-streams: give either a selection (lsl_names, lsl_types, source_ids, "
                "predicates) or all_streams = true, not both and not neither."
            )
        self.predicate = selection
        self.wait_s, self.resolve_interval = float(wait), float(resolve_interval)
        self.forget_after, self.open_timeout = float(forget_after), float(open_timeout)
        self.clock_sync, self.max_samples = clock_sync, int(max_samples)
        self.max_buflen, self.watchdog = int(max_buflen), float(watchdog)
        self.queue_chunks, self.scope = int(queue_chunks), scope
        self.queue_bytes = int(queue_mb * 1e6)
        self.poll_interval = float(poll_interval)
        if not (math.isfinite(self.poll_interval) and self.poll_interval >= 0):
            raise ConfigError(
                f"lsl-streams: poll_interval must be a number of s >= 0, got {poll_interval!r}."
            )
        self._pylsl = ensure_lsl(scope)
        self.context = Context(name="lsl-streams", clock=_unset_clock())
        self._followers: dict[tuple[str, ...], _Follower] = {}
        self._failed: dict[tuple[str, ...], float] = {}
        self._infos: list[StreamInfo] = []
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._reading = threading.Event()
        self._wake = threading.Event()  # ends readers' poll waits (drain, stop)
        self._resolving = threading.Event()
        self._resolver: Any = None
        self._resolver_thread: threading.Thread | None = None
        self._drain_until: float | None = None
        self._drain_started = math.inf
        self._drain_deadline = math.inf
        self._staged: list[tuple[_Follower, Output]] = []  # read by the poller, not yet queued
        #: The thread that reads every stream (``None`` with ``poll_interval = 0``).
        self.poller: InletPoller | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        with self._cond:
            return tuple(self._infos)

    def start(self, context: Context) -> None:
        """Start resolving; wait up to ``wait`` s for the selected streams."""
        self.context = Context(name=context.name, clock=context.clock, seed=context.seed)
        if self.poll_interval > 0:
            self.poller = InletPoller(
                interval=self.poll_interval,
                stopping=self._stopping,
                woken=self._wake,
                reading=self._reading,
                draining=lambda: self._drain_until is not None,
                deliver=self._deliver,
            )
            self.poller.start()
        pred = self.predicate or None
        self._resolver = self._pylsl.ContinuousResolver(pred=pred, forget_after=self.forget_after)
        deadline = time.monotonic() + self.wait_s
        while True:
            self._poll()
            if self._satisfied() or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        if not self._followers:
            log.warning("no LSL stream matches %s yet; waiting for one", pred or "(all)")
        self._resolving.set()
        self._resolver_thread = threading.Thread(
            target=self._resolve_loop, name="hm-lsl-resolver", daemon=True
        )
        self._resolver_thread.start()

    def _satisfied(self) -> bool:
        found = [f.found for f in self._followers.values()]
        names = {f.name() for f in found}
        sids = {f.source_id() for f in found}
        types = {f.type() for f in found}
        if self.names or self.source_ids or self.types:
            return (
                set(self.names) <= names
                and set(self.source_ids) <= sids
                and set(self.types) <= types
            )
        return bool(found)

    def _resolve_loop(self) -> None:
        while self._resolving.is_set() and not self._stopping.wait(self.resolve_interval):
            try:
                self._poll()
            except Exception as exc:
                log.warning("looking for LSL streams failed: %s", exc)

    def _poll(self) -> None:
        now = time.monotonic()
        for found in self._resolver.results():
            if found.type() == _PROBE_TYPE:
                continue
            key = _key(found)
            with self._cond:
                if key in self._followers or now < self._failed.get(key, -math.inf):
                    continue
                follower = _Follower(self, key, found, self._unique_name(key, found))
                self._followers[key] = follower
            log.info("following LSL stream %s", describe(found))
            follower.thread.start()

    def _unique_name(self, key: tuple[str, ...], found: Any) -> str:
        """``""`` (keep the LSL name) unless another followed stream has that name.

        Called with the lock held.
        """
        name = found.name()
        taken = {f.name for k, f in self._followers.items() if k != key}
        if name not in taken:
            return ""
        candidate = f"{name}@{found.source_id()}" if found.source_id() else f"{name}#2"
        n = 2
        while candidate in taken:
            n += 1
            candidate = f"{name}#{n}"
        log.warning("two LSL streams are named %r; recording %s as %r", name, key, candidate)
        return candidate

    def _opened(self, follower: _Follower) -> None:
        assert follower.inlet is not None
        with self._cond:
            self._infos.append(follower.inlet.info)

    def _opened_failed(self, follower: _Follower) -> None:
        with self._cond:
            self._followers.pop(follower.key, None)
            self._failed[follower.key] = time.monotonic() + _RETRY_AFTER

    def stop(self) -> None:
        """Stop every reader and close its inlet, then the resolver."""
        self._resolving.clear()
        self._stopping.set()
        self._wake.set()
        with self._cond:
            self._cond.notify_all()
            followers = list(self._followers.values())
        if self._resolver_thread is not None:
            self._resolver_thread.join(2.0)
        if self.poller is not None:
            self.poller.thread.join(self.open_timeout + 1.0)
        for f in followers:
            if f.thread.is_alive():
                f.thread.join(self.open_timeout + 1.0)
        self._resolver = None  # pylsl destroys the resolver with its object

    # ------------------------------------------------------------------ queues

    def _put(self, follower: _Follower, item: Output) -> None:
        with self._cond:
            q = follower.queue
            end = time.monotonic() + _ROOM_WAIT
            while self._full(follower) and not self._stopping.is_set():
                left = end - time.monotonic()
                if left <= 0:
                    self._drop_oldest(follower)
                    break
                self._cond.wait(left)
            q.append(item)
            follower.queued_bytes += _nbytes(item)
            self._cond.notify_all()

    def _stage(self, follower: _Follower, item: Output) -> None:
        """Keep an item the poller read until :meth:`_deliver` (poller thread only)."""
        self._staged.append((follower, item))

    def _deliver(self) -> None:
        """Queue every staged item at once (the poller never waits for room: it waited
        before reading); one wake-up of the session's reader per poll round."""
        if not self._staged:
            return
        staged, self._staged = self._staged, []
        with self._cond:
            for follower, item in staged:
                if self._full(follower):
                    self._drop_oldest(follower)
                follower.queue.append(item)
                follower.queued_bytes += _nbytes(item)
            self._cond.notify_all()

    def _full(self, follower: _Follower) -> bool:
        return len(follower.queue) >= self.queue_chunks or follower.queued_bytes >= self.queue_bytes

    def _drop_oldest(self, follower: _Follower) -> None:
        q = follower.queue
        for i, old in enumerate(q):
            if isinstance(old, Chunk):  # events (gaps) are never dropped
                del q[i]
                follower.queued_bytes -= _nbytes(old)
                follower.dropped_chunks += 1
                follower.dropped_samples += len(old)
                if follower.dropped_chunks == 1 or follower.dropped_chunks % 100 == 0:
                    log.warning(
                        "LSL stream %s: queue full, %d chunks (%d samples) dropped so far",
                        follower.name,
                        follower.dropped_chunks,
                        follower.dropped_samples,
                    )
                return

    def read(self, timeout: float) -> Output | None:
        """The queued item with the oldest timestamp, waiting up to ``timeout`` s."""
        if not self._reading.is_set():
            self._reading.set()
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                best: _Follower | None = None
                best_t = math.inf
                for f in self._followers.values():
                    if f.queue:
                        head = f.queue[0]
                        t = head.first_timestamp if isinstance(head, Chunk) else head.timestamp
                        if best is None or t < best_t:
                            best, best_t = f, t
                if best is not None:
                    item = best.queue.popleft()
                    best.queued_bytes -= _nbytes(item)
                    self._cond.notify_all()
                    return item
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)

    # ------------------------------------------------------------------ draining

    def drain(self, until: float | None = None, timeout: float = 3.0) -> None:
        """Stop looking for new streams; let each reader end once it has read every sample
        stamped before ``until`` (session clock, s; default now) or its stream is silent
        (0.3 s), within ``timeout`` s. Then :attr:`finished` becomes True."""
        self._resolving.clear()
        self._drain_started = time.monotonic()
        self._drain_deadline = self._drain_started + timeout
        self._drain_until = float(self.context.clock.now() if until is None else until)
        self._wake.set()

    @property
    def finished(self) -> bool:
        """True after :meth:`drain` once every reader ended and every queue is empty."""
        if self._drain_until is None:
            return False
        with self._cond:
            followers = list(self._followers.values())
        return all(f.done.is_set() and not f.queue for f in followers)

    def wait_drained(self, timeout: float) -> bool:
        """Block up to ``timeout`` s until :attr:`finished`; True if it is."""
        end = time.monotonic() + timeout
        while not self.finished:
            if time.monotonic() >= end:
                return False
            time.sleep(0.01)
        return True

    # ------------------------------------------------------------------ reporting

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per followed stream: status, samples read, drops, queued chunks, gaps, reconnects."""
        with self._cond:
            followers = list(self._followers.values())
        return {f.name: f.stats() for f in followers}


def _nbytes(item: Output) -> int:
    """Bytes of sample data an item holds (strings: about 64 bytes each)."""
    if not isinstance(item, Chunk):
        return 0
    data = item.data
    return int(data.size * 64 if data.dtype == object else data.nbytes)


def _unset_clock() -> Any:
    from heartmind.clock import RealClock

    return RealClock()
