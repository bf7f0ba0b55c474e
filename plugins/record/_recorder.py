"""The ``xdf-recorder`` consumer: every stream and event of a session into one XDF file.

It writes what LabRecorder writes (see ``docs/plugins/record.md``): each stream is added to
the file when its first chunk arrives, samples keep the sender's **raw** timestamps
(``chunk.timestamps - chunk.clock_offset``) and the offsets go to ``ClockOffset`` chunks,
so ``pyxdf.load_xdf(..., synchronize_clocks=True)`` puts them on the recorder's clock.
``Gap`` events go to the footer of their stream (XDF has no chunk for lost data) and,
with every other event, to a string marker stream ``heartmind-events`` (one JSON object
per sample). Encoded chunks reach the file within ``flush_interval`` s, so a recorder that
is killed loses at most that much. Streams whose samples have a shape (images, radar
cubes) are written flat, with the shape in the stream header (``desc/heartmind/payload``);
``heartmind.io`` and the ``replay`` sensor give the shape back.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from heartmind import __version__
from heartmind.components import Consumer, Context
from heartmind.errors import ConfigError
from heartmind.events import Event, Gap
from heartmind.streams import Chunk, StreamInfo
from heartmind.xdf import XdfError, XdfWriter

__all__ = ["EVENTS_STREAM", "StreamRecord", "XdfRecorder"]

log = logging.getLogger(__name__)

#: Name of the marker stream that holds the session's events (one JSON object per sample).
EVENTS_STREAM = "heartmind-events"
#: Seconds of sample time between two ClockOffset chunks of a stream (as LabRecorder).
OFFSET_INTERVAL = 5.0
#: The events stream (built once: the recorder writes one sample per event).
_EVENTS_INFO = StreamInfo(
    EVENTS_STREAM,
    "Markers",
    ("event",),
    "",
    0.0,
    "string",
    source_id=f"heartmind:{EVENTS_STREAM}",
    meta={"content": "one heartmind event as JSON per sample"},
)


@dataclass
class StreamRecord:
    """What the recorder tracks per stream (for ``ClockOffset`` chunks and progress)."""

    stream_id: int
    info: StreamInfo
    offset: float = math.nan
    next_offset: float = -math.inf
    samples: int = 0
    chunks: int = 0
    gaps: int = 0
    first: float = math.nan
    last: float = math.nan


class XdfRecorder(Consumer):
    """Record every chunk and event the consumer receives into an XDF 1.0 file.

    Parameters
    ----------
    path
        The ``.xdf`` file to create (mode 0600). Parent folders are created.
    overwrite
        Replace an existing file instead of failing.
    record_events
        Also record the session's events as the string stream ``heartmind-events``.
    flush_interval
        Longest time in s that recorded data waits in memory before it is handed to the
        operating system (also when no data arrives); at most this is lost if the process
        is killed.
    fsync
        Also fsync on every flush (survives power loss; costs throughput).
    offset_interval
        Sample time in s between two ClockOffset chunks of one stream (LabRecorder: 5 s);
        an offset is also written whenever it changes.
    """

    def __init__(
        self,
        *,
        path: str,
        overwrite: bool = False,
        record_events: bool = True,
        flush_interval: float = 0.5,
        fsync: bool = False,
        offset_interval: float = OFFSET_INTERVAL,
    ) -> None:
        if not path:
            raise ConfigError("xdf-recorder: option 'path' is empty; give the .xdf file to write.")
        self.path = Path(path).expanduser()
        self.overwrite = overwrite
        self.record_events = record_events
        self.flush_interval = float(flush_interval)
        self.fsync = fsync
        self.offset_interval = float(offset_interval)
        self.streams: dict[tuple[str, str, tuple[int, ...]], StreamRecord] = {}
        self._by_name: dict[str, StreamRecord] = {}
        self._writer: XdfWriter | None = None
        self._virtual = True
        self._clock: Any = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None
        self.events_written = 0
        self.gaps_written = 0

    # ------------------------------------------------------------------ lifecycle

    def start(self, context: Context) -> None:
        """Create the file and start the idle flusher."""
        self._clock = context.clock
        self._virtual = bool(getattr(context.clock, "virtual", False))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "recorder": f"heartmind {__version__} xdf-recorder",
            "clock": "virtual" if self._virtual else "lsl",
            "utc_offset": repr(float(context.clock.utc_offset)),
        }
        try:
            self._writer = XdfWriter(
                self.path,
                flush_interval=self.flush_interval,
                fsync=self.fsync,
                overwrite=self.overwrite,
                header=header,
            )
        except XdfError as exc:
            raise ConfigError(f"xdf-recorder {context.name!r}: {exc}") from None
        except OSError as exc:
            raise ConfigError(
                f"xdf-recorder {context.name!r}: cannot create {self.path}: {exc.strerror}; "
                "check the folder exists and is writable."
            ) from None
        log.info("recording to %s", self.path)
        self._flusher = threading.Thread(target=self._flush_loop, name="hm-xdf-flush", daemon=True)
        self._flusher.start()

    def stop(self) -> None:
        """Write the footers (counts, offsets, gaps) and close the file."""
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join(5.0)
        with self._lock:
            writer, self._writer = self._writer, None
            if writer is not None:
                writer.close()
                log.info(
                    "recorded %d streams, %d samples to %s",
                    len(self.streams),
                    sum(r.samples for r in self.streams.values()),
                    self.path,
                )

    def _flush_loop(self) -> None:
        period = max(0.01, self.flush_interval / 2) if self.flush_interval else 0.05
        while not self._stop.wait(period):
            with self._lock:
                if self._writer is not None:
                    try:
                        self._writer.flush()
                    except OSError as exc:
                        log.error("flushing %s failed: %s", self.path, exc)

    # ------------------------------------------------------------------ data

    def _now(self, chunk_time: float) -> float:
        """The recorder's clock in s: real time, or the chunk's own time on a virtual clock."""
        if self._virtual or self._clock is None:
            return chunk_time
        return float(self._clock.now())

    def _record(self, info: StreamInfo) -> StreamRecord:
        key = (info.name, info.dtype, info.sample_shape)
        rec = self.streams.get(key)
        if rec is not None:
            return rec
        assert self._writer is not None
        if info.name in self._by_name:
            log.warning(
                "stream %r changed its layout (%s x %s); recorded as another XDF stream",
                info.name,
                info.dtype,
                info.sample_shape,
            )
        meta = info.meta
        stream_id = self._writer.add_stream(
            info,
            created_at=float(meta.get("created_at", 0.0) or 0.0),
            uid=str(meta["uid"]) if meta.get("uid") else None,
            session_id=str(meta.get("session_id") or "default"),
            hostname=str(meta["hostname"]) if meta.get("hostname") else None,
        )
        rec = StreamRecord(stream_id, info)
        self.streams[key] = rec
        self._by_name[info.name] = rec
        log.info("recording stream %r (XDF stream %d)", info.name, stream_id)
        return rec

    def _write_offset(self, rec: StreamRecord, offset: float, now: float) -> None:
        if offset != rec.offset or now >= rec.next_offset:
            assert self._writer is not None
            # LabRecorder's convention: (time in the sender's clock, offset to ours).
            self._writer.write_clock_offset(rec.stream_id, now - offset, offset)
            rec.offset = offset
            rec.next_offset = now + self.offset_interval

    def on_chunk(self, chunk: Chunk) -> None:
        """Write one chunk (raw timestamps), preceded by a ClockOffset when one is due."""
        if len(chunk) == 0:
            return
        with self._lock:
            if self._writer is None:
                return
            rec = self._record(chunk.info)
            offset = float(chunk.clock_offset)
            self._write_offset(rec, offset, self._now(chunk.last_timestamp))
            raw = chunk.timestamps - offset if offset else chunk.timestamps
            self._writer.write_chunk(rec.stream_id, chunk.data, raw)
            if rec.samples == 0:
                rec.first = float(raw[0])
            rec.samples += len(chunk)
            rec.chunks += 1
            rec.last = float(raw[-1])

    def on_event(self, event: Event) -> None:
        """Gaps to their stream's footer; every event to ``heartmind-events``."""
        with self._lock:
            if self._writer is None:
                return
            if isinstance(event, Gap):
                self._add_gap(event)
            if self.record_events:
                self._write_event(event)

    def _add_gap(self, gap: Gap) -> None:
        rec = self._by_name.get(gap.stream)
        if rec is None:
            log.warning("gap in stream %r, which is not recorded; kept in events only", gap.stream)
            return
        assert self._writer is not None
        offset = 0.0 if math.isnan(rec.offset) else rec.offset
        # Footers hold the stream's own (raw) times, like its samples.
        self._writer.add_gap(
            rec.stream_id, gap.start - offset, gap.end - offset, gap.n_lost, gap.reason
        )
        rec.gaps += 1
        self.gaps_written += 1

    def _write_event(self, event: Event) -> None:
        rec = self._record(_EVENTS_INFO)
        self._write_offset(rec, 0.0, self._now(event.timestamp))
        ts = np.array([event.timestamp], dtype=np.float64)
        assert self._writer is not None
        self._writer.write_chunk(rec.stream_id, [[event.to_json()]], ts)
        rec.samples += 1
        rec.last = event.timestamp
        if rec.samples == 1:
            rec.first = event.timestamp
        self.events_written += 1

    # ------------------------------------------------------------------ reporting

    def progress(self) -> dict[str, dict[str, Any]]:
        """Per recorded stream: samples, chunks, gaps, first/last raw timestamp (s)."""
        with self._lock:
            return {
                rec.info.name: {
                    "stream_id": rec.stream_id,
                    "type": rec.info.type,
                    "channels": rec.info.n_channels,
                    "rate": rec.info.rate,
                    "samples": rec.samples,
                    "chunks": rec.chunks,
                    "gaps": rec.gaps,
                    "first": rec.first,
                    "last": rec.last,
                }
                for rec in self.streams.values()
            }

    @property
    def bytes_written(self) -> int:
        """Bytes handed to the operating system so far."""
        writer = self._writer
        return writer.bytes_written if writer is not None else 0
