"""The sensor that plays tracks back: :class:`RecordingSensor` (``replay`` and ``analyze``)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..clock import Clock
from ..components import Context, Output, Sensor
from ..errors import ConfigError
from ..events import Gap
from ..streams import Chunk, StreamInfo
from ._recording import Track, first_timestamp
from ._windows import track_chunks, window_edges

__all__ = ["RecordingSensor", "tracks_summary"]

log = logging.getLogger(__name__)


class RecordingSensor(Sensor):
    """Plays tracks (e.g. a :class:`~heartmind.io.Recording`'s) with their original relative
    timing, as chunks in global timestamp order.

    Parameters
    ----------
    tracks
        The streams to play (read-only arrays, not copied). Float samples must be finite
        (open recordings with ``nan_gaps=True``, the default).
    keep_timestamps
        Keep the tracks' timestamps exactly; otherwise they are shifted so that the first
        sample is at ``context.clock.now()`` at start.
    chunk_duration
        Length in s of the windows the tracks are cut into; every stream with samples in a
        window gives one chunk.
    speed
        Playback speed in a real-time session: 1 (default) is paced by the session like any
        generated source; any other value makes the sensor live and pace itself, releasing
        content second ``r`` at wall second ``r / speed``. Timestamps stay those of the 1×
        content, so processors give the same results at every speed. A virtual clock runs
        as fast as the CPU allows; there ``speed`` must be 1.
    path
        Where the tracks came from (for messages and ``heartmind replay``'s listing).
    who
        The component named in error messages (``"replay"``, ``"analyze"``).

    Notes
    -----
    The start is the earliest first timestamp of the tracks. Their gaps become
    :class:`~heartmind.Gap` events at the gap's end (when the data resumes).
    """

    live = False

    def __init__(
        self,
        tracks: Sequence[Track],
        *,
        keep_timestamps: bool = False,
        chunk_duration: float = 0.1,
        speed: float = 1.0,
        path: str | Path | None = None,
        who: str = "replay",
    ) -> None:
        if not (math.isfinite(chunk_duration) and chunk_duration > 0):
            raise ConfigError(f"{who}: chunk_duration = {chunk_duration}: use a positive s.")
        if not (math.isfinite(speed) and speed > 0):
            raise ConfigError(f"{who}: speed = {speed}: use a positive factor (1 = real time).")
        self.tracks = list(tracks)
        self.path = Path(path) if path is not None else None
        self.keep_timestamps = bool(keep_timestamps)
        self.chunk_duration = float(chunk_duration)
        self.speed = float(speed)
        self.live = self.speed != 1.0
        self.origin = first_timestamp(self.tracks)
        self._items: Iterator[Output] | None = None
        self._pending: Output | None = None
        self._finished = False
        self._clock: Clock | None = None
        self._wall0 = 0.0
        self._shift = 0.0
        self._position = 0.0

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return tuple(t.info for t in self.tracks)

    @property
    def duration(self) -> float:
        """Span of the tracks in s, first to last sample."""
        lasts = [float(t.timestamps[-1]) for t in self.tracks if t.timestamps.size]
        return max(lasts) - self.origin if lasts else 0.0

    @property
    def shift(self) -> float:
        """Seconds added to the tracks' timestamps (set at start)."""
        return self._shift

    def start(self, context: Context) -> None:
        """Shift the timestamps onto the session clock and begin at the first sample."""
        now = context.clock.now()
        self._clock = context.clock
        self._wall0 = now
        self._shift = 0.0 if self.keep_timestamps else now - self.origin
        if self.keep_timestamps and not context.clock.virtual and not self.live:
            # The file's own timestamps are not on this clock: the session cannot pace
            # them, so the sensor paces itself (the runtime reads `live` after start).
            self.live = True
        self._items = self._generate(context.name)
        self._pending = None
        self._finished = False
        self._position = 0.0
        log.info(
            "playing %s: %d streams, %.3f s from %s, shift %+.6f s, speed %g",
            context.name,
            len(self.tracks),
            self.duration,
            self.path or "memory",
            self._shift,
            self.speed,
        )

    def read(self, timeout: float) -> Output | None:
        if self._items is None:
            raise RuntimeError("read() before start()")
        if self._pending is None:
            self._pending = next(self._items, None)
            if self._pending is None:
                self._finished = True
                return None
        if self.live:
            delay = self._due(self._pending) - self._now()
            if delay > timeout:
                time.sleep(max(timeout, 0.0))
                return None
            if delay > 0:
                time.sleep(delay)
        item, self._pending = self._pending, None
        self._position = max(self._position, self._content_time(item))
        return item

    @property
    def position(self) -> float:
        """Seconds of the recording delivered so far (content time of the latest item)."""
        return self._position

    @property
    def finished(self) -> bool:
        return self._finished

    def stop(self) -> None:
        self._items = None
        self._pending = None

    # ------------------------------------------------------------------ internals

    def _now(self) -> float:
        assert self._clock is not None
        return self._clock.now()

    def _due(self, item: Output) -> float:
        """Session-clock time at which a self-paced item is released."""
        return self._wall0 + self._content_time(item) / self.speed

    def _content_time(self, item: Output) -> float:
        """Seconds into the recording of an item's last sample."""
        last = item.last_timestamp if isinstance(item, Chunk) else item.timestamp
        return last - self._shift - self.origin

    def _generate(self, source: str) -> Iterator[Output]:
        """Chunks (and gap events) window by window, each window sorted by timestamp."""
        edges = window_edges(self.origin, self.duration, self.chunk_duration)
        gaps = self._gaps(source, edges)
        for j, chunks in enumerate(track_chunks(self.tracks, edges, self._shift)):
            out: list[Output] = [*gaps.get(j, ()), *chunks]
            out.sort(key=_first)
            yield from out

    def _gaps(self, source: str, edges: npt.NDArray[np.float64]) -> dict[int, list[Output]]:
        """Gap events of every track, keyed by the window that holds the gap's end."""
        out: dict[int, list[Output]] = {}
        last = len(edges) - 2
        for track in self.tracks:
            for gap in track.gaps:
                j = int(np.searchsorted(edges, gap.end, side="right")) - 1
                event = Gap(
                    timestamp=gap.end + self._shift,
                    source=source,
                    stream=track.info.name,
                    start=gap.start + self._shift,
                    end=gap.end + self._shift,
                    n_lost=max(0, gap.n_lost),
                    reason=gap.reason or "recorded gap",
                )
                out.setdefault(min(max(j, 0), last), []).append(event)
        return out


def _first(item: Output) -> float:
    return item.first_timestamp if isinstance(item, Chunk) else item.timestamp


def tracks_summary(tracks: Sequence[Track]) -> list[dict[str, object]]:
    """One row per track: name, type, rate (Hz), channels, shape, samples, duration (s),
    number of gaps."""
    return [
        {
            "name": t.info.name,
            "type": t.info.type,
            "rate": t.info.rate,
            "channels": t.info.n_channels,
            "shape": t.info.shape,
            "samples": t.n_samples,
            "duration": t.duration,
            "gaps": len(t.gaps),
        }
        for t in tracks
    ]
