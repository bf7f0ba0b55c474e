"""One dispatcher from the session to its subscribers.

Subscribers are callbacks, consumers, iterators and the ``heartmind_event`` hook. Each has
*selectors* (:mod:`heartmind.selectors`): event topics (``"heart_rate"``, ``"*"`` for every
event, ``"stress@fusion"`` for one producer's) and streams (``"stream:<name>"``,
``"type:<TYPE>"`` such as ``"type:ECG"``, ``"stream:*"`` for every stream).

Two delivery modes:

* **synchronous** (virtual clock): ``publish`` calls every matching subscriber in turn on
  the scheduler thread. Nothing is dropped; a slow subscriber slows the whole simulated
  session down (back-pressure), so results do not depend on timing.
* **threaded** (real time): ``publish`` appends to each subscriber's bounded
  :class:`~heartmind.mailbox.Mailbox` and returns at once; one delivery thread per
  subscriber calls it. A full mailbox drops its oldest item and counts it, so a slow
  subscriber never stalls acquisition or the others.

A subscriber that raises is logged (first time and every 1000th) and counted; it stays
subscribed and never stops the session.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .events import Event
from .mailbox import EMPTY, FlowStats, Mailbox
from .selectors import Selector, parse_many, parse_selector
from .streams import Chunk

__all__ = ["Dispatcher", "Subscriber"]

log = logging.getLogger(__name__)

Item = Chunk | Event
Callback = Callable[[Any], object]

_END_MARK = object()  # posted into a mailbox by Subscriber.end()


@dataclass(eq=False)
class Subscriber:
    """A callback with its selectors, mailbox and counters.

    Attributes
    ----------
    name
        Shown in ``Session.stats()["subscribers"]``.
    selectors
        What it takes (parsed :class:`~heartmind.selectors.Selector` objects).
    callback
        Called with each item.
    capacity
        Items its mailbox may hold in real time before the oldest is dropped.
    stats
        Its counters: ``delivered``, ``dropped_*``, ``errors``, ``last_error``.
    on_end
        Called once when the session's sources are done (iterators use it to end).
    """

    name: str
    selectors: tuple[Selector, ...]
    callback: Callback
    capacity: int = 1024
    stats: FlowStats = field(default_factory=FlowStats)
    on_end: Callable[[], object] | None = None
    _mailbox: Mailbox[Any] = field(init=False, repr=False)
    _ended: bool = False
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._mailbox = Mailbox(self.capacity, self.stats)

    def wants(self, item: Item) -> bool:
        """True if one of the selectors takes ``item``."""
        return any(s.matches(item) for s in self.selectors)

    def call(self, item: Item) -> None:
        """Deliver one item now, on the caller's thread; exceptions are counted."""
        try:
            self.callback(item)
        except Exception as exc:
            errors = self.stats.count_error(exc)
            if errors == 1 or errors % 1000 == 0:
                log.warning(
                    "subscriber %s raised (%d so far): %s",
                    self.name,
                    errors,
                    self.stats.last_error,
                    exc_info=True,
                )
        else:
            self.stats.delivered += 1

    def post(self, item: Item) -> None:
        """Queue one item for the delivery thread; drop the oldest if the mailbox is full."""
        self._mailbox.put(item)

    def start_thread(self) -> None:
        """Start the delivery thread (threaded mode)."""
        self._thread = threading.Thread(target=self._loop, name=f"hm-sub-{self.name}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            item = self._mailbox.get()
            if item is EMPTY:
                return  # closed and drained
            if item is _END_MARK:
                self._run_on_end()
            else:
                self.call(item)

    def end(self) -> None:
        """Tell the subscriber that nothing more will come (after what is already queued).

        Runs ``on_end`` once: at once in synchronous mode, or after the mailbox is drained
        when a delivery thread runs (the marker is never dropped).
        """
        if self._thread is not None and self._thread.is_alive():
            self._mailbox.put_marker(_END_MARK)
        else:
            self._run_on_end()

    def _run_on_end(self) -> None:
        if self._ended or self.on_end is None:
            return
        self._ended = True
        try:
            self.on_end()
        except Exception as exc:
            log.warning("subscriber %s raised when told the session ended: %s", self.name, exc)

    def close(self, timeout: float) -> None:
        """Let the delivery thread drain its mailbox, then end it (waits up to ``timeout`` s).

        Whatever is still queued after the timeout is counted as dropped.
        """
        self._mailbox.close()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._mailbox.drop_all()
                log.warning(
                    "subscriber %s did not finish within %.1f s; the rest was dropped",
                    self.name,
                    timeout,
                )


class Dispatcher:
    """Routes published items to matching subscribers.

    Parameters
    ----------
    threaded
        Threaded (real-time) delivery; otherwise synchronous (virtual clock).
    """

    def __init__(self, threaded: bool) -> None:
        self.threaded = threaded
        self._subscribers: list[Subscriber] = []
        # Who takes what, filled on first use: (stream name, type) and (topic, source).
        self._chunk_index: dict[tuple[str, str], tuple[Subscriber, ...]] = {}
        self._event_index: dict[tuple[str, str], tuple[Subscriber, ...]] = {}
        self._lock = threading.Lock()
        self._running = False

    def subscribe(
        self,
        name: str,
        selectors: str | Selector | Iterable[str | Selector],
        callback: Callback,
        capacity: int = 1024,
        *,
        stats: FlowStats | None = None,
        on_end: Callable[[], object] | None = None,
    ) -> Subscriber:
        """Add a subscriber; in threaded mode its thread starts with the dispatcher.

        ``selectors`` are parsed with :func:`heartmind.selectors.parse_selector` (a
        :class:`~heartmind.errors.ConfigError` names a malformed one). ``stats``: counters
        to share (an iterator's mailbox counts its drops there too).
        """
        parsed = parse_many(selectors, parse_selector, where=f"subscriber {name!r}")
        sub = Subscriber(
            name=name,
            selectors=parsed,
            callback=callback,
            capacity=capacity,
            stats=stats if stats is not None else FlowStats(),
            on_end=on_end,
        )
        with self._lock:
            self._subscribers.append(sub)
            self._forget()
            if self.threaded and self._running:
                sub.start_thread()
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        """Remove a subscriber (its queued items are still delivered)."""
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)
                self._forget()
        if self.threaded:
            sub.close(timeout=1.0)

    @property
    def subscribers(self) -> tuple[Subscriber, ...]:
        """Every current subscriber, in subscription order."""
        return tuple(self._subscribers)

    def start(self) -> None:
        """Start delivery threads (threaded mode)."""
        with self._lock:
            self._running = True
            if self.threaded:
                for sub in self._subscribers:
                    sub.start_thread()

    def _forget(self) -> None:
        """Empty the routing caches (the subscribers changed); call with the lock held."""
        self._chunk_index = {}
        self._event_index = {}

    def _matching(self, item: Item) -> tuple[Subscriber, ...]:
        if isinstance(item, Chunk):
            index, key = self._chunk_index, (item.info.name, item.info.type)
        else:
            index, key = self._event_index, (item.topic, item.source)
        subs = index.get(key)
        if subs is None:
            with self._lock:
                subs = tuple(s for s in self._subscribers if s.wants(item))
                index[key] = subs
        return subs

    def publish(self, item: Item) -> None:
        """Deliver ``item`` to every matching subscriber (or queue it for them)."""
        if self.threaded:
            for sub in self._matching(item):
                sub.post(item)
        else:
            for sub in self._matching(item):
                sub.call(item)

    def end_all(self) -> None:
        """Tell every subscriber that the session's sources are done (see ``Subscriber.end``)."""
        with self._lock:
            subs = list(self._subscribers)
        for sub in subs:
            sub.end()

    def close(self, timeout: float = 5.0) -> None:
        """Drain every mailbox (threaded mode) and stop the delivery threads."""
        with self._lock:
            self._running = False
            subs = list(self._subscribers)
        for sub in subs:
            sub.close(timeout)
