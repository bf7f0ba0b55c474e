"""The ``heart-rate`` processor: ECG chunks in, ``HeartBeat`` and ``HeartRate`` events out."""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.events import Event, HeartBeat, HeartRate
from heartmind.streams import Chunk, StreamInfo

from .detector import DetectedBeats, RPeakDetector

__all__ = ["HeartRateProcessor", "resolve_channel"]

log = logging.getLogger(__name__)

#: Physiologically plausible RR intervals in s; others are flagged ectopic.
MIN_RR = 0.25
MAX_RR = 2.5
#: ``HeartBeat.rr`` accepts 0.2–3.0 s; outside, rr is reported as None.
_RR_FIELD = (0.2, 3.0)
#: A jump in timestamps longer than this (s) restarts detection on that stream.
GAP_RESET = 1.0
#: Seconds of timestamps kept to date beats decided after their R-peak.
_TS_HISTORY = 20.0


def resolve_channel(info: StreamInfo, channel: str) -> int:
    """Column index of ``channel`` in ``info``: a label, an index as a string, or "" (first).

    Raises
    ------
    ConfigError
        If the stream has no such channel.
    """
    if channel == "":
        return 0
    if channel in info.channels:
        return info.channels.index(channel)
    if channel.lstrip("-").isdigit() and -info.n_channels <= int(channel) < info.n_channels:
        return int(channel) % info.n_channels
    raise ConfigError(
        f"heart-rate: stream {info.name!r} has no channel {channel!r}; its channels are "
        f"{', '.join(info.channels)}. Set the option 'channel' to one of them or to an index."
    )


@dataclass
class _Stream:
    """Detection and rate state of one ECG stream."""

    info: StreamInfo
    column: int
    detector: RPeakDetector
    next_hr: float
    ts: npt.NDArray[np.float64]
    last_ts: float = math.nan
    last_beat: float | None = None
    beats: deque[tuple[float, float | None]] = field(default_factory=deque)

    def store(self, first: int, timestamps: npt.NDArray[np.float64]) -> None:
        cap = self.ts.size
        keep = timestamps[-cap:]
        start = first + timestamps.size - keep.size
        self.ts[np.arange(start, start + keep.size) % cap] = keep
        self.last_ts = float(timestamps[-1])

    def time_of(self, index: int) -> float:
        """Timestamp in s of absolute sample ``index`` (extrapolated if it is too old)."""
        n = self.detector.n_samples
        index = min(index, n - 1)
        if n - index <= self.ts.size:
            return float(self.ts[index % self.ts.size])
        return self.last_ts - (n - 1 - index) / self.info.rate


class HeartRateProcessor(Processor):
    """R-peaks and heart rate from one or more ECG streams, each with its own state.

    Parameters
    ----------
    hr_interval
        Seconds of sample time between two ``HeartRate`` events of a stream.
    hr_window
        Length of the trailing window of the rate, in s: the rate is 60 / mean RR (bpm)
        of the plausible RR intervals ending in the window.
    channel
        ECG channel: a label, an index as a string (``"0"``), or ``""`` for the first.

    Notes
    -----
    Emits ``HeartBeat`` (timestamp = R-peak time, ``rr`` in s, ``ectopic`` when the RR is
    outside 0.25–2.5 s) as each beat is decided, about 0.2 s after its R-peak, and
    ``HeartRate`` every ``hr_interval`` s on a grid starting at the stream's first sample,
    computed from the beats decided by then. A gap of more than 1 s in the timestamps
    restarts detection on that stream.
    """

    def __init__(self, *, hr_interval: float = 1.0, hr_window: float = 10.0, channel: str = ""):
        if not (hr_interval > 0 and hr_window > 0):
            raise ConfigError(
                f"heart-rate: hr_interval ({hr_interval}) and hr_window ({hr_window}) must be "
                "positive numbers of seconds."
            )
        self.hr_interval = float(hr_interval)
        self.hr_window = float(hr_window)
        self.channel = str(channel)
        self._name = "heart-rate"
        self._streams: dict[str, _Stream] = {}
        self._skipped: set[str] = set()

    # ------------------------------------------------------------------ lifecycle

    def start(self, context: Context) -> None:
        """Check the ECG streams known at start (rate and channel)."""
        self._name = context.name
        for info in context.inputs:
            if info.irregular:
                raise ConfigError(
                    f"heart-rate: stream {info.name!r} has no nominal rate; R-peak detection "
                    "needs a regularly sampled ECG (100–2000 Hz)."
                )
            resolve_channel(info, self.channel)

    def process(self, chunk: Chunk) -> Iterable[Output]:
        """Detect beats in one chunk; return ``HeartBeat`` and ``HeartRate`` events."""
        info = chunk.info
        if info.irregular or info.dtype == "string":
            if info.name not in self._skipped:
                self._skipped.add(info.name)
                log.warning("%s: stream %r is not a sampled ECG; ignored", self._name, info.name)
            return []
        if len(chunk) == 0:
            return []
        out: list[Output] = []
        st = self._streams.get(info.name)
        if st is not None and chunk.first_timestamp - st.last_ts > GAP_RESET:
            log.info(
                "%s: %.3f s gap in stream %r; restarting beat detection",
                self._name,
                chunk.first_timestamp - st.last_ts,
                info.name,
            )
            out.extend(self._emit(st, st.detector.flush(), st.last_ts))
            st = None
        if st is None:
            st = self._new_stream(info, chunk.first_timestamp)
            self._streams[info.name] = st
        first = st.detector.n_samples
        st.store(first, chunk.timestamps)
        beats = st.detector.process(chunk.data[:, st.column])
        out.extend(self._emit(st, beats, chunk.last_timestamp))
        return out

    def flush(self) -> Iterable[Output]:
        """Report the beats still pending at the end of the session (last ~0.1 s)."""
        out: list[Output] = []
        for st in self._streams.values():
            out.extend(self._emit(st, st.detector.flush(), st.last_ts))
        return out

    # ------------------------------------------------------------------ internals

    def _new_stream(self, info: StreamInfo, t0: float) -> _Stream:
        column = resolve_channel(info, self.channel)
        detector = RPeakDetector(info.rate)
        ts = np.zeros(max(16, math.ceil(_TS_HISTORY * info.rate)))
        log.debug("%s: tracking ECG stream %r at %g Hz", self._name, info.name, info.rate)
        return _Stream(info, column, detector, next_hr=t0 + self.hr_interval, ts=ts)

    def _emit(self, st: _Stream, beats: DetectedBeats, until: float) -> list[Output]:
        """Events for ``beats`` interleaved with the rate grid up to ``until`` (s)."""
        out: list[Output] = []
        for r, d in zip(beats.peaks.tolist(), beats.detected_at.tolist(), strict=True):
            decided = st.time_of(d)
            out.extend(self._rates(st, before=decided, inclusive=False))
            out.append(self._beat(st, st.time_of(r)))
        out.extend(self._rates(st, before=until, inclusive=True))
        return out

    def _beat(self, st: _Stream, t: float) -> Event:
        prev, st.last_beat = st.last_beat, t
        rr = None if prev is None else t - prev
        ectopic = rr is not None and not (MIN_RR <= rr <= MAX_RR)
        st.beats.append((t, None if rr is None or ectopic else rr))
        field_rr = rr if rr is not None and _RR_FIELD[0] <= rr <= _RR_FIELD[1] else None
        return HeartBeat(
            timestamp=t, rr=field_rr, ectopic=ectopic, stream=st.info.name, source=self._name
        )

    def _rates(self, st: _Stream, *, before: float, inclusive: bool) -> list[Event]:
        out: list[Event] = []
        while st.next_hr < before or (inclusive and st.next_hr <= before):
            t = st.next_hr
            st.next_hr = t + self.hr_interval
            while st.beats and st.beats[0][0] <= t - self.hr_window:
                st.beats.popleft()
            rrs = [rr for bt, rr in st.beats if rr is not None and bt <= t]
            if not rrs:
                continue
            bpm = 60.0 / (sum(rrs) / len(rrs))
            out.append(
                HeartRate(
                    timestamp=t,
                    bpm=bpm,
                    window=self.hr_window,
                    stream=st.info.name,
                    source=self._name,
                )
            )
        return out
