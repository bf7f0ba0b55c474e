"""The physio plugin's three processors: ``ppg-rate``, ``respiration`` and ``eda``.

Each builds on :class:`heartmind.streaming.StreamProcessor` (one state per stream, gap
reset, timelines) and runs the same streaming core as its offline function.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from heartmind.components import Output
from heartmind.plugins.cardiac.api import hrv_time
from heartmind.streaming import BeatEvents, StreamProcessor, Ticks, Timeline
from heartmind.streams import StreamInfo

from ._breath_rate import BreathRateEvents
from ._eda import EDAAnalyzer, EDAOutput
from ._ppg import PPGDetector
from ._rsp import BreathDetector
from .events import SCR, SkinConductance

__all__ = ["EDAProcessor", "PPGProcessor", "RespirationProcessor", "prv_time_domain"]

log = logging.getLogger(__name__)


def prv_time_domain(intervals: Sequence[float]) -> dict[str, float]:
    """Time-domain pulse-rate variability, computed as the cardiac plugin's HRV.

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
    v = hrv_time(nn)
    return {
        "mean_nn": v["HRV_MeanNN"],
        "sdnn": v["HRV_SDNN"],
        "rmssd": v["HRV_RMSSD"],
        "pnn50": v["HRV_pNN50"],
    }


@dataclass
class _PPGState:
    column: int
    detector: PPGDetector
    beats: BeatEvents


class PPGProcessor(StreamProcessor[_PPGState]):
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

    def open_stream(self, info: StreamInfo, t0: float) -> _PPGState:
        """Pulse detector and beat events of a new PPG stream."""
        sc = self.schedule
        beats = BeatEvents(
            info.name,
            self.name,
            t0,
            hr_interval=sc["hr_interval"],
            hr_window=sc["hr_window"],
            hrv_interval=sc["hrv_interval"],
            hrv_window=sc["hrv_window"],
            variability=prv_time_domain,
        )
        return _PPGState(self.column(info), PPGDetector(info.rate), beats)

    def feed(
        self, st: _PPGState, tl: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        """Detect pulses in the next samples; return beat and rate events."""
        return self._emit(st, tl, st.detector.process(data[:, st.column]), until)

    def close_stream(self, st: _PPGState, tl: Timeline) -> list[Output]:
        """Decide the pulses still pending."""
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
    column: int
    detector: BreathDetector
    rates: BreathRateEvents


class RespirationProcessor(StreamProcessor[_RSPState]):
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

    def open_stream(self, info: StreamInfo, t0: float) -> _RSPState:
        """Breath detector and rate grid of a new respiration stream."""
        column = self.column(info)
        rates = BreathRateEvents(
            info.name, self.name, t0, interval=self.interval, window=self.window
        )
        return _RSPState(column, BreathDetector(info.rate), rates)

    def feed(
        self, st: _RSPState, tl: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        """Detect breaths in the next samples; return the rates of the grid passed."""
        times, depths = st.detector.process(data[:, st.column])
        breaths = [tl.time_of(i) for i in times.tolist()]
        return list(st.rates.emit(breaths, until, depths.tolist()))


@dataclass
class _EDAState:
    info: StreamInfo
    column: int
    core: EDAAnalyzer
    ticks: Ticks
    onsets: list[float] = field(default_factory=list)
    last: tuple[float, float] = (0.0, 0.0)  # latest (tonic, phasic), µS


class EDAProcessor(StreamProcessor[_EDAState]):
    """Tonic level, phasic level, SCRs and SCR rate from EDA streams (µS).

    Parameters
    ----------
    interval
        Seconds between ``SkinConductance`` events.
    window
        Trailing window of the SCR rate, in s.
    tonic_window, min_amplitude, min_slope
        See :class:`~heartmind.plugins.physio.api.EDAAnalyzer` (s, µS, µS/s).
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

    def open_stream(self, info: StreamInfo, t0: float) -> _EDAState:
        """Tonic/phasic analyser and report grid of a new EDA stream."""
        column = self.column(info)
        core = EDAAnalyzer(info.rate, **self.core_options)
        return _EDAState(info, column, core, Ticks(t0 + self.interval, self.interval))

    def feed(
        self, st: _EDAState, tl: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        """Analyse the next samples; return SCRs and the levels of the grid passed."""
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
                    source=self.name,
                )
            )
        times = tl.times(first, res.clean.size)
        for t in st.ticks.due(until):
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
                    source=self.name,
                )
            )
        if res.clean.size:
            st.last = (float(res.tonic[-1]), float(res.phasic[-1]))
        return out
