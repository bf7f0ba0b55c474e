"""The ``replay`` sensor: plays a recording back as chunks, in global timestamp order."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heartmind.clock import Clock
from heartmind.components import Context, Output, Sensor
from heartmind.errors import ConfigError
from heartmind.events import Gap
from heartmind.streams import Chunk, StreamInfo

from .sources import (
    Track,
    drop_nonfinite,
    load_tracks,
    recording_start,
    select_tracks,
    track_chunks,
    window_edges,
)

__all__ = ["ReplaySensor"]

log = logging.getLogger(__name__)


class ReplaySensor(Sensor):
    """Plays an XDF, EDF, BDF or FIF recording back with its original relative timing.

    Parameters
    ----------
    path
        The recording (``.xdf``, ``.edf``, ``.bdf``, ``.fif``, ``.fif.gz``).
    select
        Names or types of the streams to play; all when empty.
    keep_timestamps
        Keep the file's timestamps exactly; otherwise they are shifted so that the
        recording's first sample is at ``context.clock.now()`` at start.
    chunk_duration
        Length in s of the windows the recording is cut into; every stream with samples in
        a window gives one chunk.
    speed
        Playback speed in a real-time session: 1 (default) is paced by the session like any
        generated source; any other value makes the sensor live and pace itself, releasing
        content second ``r`` at wall second ``r / speed``. Timestamps stay those of the 1×
        content (a 500 Hz stream keeps 2 ms steps), so processors give the same results at
        every speed. A virtual clock ignores pacing and runs as fast as the CPU allows;
        there ``speed`` must be 1 (live sensors cannot run on a virtual clock).

    Notes
    -----
    The recording start is the earliest first timestamp of the selected streams. Gaps
    listed in XDF stream footers become :class:`~heartmind.Gap` events at the gap's end
    (when the data resumes). Float samples holding NaN/inf are left out and reported as
    gaps too.
    """

    live = False

    def __init__(
        self,
        *,
        path: str | Path,
        select: Sequence[str] = (),
        keep_timestamps: bool = False,
        chunk_duration: float = 0.1,
        speed: float = 1.0,
    ) -> None:
        if not (math.isfinite(chunk_duration) and chunk_duration > 0):
            raise ConfigError(f"replay: chunk_duration = {chunk_duration}: use a positive s.")
        if not (math.isfinite(speed) and speed > 0):
            raise ConfigError(f"replay: speed = {speed}: use a positive factor (1 = real time).")
        self.path = Path(path)
        tracks = select_tracks(load_tracks(self.path), list(select))
        self.tracks = [drop_nonfinite(t) for t in tracks]
        self.keep_timestamps = bool(keep_timestamps)
        self.chunk_duration = float(chunk_duration)
        self.speed = float(speed)
        self.live = self.speed != 1.0
        self.origin = recording_start(self.tracks)
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
        """Span of the recording in s, first to last sample over the selected streams."""
        lasts = [float(t.timestamps[-1]) for t in self.tracks if t.timestamps.size]
        return max(lasts) - self.origin if lasts else 0.0

    def start(self, context: Context) -> None:
        """Shift the timestamps onto the session clock and begin at the recording start."""
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
            "replay %s: %d streams, %.3f s from %s, shift %+.6f s, speed %g",
            context.name,
            len(self.tracks),
            self.duration,
            self.path,
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
            for start, end, n_lost, reason in track.gaps:
                j = int(np.searchsorted(edges, end, side="right")) - 1
                event = Gap(
                    timestamp=end + self._shift,
                    source=source,
                    stream=track.info.name,
                    start=start + self._shift,
                    end=end + self._shift,
                    n_lost=max(0, n_lost),
                    reason=reason or "recorded gap",
                )
                out.setdefault(min(max(j, 0), last), []).append(event)
        return out


def _first(item: Output) -> float:
    return item.first_timestamp if isinstance(item, Chunk) else item.timestamp


def tracks_summary(tracks: Sequence[Track]) -> list[dict[str, object]]:
    """One row per track: name, type, rate, channels, samples, duration (s)."""
    rows: list[dict[str, object]] = []
    for t in tracks:
        n = int(t.timestamps.size)
        span = float(t.timestamps[-1] - t.timestamps[0]) if n > 1 else 0.0
        rows.append(
            {
                "name": t.info.name,
                "type": t.info.type,
                "rate": t.info.rate,
                "channels": t.info.n_channels,
                "samples": n,
                "duration": span,
                "gaps": len(t.gaps),
            }
        )
    return rows
