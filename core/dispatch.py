"""One dispatcher from the session to its subscribers.

Subscribers are callbacks, consumers, iterators and the ``heartmind_event`` hook. Each has
*selectors*: event topics (``"heart_rate"``; ``"*"`` for every event) and stream keys
(``"stream:<name>"``, ``"type:<TYPE>"`` such as ``"type:ECG"``; ``"stream:*"`` for every stream).

Two delivery modes:

* **synchronous** (virtual clock): ``publish`` calls every matching subscriber in turn on
  the scheduler thread. Nothing is dropped; a slow subscriber slows the whole simulated
  session down (back-pressure), so results do not depend on timing.
* **threaded** (real time): ``publish`` appends to each subscriber's bounded mailbox and
  returns at once; one delivery thread per subscriber calls it. A full mailbox drops its
  oldest item and counts it, so a slow subscriber never stalls acquisition or the others.

A subscriber that raises is logged (first time and every 1000th) and counted; it stays
subscribed and never stops the session.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .events import Event
from .streams import Chunk

__all__ = ["Dispatcher", "Subscriber", "SubscriberStats"]

log = logging.getLogger(__name__)

Item = Chunk | Event
Callback = Callable[[Any], object]


@dataclass
class SubscriberStats:
    """Counters of one subscriber (see ``Session.stats``)."""

    delivered: int = 0
    dropped_events: int = 0
    dropped_chunks: int = 0
    dropped_samples: int = 0
    errors: int = 0
    last_error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def selectors_for(item: Item) -> tuple[str, ...]:
    """Selector keys that match an item: its topic or stream name, type, and wildcard."""
    if isinstance(item, Chunk):
        return f"stream:{item.info.name}", f"type:{item.info.type}", "stream:*"
    return item.topic, "*"


_END_MARK = object()  # posted into a mailbox by Subscriber.end()


@dataclass(eq=False)
class Subscriber:
    """A callback with its selector, mailbox and counters."""

    name: str
    selectors: frozenset[str]
    callback: Callback
    capacity: int = 1024
    stats: SubscriberStats = field(default_factory=SubscriberStats)
    #: Called once when the session stops (iterators use it to end).
    on_end: Callable[[], object] | None = None
    _mailbox: deque[Item] = field(default_factory=deque, repr=False)
    _wake: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _closed: bool = False
    _ended: bool = False
    _thread: threading.Thread | None = None

    def call(self, item: Item) -> None:
        """Deliver one item now, on the caller's thread; exceptions are counted."""
        try:
            self.callback(item)
        except Exception as exc:
            self.stats.errors += 1
            self.stats.last_error = f"{type(exc).__name__}: {exc}"
            if self.stats.errors == 1 or self.stats.errors % 1000 == 0:
                log.warning(
                    "subscriber %s raised (%d so far): %s",
                    self.name,
                    self.stats.errors,
                    self.stats.last_error,
                    exc_info=True,
                )
        else:
            self.stats.delivered += 1

    def post(self, item: Item) -> None:
        """Queue one item for the delivery thread; drop the oldest if the mailbox is full."""
        with self._wake:
            if len(self._mailbox) >= self.capacity:
                old = self._mailbox.popleft()
                if old is _END_MARK:  # never dropped: keep it first in line
                    self._mailbox.appendleft(old)
                    old = self._mailbox[1]
                    del self._mailbox[1]
                self._count_drop(old)
            self._mailbox.append(item)
            self._wake.notify()

    def count_drop(self, item: Item) -> None:
        """Count one item this subscriber could not take (its chunk or event counter)."""
        self._count_drop(item)

    def _count_drop(self, item: Item) -> None:
        if isinstance(item, Chunk):
            self.stats.dropped_chunks += 1
            self.stats.dropped_samples += len(item)
        else:
            self.stats.dropped_events += 1

    def start_thread(self) -> None:
        """Start the delivery thread (threaded mode)."""
        self._thread = threading.Thread(target=self._loop, name=f"hm-sub-{self.name}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._mailbox and not self._closed:
                    self._wake.wait()
                if not self._mailbox:
                    return  # closed and drained
                item = self._mailbox.popleft()
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
            with self._wake:
                self._mailbox.append(_END_MARK)  # type: ignore[arg-type]
                self._wake.notify()
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
        with self._wake:
            self._closed = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                with self._wake:
                    while self._mailbox:
                        self._count_drop(self._mailbox.popleft())
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
        self._index: dict[str, tuple[Subscriber, ...]] = {}
        self._lock = threading.Lock()
        self._running = False

    def subscribe(
        self, name: str, selectors: Iterable[str], callback: Callback, capacity: int = 1024
    ) -> Subscriber:
        """Add a subscriber; in threaded mode its thread starts with the dispatcher."""
        sub = Subscriber(
            name=name, selectors=frozenset(selectors), callback=callback, capacity=capacity
        )
        with self._lock:
            self._subscribers.append(sub)
            self._index = {}
            if self.threaded and self._running:
                sub.start_thread()
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        """Remove a subscriber (its queued items are still delivered)."""
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)
                self._index = {}
        if self.threaded:
            sub.close(timeout=1.0)

    @property
    def subscribers(self) -> tuple[Subscriber, ...]:
        return tuple(self._subscribers)

    def start(self) -> None:
        """Start delivery threads (threaded mode)."""
        with self._lock:
            self._running = True
            if self.threaded:
                for sub in self._subscribers:
                    sub.start_thread()

    def _matching(self, item: Item) -> tuple[Subscriber, ...]:
        key = f"stream:{item.info.name}" if isinstance(item, Chunk) else item.topic
        subs = self._index.get(key)
        if subs is None:
            keys = selectors_for(item)
            with self._lock:
                subs = tuple(s for s in self._subscribers if not s.selectors.isdisjoint(keys))
                self._index[key] = subs
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
