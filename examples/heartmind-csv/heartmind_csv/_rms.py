"""The ``signal-rms`` processor: RMS of every channel over consecutive windows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from heartmind.components import Output
from heartmind.streaming import StreamProcessor, Timeline
from heartmind.streams import StreamInfo

from .events import SignalRMS


@dataclass
class _Window:
    """The window in progress of one stream."""

    info: StreamInfo
    size: int  # samples per window
    squares: npt.NDArray[np.float64]  # sum of squares per channel so far
    count: int = 0  # samples in the window so far


class RMSProcessor(StreamProcessor[_Window]):
    """Emits one ``signal_rms`` event per ``window`` s of each input stream.

    The base class keeps one ``_Window`` per stream, skips irregular streams, restarts a
    stream after a gap and dates samples through the stream's ``Timeline``.
    """

    kind = "signal-rms"
    min_rate = 0.001

    def __init__(self, *, window: float) -> None:
        super().__init__()
        self.window = window

    def open_stream(self, info: StreamInfo, t0: float) -> _Window:
        """An empty window for a new stream (``t0``: its first timestamp, s)."""
        size = max(1, round(self.window * info.rate))
        return _Window(info, size, np.zeros(info.n_channels))

    def feed(
        self, st: _Window, timeline: Timeline, data: npt.NDArray[np.float64], until: float
    ) -> list[Output]:
        """Add the next samples; return an event for every window they complete."""
        out: list[Output] = []
        first = timeline.n - data.shape[0]  # absolute index of data[0]
        i = 0
        while i < data.shape[0]:
            take = min(st.size - st.count, data.shape[0] - i)
            st.squares += np.sum(data[i : i + take] ** 2, axis=0)
            st.count += take
            i += take
            if st.count == st.size:
                out.append(self._event(st, timeline.time_of(first + i - 1)))
                st.squares[:] = 0.0
                st.count = 0
        return out

    def _event(self, st: _Window, t: float) -> SignalRMS:
        return SignalRMS(
            timestamp=t,
            channels=st.info.channels,
            rms=tuple(np.sqrt(st.squares / st.size).tolist()),
            window=st.size / st.info.rate,
            stream=st.info.name,
        )
