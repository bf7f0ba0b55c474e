"""The ``hrv`` processor: ``HeartBeat`` events in, ``HRV`` events over sliding windows out.

It consumes the beats of any beat detector (the ``heart-rate`` processor for ECG, or a PPG
or radar one) rather than the raw ECG, so HRV follows whatever detection and quality
flags are upstream and costs nothing per sample.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.events import HRV, Event, HeartBeat
from heartmind.streams import Chunk

from ._hrv import hrv_summary

__all__ = ["HRVProcessor", "window_intervals"]

log = logging.getLogger(__name__)

#: Fewest NN intervals for an HRV event.
MIN_INTERVALS = 10


@dataclass
class _Beats:
    """Beat history of one stream: (time s, RR ms or NaN if not usable)."""

    next_end: float
    beats: deque[tuple[float, float]] = field(default_factory=deque)
    last_usable: bool = False


def window_intervals(beats: Iterable[HeartBeat], start: float, end: float) -> np.ndarray:
    """NN intervals (ms) the ``hrv`` processor uses for the window ``(start, end]`` (s).

    An interval is used when its beat lies in the window, has an ``rr``, and both it and the
    previous beat are ``usable``. ``ectopic`` beats are kept: the correction handles them.
    This is the offline twin of the processor, for tests and re-analysis.
    """
    out: list[float] = []
    prev_usable = False
    for b in beats:
        ok = b.usable and prev_usable and b.rr is not None
        prev_usable = b.usable
        if ok and start < b.timestamp <= end and b.rr is not None:
            out.append(b.rr * 1000.0)
    return np.asarray(out, dtype=np.float64)


class HRVProcessor(Processor):
    """HRV over a sliding window of the ``HeartBeat`` events of each stream.

    Parameters
    ----------
    window
        Length of the window in s (default 300 s = 5 min).
    step
        s between two ``HRV`` events of a stream (default 30 s).
    min_window_frequency
        LF, HF and LF/HF are reported only when the window's intervals span at least this
        many s (default 120 s); else ``None``.
    correct
        Correct ectopic/missed/extra intervals before HRV (default True).

    Notes
    -----
    Windows end on a grid ``t_first + k · step`` (``t_first`` = first beat of the stream);
    the event for the window ending at ``t`` is emitted when the first beat after ``t``
    arrives (or at ``flush``), timestamped ``t``, and covers the beats in
    ``(t − window, t]`` (shorter at the start: ``HRV.window`` is the span actually
    covered, never more than ``window``). Each update recomputes the window with the
    vectorised :func:`~.hrv.hrv_summary` (about 1 ms for 5 min), so an event equals the
    offline function on the same beats exactly. Windows with fewer than 10 usable
    intervals give no event.
    """

    def __init__(
        self,
        *,
        window: float = 300.0,
        step: float = 30.0,
        min_window_frequency: float = 120.0,
        correct: bool = True,
    ) -> None:
        if not (window > 0 and step > 0 and min_window_frequency >= 0):
            raise ConfigError(
                f"hrv: window ({window}) and step ({step}) must be positive and "
                f"min_window_frequency ({min_window_frequency}) non-negative, in s."
            )
        self.window = float(window)
        self.step = float(step)
        self.min_window_frequency = float(min_window_frequency)
        self.correct = bool(correct)
        self._name = "hrv"
        self._streams: dict[str, _Beats] = {}

    def start(self, context: Context) -> None:
        """Remember the instance name (the ``source`` of the events)."""
        self._name = context.name

    def process(self, chunk: Chunk) -> Iterable[Output]:
        """Chunks are not used: this processor works on ``heart_beat`` events."""
        return ()

    def on_event(self, event: Event) -> Iterable[Output]:
        """Add one beat; return the ``HRV`` events of windows that ended before it."""
        if not isinstance(event, HeartBeat):
            return ()
        st = self._streams.get(event.stream)
        if st is None:
            st = _Beats(next_end=event.timestamp + self.step)
            self._streams[event.stream] = st
        out: list[Output] = []
        while event.timestamp > st.next_end:
            out.extend(self._emit(event.stream, st, st.next_end))
            st.next_end += self.step
        ok = event.usable and st.last_usable and event.rr is not None
        st.last_usable = event.usable
        st.beats.append((event.timestamp, event.rr * 1000.0 if ok and event.rr else math.nan))
        return out

    def flush(self) -> Iterable[Output]:
        """Emit the window ending at the last grid time covered by beats, if not yet done."""
        out: list[Output] = []
        for name, st in self._streams.items():
            if st.beats and st.beats[-1][0] == st.next_end:
                out.extend(self._emit(name, st, st.next_end))
                st.next_end += self.step
        return out

    def _emit(self, name: str, st: _Beats, end: float) -> list[Output]:
        start = end - self.window
        while st.beats and st.beats[0][0] <= start:
            st.beats.popleft()
        rr = np.asarray([r for t, r in st.beats if t <= end], dtype=np.float64)
        rr = rr[np.isfinite(rr)]
        if rr.size < MIN_INTERVALS:
            return []
        values, info = hrv_summary(
            rr, correct=self.correct, min_window_frequency=self.min_window_frequency
        )
        return [self._event(name, end, values, info)]

    def _event(self, name: str, end: float, v: dict[str, float], info: dict[str, object]) -> HRV:
        def opt(key: str) -> float | None:
            x = v.get(key, math.nan)
            return None if x is None or not math.isfinite(x) else float(x)

        return HRV(
            timestamp=end,
            source=self._name,
            stream=name,
            window=min(self.window, float(info["window"])),  # type: ignore[arg-type]
            n_beats=int(info["n_beats"]),  # type: ignore[call-overload]
            n_corrected=int(info["n_corrected"]),  # type: ignore[call-overload]
            mean_nn=v["HRV_MeanNN"],
            sdnn=v["HRV_SDNN"],
            rmssd=v["HRV_RMSSD"],
            pnn50=v["HRV_pNN50"],
            sd1=opt("HRV_SD1"),
            sd2=opt("HRV_SD2"),
            lf=opt("HRV_LF"),
            hf=opt("HRV_HF"),
            lf_hf=opt("HRV_LFHF"),
            stress_index=opt("HRV_SI"),
        )
