"""The ``heart-rate`` processor: ECG chunks in, ``HeartBeat``, ``HeartRate`` and quality out."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from heartmind.components import Output
from heartmind.errors import ConfigError
from heartmind.events import Event, HeartBeat, HeartRate, SignalQuality
from heartmind.streaming import StreamProcessor, Ticks, Timeline, rr_field
from heartmind.streams import StreamInfo

from ._ecg_quality import BeatQuality, snr_db, window_quality
from ._r_peak_detector import DetectedBeats, RPeakDetector

__all__ = ["HeartRateProcessor"]

log = logging.getLogger(__name__)

#: Physiologically plausible RR intervals in s; others are flagged ectopic.
MIN_RR = 0.25
MAX_RR = 2.5
#: A quality window is assessed this long (s) after it ends, when its beats are decided.
_QUALITY_DELAY = 0.5


@dataclass
class _ECGState:
    """Detection, rate and quality state of one ECG stream."""

    info: StreamInfo
    column: int
    detector: RPeakDetector
    quality: BeatQuality
    hr_ticks: Ticks
    q_ticks: Ticks | None
    t0: float
    last_beat: float | None = None
    last_usable: bool = True
    beats: deque[tuple[float, float | None]] = field(default_factory=deque)
    scored: deque[tuple[float, int, float, bool]] = field(default_factory=deque)


class HeartRateProcessor(StreamProcessor[_ECGState]):
    """R-peaks, heart rate and signal quality from one or more ECG streams.

    Parameters
    ----------
    hr_interval
        Seconds of sample time between two ``HeartRate`` events of a stream.
    hr_window
        Length of the trailing window of the rate, in s: the rate is 60 / mean RR (bpm)
        of the plausible RR intervals ending in the window.
    channel
        ECG channel: a label, an index as a string (``"0"``), or ``""`` for the first.
    quality_interval, quality_window
        Seconds between ``SignalQuality`` events (0 = none) and the window each assesses.
    artefact_threshold
        Artefact ratio above which a beat is flagged unusable.
    powerline
        Mains frequency notched for quality (Hz); 0 = none.

    Notes
    -----
    Emits ``HeartBeat`` (timestamp = R-peak time, ``rr`` in s, ``ectopic`` when the RR is
    outside 0.25–2.5 s) as each beat is decided, about 0.2 s after its R-peak, and
    ``HeartRate`` every ``hr_interval`` s on a grid starting at the stream's first sample,
    computed from the beats decided by then. A gap of more than 1 s in the timestamps
    restarts detection on that stream (:data:`heartmind.streaming.GAP_RESET`).
    """

    kind = "heart-rate"
    min_rate = 50.0
    history = 20.0  # s of timestamps kept to date beats decided after their R-peak
    block_duration = 1.0  # ≤ 1 s at a time: the quality buffer must hold each block

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
        super().__init__()
        if not (quality_interval >= 0 and quality_window > 0 and artefact_threshold > 1):
            raise ConfigError(
                f"heart-rate: quality_interval ({quality_interval} s) must be >= 0, "
                f"quality_window ({quality_window} s) > 0 and artefact_threshold "
                f"({artefact_threshold}) > 1."
            )
        if not (hr_interval > 0 and hr_window > 0):
            raise ConfigError(
                f"heart-rate: hr_interval ({hr_interval}) and hr_window ({hr_window}) must be "
                "positive numbers of seconds."
            )
        self.quality_interval = float(quality_interval)
        self.quality_window = float(quality_window)
        self.artefact_threshold = float(artefact_threshold)
        self.powerline = float(powerline) if powerline else None
        self.hr_interval = float(hr_interval)
        self.hr_window = float(hr_window)
        self.channel = str(channel)

    # ------------------------------------------------------------------ StreamProcessor

    def open_stream(self, info: StreamInfo, t0: float) -> _ECGState:
        """Detector, quality tracker and report grids of a new ECG stream."""
        log.debug("%s: tracking ECG stream %r at %g Hz", self.name, info.name, info.rate)
        mains = self.powerline
        quality = BeatQuality(
            info.rate,
            powerline=mains if mains and mains < 0.45 * info.rate else None,
            artefact_threshold=self.artefact_threshold,
            buffer=max(self.quality_window, 8.0) + 2.0,
        )
        q_ticks = None
        if self.quality_interval > 0:
            q_ticks = Ticks(t0 + self.quality_interval, self.quality_interval, delay=_QUALITY_DELAY)
        return _ECGState(
            info,
            self.column(info),
            RPeakDetector(info.rate),
            quality,
            Ticks(t0 + self.hr_interval, self.hr_interval),
            q_ticks,
            t0,
        )

    def feed(
        self, st: _ECGState, tl: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        """Detect beats in the next ≤ 1 s of samples; return the events decided."""
        x = data[:, st.column]
        st.quality.process(x)
        return self._emit(st, tl, st.detector.process(x), until)

    def close_stream(self, st: _ECGState, tl: Timeline) -> list[Output]:
        """Report the beats still pending (the last ~0.1 s)."""
        return self._emit(st, tl, st.detector.flush(), tl.last)

    # ------------------------------------------------------------------ internals

    def _emit(
        self, st: _ECGState, tl: Timeline, beats: DetectedBeats, until: float
    ) -> list[Output]:
        """Events for ``beats`` interleaved with the rate grid up to ``until`` (s)."""
        out: list[Output] = []
        last = tl.n - 1
        for r, d in zip(beats.peaks.tolist(), beats.detected_at.tolist(), strict=True):
            decided = tl.time_of(min(d, last))
            out.extend(self._rates(st, before=decided, inclusive=False))
            out.extend(self._qualities(st, before=decided, inclusive=False))
            out.append(self._beat(st, tl.time_of(min(r, last)), r))
        out.extend(self._rates(st, before=until, inclusive=True))
        out.extend(self._qualities(st, before=until, inclusive=True))
        return out

    def _beat(self, st: _ECGState, t: float, r: int) -> Event:
        prev, st.last_beat = st.last_beat, t
        usable, q = st.quality.assess(r)
        rr = None if prev is None else t - prev
        ectopic = rr is not None and not (MIN_RR <= rr <= MAX_RR)
        good = not ectopic and usable and st.last_usable
        st.last_usable = usable
        st.beats.append((t, rr if rr is not None and good else None))
        if st.q_ticks is not None:
            st.scored.append((t, r, q, usable))
        return HeartBeat(
            timestamp=t,
            rr=rr_field(rr),
            ectopic=ectopic,
            usable=usable,
            stream=st.info.name,
            source=self.name,
        )

    def _qualities(self, st: _ECGState, *, before: float, inclusive: bool) -> list[Event]:
        """``SignalQuality`` events of the windows that ended ``_QUALITY_DELAY`` s ago."""
        out: list[Event] = []
        if st.q_ticks is None:
            return out
        for end in st.q_ticks.due(before, inclusive=inclusive):
            start = end - self.quality_window
            while st.scored and st.scored[0][0] <= start - self.quality_window:
                st.scored.popleft()
            sel = [b for b in st.scored if start < b[0] <= end]
            quality, usable = window_quality([b[2] for b in sel], [b[3] for b in sel])
            snr, snr_clean = self._snr(st, end, [b[1] for b in sel])
            out.append(
                SignalQuality(
                    timestamp=end,
                    source=self.name,
                    stream=st.info.name,
                    window=self.quality_window,
                    quality=quality,
                    usable=usable,
                    snr_db=snr,
                    snr_db_clean=snr_clean,
                )
            )
        return out

    def _snr(
        self, st: _ECGState, end: float, peaks: list[int]
    ) -> tuple[float | None, float | None]:
        """SNR (dB) of the raw and cleaned window ending at ``end`` s, from its beats."""
        if len(peaks) < 4:
            return None, None
        n = round(self.quality_window * st.info.rate)
        stop = round((end - st.t0) * st.info.rate) + 1
        raw = st.quality.raw.segment(stop - n, stop)
        clean = st.quality.clean.segment(stop - n, stop)
        if raw is None or clean is None:
            return None, None
        rel = [p - (stop - n) for p in peaks]
        return snr_db(raw, rel, st.info.rate), snr_db(clean, rel, st.info.rate)

    def _rates(self, st: _ECGState, *, before: float, inclusive: bool) -> list[Event]:
        out: list[Event] = []
        for t in st.hr_ticks.due(before, inclusive=inclusive):
            while st.beats and st.beats[0][0] <= t - self.hr_window:
                st.beats.popleft()
            rrs = [rr for bt, rr in st.beats if rr is not None and bt <= t]
            if rrs:
                out.append(
                    HeartRate(
                        timestamp=t,
                        bpm=60.0 / (sum(rrs) / len(rrs)),
                        window=self.hr_window,
                        stream=st.info.name,
                        source=self.name,
                    )
                )
        return out
