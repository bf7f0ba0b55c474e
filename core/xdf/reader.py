"""Vectorised XDF 1.0 reader: :func:`read_xdf` and the :class:`XdfStream` it returns.

The file is memory-mapped and its chunk headers are walked once (:mod:`._scan`); each
numeric stream's output arrays are then allocated once (its sample count is known from
the chunk headers) and filled with numpy (:mod:`._decode`) window by window of the file,
in batches, so temporaries stay small, and the pages of each decoded window are given back
to the OS (:class:`Pages`): the peak memory is about the returned arrays. Without
``synchronize_clocks`` and ``dejitter`` the samples and timestamps are bit-identical to
``pyxdf.load_xdf(path, synchronize_clocks=False, dejitter_timestamps=False)``.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..streams import StreamInfo
from ._decode import ChunkDamage, NumericFill, decode_numeric, decode_strings
from ._format import (
    XdfError,
    XdfGap,
    info_from_header,
    numpy_format,
    parse_footer,
    parse_xml,
    xml_to_dict,
)
from ._scan import Scan, scan_chunks
from ._sync import dejitter as _dejitter
from ._sync import synchronize as _synchronize

__all__ = ["Pages", "XdfStream", "decode_samples", "open_file", "read_xdf", "wanted"]

logger = logging.getLogger(__name__)

#: Bytes of the file :func:`read_xdf` decodes at a time (all streams) before giving the
#: window's memory-mapped pages back.
WINDOW_BYTES = 8 << 20


@dataclass(eq=False)
class XdfStream:
    """One stream of an XDF file.

    Attributes
    ----------
    stream_id
        The XDF StreamId.
    info
        heartmind description rebuilt from the header (labels and units from
        ``desc/channels``; ``meta`` from ``desc/heartmind/meta`` when heartmind wrote it;
        ``shape``, ``axes``, ``spacing``, ``color_space`` and an unsigned ``dtype`` from
        ``desc/heartmind/payload``).
    time_series
        ``(n_samples, channel_count)`` values in the file's format, as pyxdf returns them;
        an object array of ``str`` for string streams. For a stream with a shape or an
        unsigned dtype these are the flat stored values: :meth:`shaped_series` gives
        them back as heartmind samples.
    time_stamps
        ``(n_samples,)`` float64 timestamps in s.
    clock_times, clock_values
        ClockOffset measurements: collection time and offset, in s.
    header_xml, footer_xml
        Raw XML text of the StreamHeader and StreamFooter (``None`` if the file has no
        footer, e.g. after a crash).
    header, footer
        The same as nested dicts (``{}`` for a missing footer).
    gaps
        Lost intervals listed in the footer's ``desc/gaps``.
    effective_srate
        Measured rate in Hz of a regular stream (0 for irregular or too short streams).
    """

    stream_id: int
    info: StreamInfo
    time_series: npt.NDArray[Any]
    time_stamps: npt.NDArray[np.float64]
    clock_times: npt.NDArray[np.float64]
    clock_values: npt.NDArray[np.float64]
    header_xml: str
    footer_xml: str | None = None
    header: dict[str, Any] = field(default_factory=dict)
    footer: dict[str, Any] = field(default_factory=dict)
    gaps: list[XdfGap] = field(default_factory=list)
    effective_srate: float = 0.0

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.time_stamps.shape[0])

    @property
    def channel_format(self) -> str:
        """The XDF ``channel_format`` of the header (``double64``, ``string``, …)."""
        return str(self.header.get("channel_format", ""))

    def shaped_series(self) -> npt.NDArray[Any]:
        """The samples as heartmind holds them: ``(n_samples, n_channels, *info.shape)`` in
        ``info.dtype`` for a stream with a shape (a view of :attr:`time_series`, a copy
        when an unsigned dtype is restored), else :attr:`time_series` itself."""
        info = self.info
        data = self.time_series
        if info.shape:
            data = data.reshape(data.shape[0], *info.sample_shape)
        if info.dtype != "string" and data.dtype != info.numpy_dtype():
            data = data.astype(info.numpy_dtype())
        return data


def open_file(path: Path) -> tuple[Any, Any]:
    """(buffer, closer) for the file: a read-only mmap, or bytes for tiny files."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise XdfError(f"{path} does not exist; check the path.") from None
    except IsADirectoryError:
        raise XdfError(f"{path} is a directory, not an XDF file.") from None
    try:
        size = os.fstat(fd).st_size
        if size < 4096:
            with os.fdopen(os.dup(fd), "rb") as f:
                return f.read(), None
        mapped = mmap.mmap(fd, size, access=mmap.ACCESS_READ)
        return mapped, mapped
    finally:
        os.close(fd)


def wanted(scan: Scan, streams: Iterable[int | str] | None) -> list[int]:
    ids = list(scan.headers)
    if streams is None:
        return ids
    names: dict[str | None, int] = {}
    for sid in ids:
        root = parse_xml(scan.headers[sid], f"stream header {sid}")
        names[root.findtext("name")] = sid
    chosen: list[int] = []
    for key in streams:
        found = key if isinstance(key, int) else names.get(key)
        if found is None or found not in scan.headers:
            raise XdfError(
                f"no stream {key!r} in the file; its streams are "
                f"{', '.join(f'{i}: {n}' for n, i in names.items())}."
            )
        if found not in chosen:
            chosen.append(found)
    return [sid for sid in ids if sid in chosen]


def read_xdf(
    path: str | os.PathLike[str],
    *,
    synchronize_clocks: bool = False,
    dejitter: bool = False,
    streams: Iterable[int | str] | None = None,
    recover: bool = False,
) -> list[XdfStream]:
    """Read an XDF file.

    Parameters
    ----------
    path
        The ``.xdf`` file.
    synchronize_clocks
        Map every stream's timestamps onto the recorder's clock with a robust linear fit
        of its ClockOffset chunks (pyxdf's algorithm, clock resets included).
    dejitter
        Replace the timestamps of regular streams by a least-squares line per segment
        (segments split at pauses longer than ``max(1 s, 500 samples)``), as pyxdf.
    streams
        Stream ids or names to read; all by default. The order of the file is kept.
    recover
        Skip damaged chunks (scanning forward to the next Boundary chunk, as pyxdf does)
        instead of raising :class:`~heartmind.xdf.XdfError`.

    Returns
    -------
    list of XdfStream
        In the order their headers appear in the file.

    Raises
    ------
    XdfError
        The file is missing, is not XDF, or is damaged (the message gives the byte offset).
        A file that merely ends inside a chunk (a writer that was killed) is not an error:
        it is read up to its last complete chunk.
    """
    path = Path(path)
    raw, closer = open_file(path)
    try:
        pages = Pages(closer)
        scan = scan_chunks(raw, str(path), recover=recover, release=pages.drop_scanned)
        pages.drop_all()  # decoding maps back the pages it reads
        out = _streams(scan, raw, str(path), wanted(scan, streams), recover, pages)
    finally:
        if closer is not None:
            with contextlib.suppress(BufferError):  # a view held by a traceback; GC closes it
                closer.close()
    for stream in out:
        _post(stream, synchronize_clocks, dejitter)
    return out


class Pages:
    """Gives the pages of a memory-mapped file back to the OS once they are read.

    A read-only file mapping counts in the process's resident memory for every page it
    touched; ``madvise(MADV_DONTNEED)`` unmaps them (the data stays in the page cache, so
    touching a page again only maps it back). A no-op for files read into ``bytes`` and
    where ``madvise`` is missing or refused.
    """

    def __init__(self, mapped: mmap.mmap | None) -> None:
        ok = mapped is not None and hasattr(mapped, "madvise") and hasattr(mmap, "MADV_DONTNEED")
        self._mapped = mapped if ok else None
        self._scanned = 0  # bytes given back during the header scan
        self._decoded = 0  # bytes given back during decoding

    def _upto(self, start: int, end: int) -> int:
        """Unmap the whole pages from ``start`` to byte ``end``; the new start."""
        if self._mapped is None:
            return start
        aligned = min(end, len(self._mapped)) // mmap.PAGESIZE * mmap.PAGESIZE
        if aligned <= start:
            return start
        try:
            self._mapped.madvise(mmap.MADV_DONTNEED, start, aligned - start)
        except (OSError, ValueError):  # not supported here: keep the pages
            self._mapped = None
        return aligned

    def drop_scanned(self, end: int) -> None:
        """During the header scan: unmap the pages before byte offset ``end``."""
        self._scanned = self._upto(self._scanned, end)

    def drop_all(self) -> None:
        """Unmap every page (decoding starts from the beginning again)."""
        if self._mapped is not None:
            self._upto(0, len(self._mapped))

    def drop_before(self, end: int) -> None:
        """During decoding: unmap the pages before byte offset ``end``."""
        self._decoded = self._upto(self._decoded, end)


def _streams(
    scan: Scan, raw: Any, name: str, ids: list[int], recover: bool, pages: Pages
) -> list[XdfStream]:
    """Decode the chosen streams window by window of the file (:data:`WINDOW_BYTES`), each
    into its final arrays, giving the pages of every window back once it is decoded."""
    buf = np.frombuffer(raw, dtype=np.uint8)
    fills = []
    for sid in ids:
        where = f"{name}, stream {sid}"
        root = parse_xml(scan.headers[sid], f"{where} header")
        ranges = scan.samples.get(sid, [])
        fills.append(_StreamFill(buf, ranges, root, info_from_header(root, sid), where, recover))
    size = buf.shape[0]
    for end in range(WINDOW_BYTES, size + WINDOW_BYTES, WINDOW_BYTES):
        for fill in fills:
            fill.advance(buf, end)
        pages.drop_before(end)
    return [_stream(scan, sid, fill) for sid, fill in zip(ids, fills, strict=True)]


class _StreamFill:
    """One stream decoded window by window into arrays allocated once; with ``recover`` a
    damaged chunk is dropped and the stream decoded again up to where it was."""

    def __init__(
        self,
        buf: npt.NDArray[np.uint8],
        ranges: list[tuple[int, int]],
        root: Any,
        info: StreamInfo,
        where: str,
        recover: bool,
    ) -> None:
        self.root, self.info, self.where, self.recover = root, info, where, recover
        self.todo = np.array(ranges, dtype=np.int64).reshape(-1, 2)
        self.fill: NumericFill | None = None
        self.strings: tuple[npt.NDArray[Any], npt.NDArray[np.float64]] | None = None
        if info.dtype == "string":  # markers: small, decoded at once
            self.strings = decode_samples(buf, self.todo, root, info, where, recover)
        else:
            self._restart(buf, 0)

    def _restart(self, buf: npt.NDArray[np.uint8], end: int) -> None:
        tdiff = 1.0 / self.info.rate if self.info.rate > 0 else 0.0
        dtype = numpy_format(self.root.findtext("channel_format") or "float32")
        n_channels = int(self.root.findtext("channel_count") or 0)
        while True:
            try:
                self.fill = NumericFill(buf, self.todo, dtype, n_channels, tdiff)
                self.fill.advance(buf, self._stop(end))
                return
            except ChunkDamage as exc:
                self.todo = _drop(self.todo, exc, self.where, self.recover)

    def _stop(self, end: int) -> int:
        return int(np.searchsorted(self.todo[:, 0], end, side="left"))

    def advance(self, buf: npt.NDArray[np.uint8], end: int) -> None:
        """Decode the chunks whose content starts before byte ``end``."""
        if self.fill is None:
            return
        try:
            self.fill.advance(buf, self._stop(end))
        except ChunkDamage as exc:
            self.todo = _drop(self.todo, exc, self.where, self.recover)
            self._restart(buf, end)

    def result(self) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64]]:
        """Values and timestamps (s)."""
        if self.strings is not None:
            return self.strings
        assert self.fill is not None
        return self.fill.data, self.fill.stamps


def _drop(
    todo: npt.NDArray[np.int64], exc: ChunkDamage, where: str, recover: bool
) -> npt.NDArray[np.int64]:
    """``todo`` without the damaged chunk; raise :class:`XdfError` unless ``recover``."""
    offset = int(todo[exc.index, 0])
    if not recover:
        raise XdfError(
            f"{where}: Samples chunk at byte offset {offset - 6} is damaged "
            f"({exc.reason}). Pass recover=True to skip damaged chunks."
        ) from None
    logger.warning("%s: skipped damaged chunk at byte %d (%s)", where, offset, exc.reason)
    return np.delete(todo, exc.index, axis=0)


def _decode(
    buf: npt.NDArray[np.uint8],
    ranges: npt.NDArray[np.int64],
    root: Any,
    info: StreamInfo,
    prev: float = 0.0,
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    tdiff = 1.0 / info.rate if info.rate > 0 else 0.0
    n_channels = int(root.findtext("channel_count") or 0)
    if info.dtype == "string":
        return decode_strings(buf, ranges, n_channels, tdiff, prev=prev)
    dtype = numpy_format(root.findtext("channel_format") or "float32")
    return decode_numeric(buf, ranges, dtype, n_channels, tdiff, prev=prev)


def decode_samples(
    buf: npt.NDArray[np.uint8],
    ranges: list[tuple[int, int]] | npt.NDArray[np.int64],
    root: Any,
    info: StreamInfo,
    where: str,
    recover: bool,
    prev: float = 0.0,
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64]]:
    """Decode Samples chunks of one stream (``(content_start, content_end)`` byte ranges);
    with ``recover`` drop damaged chunks and retry. ``prev`` is the timestamp (s) of the
    sample before the first one, for left-out timestamps."""
    todo = np.array(ranges, dtype=np.int64).reshape(-1, 2)
    while True:
        try:
            data, stamps, _ = _decode(buf, todo, root, info, prev)
            return data, stamps
        except ChunkDamage as exc:
            todo = _drop(todo, exc, where, recover)


def _stream(scan: Scan, sid: int, fill: _StreamFill) -> XdfStream:
    where, root, info = fill.where, fill.root, fill.info
    data, stamps = fill.result()
    offsets = np.array(scan.offsets.get(sid, []), dtype=np.float64).reshape(-1, 2)
    footer_raw = scan.footers.get(sid)
    footer: dict[str, Any] = {}
    gaps: list[XdfGap] = []
    if footer_raw is not None:
        footer, gaps = parse_footer(parse_xml(footer_raw, f"{where} footer"))
    return XdfStream(
        stream_id=sid,
        info=info,
        time_series=data,
        time_stamps=stamps,
        clock_times=offsets[:, 0].copy(),
        clock_values=offsets[:, 1].copy(),
        header_xml=scan.headers[sid].decode("utf-8", "replace"),
        footer_xml=None if footer_raw is None else footer_raw.decode("utf-8", "replace"),
        header=xml_to_dict(root),
        footer=footer,
        gaps=gaps,
    )


def _post(stream: XdfStream, synchronize_clocks: bool, dejitter: bool) -> None:
    """Clock synchronisation, jitter removal and the effective rate, in place."""
    if synchronize_clocks and stream.clock_times.size:
        stream.time_stamps = _synchronize(
            stream.time_stamps, stream.clock_times, stream.clock_values
        )
    rate = stream.info.rate
    n = stream.n_samples
    if dejitter and rate > 0:
        stream.time_stamps, stream.effective_srate = _dejitter(stream.time_stamps, rate)
    elif rate > 0 and n > 1:
        duration = float(stream.time_stamps[-1] - stream.time_stamps[0])
        stream.effective_srate = (n - 1) / duration if duration > 0 else 0.0
