"""A grid of report times in sample time: ``first, first + interval, …`` (s)."""

from __future__ import annotations

from collections.abc import Iterator

from heartmind.errors import ConfigError

__all__ = ["Ticks"]


class Ticks:
    """Report times on a fixed grid, each handed out once as sample time passes it.

    Processors emit their periodic events (a rate every second, a quality every 5 s) on
    such a grid of *sample* time, so a recording gives the same events in real time,
    faster than real time and offline.

    Parameters
    ----------
    first
        First grid time in s (typically the stream's first timestamp + ``interval``).
    interval
        Grid step in s (> 0).
    delay
        A grid time ``t`` is due once the stream has passed ``t + delay`` (s); for reports
        that need data decided a little after their time.

    Examples
    --------
    >>> ticks = Ticks(1.0, 1.0)
    >>> list(ticks.due(2.5))
    [1.0, 2.0]
    >>> list(ticks.due(3.0)), list(ticks.due(3.0, inclusive=False))
    ([3.0], [])
    """

    def __init__(self, first: float, interval: float, *, delay: float = 0.0) -> None:
        if not interval > 0:
            raise ConfigError(f"Ticks: the interval must be > 0 s, got {interval}.")
        #: The next grid time not yet handed out, in s.
        self.next = float(first)
        self.interval = float(interval)
        self.delay = float(delay)

    def due(self, until: float, *, inclusive: bool = True) -> Iterator[float]:
        """The grid times passed by ``until`` (s), in order; each only once.

        A time ``t`` is passed when ``t + delay < until`` (``<=`` if ``inclusive``).
        """
        while self.next + self.delay < until or (inclusive and self.next + self.delay <= until):
            t = self.next
            self.next = t + self.interval
            yield t
