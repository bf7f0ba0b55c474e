"""Starting and stopping a session's components, in order, cleaning up after failures.

Start order: sensors (their streams become known), then processors (each is told the
streams routed to it in ``Context.inputs``; one that matches none is reported by the
builder), then consumers (each gets its subscriber). Stop order: sensors, then — once the
dispatcher has drained — processors and consumers. A component that raises in ``stop()`` is
logged; the others are still stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .builder import SessionBuilder
from .clock import Clock
from .components import Consumer, Context
from .dispatch import Dispatcher, Subscriber
from .events import Event
from .graph import Graph, Node
from .streams import Chunk, StreamInfo

__all__ = ["consumer_callback", "start_components", "stop_component"]

log = logging.getLogger(__name__)

_ORDER = ("sensors", "processors", "consumers")

#: Items a consumer's mailbox holds in real time (at least the session's mailbox_size).
CONSUMER_MAILBOX = 65536


def start_components(
    builder: SessionBuilder,
    graph: Graph,
    dispatcher: Dispatcher,
    clock: Clock,
    seed: int,
    mailbox_size: int,
) -> list[Subscriber]:
    """Start every component of ``builder`` in order; returns the consumers' subscribers.

    If one fails to start (or a check fails), those already started are stopped again and
    the error is raised.
    """
    started: list[Node] = []
    subscribers: list[Subscriber] = []
    order = sorted(builder.nodes, key=lambda n: _ORDER.index(n.kind))
    try:
        for node in order:
            inputs: tuple[StreamInfo, ...] = ()
            if node.kind == "processors":
                streams = _sensor_streams(order)
                inputs = tuple(
                    info for owner, info in streams if graph.wants(node, owner, info.type)
                )
                builder.check_inputs(node, inputs, streams)
            if node.kind == "consumers":
                builder.check_stream_selectors(node.name, node.selectors, _sensor_streams(order))
            node.obj.start(Context(name=node.name, clock=clock, inputs=inputs, seed=seed))
            started.append(node)
            if node.kind == "consumers":
                subscribers.append(
                    dispatcher.subscribe(
                        node.name,
                        node.selectors,
                        consumer_callback(node.obj),
                        capacity=max(mailbox_size, CONSUMER_MAILBOX),
                    )
                )
    except BaseException:
        for node in reversed(started):
            stop_component(node)
        for sub in subscribers:
            dispatcher.unsubscribe(sub)
        raise
    return subscribers


def _sensor_streams(order: list[Node]) -> list[tuple[str, StreamInfo]]:
    """``(sensor name, stream)`` of every started sensor."""
    return [(n.name, info) for n in order if n.kind == "sensors" for info in n.obj.streams]


def consumer_callback(consumer: Consumer) -> Callable[[Any], None]:
    """The subscriber callback of a consumer: chunks to ``on_chunk``, events to ``on_event``."""

    def deliver(item: Any) -> None:
        if isinstance(item, Chunk):
            consumer.on_chunk(item)
        elif isinstance(item, Event):
            consumer.on_event(item)

    return deliver


def stop_component(node: Node) -> None:
    """Call ``node.obj.stop()``; an exception is logged, never raised."""
    try:
        node.obj.stop()
    except Exception as exc:
        log.warning("%s %s raised in stop(): %s", node.kind[:-1], node.name, exc)
