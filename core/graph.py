"""The processing graph: routes chunks and events from producers to processors and out.

Runs on one thread at a time (the session's worker, or the virtual-clock scheduler), so
processors never see concurrent calls. Outputs are published before they are processed
further, so subscribers see an input before what was derived from it.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .clock import Clock
from .components import Consumer, Processor, Sensor, as_outputs
from .dispatch import Dispatcher
from .events import Event
from .selectors import Selector
from .streams import Chunk

__all__ = ["Graph", "Node"]

log = logging.getLogger(__name__)

#: A processor that raises this many times in a row is switched off for the session.
MAX_CONSECUTIVE_ERRORS = 10


@dataclass(eq=False)
class Node:
    """One component instance in a session.

    Attributes
    ----------
    kind
        ``"sensors"``, ``"processors"`` or ``"consumers"``.
    name
        Instance name, unique in the session.
    obj
        The sensor, processor or consumer object.
    spec_name
        The spec it was built from (``""`` for objects added directly).
    input_types
        Processors: stream types accepted (``"*"`` any; empty: events only).
    inputs
        Processors: upstream input selectors; ``None`` takes every sensor stream.
    events
        Processors: event selectors of what ``on_event`` takes.
    selectors
        Consumers: event and stream selectors of what they receive.
    """

    kind: str
    name: str
    obj: Any
    spec_name: str = ""
    input_types: tuple[str, ...] = ("*",)
    inputs: tuple[Selector, ...] | None = None
    events: tuple[Selector, ...] = ()
    selectors: tuple[Selector, ...] = ()
    errors: int = 0
    consecutive_errors: int = 0
    disabled: bool = False
    last_error: str = ""

    def accepts_type(self, stream_type: str) -> bool:
        """True if a processor takes streams of ``stream_type`` at all."""
        return "*" in self.input_types or stream_type in self.input_types

    def stats(self) -> dict[str, Any]:
        return {"errors": self.errors, "disabled": self.disabled, "last_error": self.last_error}


class Graph:
    """Routing table plus the code that calls processors safely."""

    def __init__(self, nodes: list[Node], dispatcher: Dispatcher, clock: Clock) -> None:
        self.nodes = nodes
        self.by_name = {n.name: n for n in nodes}
        self.processors = [n for n in nodes if n.kind == "processors"]
        self.dispatcher = dispatcher
        self.clock = clock
        self._stream_routes: dict[tuple[str, str], tuple[Node, ...]] = {}
        self._event_routes: dict[tuple[str, str], tuple[Node, ...]] = {}
        self.events_published = 0
        self.chunks_published = 0

    # -------------------------------------------------------------- routing tables

    def _routes_for_stream(self, producer: str, chunk: Chunk) -> tuple[Node, ...]:
        key = (producer, chunk.info.name)
        routes = self._stream_routes.get(key)
        if routes is None:
            routes = tuple(
                p
                for p in self.processors
                if p.name != producer and self.wants(p, producer, chunk.info.type)
            )
            self._stream_routes[key] = routes
        return routes

    def wants(self, proc: Node, producer: str, stream_type: str) -> bool:
        """True if processor ``proc`` takes streams of ``stream_type`` from ``producer``."""
        if not proc.accepts_type(stream_type):
            return False
        if proc.inputs is None:  # default: every sensor stream of an accepted type
            node = self.by_name.get(producer)
            return node is not None and node.kind == "sensors"
        return any(s.takes(producer, stream_type) for s in proc.inputs)

    def _routes_for_event(self, event: Event) -> tuple[Node, ...]:
        key = (event.topic, event.source)
        routes = self._event_routes.get(key)
        if routes is None:
            routes = tuple(
                p for p in self.processors if any(s.matches_event(event) for s in p.events)
            )
            self._event_routes[key] = routes
        return routes

    # -------------------------------------------------------------- delivery

    def route(self, item: Chunk | Event, producer: str) -> None:
        """Publish ``item`` and feed it to every processor that takes it."""
        if isinstance(item, Chunk):
            self.chunks_published += 1
            self.dispatcher.publish(item)
            for proc in self._routes_for_stream(producer, item):
                if not proc.disabled:
                    self._call(proc, proc.obj.process, item)
        elif isinstance(item, Event):
            if not item.time or not item.source:
                item = _stamped(item, item.time or self.clock.iso(item.timestamp), producer)
            self.events_published += 1
            self.dispatcher.publish(item)
            for proc in self._routes_for_event(item):
                if not proc.disabled and proc.name != producer:
                    self._call(proc, proc.obj.on_event, item)
        else:
            node = self.by_name.get(producer)
            self._fail(
                node,
                TypeError(
                    f"{producer} produced a {type(item).__name__}; only Chunk and Event are allowed"
                ),
            )

    def _call(self, proc: Node, method: Callable[[Any], Iterable[Any] | None], item: Any) -> None:
        try:
            outputs = as_outputs(method(item))
        except Exception as exc:
            self._fail(proc, exc)
            return
        proc.consecutive_errors = 0
        for out in outputs:
            self.route(out, proc.name)

    def _fail(self, node: Node | None, exc: Exception) -> None:
        if node is None:
            log.error("unroutable output: %s", exc)
            return
        node.errors += 1
        node.consecutive_errors += 1
        node.last_error = f"{type(exc).__name__}: {exc}"
        if node.errors == 1:
            log.warning(
                "%s %s raised: %s", node.kind[:-1], node.name, node.last_error, exc_info=exc
            )
        if node.consecutive_errors >= MAX_CONSECUTIVE_ERRORS and not node.disabled:
            node.disabled = True
            log.error(
                "%s %s failed %d times in a row and is switched off for this session; "
                "last error: %s",
                node.kind[:-1],
                node.name,
                node.consecutive_errors,
                node.last_error,
            )

    def flush(self) -> None:
        """Let every processor emit what it still holds (end of session)."""
        for proc in self.processors:
            if not proc.disabled:
                self._call(proc, _flush_of(proc.obj), None)


def _stamped(event: Event, time: str, producer: str) -> Event:
    """A copy of ``event`` with ``time`` and (if empty) ``source`` filled in.

    The fields were validated when the event was built; only these two strings change, so
    the copy skips ``__post_init__`` (``dataclasses.replace`` would validate again).
    """
    stamped = copy.copy(event)
    object.__setattr__(stamped, "time", time)
    object.__setattr__(stamped, "source", event.source or producer)
    return stamped


def _flush_of(processor: Processor) -> Callable[[Any], Iterable[Any]]:
    return lambda _: processor.flush()


def is_component(obj: object, kind: str) -> bool:
    """True if ``obj`` is an instance of the component class for ``kind``."""
    return isinstance(
        obj, {"sensors": Sensor, "processors": Processor, "consumers": Consumer}[kind]
    )
