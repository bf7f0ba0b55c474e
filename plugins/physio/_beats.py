"""Beat times → ``HeartBeat``, ``HeartRate`` and ``HRV`` (pulse-rate variability) events.

Shared by the PPG (``ppg-rate``) and radar (``radar-vitals``) processors. Rates are
emitted on a grid of ``hr_interval`` s of sample time starting at the stream's first
sample; each is ``60 / mean interval`` (bpm) of the plausible intervals ending in the
trailing ``hr_window``; intervals outside 0.3–2 s, or more than 35 % away from the median
of the last 8 plausible ones, are flagged ``ectopic`` and left out. Variability (time
domain) is emitted every ``hrv_interval`` s over the trailing ``hrv_window``, once it
holds at least 10 intervals.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.events import HRV, Event, HeartBeat, HeartRate

__all__ = ["BeatEvents", "prv_time_domain"]

#: Plausible beat intervals in s (30–200 bpm); others are flagged ``ectopic``.
MIN_IBI = 0.3
MAX_IBI = 2.0
_RR_FIELD = (0.2, 3.0)
#: An interval further than this fraction from the median of the last 8 plausible ones is
#: flagged ``ectopic`` (missed, extra or premature beat) and left out of rates.
ARTEFACT = 0.35
_MIN_HRV_BEATS = 10


def prv_time_domain(intervals: npt.ArrayLike) -> dict[str, float]:
    """Time-domain variability of beat-to-beat intervals (pulse-rate variability for PPG).

    Uses the cardiac plugin's :func:`heartmind.plugins.cardiac.hrv.hrv_time` when it is
    installed (so PRV and HRV are computed alike), else the same formulas here.

    Parameters
    ----------
    intervals
        Successive inter-beat intervals in s (already cleaned of implausible ones).

    Returns
    -------
    dict
        ``mean_nn``, ``sdnn``, ``rmssd`` (ms) and ``pnn50`` (%); NaN if fewer than 3.
    """
    nn = np.asarray(intervals, dtype=np.float64) * 1000.0
    if nn.size < 3:
        return {"mean_nn": math.nan, "sdnn": math.nan, "rmssd": math.nan, "pnn50": math.nan}
    try:
        from heartmind.plugins.cardiac.hrv import hrv_time
    except ImportError:
        d = np.diff(nn)
        return {
            "mean_nn": float(nn.mean()),
            "sdnn": float(nn.std(ddof=1)),
            "rmssd": float(np.sqrt(np.mean(d * d))),
            "pnn50": float(100.0 * np.count_nonzero(np.abs(d) > 50.0) / nn.size),
        }
    v = hrv_time(nn)
    return {
        "mean_nn": v["HRV_MeanNN"],
        "sdnn": v["HRV_SDNN"],
        "rmssd": v["HRV_RMSSD"],
        "pnn50": v["HRV_pNN50"],
    }


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
        ``"median"``: 60 / median interval, robust to a mislocated beat (radar).
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
    ) -> None:
        self.stream, self.source = stream, source
        self.hr_interval, self.hr_window = hr_interval, hr_window
        self.hrv_interval, self.hrv_window = hrv_interval, hrv_window
        self._centre = np.median if statistic == "median" else np.mean
        self._next_hr = t0 + hr_interval
        self._next_hrv = t0 + hrv_interval if hrv_interval > 0 else math.inf
        self._last: float | None = None
        self._beats: deque[tuple[float, float | None]] = deque()
        self._recent: deque[float] = deque(maxlen=8)  # last plausible intervals, s

    def emit(self, beats: Sequence[tuple[float, float]], until: float, **extra: Any) -> list[Event]:
        """Events for ``(beat time, decision time)`` pairs (s), then the grid up to ``until``."""
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
        rr = ibi if ibi is not None and _RR_FIELD[0] <= ibi <= _RR_FIELD[1] else None
        return HeartBeat(
            timestamp=t, rr=rr, ectopic=ectopic, stream=self.stream, source=self.source, **extra
        )

    def _intervals(self, t: float, window: float) -> list[float]:
        return [ibi for bt, ibi in self._beats if ibi is not None and t - window < bt <= t]

    def _grid(self, before: float, *, inclusive: bool) -> list[Event]:
        out: list[Event] = []
        while True:
            t = min(self._next_hr, self._next_hrv)
            if not (t < before or (inclusive and t <= before)):
                return out
            if t == self._next_hr:
                self._next_hr = t + self.hr_interval
                ibis = self._intervals(t, self.hr_window)
                if ibis:
                    bpm = 60.0 / float(self._centre(ibis))
                    out.append(self._rate(t, bpm))
            if t == self._next_hrv:
                self._next_hrv = t + self.hrv_interval
                ibis = self._intervals(t, self.hrv_window)
                if len(ibis) >= _MIN_HRV_BEATS:
                    out.append(self._hrv(t, ibis))

    def _rate(self, t: float, bpm: float) -> HeartRate:
        return HeartRate(
            timestamp=t, bpm=bpm, window=self.hr_window, stream=self.stream, source=self.source
        )

    def _hrv(self, t: float, ibis: list[float]) -> HRV:
        td = prv_time_domain(ibis)
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
