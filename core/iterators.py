"""Iterator bridges: ``Session.events()`` and ``Session.aevents()``.

Each iterator is a subscriber whose callback puts items into a bounded
:class:`~heartmind.mailbox.Mailbox` of ``maxsize`` items, which the application's loop or
coroutine empties. What happens when the application reads more slowly than the session
publishes depends on the clock:

* **virtual clock** — back-pressure: the session waits for room, nothing is lost, and the
  simulated time runs at the pace of the reader;
* **real time** — the *oldest* queued item is dropped to make room for the new one (the
  iterator always gets the newest data), and every drop is counted in the iterator's
  ``Session.stats()["subscribers"]["events-N"]`` (``dropped_events``/``dropped_chunks``).

The end of the session's sources is a marker behind the last item; it is never dropped, so
an iterator always ends after the last item it could take. Closing the iterator early
(``break``, ``close()``) unsubscribes it and lets a session blocked on it go on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

from .dispatch import Dispatcher, Subscriber
from .mailbox import EMPTY, FlowStats, Mailbox
from .selectors import Selector

__all__ = ["async_iterate", "iterate"]

_END = object()  # the marker behind the last item


def _subscribe(
    dispatcher: Dispatcher,
    name: str,
    selectors: tuple[Selector, ...],
    maxsize: int,
    virtual: bool,
    capacity: int,
) -> tuple[Subscriber, Mailbox[Any]]:
    stats = FlowStats()
    box: Mailbox[Any] = Mailbox(maxsize, stats, block=virtual)
    sub = dispatcher.subscribe(
        name,
        selectors,
        box.put,
        capacity,
        stats=stats,
        on_end=lambda: box.put_marker(_END),
    )
    return sub, box


def iterate(
    dispatcher: Dispatcher,
    name: str,
    selectors: tuple[Selector, ...],
    *,
    maxsize: int,
    virtual: bool,
    timeout: float | None,
    capacity: int,
) -> Iterator[Any]:
    """Subscribe now; return a blocking iterator over the items (see the module docs).

    Parameters
    ----------
    dispatcher
        The session's dispatcher.
    name
        Subscriber name in the stats.
    selectors
        What to take (parsed).
    maxsize
        Items the iterator may hold before back-pressure (virtual) or dropping (real time).
    virtual
        True on a virtual clock.
    timeout
        ``TimeoutError`` after this many s without an item (``None``: wait forever).
    capacity
        The subscriber's own mailbox (real time), before the iterator's.
    """
    sub, box = _subscribe(dispatcher, name, selectors, maxsize, virtual, capacity)
    return _drain(dispatcher, sub, box, timeout)


def _drain(
    dispatcher: Dispatcher, sub: Subscriber, box: Mailbox[Any], timeout: float | None
) -> Iterator[Any]:
    try:
        while True:
            item = box.get(timeout)
            if item is EMPTY:
                raise TimeoutError(f"no event within {timeout} s")
            if item is _END:
                return
            yield item
    finally:
        box.close()  # a session blocked on the full mailbox goes on
        dispatcher.unsubscribe(sub)


def async_iterate(
    dispatcher: Dispatcher,
    name: str,
    selectors: tuple[Selector, ...],
    *,
    maxsize: int,
    virtual: bool,
    capacity: int,
) -> AsyncIterator[Any]:
    """Like :func:`iterate`, for asyncio: call it in the running loop, which is woken
    (thread-safely) whenever an item arrives."""
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()
    stats = FlowStats()
    box: Mailbox[Any] = Mailbox(maxsize, stats, block=virtual)

    def wake() -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody listens
            loop.call_soon_threadsafe(ready.set)

    def put(item: Any) -> None:
        if box.put(item):
            wake()

    def end() -> None:
        box.put_marker(_END)
        wake()

    sub = dispatcher.subscribe(name, selectors, put, capacity, stats=stats, on_end=end)
    return _adrain(dispatcher, sub, box, ready)


async def _adrain(
    dispatcher: Dispatcher, sub: Subscriber, box: Mailbox[Any], ready: asyncio.Event
) -> AsyncIterator[Any]:
    try:
        while True:
            item = box.get_nowait()
            if item is EMPTY:
                ready.clear()
                item = box.get_nowait()  # arrived before the clear: no wake-up would come
                if item is EMPTY:
                    await ready.wait()
                    continue
            if item is _END:
                return
            yield item
    finally:
        box.close()
        dispatcher.unsubscribe(sub)
