"""Breath times → ``RespirationRate`` events on a grid (respiration belts and radar)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from heartmind.streaming import Ticks, windowed_rate

from .events import RespirationRate

__all__ = ["BreathRateEvents"]

#: Breathing rates reported, in breaths/min (``RespirationRate.rate``'s range).
_RATE_RANGE = (2.0, 80.0)
#: Breaths are kept this long (s) beyond the window.
_KEEP = 60.0


class BreathRateEvents:
    """``RespirationRate`` events of one stream from its breath times.

    Parameters
    ----------
    stream
        Name of the stream the breaths come from (the events' ``stream`` field).
    source
        Processor instance name (the events' ``source``).
    t0
        Timestamp of the stream's first sample, in s (the grid starts ``interval`` later).
    interval
        Seconds between two events.
    window
        Trailing window of the rate, in s: ``60 / mean`` breath cycle (breaths/min) of the
        cycles ending in it.

    Notes
    -----
    ``amplitude`` is the mean depth of the breaths in the window when depths are given
    (signal units), else ``None``. Rates outside 2–80 breaths/min give no event.
    """

    def __init__(
        self, stream: str, source: str, t0: float, *, interval: float, window: float
    ) -> None:
        self.stream, self.source, self.window = stream, source, float(window)
        self._ticks = Ticks(t0 + interval, interval)
        self._breaths: list[float] = []
        self._depths: list[tuple[float, float]] | None = None

    def emit(
        self, times: Sequence[float], until: float, depths: Sequence[float] | None = None
    ) -> list[RespirationRate]:
        """Add breaths at ``times`` (s, with their ``depths``); events of the grid to ``until``."""
        self._breaths.extend(times)
        if depths is not None:
            self._depths = self._depths or []
            self._depths.extend(zip(times, depths, strict=True))
        out: list[RespirationRate] = []
        for t in self._ticks.due(until):
            self._breaths = [b for b in self._breaths if b > t - self.window - _KEEP]
            rate = float(windowed_rate(self._breaths, [t], self.window)[0])
            n = sum(1 for b in self._breaths if t - self.window < b <= t)
            amplitude = None
            if self._depths is not None:
                self._depths = [x for x in self._depths if x[0] > t - self.window]
                inside = [d for b, d in self._depths if b <= t]
                amplitude = float(np.mean(inside)) if inside else None
            if np.isfinite(rate) and _RATE_RANGE[0] <= rate <= _RATE_RANGE[1]:
                out.append(
                    RespirationRate(
                        timestamp=t,
                        rate=rate,
                        window=self.window,
                        n_breaths=n,
                        amplitude=amplitude,
                        stream=self.stream,
                        source=self.source,
                    )
                )
        return out
