"""One thread that reads many LSL inlets without waiting on any (used by ``lsl-streams``).

A reader thread per stream costs a wake-up, a GIL hand-over and a hand-off to the session
per stream and poll; with dozens of streams that is most of a recorder's CPU. The poller
instead wakes once per ``interval``, pulls every inlet it holds with a non-blocking
``pull_chunk`` (liblsl buffers meanwhile, so nothing is lost) and hands all the chunks
of that round to the sensor's queues at once. A stream whose pull filled a whole chunk is
read again at once, so a high-rate stream is never held back by the interval.

Whatever may block (waiting for a lost outlet to return, the watchdog's look for it) does
not happen here: a member whose inlet is no longer ``"streaming"`` is handed back and read
by a thread of its own from then on.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["InletPoller", "Polled", "Service"]

log = logging.getLogger(__name__)

_DRAIN_TICK = 0.02  # s between two rounds while the sensor drains


class Service(enum.Enum):
    """What one non-blocking service of a member found."""

    IDLE = "idle"  # nothing more now: read it again next round
    MORE = "more"  # it read a full chunk (or an event): read it again at once
    DONE = "done"  # it has finished (drained, or failed): remove it and close its inlet
    DETACH = "detach"  # it needs to wait (outlet lost): give it a thread of its own


class Polled(Protocol):
    """A stream the poller reads (``lsl-streams``' follower)."""

    name: str

    def service(self) -> Service:
        """Read what the inlet has now, without waiting; say what to do next."""
        ...

    def finish(self) -> None:
        """Close the inlet and mark the stream done (called once, on the poller's thread)."""
        ...

    def detach(self) -> None:
        """Go on reading on a thread of its own (called once, on the poller's thread)."""
        ...


class InletPoller:
    """Read many inlets on one thread, every ``interval`` s.

    Parameters
    ----------
    interval
        Seconds between two rounds over every member (> 0); a member that read a full
        chunk is read again at once.
    stopping, woken, reading, draining
        The sensor's state: the poller ends when ``stopping`` is set; ``woken`` ends a
        wait early (drain, stop); it starts reading once ``reading`` is set; while
        ``draining()`` is True it goes round every 20 ms.
    deliver
        Called once per round with every item read (on the poller's thread).
    """

    def __init__(
        self,
        *,
        interval: float,
        stopping: threading.Event,
        woken: threading.Event,
        reading: threading.Event,
        draining: Callable[[], bool],
        deliver: Callable[[], None],
    ) -> None:
        if not interval > 0:
            raise ValueError(f"the poll interval must be > 0 s, got {interval!r}")
        self.interval = float(interval)
        self._stopping, self._woken, self._reading = stopping, woken, reading
        self._draining, self._deliver = draining, deliver
        self._lock = threading.Lock()
        self._members: list[Polled] = []
        self._closed = False
        self.rounds = 0
        self.thread = threading.Thread(target=self._run, name="hm-lsl-poll", daemon=True)

    def start(self) -> None:
        """Start the poller's thread."""
        self.thread.start()

    def add(self, member: Polled) -> bool:
        """Read ``member`` from the next round on; False if the poller has ended."""
        with self._lock:
            if self._closed:
                return False
            self._members.append(member)
            return True

    @property
    def members(self) -> tuple[Polled, ...]:
        """The streams the poller reads now."""
        with self._lock:
            return tuple(self._members)

    def _run(self) -> None:
        try:
            while not (self._reading.wait(0.1) or self._stopping.is_set()):
                pass
            self._loop()
        except Exception as exc:  # never silently: every member is closed below
            log.error("the LSL poller failed: %s", exc, exc_info=exc)
        finally:
            with self._lock:
                self._closed = True
                members, self._members = self._members, []
            for member in members:
                self._finish(member)

    def _loop(self) -> None:
        next_round = time.monotonic()
        again: list[Polled] = []
        while not self._stopping.is_set():
            now = time.monotonic()
            if now >= next_round:
                targets = list(self.members)
                next_round = now + self.interval
            else:
                targets = again
            again = self._round(targets)
            self.rounds += 1
            if again or self._stopping.is_set():
                continue
            if self._draining():
                next_round = 0.0
                self._stopping.wait(_DRAIN_TICK)
            else:
                self._woken.wait(max(0.0, next_round - time.monotonic()))
                if self._woken.is_set():
                    next_round = 0.0

    def _round(self, targets: list[Polled]) -> list[Polled]:
        """Serve each target once; hand what was read over; those to read again at once.

        Members that ended are removed only after their last items were handed over, so
        that a drained stream is never seen done while its samples are still in hand.
        """
        again: list[Polled] = []
        ended: list[tuple[Polled, Service]] = []
        for member in targets:
            try:
                what = member.service()
            except Exception as exc:  # never stop the others: this member stops being read
                log.error("reading LSL stream %s failed: %s", member.name, exc, exc_info=exc)
                what = Service.DONE
            if what is Service.MORE:
                again.append(member)
            elif what is not Service.IDLE:
                ended.append((member, what))
        self._deliver()
        for member, what in ended:
            self._remove(member, what)
        return again

    def _remove(self, member: Polled, what: Service) -> None:
        with self._lock:
            if member in self._members:
                self._members.remove(member)
        if what is Service.DETACH:
            member.detach()
        else:
            self._finish(member)

    @staticmethod
    def _finish(member: Polled) -> None:
        try:
            member.finish()
        except Exception as exc:
            log.warning("closing LSL stream %s failed: %s", member.name, exc)
