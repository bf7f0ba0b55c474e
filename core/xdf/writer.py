"""Incremental, crash-safe XDF 1.0 writer (the layout LabRecorder writes).

Every chunk is encoded when it is given and handed to the operating system within
``flush_interval`` seconds or ``flush_bytes`` bytes, whichever comes first; nothing is
kept for the end except a few numbers per stream for the footers. A writer killed with
``SIGKILL`` therefore leaves a file that ``pyxdf.load_xdf`` and :func:`heartmind.xdf.read_xdf`
load up to the last flushed chunk (only the footers are missing).
"""

from __future__ import annotations

import logging
import math
import os
import socket
import struct
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt

from ..streams import StreamInfo
from ._format import (
    BOUNDARY_UUID,
    MAGIC,
    TAG_BOUNDARY,
    TAG_CLOCK_OFFSET,
    TAG_FILE_HEADER,
    TAG_SAMPLES,
    TAG_STREAM_FOOTER,
    TAG_STREAM_HEADER,
    XDF_FORMATS,
    XdfError,
    XdfGap,
    file_header_xml,
    footer_xml,
    header_xml,
    numpy_format,
    varlen,
)

__all__ = ["XdfWriter"]

logger = logging.getLogger(__name__)

_TAG = struct.Struct("<H")
_TAG_ID = struct.Struct("<HI")
_OFFSET = struct.Struct("<dd")


@dataclass(slots=True)
class _Stream:
    """What the writer keeps per stream: counters for the footer, never samples."""

    info: StreamInfo
    value_dtype: np.dtype[Any] | None
    tdiff: float
    first: float = math.nan
    last: float = math.nan
    count: int = 0
    prev: float = 0.0  # the timestamp a reader holds after the last sample (pyxdf's rule)
    offsets: list[tuple[float, float]] = field(default_factory=list)
    gaps: list[XdfGap] = field(default_factory=list)


def _chunk(tag: int, content: bytes | list[Any], stream_id: int | None = None) -> list[Any]:
    """The pieces of one chunk: length prefix, tag (+ stream id), content (bytes-likes)."""
    head = _TAG.pack(tag) if stream_id is None else _TAG_ID.pack(tag, stream_id)
    pieces = [content] if isinstance(content, bytes) else content
    size = len(head) + sum(memoryview(p).nbytes for p in pieces)
    return [varlen(size) + head, *pieces]


class XdfWriter:
    """Write an XDF 1.0 file, chunk by chunk, as LabRecorder does.

    Parameters
    ----------
    path
        File to create; it must not exist (``overwrite=True`` replaces it). Created with
        mode ``0600`` (owner read/write only): recordings are personal data.
    flush_interval
        Longest time in s an encoded chunk waits in memory before it is written to the
        file (checked on every call). ``0`` writes every chunk through at once.
    flush_bytes
        Pending bytes that trigger a write, in bytes.
    boundary_interval, boundary_bytes
        A Boundary chunk is written when this many s (wall clock) or bytes have passed
        since the last one (LabRecorder: about every 10 s). Readers resynchronise on them.
    fsync
        Also ``os.fsync`` on every flush (survives power loss, costs throughput).
    overwrite
        Replace an existing file instead of raising :class:`XdfError`.
    header
        Extra text fields for the FileHeader chunk.

    Notes
    -----
    For regular streams the timestamp of a sample is left out when it equals, bit for bit,
    the previous timestamp plus ``1 / rate`` (the reconstruction rule of the XDF readers).
    Per chunk the writer omits either all timestamps, all but the first, or none, so the
    file stays fast to read; the reader gets the exact timestamps back.

    XDF has no chunk for lost data: :meth:`add_gap` intervals are written to the stream's
    footer as ``<desc><gaps><gap>`` elements (start, end, n_lost, reason).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        flush_interval: float = 1.0,
        flush_bytes: int = 4 << 20,
        boundary_interval: float = 10.0,
        boundary_bytes: int = 64 << 20,
        fsync: bool = False,
        overwrite: bool = False,
        header: dict[str, str] | None = None,
    ) -> None:
        self.path = Path(path)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
        try:
            self._fd: int | None = os.open(self.path, flags | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            raise XdfError(
                f"{self.path} exists; choose another file name or pass overwrite=True."
            ) from None
        self.flush_interval = float(flush_interval)
        self.flush_bytes = int(flush_bytes)
        self.boundary_interval = float(boundary_interval)
        self.boundary_bytes = int(boundary_bytes)
        self.fsync = bool(fsync)
        self._streams: dict[int, _Stream] = {}
        self._pending: list[Any] = []
        self._pending_bytes = 0
        self._last_flush = time.monotonic()
        self._last_boundary = self._last_flush
        self._since_boundary = 0
        self.bytes_written = 0
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
        self._append([MAGIC, *_chunk(TAG_FILE_HEADER, file_header_xml(now, header))])
        self.flush()

    # -- streams ----------------------------------------------------------------------------

    def add_stream(
        self,
        info: StreamInfo,
        *,
        created_at: float = 0.0,
        uid: str | None = None,
        session_id: str = "default",
        hostname: str | None = None,
    ) -> int:
        """Declare a stream (at any time) and write its StreamHeader chunk.

        Parameters
        ----------
        info
            The stream; its channel labels and units go to ``desc/channels``.
        created_at
            Creation time of the stream on its clock, in s (LSL's ``created_at``).
        uid, session_id, hostname
            LSL identity fields; a random ``uid`` and this machine's name by default.

        Returns
        -------
        int
            The XDF StreamId (1, 2, …) to pass to :meth:`write_chunk`.
        """
        self._check_open()
        stream_id = len(self._streams) + 1
        dtype = None if info.dtype == "string" else numpy_format(XDF_FORMATS[info.dtype])
        self._streams[stream_id] = _Stream(info, dtype, 1.0 / info.rate if info.rate else 0.0)
        xml = header_xml(
            info,
            created_at=created_at,
            uid=uid or str(uuid.uuid4()),
            session_id=session_id,
            hostname=hostname or socket.gethostname(),
        )
        self._append(_chunk(TAG_STREAM_HEADER, xml, stream_id))
        return stream_id

    def _stream(self, stream_id: int) -> _Stream:
        self._check_open()
        try:
            return self._streams[stream_id]
        except KeyError:
            raise XdfError(
                f"{self.path}: no stream with id {stream_id}; use the id add_stream() returned "
                f"(known: {sorted(self._streams)})."
            ) from None

    # -- samples ----------------------------------------------------------------------------

    def write_chunk(self, stream_id: int, data: Any, timestamps: npt.ArrayLike) -> None:
        """Write one Samples chunk.

        Parameters
        ----------
        stream_id
            Id from :meth:`add_stream`.
        data
            ``(n_samples, n_channels)`` values (1-D for one channel); strings for string
            streams. Numeric data is cast to the stream's format. A stream with a shape
            takes ``(n_samples, n_channels, *shape)`` (or ``(n_samples, *shape)`` for one
            channel, or the flat ``(n_samples, n_values)``), stored flat.
        timestamps
            ``(n_samples,)`` float64 timestamps in s.
        """
        stream = self._stream(stream_id)
        ts = np.ascontiguousarray(timestamps, dtype=np.float64).reshape(-1)
        n = ts.shape[0]
        if n == 0:
            return
        body: bytes | list[Any]
        if stream.value_dtype is None:
            body = self._string_body(stream, data, ts)
        else:
            body = self._numeric_body(stream, data, ts)
        stream.first = float(ts[0]) if stream.count == 0 else stream.first
        stream.last = float(ts[-1])
        stream.prev = float(ts[-1])
        stream.count += n
        self._append(_chunk(TAG_SAMPLES, body, stream_id))

    def _values(self, stream: _Stream, data: Any, n: int) -> npt.NDArray[Any]:
        assert stream.value_dtype is not None
        values = np.asarray(data)
        info = stream.info
        c = info.n_values
        if values.ndim == 1 and c == 1:
            values = values.reshape(-1, 1)
        elif info.shape and values.shape[:1] == (n,) and math.prod(values.shape[1:]) == c:
            if values.shape[1:] not in (info.sample_shape, info.shape, (c,)):
                raise XdfError(
                    f"stream {info.name!r}: samples of shape {values.shape[1:]}; pass "
                    f"(n_samples, {', '.join(map(str, info.sample_shape))}) arrays."
                )
            values = values.reshape(n, c)
        if values.shape != (n, c):
            raise XdfError(
                f"stream {info.name!r}: data of shape {values.shape} for {n} timestamps "
                f"and {info.n_channels} channels; pass an (n_samples, n_channels) array."
            )
        return values

    def _deduce(self, stream: _Stream, ts: npt.NDArray[np.float64]) -> int:
        """How many leading timestamps to write: 0 (all deducible), 1 or ``len(ts)``."""
        if not stream.tdiff:
            return len(ts)
        rest = bool(np.array_equal(ts[1:], ts[:-1] + stream.tdiff))
        if not rest:
            return len(ts)
        return 0 if ts[0] == stream.prev + stream.tdiff else 1

    def _numeric_body(self, stream: _Stream, data: Any, ts: npt.NDArray[np.float64]) -> list[Any]:
        n = ts.shape[0]
        values = self._values(stream, data, n)
        assert stream.value_dtype is not None
        shape = (stream.info.n_values,)
        full = np.dtype([("b", "u1"), ("t", "<f8"), ("v", stream.value_dtype, shape)])
        written = self._deduce(stream, ts)
        if written == n:
            records = np.empty(n, dtype=full)
            records["b"] = 8
            records["t"] = ts
            records["v"] = values
            return [varlen(n), records.view(np.uint8)]
        bare = np.dtype([("b", "u1"), ("v", stream.value_dtype, shape)])
        records = np.empty(n - written, dtype=bare)
        records["b"] = 0
        records["v"] = values[written:]
        pieces: list[Any] = [varlen(n)]
        if written:
            first = np.empty(1, dtype=full)
            first["b"], first["t"], first["v"] = 8, ts[0], values[0]
            pieces.append(first.tobytes())
        pieces.append(records.view(np.uint8))
        return pieces

    def _string_body(self, stream: _Stream, data: Any, ts: npt.NDArray[np.float64]) -> bytes:
        n = ts.shape[0]
        values = np.asarray(data, dtype=object).reshape(n, -1)
        if values.shape[1] != stream.info.n_channels:
            raise XdfError(
                f"stream {stream.info.name!r}: {values.shape[1]} strings per sample for "
                f"{stream.info.n_channels} channels; pass one string per channel."
            )
        parts = [varlen(n)]
        stamps = ts.tolist()
        for row, stamp in zip(values.tolist(), stamps, strict=True):
            parts.append(b"\x08" + struct.pack("<d", stamp))
            for value in row:
                raw = str(value).encode("utf-8")
                parts.append(varlen(len(raw)))
                parts.append(raw)
        return b"".join(parts)

    # -- clock offsets, gaps ----------------------------------------------------------------

    def write_clock_offset(self, stream_id: int, collection_time: float, offset: float) -> None:
        """Write a ClockOffset chunk: at ``collection_time`` (s, recorder clock) the stream's
        clock was ``offset`` s behind the recorder's (``recorder = stream + offset``)."""
        stream = self._stream(stream_id)
        stream.offsets.append((float(collection_time), float(offset)))
        body = _OFFSET.pack(float(collection_time), float(offset))
        self._append(_chunk(TAG_CLOCK_OFFSET, body, stream_id))

    def add_gap(
        self, stream_id: int, start: float, end: float, n_lost: int, reason: str = ""
    ) -> None:
        """Record that ``n_lost`` samples between ``start`` and ``end`` (s) were lost.

        Gaps are written to the stream's footer at :meth:`close` (``desc/gaps``).
        """
        self._stream(stream_id).gaps.append(XdfGap(float(start), float(end), int(n_lost), reason))

    # -- output -----------------------------------------------------------------------------

    def _append(self, pieces: list[Any]) -> None:
        size = sum(memoryview(p).nbytes for p in pieces)
        self._pending.extend(pieces)
        self._pending_bytes += size
        self._since_boundary += size
        now = time.monotonic()
        if (
            self._since_boundary >= self.boundary_bytes
            or now - self._last_boundary >= self.boundary_interval
        ):
            self._pending.extend(_chunk(TAG_BOUNDARY, BOUNDARY_UUID))
            self._pending_bytes += 19
            self._since_boundary = 0
            self._last_boundary = now
        if self._pending_bytes >= self.flush_bytes or now - self._last_flush >= self.flush_interval:
            self.flush()

    def flush(self) -> None:
        """Write every pending chunk to the file now (and fsync if asked)."""
        if self._fd is None:
            return
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        while pending:
            done = os.writev(self._fd, pending[:512])
            self.bytes_written += done
            pending = _advance(pending, done)
        if self.fsync:
            os.fsync(self._fd)
        self._last_flush = time.monotonic()

    def close(self) -> None:
        """Write the StreamFooter chunks (first/last timestamp, sample count, clock offsets,
        gaps), flush and close the file. Calling it again does nothing."""
        if self._fd is None:
            return
        for stream_id, s in self._streams.items():
            xml = footer_xml(s.first, s.last, s.count, s.offsets, s.gaps)
            self._pending.extend(_chunk(TAG_STREAM_FOOTER, xml, stream_id))
        self.flush()
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None
        logger.info("closed %s (%d bytes)", self.path, self.bytes_written)

    def _check_open(self) -> None:
        if self._fd is None:
            raise XdfError(f"{self.path} is closed; open a new XdfWriter to write more.")

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._fd is None

    def __enter__(self) -> XdfWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _advance(pieces: list[Any], done: int) -> list[Any]:
    """Drop ``done`` written bytes from the front of ``pieces`` (after a short writev)."""
    index = 0
    while index < len(pieces) and done >= memoryview(pieces[index]).nbytes:
        done -= memoryview(pieces[index]).nbytes
        index += 1
    rest = pieces[index:]
    if rest and done:
        rest[0] = memoryview(rest[0]).cast("B")[done:]
    return rest
