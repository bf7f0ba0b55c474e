"""A sensor that plays in-memory tracks as chunks, in global timestamp order.

The same windowing as the ``replay`` sensor (windows of ``chunk_duration`` s from the
recording start, every stream with samples in a window giving one chunk, timestamps shifted
per chunk: :func:`~heartmind.plugins.replay.sources.track_chunks`), for tracks already in
memory.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence

from heartmind.components import Context, Output, Sensor
from heartmind.errors import ConfigError
from heartmind.plugins.replay.sources import Track, recording_start, track_chunks, window_edges
from heartmind.streams import Chunk, StreamInfo

__all__ = ["TrackSensor"]

log = logging.getLogger(__name__)


class TrackSensor(Sensor):
    """Plays :class:`Track` objects (whole arrays) as a generated source.

    Parameters
    ----------
    tracks
        The streams to play (read-only arrays; not copied).
    chunk_duration
        Length in s of the windows the recording is cut into.

    Notes
    -----
    Timestamps are shifted so that the recording's first sample is at the session clock's
    time at start (0 s on a virtual clock), as the ``replay`` sensor does by default.
    """

    live = False

    def __init__(self, tracks: Sequence[Track], *, chunk_duration: float = 10.0) -> None:
        if not (math.isfinite(chunk_duration) and chunk_duration > 0):
            raise ConfigError(f"analyze: chunk_duration = {chunk_duration}: use a positive s.")
        self.tracks = list(tracks)
        self.chunk_duration = float(chunk_duration)
        self.origin = recording_start(self.tracks)
        self.shift = 0.0
        self._items: Iterator[Chunk] | None = None
        self._finished = False
        self._position = 0.0

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return tuple(t.info for t in self.tracks)

    @property
    def duration(self) -> float:
        """Span of the recording in s, first to last sample over all tracks."""
        lasts = [float(t.timestamps[-1]) for t in self.tracks if t.timestamps.size]
        return max(lasts) - self.origin if lasts else 0.0

    @property
    def position(self) -> float:
        """Seconds of the recording delivered so far."""
        return self._position

    @property
    def finished(self) -> bool:
        return self._finished

    def start(self, context: Context) -> None:
        """Shift the timestamps onto the session clock; begin at the recording start."""
        self.shift = context.clock.now() - self.origin
        self._items = self._generate()
        self._finished = False
        self._position = 0.0

    def read(self, timeout: float) -> Output | None:
        if self._items is None:
            raise RuntimeError("read() before start()")
        item = next(self._items, None)
        if item is None:
            self._finished = True
            return None
        self._position = max(self._position, item.last_timestamp - self.shift - self.origin)
        return item

    def stop(self) -> None:
        self._items = None

    def _generate(self) -> Iterator[Chunk]:
        edges = window_edges(self.origin, self.duration, self.chunk_duration)
        for chunks in track_chunks(self.tracks, edges, self.shift):
            chunks.sort(key=lambda c: c.first_timestamp)
            yield from chunks
