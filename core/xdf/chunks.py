"""Streaming XDF reader: :func:`iter_xdf_chunks` yields a file block by block.

The file is memory-mapped and its chunk headers are scanned once, as by
:func:`~heartmind.xdf.read_xdf`; then the file is cut into windows of ``block_bytes`` and,
window after window, the Samples chunks of each stream that start in the window are
decoded and yielded as one :class:`XdfBlock`. Pages of the file behind the window are given
back to the OS, so memory stays about one window whatever the length of the recording.

Concatenating the blocks of a stream gives exactly what ``read_xdf`` (and pyxdf without
synchronisation and dejittering) returns: timestamps left out of the file are rebuilt from
the last timestamp of the previous block.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..streams import StreamInfo
from ._format import info_from_header, parse_xml
from ._scan import Scan, scan_chunks
from .reader import Pages, decode_samples, open_file, wanted

__all__ = ["BLOCK_BYTES", "XdfBlock", "iter_xdf_chunks"]

#: Default window of :func:`iter_xdf_chunks`, in bytes of the file.
BLOCK_BYTES = 16 << 20


@dataclass(frozen=True, eq=False)
class XdfBlock:
    """Consecutive samples of one stream, from one window of the file.

    Attributes
    ----------
    stream_id
        The XDF StreamId.
    info
        The stream, as :attr:`XdfStream.info <heartmind.xdf.XdfStream.info>` (one object
        shared by all blocks of the stream).
    time_series
        ``(n_samples, n_channels)`` values in the stream's format (object array of ``str``
        for string streams); a new array, not a view of the file.
    time_stamps
        ``(n_samples,)`` float64 timestamps in s, as recorded (no synchronisation).
    """

    stream_id: int
    info: StreamInfo
    time_series: npt.NDArray[Any]
    time_stamps: npt.NDArray[np.float64]

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.time_stamps.shape[0])


class _Cursor:
    """Where one stream's decoding stands: next chunk and the last timestamp (s)."""

    def __init__(self, scan: Scan, sid: int, name: str) -> None:
        self.sid = sid
        self.where = f"{name}, stream {sid}"
        self.root = parse_xml(scan.headers[sid], f"{self.where} header")
        self.info = info_from_header(self.root, sid)
        self.ranges = np.array(scan.samples.get(sid, []), dtype=np.int64).reshape(-1, 2)
        self.next = 0
        self.prev = 0.0

    def take(self, buf: npt.NDArray[np.uint8], end: int, recover: bool) -> XdfBlock | None:
        """Decode the chunks starting before byte ``end`` not yet decoded."""
        stop = int(np.searchsorted(self.ranges[:, 0], end, side="left"))
        if stop <= self.next:
            return None
        todo = self.ranges[self.next : stop]
        self.next = stop
        data, stamps = decode_samples(
            buf, todo, self.root, self.info, self.where, recover, prev=self.prev
        )
        if stamps.shape[0] == 0:
            return None
        self.prev = float(stamps[-1])
        return XdfBlock(self.sid, self.info, data, stamps)


def iter_xdf_chunks(
    path: str | os.PathLike[str],
    *,
    streams: Iterable[int | str] | None = None,
    block_bytes: int = BLOCK_BYTES,
    recover: bool = False,
) -> Iterator[XdfBlock]:
    """Read an XDF file block by block, with memory bounded by the block size.

    Parameters
    ----------
    path
        The ``.xdf`` file.
    streams
        Stream ids or names to read; all by default.
    block_bytes
        Size in bytes of the file windows: each block holds a stream's samples whose
        chunks start in one window. A recorder writes streams interleaved in time, so a
        window of a file of ``S`` bytes recorded over ``T`` s spans about
        ``block_bytes * T / S`` s for every stream (16 MiB: 1.4 h of one ECG channel at
        250 Hz with all timestamps).
    recover
        Skip damaged chunks instead of raising :class:`~heartmind.xdf.XdfError`.

    Yields
    ------
    XdfBlock
        Window by window, then in the order the streams' headers appear in the file; a
        stream with no samples in a window yields nothing for it.

    Raises
    ------
    XdfError
        As :func:`~heartmind.xdf.read_xdf`; a damaged chunk raises when its window is
        reached, after the blocks before it were yielded.
    """
    if block_bytes <= 0:
        raise ValueError(f"block_bytes = {block_bytes}: use a positive number of bytes.")
    path = Path(path)
    raw, closer = open_file(path)
    try:
        pages = Pages(closer)
        scan = scan_chunks(raw, str(path), recover=recover, release=pages.drop_scanned)
        cursors = [_Cursor(scan, sid, str(path)) for sid in wanted(scan, streams)]
        pages.drop_all()
        yield from _windows(
            np.frombuffer(raw, dtype=np.uint8), cursors, block_bytes, pages, recover
        )
    finally:
        if closer is not None:
            with contextlib.suppress(BufferError):  # a view held by a traceback; GC closes it
                closer.close()


def _windows(
    buf: npt.NDArray[np.uint8],
    cursors: list[_Cursor],
    block_bytes: int,
    pages: Pages,
    recover: bool,
) -> Iterator[XdfBlock]:
    size = buf.shape[0]
    for end in range(block_bytes, size + block_bytes, block_bytes):
        for cursor in cursors:
            block = cursor.take(buf, end, recover)
            if block is not None:
                yield block
        pages.drop_before(end)  # every chunk starting before ``end`` is decoded
