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
from heartmind.events import Event, HeartBeat, HeartRate, SignalQuality
from heartmind.streams import Chunk, StreamInfo, channel_index

from .detector import DetectedBeats, RPeakDetector
from .quality import BeatQuality, snr_db, window_quality

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
#: A quality window is assessed this long (s) after it ends, when its beats are decided.
_QUALITY_DELAY = 0.5


def resolve_channel(info: StreamInfo, channel: str) -> int:
    """Column index of ``channel`` in ``info`` (see ``heartmind.streams.channel_index``)."""
    return channel_index(info, channel, "heart-rate")


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
    quality: BeatQuality | None = None
    t0: float = 0.0
    last_usable: bool = True
    next_q: float = math.inf
    scored: deque[tuple[float, int, float, bool]] = field(default_factory=deque)

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

    def __init__(
        self,
        *,
        hr_interval: float = 1.0,
        hr_window: float = 10.0,
        channel: str = "",
        quality_interval: float = 5.0,
        quality_window: float = 10.0,
        artefact_threshold: float = 3.0,
        powerline: float = 50.0,
    ):
        if not (quality_interval >= 0 and quality_window > 0 and artefact_threshold > 1):
            raise ConfigError(
                f"heart-rate: quality_interval ({quality_interval} s) must be >= 0, "
                f"quality_window ({quality_window} s) > 0 and artefact_threshold "
                f"({artefact_threshold}) > 1."
            )
        self.quality_interval = float(quality_interval)
        self.quality_window = float(quality_window)
        self.artefact_threshold = float(artefact_threshold)
        self.powerline = float(powerline) if powerline else None
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
        x = chunk.data[:, st.column]
        step = max(1, int(st.info.rate))  # ≤ 1 s at a time: the quality buffer must hold it
        for i in range(0, x.shape[0], step):
            ts = chunk.timestamps[i : i + step]
            st.store(st.detector.n_samples, ts)
            if st.quality is not None:
                st.quality.process(x[i : i + step])
            beats = st.detector.process(x[i : i + step])
            out.extend(self._emit(st, beats, float(ts[-1])))
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
        mains = self.powerline
        quality = BeatQuality(
            info.rate,
            powerline=mains if mains and mains < 0.45 * info.rate else None,
            artefact_threshold=self.artefact_threshold,
            buffer=max(self.quality_window, 8.0) + 2.0,
        )
        st = _Stream(
            info, column, detector, next_hr=t0 + self.hr_interval, ts=ts, quality=quality, t0=t0
        )
        if self.quality_interval > 0:
            st.next_q = t0 + self.quality_interval
        return st

    def _emit(self, st: _Stream, beats: DetectedBeats, until: float) -> list[Output]:
        """Events for ``beats`` interleaved with the rate grid up to ``until`` (s)."""
        out: list[Output] = []
        for r, d in zip(beats.peaks.tolist(), beats.detected_at.tolist(), strict=True):
            decided = st.time_of(d)
            out.extend(self._rates(st, before=decided, inclusive=False))
            out.extend(self._qualities(st, before=decided, inclusive=False))
            out.append(self._beat(st, st.time_of(r), r))
        out.extend(self._rates(st, before=until, inclusive=True))
        out.extend(self._qualities(st, before=until, inclusive=True))
        return out

    def _beat(self, st: _Stream, t: float, r: int) -> Event:
        prev, st.last_beat = st.last_beat, t
        usable, q = (True, 1.0) if st.quality is None else st.quality.assess(r)
        rr = None if prev is None else t - prev
        ectopic = rr is not None and not (MIN_RR <= rr <= MAX_RR)
        good = not ectopic and usable and st.last_usable
        st.last_usable = usable
        st.beats.append((t, rr if rr is not None and good else None))
        if self.quality_interval > 0:
            st.scored.append((t, r, q, usable))
        field_rr = rr if rr is not None and _RR_FIELD[0] <= rr <= _RR_FIELD[1] else None
        return HeartBeat(
            timestamp=t,
            rr=field_rr,
            ectopic=ectopic,
            usable=usable,
            stream=st.info.name,
            source=self._name,
        )

    def _qualities(self, st: _Stream, *, before: float, inclusive: bool) -> list[Event]:
        """``SignalQuality`` events of the windows that ended ``_QUALITY_DELAY`` s ago."""
        out: list[Event] = []
        while st.quality is not None and (
            st.next_q + _QUALITY_DELAY < before
            or (inclusive and st.next_q + _QUALITY_DELAY <= before)
        ):
            end, st.next_q = st.next_q, st.next_q + self.quality_interval
            start = end - self.quality_window
            while st.scored and st.scored[0][0] <= start - self.quality_window:
                st.scored.popleft()
            sel = [b for b in st.scored if start < b[0] <= end]
            quality, usable = window_quality([b[2] for b in sel], [b[3] for b in sel])
            snr, snr_clean = self._snr(st, end, [b[1] for b in sel])
            out.append(
                SignalQuality(
                    timestamp=end,
                    source=self._name,
                    stream=st.info.name,
                    window=self.quality_window,
                    quality=quality,
                    usable=usable,
                    snr_db=snr,
                    snr_db_clean=snr_clean,
                )
            )
        return out

    def _snr(self, st: _Stream, end: float, peaks: list[int]) -> tuple[float | None, float | None]:
        """SNR (dB) of the raw and cleaned window ending at ``end`` s, from its beats."""
        bq = st.quality
        if bq is None or len(peaks) < 4:
            return None, None
        n = round(self.quality_window * st.info.rate)
        stop = round((end - st.t0) * st.info.rate) + 1
        raw = bq.segment(bq.raw, stop - n, stop)
        clean = bq.segment(bq.clean, stop - n, stop)
        if raw is None or clean is None:
            return None, None
        rel = [p - (stop - n) for p in peaks]
        return snr_db(raw, rel, st.info.rate), snr_db(clean, rel, st.info.rate)

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
