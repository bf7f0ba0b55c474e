"""Streaming processors of the physio plugin: ``ppg-rate``, ``respiration`` and ``eda``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from heartmind.components import Output
from heartmind.streams import StreamInfo

from ._beats import BeatEvents
from ._processor import StreamProcessor
from ._stream import Timeline, resolve_channel
from .eda import EDAAnalyzer, EDAOutput
from .events import SCR, RespirationRate, SkinConductance
from .ppg import PPGDetector
from .rsp import BreathDetector, windowed_rate

__all__ = ["EDAProcessor", "PPGProcessor", "RespirationProcessor"]

log = logging.getLogger(__name__)


@dataclass
class _PPGState:
    column: int
    detector: PPGDetector
    beats: BeatEvents


class PPGProcessor(StreamProcessor):
    """Pulses, pulse rate and pulse-rate variability from PPG streams.

    Parameters
    ----------
    hr_interval, hr_window
        ``HeartRate`` schedule and trailing window, in s.
    hrv_interval, hrv_window
        ``HRV`` (pulse-rate variability, time domain) schedule and window, in s;
        ``hrv_interval = 0`` disables it.
    channel
        PPG channel label or index as a string; ``""`` = first channel.

    Notes
    -----
    ``HeartBeat`` events (``stream`` = the PPG stream) are timed at the steepest upstroke
    of each pulse and decided about 0.25 s after it.
    """

    kind = "ppg-rate"
    min_rate = 20.0

    def __init__(
        self,
        *,
        hr_interval: float = 1.0,
        hr_window: float = 10.0,
        hrv_interval: float = 30.0,
        hrv_window: float = 60.0,
        channel: str = "",
    ) -> None:
        super().__init__()
        self.schedule = {
            "hr_interval": float(hr_interval),
            "hr_window": float(hr_window),
            "hrv_interval": float(hrv_interval),
            "hrv_window": float(hrv_window),
        }
        self.channel = channel

    def _check_info(self, info: StreamInfo) -> None:
        super()._check_info(info)
        resolve_channel(info, self.channel, self.kind)

    def _new_state(self, info: StreamInfo, t0: float) -> _PPGState:
        sc = self.schedule
        beats = BeatEvents(
            info.name,
            self._name,
            t0,
            hr_interval=sc["hr_interval"],
            hr_window=sc["hr_window"],
            hrv_interval=sc["hrv_interval"],
            hrv_window=sc["hrv_window"],
        )
        return _PPGState(
            resolve_channel(info, self.channel, self.kind), PPGDetector(info.rate), beats
        )

    def _feed(
        self, st: _PPGState, tl: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        return self._emit(st, tl, st.detector.process(data[:, st.column]), until)

    def _flush(self, st: _PPGState, tl: Timeline) -> list[Output]:
        return self._emit(st, tl, st.detector.flush(), tl.last)

    def _emit(
        self, st: _PPGState, tl: Timeline, found: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        decided = st.detector.decided.tolist()
        beats = [
            (tl.time_of(i), tl.time_of(d)) for i, d in zip(found.tolist(), decided, strict=True)
        ]
        return list(st.beats.emit(beats, min(until, tl.last)))


@dataclass
class _RSPState:
    info: StreamInfo
    column: int
    detector: BreathDetector
    next_tick: float
    breaths: list[float] = field(default_factory=list)
    depths: list[tuple[float, float]] = field(default_factory=list)


class RespirationProcessor(StreamProcessor):
    """Breathing rate (breaths/min) from respiration (RSP) streams.

    Parameters
    ----------
    interval
        Seconds between ``RespirationRate`` events.
    window
        Trailing window of the rate, in s.
    channel
        RSP channel label or index as a string; ``""`` = first channel.
    """

    kind = "respiration"
    min_rate = 2.0

    def __init__(self, *, interval: float = 5.0, window: float = 30.0, channel: str = "") -> None:
        super().__init__()
        self.interval, self.window, self.channel = float(interval), float(window), channel

    def _check_info(self, info: StreamInfo) -> None:
        super()._check_info(info)
        resolve_channel(info, self.channel, self.kind)

    def _new_state(self, info: StreamInfo, t0: float) -> _RSPState:
        column = resolve_channel(info, self.channel, self.kind)
        return _RSPState(info, column, BreathDetector(info.rate), t0 + self.interval)

    def _feed(
        self, st: _RSPState, tl: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        times, depths = st.detector.process(data[:, st.column])
        for i, d in zip(times.tolist(), depths.tolist(), strict=True):
            st.breaths.append(tl.time_of(i))
            st.depths.append((st.breaths[-1], d))
        out: list[Output] = []
        while st.next_tick <= until:
            t, st.next_tick = st.next_tick, st.next_tick + self.interval
            st.breaths = [b for b in st.breaths if b > t - self.window - 60.0]
            st.depths = [x for x in st.depths if x[0] > t - self.window]
            rate = float(windowed_rate(st.breaths, [t], self.window)[0])
            inside = [d for b, d in st.depths if b <= t]
            if np.isfinite(rate) and 2.0 <= rate <= 80.0:
                out.append(
                    RespirationRate(
                        timestamp=t,
                        rate=rate,
                        window=self.window,
                        n_breaths=len(inside),
                        amplitude=float(np.mean(inside)) if inside else None,
                        stream=st.info.name,
                        source=self._name,
                    )
                )
        return out


@dataclass
class _EDAState:
    info: StreamInfo
    column: int
    core: EDAAnalyzer
    next_tick: float
    onsets: list[float] = field(default_factory=list)
    last: tuple[float, float] = (0.0, 0.0)  # latest (tonic, phasic), µS


class EDAProcessor(StreamProcessor):
    """Tonic level, phasic level, SCRs and SCR rate from EDA streams (µS).

    Parameters
    ----------
    interval
        Seconds between ``SkinConductance`` events.
    window
        Trailing window of the SCR rate, in s.
    tonic_window, min_amplitude, min_slope
        See :class:`~heartmind.plugins.physio.eda.EDAAnalyzer` (s, µS, µS/s).
    channel
        EDA channel label or index as a string; ``""`` = first channel.

    Notes
    -----
    An ``SCR`` event (``timestamp`` = onset) is emitted when the response peaks.
    The SCR rate counts responses that peaked in the window. ``SkinConductance`` carries
    the tonic and phasic values of the last sample at or
    before its timestamp.
    """

    kind = "eda"
    min_rate = 4.0

    def __init__(
        self,
        *,
        interval: float = 1.0,
        window: float = 60.0,
        tonic_window: float = 8.0,
        min_amplitude: float = 0.02,
        min_slope: float = 0.05,
        channel: str = "",
    ) -> None:
        super().__init__()
        self.interval, self.window, self.channel = float(interval), float(window), channel
        self.core_options = {
            "tonic_window": float(tonic_window),
            "min_amplitude": float(min_amplitude),
            "min_slope": float(min_slope),
        }

    def _check_info(self, info: StreamInfo) -> None:
        super()._check_info(info)
        resolve_channel(info, self.channel, self.kind)

    def _new_state(self, info: StreamInfo, t0: float) -> _EDAState:
        column = resolve_channel(info, self.channel, self.kind)
        core = EDAAnalyzer(info.rate, **self.core_options)
        return _EDAState(info, column, core, t0 + self.interval)

    def _feed(
        self, st: _EDAState, tl: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        res: EDAOutput = st.core.process(data[:, st.column])
        first = tl.n - res.clean.size
        out: list[Output] = []
        for onset, peak, amp in res.scrs:
            t_on, t_pk = tl.time_of(onset), tl.time_of(peak)
            st.onsets.append(t_pk)  # counted once decided (at its peak)
            out.append(
                SCR(
                    timestamp=t_on,
                    peak_time=t_pk,
                    amplitude=amp,
                    rise_time=max(0.0, t_pk - t_on),
                    stream=st.info.name,
                    source=self._name,
                )
            )
        times = _times(tl, first, res.clean.size)
        while st.next_tick <= until:
            t, st.next_tick = st.next_tick, st.next_tick + self.interval
            k = int(np.searchsorted(times, t, side="right")) - 1
            if k >= 0:
                st.last = (float(res.tonic[k]), float(res.phasic[k]))
            st.onsets = [o for o in st.onsets if o > t - self.window - 60.0]
            n = sum(1 for o in st.onsets if t - self.window < o <= t)
            out.append(
                SkinConductance(
                    timestamp=t,
                    tonic=st.last[0],
                    phasic=st.last[1],
                    scr_rate=60.0 * n / self.window,
                    window=self.window,
                    stream=st.info.name,
                    source=self._name,
                )
            )
        if res.clean.size:
            st.last = (float(res.tonic[-1]), float(res.phasic[-1]))
        return out


def _times(tl: Timeline, first: int, n: int) -> npt.NDArray[np.float64]:
    return np.array([tl.time_of(first + i) for i in range(n)], dtype=np.float64)
