"""Beat times → ``HeartBeat``, ``HeartRate`` and (optionally) ``HRV`` events of one stream.

For any beat detector (PPG pulses, radar heartbeats, …). Rates are emitted on a grid of
``hr_interval`` s of sample time starting at the stream's first sample; each is
``60 / mean interval`` (bpm; or the median) of the plausible intervals ending in the
trailing ``hr_window``; intervals outside 0.3–2 s, or more than 35 % away from the median
of the last 8 plausible ones, are flagged ``ectopic`` and left out. Variability is emitted
every ``hrv_interval`` s over the trailing ``hrv_window``, once it holds at least 10
intervals, computed by the ``variability`` function the caller passes.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from heartmind.errors import ConfigError
from heartmind.events import HRV, Event, HeartBeat, HeartRate

from .ticks import Ticks

__all__ = ["BeatEvents", "Variability", "rr_field"]

#: Plausible beat intervals in s (30–200 bpm); others are flagged ``ectopic``.
MIN_IBI = 0.3
MAX_IBI = 2.0
#: An interval further than this fraction from the median of the last 8 plausible ones is
#: flagged ``ectopic`` (missed, extra or premature beat) and left out of rates.
ARTEFACT = 0.35
_MIN_HRV_BEATS = 10

#: Time-domain variability of intervals in s → ``mean_nn``, ``sdnn``, ``rmssd`` (ms),
#: ``pnn50`` (%).
Variability = Callable[[Sequence[float]], dict[str, float]]


def _declared_range(event: type[Event], name: str) -> tuple[float, float]:
    (f,) = [f for f in dataclasses.fields(event) if f.name == name]
    lo, hi = f.metadata["range"]
    return float(lo), float(hi)


_RR_RANGE = _declared_range(HeartBeat, "rr")


def rr_field(rr: float | None) -> float | None:
    """``rr`` (s) if ``HeartBeat.rr`` accepts it (its declared range), else ``None``."""
    if rr is None or not _RR_RANGE[0] <= rr <= _RR_RANGE[1]:
        return None
    return rr


class BeatEvents:
    """Event bookkeeping of one stream's beats.

    Parameters
    ----------
    stream
        Name of the stream the beats come from (the events' ``stream`` field).
    source
        Processor instance name (the events' ``source``).
    t0
        Timestamp of the stream's first sample, in s (start of the rate grid).
    hr_interval, hr_window, hrv_interval, hrv_window
        Rate and variability schedule, in s (``hrv_interval`` 0 disables ``HRV`` events).
    statistic
        ``"mean"``: rate = 60 / mean interval (as the ECG ``heart-rate`` processor);
        ``"median"``: 60 / median interval, robust to a mislocated beat.
    variability
        Computes the ``HRV`` fields from the window's intervals (needed when
        ``hrv_interval > 0``).
    """

    def __init__(
        self,
        stream: str,
        source: str,
        t0: float,
        *,
        hr_interval: float,
        hr_window: float,
        hrv_interval: float = 0.0,
        hrv_window: float = 60.0,
        statistic: str = "mean",
        variability: Variability | None = None,
    ) -> None:
        if hrv_interval > 0 and variability is None:
            raise ConfigError("BeatEvents: HRV events (hrv_interval > 0) need a variability.")
        self.stream, self.source = stream, source
        self.hr_window, self.hrv_window = hr_window, hrv_window
        self.hrv_interval = hrv_interval
        self._centre = np.median if statistic == "median" else np.mean
        self._variability = variability
        self._hr_ticks = Ticks(t0 + hr_interval, hr_interval)
        self._hrv_ticks = Ticks(t0 + hrv_interval, hrv_interval) if hrv_interval > 0 else None
        self._last: float | None = None
        self._beats: deque[tuple[float, float | None]] = deque()
        self._recent: deque[float] = deque(maxlen=8)  # last plausible intervals, s

    def emit(self, beats: Sequence[tuple[float, float]], until: float, **extra: Any) -> list[Event]:
        """Events for ``(beat time, decision time)`` pairs (s), then the grid up to ``until``.

        ``extra`` fields (e.g. ``usable=False``) are passed to every ``HeartBeat``.
        """
        out: list[Event] = []
        for t, decided in beats:
            out.extend(self._grid(decided, inclusive=False))
            out.append(self._beat(t, **extra))
        out.extend(self._grid(until, inclusive=True))
        return out

    def _beat(self, t: float, **extra: Any) -> HeartBeat:
        prev, self._last = self._last, t
        ibi = None if prev is None else t - prev
        ectopic = ibi is not None and not (MIN_IBI <= ibi <= MAX_IBI)
        if ibi is not None and not ectopic:
            if len(self._recent) >= 4:
                ref = float(np.median(self._recent))
                ectopic = abs(ibi - ref) > ARTEFACT * ref
            self._recent.append(ibi)
        self._beats.append((t, None if ibi is None or ectopic else ibi))
        keep = max(self.hr_window, self.hrv_window if self.hrv_interval > 0 else 0.0)
        while self._beats and self._beats[0][0] < t - keep - 1.0:
            self._beats.popleft()
        return HeartBeat(
            timestamp=t,
            rr=rr_field(ibi),
            ectopic=ectopic,
            stream=self.stream,
            source=self.source,
            **extra,
        )

    def _intervals(self, t: float, window: float) -> list[float]:
        return [ibi for bt, ibi in self._beats if ibi is not None and t - window < bt <= t]

    def _grid(self, before: float, *, inclusive: bool) -> list[Event]:
        """Rate (then variability, at equal times) events of the grid times passed."""
        due = [(t, 0) for t in self._hr_ticks.due(before, inclusive=inclusive)]
        if self._hrv_ticks is not None:
            due += [(t, 1) for t in self._hrv_ticks.due(before, inclusive=inclusive)]
        out: list[Event] = []
        for t, what in sorted(due):
            if what == 0:
                ibis = self._intervals(t, self.hr_window)
                if ibis:
                    out.append(self._rate(t, 60.0 / float(self._centre(ibis))))
            else:
                ibis = self._intervals(t, self.hrv_window)
                if len(ibis) >= _MIN_HRV_BEATS:
                    out.append(self._hrv(t, ibis))
        return out

    def _rate(self, t: float, bpm: float) -> HeartRate:
        return HeartRate(
            timestamp=t, bpm=bpm, window=self.hr_window, stream=self.stream, source=self.source
        )

    def _hrv(self, t: float, ibis: list[float]) -> HRV:
        assert self._variability is not None
        td = self._variability(ibis)
        return HRV(
            timestamp=t,
            window=self.hrv_window,
            n_beats=len(ibis),
            stream=self.stream,
            source=self.source,
            mean_nn=td["mean_nn"],
            sdnn=td["sdnn"],
            rmssd=td["rmssd"],
            pnn50=td["pnn50"],
        )
