"""The session: builds a pipeline, runs it, and hands events to applications.

    from heartmind import Session

    session = Session(clock="virtual", seed=7)
    session.add_sensor("simulator", name="participant", modalities=["ECG"])
    session.add_processor("heart-rate", name="hr")
    session.subscribe("heart_rate", lambda ev: print(ev.bpm))
    session.run(duration=600)   # ten simulated minutes, as fast as the CPU allows

Lifecycle: ``start()`` → (``wait()`` | ``events()`` | ``aevents()``) → ``stop()``; or
``run(duration)``; or ``with session: ...`` (stops on exit, Ctrl-C included).

The pieces: :mod:`heartmind.builder` builds and checks the components,
:mod:`heartmind.lifecycle` starts and stops them, :mod:`heartmind.runtime` runs the
sensors, :mod:`heartmind.dispatch` delivers to subscribers, :mod:`heartmind.iterators`
bridges to loops and coroutines.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any, Literal, cast

from .builder import SessionBuilder
from .clock import Clock, RealClock, VirtualClock
from .components import Consumer, Processor, Sensor
from .dispatch import Dispatcher, Subscriber
from .errors import ConfigError, SessionError
from .graph import Graph
from .iterators import async_iterate, iterate
from .lifecycle import start_components, stop_component
from .pipeline import Pipeline
from .plugin_manager import PluginManager
from .runtime import RealtimeRunner, VirtualRunner
from .selectors import Selector, parse_many, parse_selector

__all__ = ["Session"]

log = logging.getLogger(__name__)

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
        self.clock: Clock = _make_clock(self.clock_kind, start or (cfg.start if cfg else None))
        self.seed = seed if seed is not None else (cfg.seed if cfg else 0)
        self.duration = duration if duration is not None else (cfg.duration if cfg else None)
        self.queue_size = queue_size
        self.mailbox_size = mailbox_size
        self.dispatcher = Dispatcher(threaded=self.clock_kind == "realtime")
        self._builder = SessionBuilder(plugins, self.seed)
        self._consumer_subs: list[Subscriber] = []
        self._state: Literal["new", "running", "stopped"] = "new"
        self._runner: VirtualRunner | RealtimeRunner | None = None
        self._graph: Graph | None = None
        self._iter_ids = itertools.count()
        self._lock = threading.Lock()
        if pipeline is not None:
            self._builder.pipeline(pipeline)

    @property
    def plugins(self) -> PluginManager | None:
        """The plugin manager specs come from (``None`` until a spec name is first used)."""
        return self._builder.plugins

    # ------------------------------------------------------------------ building

    def _check_new(self) -> None:
        if self._state != "new":
            raise SessionError("components can only be added before start().")

    def add_sensor(
        self, sensor: str | Sensor, *, name: str | None = None, **options: Any
    ) -> Sensor:
        """Add a sensor, by spec name (with options) or as an object. Returns the sensor."""
        self._check_new()
        return cast(Sensor, self._builder.sensor(sensor, name, options).obj)

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
        (e.g. ``"stress@fusion"``). An unknown topic raises :class:`ConfigError` naming the
        closest ones; at :meth:`start`, an input naming no component, or inputs matching
        no stream, raise too (see :mod:`heartmind.selectors`).
        """
        self._check_new()
        node = self._builder.processor(
            processor, name, options, inputs=inputs, input_types=input_types, events=events
        )
        return cast(Processor, node.obj)

    def add_consumer(
        self,
        consumer: str | Consumer,
        *,
        name: str | None = None,
        topics: Iterable[str] | None = None,
        streams: Iterable[str] | None = None,
        **options: Any,
    ) -> Consumer:
        """Add a consumer; it gets the events of ``topics`` (default all; ``"topic"``,
        ``"topic@source"``, ``"*"``) and the chunks of ``streams`` (``"stream:<name>"`` or a
        bare name, ``"type:ECG"``, ``"stream:*"``; default: the spec's
        ``ConsumerSpec.streams``, none for consumer objects)."""
        self._check_new()
        node = self._builder.consumer(consumer, name, options, topics=topics, streams=streams)
        return cast(Consumer, node.obj)

    # ------------------------------------------------------------------ subscribing

    def _selectors(self, topics: str | Selector | Iterable[str | Selector]) -> tuple[Selector, ...]:
        parsed = parse_many(topics, parse_selector, where="subscribe")
        self._builder.check_topics(parsed, "subscribe")
        return parsed

    def subscribe(
        self,
        topics: str | Iterable[str],
        callback: Callable[[Any], object],
        *,
        name: str | None = None,
    ) -> Subscriber:
        """Call ``callback(item)`` for every event of ``topics`` (or chunk of a stream).

        ``topics``: an event topic such as ``"heart_rate"``, ``"*"`` for all events,
        ``"stress@fusion"`` for one component's, ``"stream:<name>"``/``"type:<TYPE>"``/
        ``"stream:*"`` for chunks, or a list of these. An unknown topic raises
        :class:`ConfigError` naming the closest known ones ("did you mean heart_rate?").
        On a virtual clock the callback runs on the scheduler thread; in real time on its own
        delivery thread. Exceptions are logged and counted, never raised into the session.
        """
        selectors = self._selectors(topics)
        label = name or str(getattr(callback, "__name__", "callback"))
        sub = self.dispatcher.subscribe(label, selectors, callback, capacity=self.mailbox_size)
        if self.running and self._graph is not None:
            self._builder.check_stream_selectors(sub.name, sub.selectors, self._streams())
        return sub

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
        When the application reads more slowly than the session publishes and ``maxsize``
        items are waiting: on a virtual clock the session waits (back-pressure, nothing is
        lost); in real time the *oldest* waiting item is dropped for the new one, and
        counted in ``stats()["subscribers"]["events-N"]``.
        """
        return iterate(
            self.dispatcher,
            f"events-{next(self._iter_ids)}",
            self._selectors(list(topics) or ["*"]),
            maxsize=maxsize,
            virtual=self.clock.virtual,
            timeout=timeout,
            capacity=self.mailbox_size,
        )

    def aevents(self, *topics: str, maxsize: int = 1024) -> AsyncIterator[Any]:
        """Async iterator over events of ``topics``, for asyncio applications.

        Same semantics as :meth:`events` (back-pressure on a virtual clock, the oldest item
        dropped and counted in real time): it subscribes immediately (call it inside the
        running event loop, before :meth:`start`, to miss nothing) and ends when the
        session stops. The items are handed over to the running loop.
        """
        return async_iterate(
            self.dispatcher,
            f"aevents-{next(self._iter_ids)}",
            self._selectors(list(topics) or ["*"]),
            maxsize=maxsize,
            virtual=self.clock.virtual,
            capacity=self.mailbox_size,
        )

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
            virtual = isinstance(self.clock, VirtualClock)
            self._builder.check_ready(virtual)
            if self.plugins is not None and self.plugins.has_event_hooks():
                self.dispatcher.subscribe(
                    "plugin-hooks", ["*"], self.plugins.call_event, capacity=self.mailbox_size
                )
            nodes = self._builder.nodes
            self._graph = Graph(nodes, self.dispatcher, self.clock)
            self._consumer_subs = start_components(
                self._builder,
                self._graph,
                self.dispatcher,
                self.clock,
                self.seed,
                self.mailbox_size,
            )
            self._check_subscribers()
            sensors = [n for n in nodes if n.kind == "sensors"]
            if isinstance(self.clock, VirtualClock):
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

    def _streams(self) -> list[tuple[str, Any]]:
        return [
            (n.name, i) for n in self._builder.nodes if n.kind == "sensors" for i in n.obj.streams
        ]

    def _check_subscribers(self) -> None:
        streams = self._streams()
        consumers = set(map(id, self._consumer_subs))
        for sub in self.dispatcher.subscribers:
            if id(sub) not in consumers:
                self._builder.check_stream_selectors(sub.name, sub.selectors, streams)

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
        nodes = self._builder.nodes
        for node in nodes:
            if node.kind == "sensors":
                stop_component(node)
        self.dispatcher.close(timeout)
        for node in nodes:
            if node.kind != "sensors":
                stop_component(node)
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
        """Counters: per sensor (chunks, samples, events, dropped_*, read_errors,
        last_error), per subscriber (delivered, dropped_*, errors, last_error), per
        processor (errors, disabled, last_error), and totals (``events``, ``chunks``,
        ``dropped``)."""
        runner = self._runner
        subscribers = list(self.dispatcher.subscribers)
        subscribers += [s for s in self._consumer_subs if s not in subscribers]
        out: dict[str, Any] = {
            "clock": self.clock_kind,
            "utc_offset": self.clock.utc_offset,
            "now": self.clock.now(),
            "sensors": {k: v.sensor_dict() for k, v in runner.stats.items()} if runner else {},
            "subscribers": {},
            "processors": {
                n.name: n.stats() for n in self._builder.nodes if n.kind == "processors"
            },
            "events": self._graph.events_published if self._graph else 0,
            "chunks": self._graph.chunks_published if self._graph else 0,
        }
        for sub in subscribers:
            out["subscribers"].setdefault(sub.name, sub.stats.subscriber_dict())
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


def _make_clock(kind: str, start: str | None) -> Clock:
    """The session clock: a :class:`VirtualClock` from ``start``, or the real one."""
    if kind == "virtual":
        return VirtualClock(start or _DEFAULT_START)
    if kind != "realtime":
        raise ConfigError(f"clock = {kind!r}: use 'virtual' or 'realtime'.")
    if start:
        raise ConfigError("start is only for the virtual clock; a real-time session starts now.")
    return RealClock()
