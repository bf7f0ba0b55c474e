"""Clocks: every timestamp in heartmind is seconds on one clock.

Live sessions use the LSL clock (``pylsl.local_clock()``, a monotonic clock in seconds).
Simulated and replayed sessions use a :class:`VirtualClock`, which starts at 0 s and maps
to a settable UTC start. Either way a clock knows its offset to UTC, so every event can
also carry the same instant as an ISO 8601 UTC string.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from .errors import ConfigError

__all__ = ["Clock", "RealClock", "VirtualClock", "iso_utc", "local_clock", "parse_utc"]

_local_clock: Callable[[], float] | None = None


def local_clock() -> float:
    """Seconds on the LSL clock.

    Uses ``pylsl.local_clock`` when pylsl is installed (so heartmind's timestamps and other
    LSL applications' agree exactly), else ``time.monotonic``, which is the same
    ``CLOCK_MONOTONIC`` source on Linux and macOS.
    """
    global _local_clock
    if _local_clock is None:
        try:
            import pylsl

            _local_clock = pylsl.local_clock
        except Exception:  # pylsl missing or its library failed to load
            _local_clock = time.monotonic
    return _local_clock()


def iso_utc(seconds_since_epoch: float) -> str:
    """ISO 8601 UTC string with microseconds, e.g. ``2026-11-24T09:00:00.250000Z``."""
    dt = datetime.fromtimestamp(seconds_since_epoch, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> float:
    """Parse an ISO 8601 date-time into seconds since the Unix epoch.

    A time without a zone is taken as UTC. Raises :class:`ConfigError` on bad input.
    """
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{text!r} is not an ISO 8601 date-time; write e.g. 2026-11-24T09:00:00Z."
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


class Clock:
    """Base class of session clocks.

    Attributes
    ----------
    utc_offset
        Seconds to add to a timestamp of this clock to get seconds since the Unix epoch.
    virtual
        True for clocks that do not follow the wall clock.
    """

    virtual: bool = False

    def __init__(self, utc_offset: float) -> None:
        self.utc_offset = float(utc_offset)

    def now(self) -> float:
        """The current time on this clock, in s."""
        raise NotImplementedError

    def to_utc(self, timestamp: float) -> float:
        """Seconds since the Unix epoch of a timestamp on this clock."""
        return timestamp + self.utc_offset

    def iso(self, timestamp: float) -> str:
        """ISO 8601 UTC string of a timestamp on this clock."""
        return iso_utc(self.to_utc(timestamp))


class RealClock(Clock):
    """The LSL clock of this machine; its UTC offset is measured once at creation."""

    def __init__(self) -> None:
        super().__init__(_measure_offset())

    def now(self) -> float:
        return local_clock()


class VirtualClock(Clock):
    """A clock that advances only when the session says so.

    Parameters
    ----------
    start_utc
        UTC instant of virtual time 0 s, as seconds since the epoch or an ISO 8601 string.
    """

    virtual = True

    def __init__(self, start_utc: float | str = "2026-01-05T09:00:00Z") -> None:
        start = parse_utc(start_utc) if isinstance(start_utc, str) else float(start_utc)
        super().__init__(start)
        self._now = 0.0

    def now(self) -> float:
        return self._now

    def advance(self, timestamp: float) -> None:
        """Move the clock forward to ``timestamp`` (s); it never moves back."""
        if timestamp > self._now:
            self._now = timestamp


def _measure_offset() -> float:
    """Offset between the LSL clock and UTC, taken as the tightest of a few readings."""
    best: tuple[float, float] | None = None
    for _ in range(5):
        a = local_clock()
        wall = time.time()
        b = local_clock()
        if best is None or b - a < best[0]:
            best = (b - a, wall - (a + b) / 2)
    assert best is not None
    return best[1]
