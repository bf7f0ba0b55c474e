"""The session: builds a pipeline, runs it, and hands events to applications.

    from heartmind import Session

    session = Session(clock="virtual", seed=7)
    session.add_sensor("simulator", name="participant", modalities=["ECG"])
    session.add_processor("heart-rate", name="hr")
    session.subscribe("heart_rate", lambda ev: print(ev.bpm))
    session.run(duration=600)   # ten simulated minutes, as fast as the CPU allows

Lifecycle: ``start()`` → (``wait()`` | ``events()`` | ``aevents()``) → ``stop()``; or
``run(duration)``; or ``with session: ...`` (stops on exit, Ctrl-C included).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any, Literal

from .clock import Clock, RealClock, VirtualClock
from .components import Consumer, Context, Processor, Sensor
from .dispatch import Dispatcher, Subscriber
from .errors import ConfigError, PluginError, SessionError
from .events import Event
from .graph import Graph, Node, is_component
from .pipeline import Pipeline
from .plugin_manager import PluginManager
from .runtime import RealtimeRunner, VirtualRunner
from .specs import validate_options
from .streams import Chunk, StreamInfo

__all__ = ["Session"]

log = logging.getLogger(__name__)

_END = object()  # sentinel closing iterators
_DEFAULT_START = "2026-01-05T09:00:00Z"


class Session:
    """A running pipeline of sensors → processors → consumers.

    Parameters
    ----------
    pipeline
        A :class:`Pipeline` (e.g. ``Pipeline.load("p.toml")``) to build from; its
        ``[session]`` table provides the defaults of the other parameters.
    clock
        ``"virtual"``: generated/file sources run as fast as the CPU allows on a virtual
        clock, deterministically. ``"realtime"``: the LSL clock; live sensors allowed.
    start
        UTC of virtual time 0 s (ISO 8601), virtual clock only.
    seed
        Random seed handed to components (simulators use it).
    duration
        Default run length in s (sample time); ``None`` runs until stopped.
    plugins
        The plugin manager to take specs from (default: a new one over entry points).
    queue_size
        Chunks each sensor may buffer before the oldest is dropped (real time).
    mailbox_size
        Items each subscriber may have queued before the oldest is dropped (real time).
    """

    def __init__(
        self,
        pipeline: Pipeline | None = None,
        *,
        clock: Literal["virtual", "realtime"] | None = None,
        start: str | None = None,
        seed: int | None = None,
        duration: float | None = None,
        plugins: PluginManager | None = None,
        queue_size: int = 256,
        mailbox_size: int = 4096,
    ) -> None:
        cfg = pipeline.session if pipeline is not None else None
        self.clock_kind = clock or (cfg.clock if cfg else "virtual")
        if self.clock_kind not in ("virtual", "realtime"):
            raise ConfigError(f"clock = {self.clock_kind!r}: use 'virtual' or 'realtime'.")
        start = start or (cfg.start if cfg else None)
        if self.clock_kind == "virtual":
            self.clock: Clock = VirtualClock(start or _DEFAULT_START)
        else:
            if start:
                raise ConfigError(
                    "start is only for the virtual clock; a real-time session starts now."
                )
            self.clock = RealClock()
        self.seed = seed if seed is not None else (cfg.seed if cfg else 0)
        self.duration = duration if duration is not None else (cfg.duration if cfg else None)
        self.plugins = plugins
        self.queue_size = queue_size
        self.mailbox_size = mailbox_size
        self.dispatcher = Dispatcher(threaded=self.clock_kind == "realtime")
        self._nodes: list[Node] = []
        self._consumer_subs: list[Subscriber] = []
        self._state: Literal["new", "running", "stopped"] = "new"
        self._runner: VirtualRunner | RealtimeRunner | None = None
        self._graph: Graph | None = None
        self._iter_ids = itertools.count()
        self._lock = threading.Lock()
        if pipeline is not None:
            self._build(pipeline)

    # ------------------------------------------------------------------ building

    def _manager(self) -> PluginManager:
        if self.plugins is None:
            self.plugins = PluginManager()
        return self.plugins

    def _build(self, pipeline: Pipeline) -> None:
        for c in pipeline.components:
            try:
                spec = self._manager().get(c.kind, c.spec)
            except PluginError as exc:
                raise PluginError(f"{c.where} spec = {c.spec!r}: {exc}") from exc
            # Checked here so that errors name the file and table; the session seed is
            # filled in by _make, as for the Python API, unless the pipeline gives one.
            validate_options(spec.options, c.options, f"{c.where} options")
            options = dict(c.options)
            if c.kind == "sensors":
                self.add_sensor(c.spec, name=c.name, **options)
            elif c.kind == "processors":
                self.add_processor(c.spec, name=c.name, inputs=c.inputs, events=c.events, **options)
            else:
                self.add_consumer(
                    c.spec, name=c.name, topics=c.topics, streams=c.streams, **options
                )
        names = {n.name for n in self._nodes}
        for node in self._nodes:
            for selector in node.inputs or ():
                upstream = selector.partition(":")[0]
                if upstream != "*" and upstream not in names:
                    raise ConfigError(
                        f"{pipeline.source} [{node.kind}.{node.name}] inputs: no component "
                        f"named {upstream!r}; components: {', '.join(sorted(names))}."
                    )

    def _make(
        self, kind: str, what: str | object, name: str | None, options: dict[str, Any]
    ) -> tuple[object, str, Any]:
        if self._state != "new":
            raise SessionError("components can only be added before start().")
        if isinstance(what, str):
            spec = self._manager().get(kind, what)  # type: ignore[arg-type]
            where = f"{kind[:-1]} {name or what!r} options"
            opts = validate_options(spec.options, options, where)
            if "seed" in spec.options and "seed" not in options:
                opts["seed"] = self.seed
            obj = spec.factory(**opts)
            if not is_component(obj, kind):
                raise SessionError(
                    f"the factory of {kind[:-1]} {what!r} (plugin {spec.plugin}) "
                    f"returned {type(obj).__name__}, not a {kind[:-1]}."
                )
            return obj, name or what, spec
        if not is_component(what, kind):
            raise SessionError(f"{what!r} is not a {kind[:-1]} object or spec name.")
        if options:
            raise SessionError("options are only for components built from a spec name.")
        return what, name or type(what).__name__, None

    def _add(self, node: Node) -> Node:
        if any(n.name == node.name for n in self._nodes):
            raise ConfigError(f"two components are named {node.name!r}; names must be unique.")
        self._nodes.append(node)
        return node

    def add_sensor(
        self, sensor: str | Sensor, *, name: str | None = None, **options: Any
    ) -> Sensor:
        """Add a sensor, by spec name (with options) or as an object. Returns the sensor."""
        obj, node_name, spec = self._make("sensors", sensor, name, options)
        self._add(Node("sensors", node_name, obj, spec.name if spec else ""))
        return obj  # type: ignore[return-value]

    def add_processor(
        self,
        processor: str | Processor,
        *,
        name: str | None = None,
        inputs: Iterable[str] | None = None,
        input_types: Iterable[str] | None = None,
        events: Iterable[str] | None = None,
        **options: Any,
    ) -> Processor:
        """Add a processor.

        ``inputs`` names upstream components (``"name"`` or ``"name:TYPE"``, ``"*"`` any);
        by default it takes every *sensor* stream of the types its spec accepts.
        ``input_types``/``events`` override the spec's accepted stream types/event topics;
        an event selector ``"topic@source"`` takes that topic from one component only
        (e.g. ``"stress@fusion"``).
        """
        obj, node_name, spec = self._make("processors", processor, name, options)
        types = tuple(input_types) if input_types is not None else (spec.inputs if spec else ("*",))
        topics = tuple(events) if events is not None else (spec.events if spec else ())
        self._add(
            Node(
                "processors",
                node_name,
                obj,
                spec.name if spec else "",
                input_types=types,
                inputs=tuple(inputs) if inputs is not None else None,
                event_topics=topics,
            )
        )
        return obj  # type: ignore[return-value]

    def add_consumer(
        self,
        consumer: str | Consumer,
        *,
        name: str | None = None,
        topics: Iterable[str] | None = None,
        streams: Iterable[str] | None = None,
        **options: Any,
    ) -> Consumer:
        """Add a consumer; it gets the event ``topics`` (default all) and ``streams``
        (``"stream:<name>"``, ``"type:ECG"``, ``"stream:*"``; default: the spec's
        ``ConsumerSpec.streams``, none for consumer objects)."""
        obj, node_name, spec = self._make("consumers", consumer, name, options)
        selectors = set(topics if topics is not None else ("*",))
        if streams is None:
            streams = spec.streams if spec is not None else ()
        for s in streams:
            selectors.add(s if s.startswith(("stream:", "type:")) else f"stream:{s}")
        node = self._add(Node("consumers", node_name, obj, spec.name if spec else ""))
        node.extra["selectors"] = frozenset(selectors)
        return obj  # type: ignore[return-value]

    # ------------------------------------------------------------------ subscribing

    def subscribe(
        self,
        topics: str | Iterable[str],
        callback: Callable[[Any], object],
        *,
        name: str | None = None,
    ) -> Subscriber:
        """Call ``callback(item)`` for every event of ``topics`` (or chunk of a stream key).

        ``topics``: an event topic such as ``"heart_rate"``, ``"*"`` for all events,
        ``"stream:<name>"``/``"type:<TYPE>"``/``"stream:*"`` for chunks, or a list of these.
        On a virtual clock the callback runs on the scheduler thread; in real time on its own
        delivery thread. Exceptions are logged and counted, never raised into the session.
        """
        selectors = [topics] if isinstance(topics, str) else list(topics)
        return self.dispatcher.subscribe(
            name or str(getattr(callback, "__name__", "callback")),
            selectors,
            callback,
            capacity=self.mailbox_size,
        )

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Stop delivering to a subscriber returned by :meth:`subscribe`."""
        self.dispatcher.unsubscribe(subscriber)

    def events(
        self, *topics: str, timeout: float | None = None, maxsize: int = 1024
    ) -> Iterator[Any]:
        """Iterate over events (and chunks) of ``topics`` (default: all events).

        Subscribes immediately, so call it before :meth:`start` to miss nothing. Ends when
        the sources are done (duration reached, files and simulations finished) or the
        session stops; raises ``TimeoutError`` after ``timeout`` s without an item.
        On a virtual clock a full iterator pauses the session (back-pressure); in real
        time its oldest items are dropped and counted.
        """
        q: queue.Queue[Any] = queue.Queue(maxsize)
        virtual = self.clock_kind == "virtual"
        closed = threading.Event()
        holder: list[Subscriber] = []

        def put(item: Any) -> None:
            while not closed.is_set():
                try:
                    q.put(item, timeout=0.1) if virtual else q.put_nowait(item)
                    return
                except queue.Full:
                    if not virtual:
                        holder[0].count_drop(item)
                        return

        sub = self.subscribe(list(topics) or ["*"], put, name=f"events-{next(self._iter_ids)}")
        holder.append(sub)
        sub.on_end = lambda: _put_end(q, closed)
        return self._iterate(q, sub, closed, timeout)

    def _iterate(
        self, q: queue.Queue[Any], sub: Subscriber, closed: threading.Event, timeout: float | None
    ) -> Iterator[Any]:
        try:
            while True:
                try:
                    item = q.get(timeout=timeout)
                except queue.Empty:
                    raise TimeoutError(f"no event within {timeout} s") from None
                if item is _END:
                    return
                yield item
        finally:
            closed.set()  # a scheduler blocked on a full queue goes on
            self.dispatcher.unsubscribe(sub)

    def aevents(self, *topics: str, maxsize: int = 1024) -> AsyncIterator[Any]:
        """Async iterator over events of ``topics``, for asyncio applications.

        Same semantics as :meth:`events`: it subscribes immediately (call it inside the
        running event loop, before :meth:`start`, to miss nothing) and ends when the session
        stops. The items are handed over to the running loop.
        """
        loop = asyncio.get_running_loop()
        aq: asyncio.Queue[Any] = asyncio.Queue(maxsize)
        virtual = self.clock_kind == "virtual"
        closed = threading.Event()
        holder: list[Subscriber] = []

        def put_nowait(item: Any) -> None:
            try:
                aq.put_nowait(item)
            except asyncio.QueueFull:
                holder[0].count_drop(item)

        def put(item: Any) -> None:
            if not virtual:
                loop.call_soon_threadsafe(put_nowait, item)
                return
            future = asyncio.run_coroutine_threadsafe(aq.put(item), loop)
            while not closed.is_set():  # back-pressure, until the iterator is closed
                try:
                    future.result(timeout=0.1)
                    return
                except concurrent.futures.TimeoutError:
                    continue
            future.cancel()

        def end() -> None:
            if closed.is_set():
                return
            # Waits in the loop for room: the end marker is never dropped. A closed loop
            # raises RuntimeError: nobody is listening any more.
            with contextlib.suppress(RuntimeError):
                asyncio.run_coroutine_threadsafe(aq.put(_END), loop)

        sub = self.subscribe(list(topics) or ["*"], put, name=f"aevents-{next(self._iter_ids)}")
        holder.append(sub)
        sub.on_end = end
        return self._aiterate(aq, sub, closed)

    async def _aiterate(
        self, aq: asyncio.Queue[Any], sub: Subscriber, closed: threading.Event
    ) -> AsyncIterator[Any]:
        try:
            while True:
                item = await aq.get()
                if item is _END:
                    return
                yield item
        finally:
            closed.set()  # a scheduler waiting for room in the queue goes on
            self.dispatcher.unsubscribe(sub)

    # ------------------------------------------------------------------ lifecycle

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._state == "running"

    def start(self) -> Session:
        """Start every component and begin reading. Returns the session."""
        with self._lock:
            if self._state != "new":
                raise SessionError(f"start() on a session that is {self._state}; build a new one.")
            sensors = [n for n in self._nodes if n.kind == "sensors"]
            if not sensors:
                raise SessionError("the session has no sensors; add one with add_sensor().")
            if self.clock_kind == "virtual":
                live = [n.name for n in sensors if getattr(n.obj, "live", True)]
                if live:
                    raise SessionError(
                        f"live sensors ({', '.join(live)}) need clock='realtime'; the virtual "
                        "clock runs only simulated and file sources."
                    )
            self._graph = Graph(self._nodes, self.dispatcher, self.clock)
            self._start_components()
            if self.clock_kind == "virtual":
                assert isinstance(self.clock, VirtualClock)
                self._runner = VirtualRunner(self._graph, sensors, self.clock, self.duration)
            else:
                self._runner = RealtimeRunner(
                    self._graph, sensors, self.clock, self.duration, capacity=self.queue_size
                )
            self._runner.on_done = self.dispatcher.end_all
            self.dispatcher.start()
            self._state = "running"
            self._runner.start()
            log.info(
                "session started: %s clock, UTC offset %.6f s (t=0 s is %s)",
                self.clock_kind,
                self.clock.utc_offset,
                self.clock.iso(0.0),
            )
        return self

    def _start_components(self) -> None:
        manager = self.plugins
        if manager is not None and manager.has_event_hooks():
            self.dispatcher.subscribe(
                "plugin-hooks", ["*"], manager.call_event, capacity=self.mailbox_size
            )
        started: list[Node] = []
        kinds = ("sensors", "processors", "consumers")
        order = sorted(self._nodes, key=lambda n: kinds.index(n.kind))
        assert self._graph is not None
        try:
            for node in order:
                inputs: tuple[StreamInfo, ...] = ()
                if node.kind == "processors":
                    inputs = tuple(
                        info
                        for s in order
                        if s.kind == "sensors"
                        for info in s.obj.streams
                        if self._graph.wants(node, s.name, info.type)
                    )
                node.obj.start(
                    Context(name=node.name, clock=self.clock, inputs=inputs, seed=self.seed)
                )
                started.append(node)
                if node.kind == "consumers":
                    self._consumer_subs.append(
                        self.dispatcher.subscribe(
                            node.name,
                            node.extra["selectors"],
                            _consumer_callback(node.obj),
                            capacity=max(self.mailbox_size, 65536),
                        )
                    )
        except Exception:
            for node in reversed(started):
                _safe_stop(node)
            raise

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the sources end or the duration is reached; True if they did."""
        if self._runner is None:
            raise SessionError("wait() before start().")
        realtime = isinstance(self._runner, RealtimeRunner)
        if realtime and not self._runner.wait_sensors(timeout):  # type: ignore[union-attr]
            return False
        finished = self._runner.done.wait(timeout)
        if self._runner.error is not None:
            raise SessionError(
                f"the session failed: {self._runner.error!r}"
            ) from self._runner.error
        return finished

    def stop(self, timeout: float = 10.0) -> None:
        """Stop reading, process what is in transit, flush consumers, release everything.

        Idempotent; safe to call from a signal handler's ``KeyboardInterrupt`` path.
        """
        with self._lock:
            if self._state != "running":
                self._state = "stopped"
                return
            self._state = "stopped"
        assert self._runner is not None
        self._runner.stop(timeout)
        for node in self._nodes:
            if node.kind == "sensors":
                _safe_stop(node)
        self.dispatcher.close(timeout)
        for node in self._nodes:
            if node.kind != "sensors":
                _safe_stop(node)
        self.dispatcher.end_all()
        self._log_drops()

    def run(self, duration: float | None = None) -> dict[str, Any]:
        """Start, wait for ``duration`` s of sample time (or the sources' end), stop.

        Returns :meth:`stats`. Ctrl-C stops cleanly (consumers are flushed) and re-raises.
        """
        if duration is not None:
            self.duration = duration
        self.start()
        try:
            while not self.wait(0.2):
                pass
        finally:
            self.stop()
        return self.stats()

    def __enter__(self) -> Session:
        if self._state == "new":
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ reporting

    @property
    def start_time(self) -> float:
        """Session-clock time at which reading started, in s (0 on a virtual clock)."""
        return self._runner.t0 if self._runner is not None else 0.0

    @property
    def elapsed(self) -> float:
        """Sample time run so far, in s (0 before start)."""
        if self._runner is None:
            return 0.0
        return max(0.0, self.clock.now() - self._runner.t0)

    def stats(self) -> dict[str, Any]:
        """Counters: per sensor (chunks, samples, drops), per subscriber (delivered,
        dropped, errors), per processor (errors), and totals."""
        runner = self._runner
        out: dict[str, Any] = {
            "clock": self.clock_kind,
            "utc_offset": self.clock.utc_offset,
            "now": self.clock.now(),
            "sensors": {k: v.to_dict() for k, v in runner.stats.items()} if runner else {},
            "subscribers": {s.name: s.stats.to_dict() for s in self.dispatcher.subscribers},
            "processors": {n.name: n.stats() for n in self._nodes if n.kind == "processors"},
            "events": self._graph.events_published if self._graph else 0,
            "chunks": self._graph.chunks_published if self._graph else 0,
        }
        for sub in self._consumer_subs:
            out["subscribers"].setdefault(sub.name, sub.stats.to_dict())
        out["dropped"] = sum(
            v["dropped_chunks"] + v["dropped_events"] for v in out["sensors"].values()
        ) + sum(v["dropped_chunks"] + v["dropped_events"] for v in out["subscribers"].values())
        return out

    def _log_drops(self) -> None:
        stats = self.stats()
        if stats["dropped"]:
            log.warning(
                "session dropped %d items in total; see Session.stats() for where", stats["dropped"]
            )


def _consumer_callback(consumer: Consumer) -> Callable[[Any], None]:
    def deliver(item: Any) -> None:
        if isinstance(item, Chunk):
            consumer.on_chunk(item)
        elif isinstance(item, Event):
            consumer.on_event(item)

    return deliver


def _put_end(q: queue.Queue[Any], closed: threading.Event) -> None:
    while not closed.is_set():
        try:
            q.put(_END, timeout=0.1)
            return
        except queue.Full:
            continue


def _safe_stop(node: Node) -> None:
    try:
        node.obj.stop()
    except Exception as exc:
        log.warning("%s %s raised in stop(): %s", node.kind[:-1], node.name, exc)
