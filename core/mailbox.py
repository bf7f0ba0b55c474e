"""The one bounded mailbox of the runtime, and the one counter type it reports into.

A :class:`Mailbox` sits wherever items cross threads: between a sensor's reading thread and
the processing worker, between the dispatcher and a subscriber's delivery thread, and
between a session and an ``events()``/``aevents()`` iterator. It holds at most
``capacity`` items. When it is full, ``put`` either

* **drops the oldest item** and counts it in :class:`FlowStats` (``dropped_chunks``,
  ``dropped_samples``, ``dropped_events``) — real time: a slow reader never stalls the
  writer, and the newest data is kept; or
* **waits for room** (``block=True``) — virtual clock: back-pressure, nothing is lost, and
  the simulated session slows down to the reader's pace.

Markers (any object that is neither a chunk nor an event, such as the end-of-session
marker) are never dropped and never counted.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from .events import Event
from .streams import Chunk

__all__ = ["EMPTY", "FlowStats", "Mailbox"]

T = TypeVar("T")

#: Returned by :meth:`Mailbox.get` when nothing came within the timeout (or it is closed).
EMPTY: Any = object()


@dataclass
class FlowStats:
    """Counters of one place items flow through: a sensor or a subscriber.

    ``Session.stats()`` shows the sensor counters (:meth:`sensor_dict`) under
    ``"sensors"`` and the subscriber counters (:meth:`subscriber_dict`) under
    ``"subscribers"``.

    Attributes
    ----------
    chunks, samples, events
        What a sensor read (counted before it is queued).
    delivered
        Items a subscriber's callback took without raising.
    dropped_chunks, dropped_samples, dropped_events
        Items dropped because a bounded mailbox was full (oldest first).
    errors
        Failed calls: a sensor's ``read`` or a subscriber's callback raised.
    last_error
        ``"Type: message"`` of the most recent failure.
    """

    chunks: int = 0
    samples: int = 0
    events: int = 0
    delivered: int = 0
    dropped_chunks: int = 0
    dropped_samples: int = 0
    dropped_events: int = 0
    errors: int = 0
    last_error: str = ""

    def count(self, item: object) -> None:
        """Count one item read (a chunk with its samples, or an event)."""
        if isinstance(item, Chunk):
            self.chunks += 1
            self.samples += len(item)
        elif isinstance(item, Event):
            self.events += 1

    def count_drop(self, item: object) -> None:
        """Count one dropped item (markers are not counted)."""
        if isinstance(item, Chunk):
            self.dropped_chunks += 1
            self.dropped_samples += len(item)
        elif isinstance(item, Event):
            self.dropped_events += 1

    def count_error(self, exc: BaseException) -> int:
        """Count one failure; returns how many there were so far."""
        self.errors += 1
        self.last_error = f"{type(exc).__name__}: {exc}"
        return self.errors

    @property
    def dropped(self) -> tuple[int, int, int]:
        """``(chunks, samples, events)`` dropped so far."""
        return self.dropped_chunks, self.dropped_samples, self.dropped_events

    def sensor_dict(self) -> dict[str, Any]:
        """The counters of a sensor, as ``Session.stats()["sensors"][name]``."""
        return {
            "chunks": self.chunks,
            "samples": self.samples,
            "events": self.events,
            "dropped_chunks": self.dropped_chunks,
            "dropped_samples": self.dropped_samples,
            "dropped_events": self.dropped_events,
            "read_errors": self.errors,
            "last_error": self.last_error,
        }

    def subscriber_dict(self) -> dict[str, Any]:
        """The counters of a subscriber, as ``Session.stats()["subscribers"][name]``."""
        return {
            "delivered": self.delivered,
            "dropped_events": self.dropped_events,
            "dropped_chunks": self.dropped_chunks,
            "dropped_samples": self.dropped_samples,
            "errors": self.errors,
            "last_error": self.last_error,
        }


def _countable(item: object) -> bool:
    return isinstance(item, Chunk | Event)


class Mailbox(Generic[T]):
    """A bounded FIFO between threads that drops (and counts) its oldest item when full,
    or, with ``block=True``, makes the writer wait for room.

    Parameters
    ----------
    capacity
        Most items held; at least 1.
    stats
        Where drops are counted (a new :class:`FlowStats` if not given).
    block
        Wait for room instead of dropping (back-pressure on a virtual clock).
    wake
        A condition shared with other mailboxes, so that one reader can wait for any of
        them (the real-time worker and its sensors' mailboxes); default: its own.
    """

    def __init__(
        self,
        capacity: int,
        stats: FlowStats | None = None,
        *,
        block: bool = False,
        wake: threading.Condition | None = None,
    ) -> None:
        self.capacity = max(1, int(capacity))
        self.stats = stats if stats is not None else FlowStats()
        self.block = block
        self.wake = wake if wake is not None else threading.Condition()
        self._items: deque[T] = deque()
        self._closed = False

    def __len__(self) -> int:
        return len(self._items)

    @property
    def closed(self) -> bool:
        """True after :meth:`close`: puts are ignored, gets return what is left."""
        return self._closed

    def put(self, item: T) -> bool:
        """Queue ``item``; returns False if it was discarded because the mailbox is closed.

        Full and not blocking: the oldest item (never a marker) is dropped and counted.
        Full and blocking: waits until there is room or the mailbox is closed.
        """
        with self.wake:
            while self.block and not self._closed and len(self._items) >= self.capacity:
                self.wake.wait()
            if self._closed:
                return False
            if len(self._items) >= self.capacity:
                self._drop_oldest()
            self._items.append(item)
            self.wake.notify_all()
            return True

    def put_marker(self, marker: T) -> None:
        """Queue a marker after everything queued so far; it is never dropped (also when
        the mailbox is full) and reaches the reader even after :meth:`close`."""
        with self.wake:
            self._items.append(marker)
            self.wake.notify_all()

    def _drop_oldest(self) -> None:
        for i, old in enumerate(self._items):
            if _countable(old):
                del self._items[i]
                self.stats.count_drop(old)
                return

    def get(self, timeout: float | None = None) -> T:
        """The oldest item; waits up to ``timeout`` s (``None``: until one comes or the
        mailbox is closed). Returns :data:`EMPTY` if there is none."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.wake:
            while not self._items and not self._closed:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return cast(T, EMPTY)
                self.wake.wait(remaining)
            if not self._items:
                return cast(T, EMPTY)
            item = self._items.popleft()
            self.wake.notify_all()  # a blocked writer may go on
            return item

    def get_nowait(self) -> T:
        """The oldest item, or :data:`EMPTY` at once."""
        with self.wake:
            if not self._items:
                return cast(T, EMPTY)
            item = self._items.popleft()
            self.wake.notify_all()
            return item

    def close(self) -> None:
        """Stop taking items; wake every waiting reader and writer."""
        with self.wake:
            self._closed = True
            self.wake.notify_all()

    def drop_all(self) -> int:
        """Drop and count everything still queued (markers aside); returns how many."""
        with self.wake:
            kept = [item for item in self._items if not _countable(item)]
            dropped = len(self._items) - len(kept)
            for item in self._items:
                self.stats.count_drop(item)
            self._items = deque(kept)
            self.wake.notify_all()
            return dropped
