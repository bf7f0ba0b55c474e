"""The ``radar-vitals`` processor: CW radar I/Q in; heartbeats, rates and quality out."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from heartmind.components import Output
from heartmind.errors import ConfigError
from heartmind.events import SignalQuality
from heartmind.plugins.physio.api import BreathRateEvents
from heartmind.streaming import BeatEvents, StreamProcessor, Timeline, channel_indices
from heartmind.streams import StreamInfo

from ._vital_signs import RadarOutput, RadarVitals

__all__ = ["RadarVitalsProcessor"]

log = logging.getLogger(__name__)


@dataclass
class _State:
    info: StreamInfo
    columns: tuple[int, int]
    core: RadarVitals
    beats: BeatEvents
    breaths: BreathRateEvents


class RadarVitalsProcessor(StreamProcessor[_State]):
    """Heart rate, beats, breathing rate and signal quality from CW radar I/Q streams.

    Parameters
    ----------
    carrier_ghz
        Carrier frequency in GHz; 0 takes it from the stream's ``meta["carrier_ghz"]``
        (the simulator sets it), falling back to 24 GHz with a warning.
    method
        I/Q correction: ``"ellipse"``, ``"circle"`` or ``"none"``.
    calibration
        Seconds of I/Q the correction is fitted on before any output, in s.
    hr_interval, hr_window
        ``HeartRate`` schedule and trailing window, in s.
    breath_interval, breath_window
        ``RespirationRate`` schedule and trailing window, in s.
    quality_interval, quality_window
        ``SignalQuality`` schedule and window, in s.
    channels
        Labels of the I and Q channels; default: the first two channels.

    Notes
    -----
    The heart rate is ``60 / median`` beat interval in the window (robust to a mislocated
    beat). ``HeartBeat`` events carry the radar stream's name in ``stream`` and are decided about
    0.25 s after the beat; ``usable`` is False while the last quality was below 0.3.
    """

    kind = "radar-vitals"
    min_rate = 20.0

    def __init__(
        self,
        *,
        carrier_ghz: float = 0.0,
        method: str = "ellipse",
        calibration: float = 10.0,
        hr_interval: float = 1.0,
        hr_window: float = 10.0,
        breath_interval: float = 5.0,
        breath_window: float = 30.0,
        quality_interval: float = 5.0,
        quality_window: float = 10.0,
        channels: tuple[str, ...] | list[str] = (),
    ) -> None:
        super().__init__()
        if len(channels) not in (0, 2):
            raise ConfigError(f"radar-vitals: 'channels' must name I and Q, got {channels!r}.")
        self.carrier_ghz = float(carrier_ghz)
        self.method = method
        self.calibration = float(calibration)
        self.hr = (float(hr_interval), float(hr_window))
        self.breath = (float(breath_interval), float(breath_window))
        self.quality = (float(quality_interval), float(quality_window))
        self.channels = tuple(channels)
        RadarVitals(100.0, method=method)  # validates the method early

    def check_stream(self, info: StreamInfo) -> None:
        """At least 20 Hz, with the I and Q channels asked for (or two channels)."""
        super().check_stream(info)
        self._columns(info)

    def _columns(self, info: StreamInfo) -> tuple[int, int]:
        if not self.channels:
            if info.n_channels < 2:
                raise ConfigError(
                    f"radar-vitals: stream {info.name!r} has {info.n_channels} channel; CW "
                    "radar needs two (I and Q)."
                )
            return 0, 1
        i, q = channel_indices(info, self.channels, self.kind)
        return i, q

    def _carrier(self, info: StreamInfo) -> float:
        if self.carrier_ghz > 0:
            return self.carrier_ghz
        meta = info.meta.get("carrier_ghz")
        if isinstance(meta, int | float) and math.isfinite(meta) and meta > 0:
            return float(meta)
        log.warning(
            "%s: stream %r gives no carrier_ghz in its meta; assuming 24 GHz (set the option "
            "carrier_ghz)",
            self.name,
            info.name,
        )
        return 24.0

    def open_stream(self, info: StreamInfo, t0: float) -> _State:
        """Demodulator, beat events and breath rates of a new radar stream."""
        core = RadarVitals(
            info.rate,
            carrier_ghz=self._carrier(info),
            calibration=self.calibration,
            method=self.method,
            quality_interval=self.quality[0],
            quality_window=self.quality[1],
        )
        beats = BeatEvents(info.name, self.name, t0, hr_interval=self.hr[0], hr_window=self.hr[1])
        breaths = BreathRateEvents(
            info.name, self.name, t0, interval=self.breath[0], window=self.breath[1]
        )
        return _State(info, self._columns(info), core, beats, breaths)

    def feed(
        self, st: _State, tl: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        """Demodulate the next I/Q samples; return beats, rates and quality."""
        return self._events(st, tl, st.core.process(data[:, list(st.columns)]), until)

    def close_stream(self, st: _State, tl: Timeline) -> list[Output]:
        """Decide what is pending (also fits the I/Q correction on a short recording)."""
        return self._events(st, tl, st.core.flush(), tl.last)

    def _events(self, st: _State, tl: Timeline, res: RadarOutput, until: float) -> list[Output]:
        out: list[Output] = []
        for end, q, snr, _bpm in res.quality:
            out.append(self._quality_event(st, tl.time_of(end), q, snr))
        beats = [(tl.time_of(i), tl.time_of(d)) for i, d in res.beats]
        usable = not out or bool(getattr(out[-1], "usable", True))
        out.extend(st.beats.emit(beats, until, usable=usable))
        out.extend(st.breaths.emit([tl.time_of(i) for i, _ in res.breaths], until))
        return out

    def _quality_event(self, st: _State, t: float, q: float, snr: float) -> SignalQuality:
        return SignalQuality(
            timestamp=t,
            stream=st.info.name,
            source=self.name,
            window=self.quality[1],
            quality=q,
            usable=q >= 0.3,
            snr_db=snr,
        )
