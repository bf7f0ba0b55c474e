"""Vectorised decoding of one stream's Samples chunks.

A sample is ``[TimestampBytes (0 or 8)][timestamp float64 if 8][values]``. Numeric values
have a constant size ``V``, so a chunk of ``n`` samples holding ``k`` timestamps is exactly
``n * (1 + V) + 8 * k`` bytes long: the chunk length tells ``k``. Chunks with all
timestamps, none, or only the first (every writer's common cases) get their sample
offsets from arithmetic; other chunks are walked sample by sample. Missing timestamps are
rebuilt as the previous timestamp plus ``1 / nominal_srate``, added one at a time, exactly
as pyxdf and the reference MATLAB importer do, so the results are bit-identical.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ._scan import gather

__all__ = [
    "BATCH_SAMPLES",
    "ChunkDamage",
    "NumericFill",
    "batches",
    "decode_numeric",
    "decode_strings",
    "fill_timestamps",
    "plan_numeric",
]

#: Samples decoded per batch: bounds the int64 index temporaries (about 40 bytes a sample).
BATCH_SAMPLES = 1 << 18
_BATCH_BYTES = 16 << 20  # and at most this many bytes of values and timestamps
#: Run length of the blocked cumulative sums that rebuild left-out timestamps.
_FILL_BLOCK = 1 << 18
_ALL, _NONE, _FIRST, _MIXED = 0, 1, 2, 3
_F8 = struct.Struct("<d")
_LITTLE = sys.byteorder == "little"


class ChunkDamage(Exception):
    """A Samples chunk does not decode; ``index`` is its number within the stream."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason


def _counts(
    buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """NumSamples of every chunk and where its first sample starts."""
    nbytes = buf[starts].astype(np.int64)
    bad = ~np.isin(nbytes, (1, 4, 8))
    if bad.any():
        first = int(np.argmax(bad))
        raise ChunkDamage(first, f"invalid NumSampleBytes {int(nbytes[first])}")
    counts = np.empty(starts.shape[0], dtype=np.int64)
    for width, dtype in ((1, "<u1"), (4, "<u4"), (8, "<u8")):
        sel = nbytes == width
        if sel.any():
            raw = gather(buf, starts[sel] + 1, width)
            counts[sel] = raw.view(dtype).astype(np.int64)
    return counts, starts + 1 + nbytes


def _walk(buf: npt.NDArray[np.uint8], start: int, n: int, vbytes: int, end: int) -> list[int]:
    """Sample offsets of one chunk with mixed timestamp bytes, one sample at a time."""
    offsets = []
    pos = start
    for _ in range(n):
        offsets.append(pos)
        pos += 1 + vbytes + (8 if buf[pos] else 0)
        if pos > end:
            break
    if pos != end or len(offsets) != n:
        raise ValueError
    return offsets


def plan_numeric(
    buf: npt.NDArray[np.uint8], ranges: npt.NDArray[np.int64], vbytes: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int8]]:
    """Samples per chunk, where each chunk's first sample starts, and its timestamp layout
    (all, none, only the first, or mixed), from the chunk lengths alone."""
    counts, first = _counts(buf, ranges[:, 0])
    payload = ranges[:, 1] - first
    stamps8 = payload - counts * (1 + vbytes)
    k, rem = np.divmod(stamps8, 8)
    kind = np.full(counts.shape[0], _MIXED, dtype=np.int8)
    kind[(rem == 0) & (k == 0)] = _NONE
    kind[(rem == 0) & (k == counts)] = _ALL
    one = (rem == 0) & (k == 1) & (counts > 1)
    one[one] = buf[first[one]] != 0
    kind[one] = _FIRST
    bad = (rem != 0) | (k < 0) | (k > counts)
    if bad.any():
        index = int(np.argmax(bad))
        raise ChunkDamage(index, "chunk length does not match its sample count")
    return counts, first, kind


def batches(counts: npt.NDArray[np.int64], size: int = BATCH_SAMPLES) -> list[tuple[int, int]]:
    """``(lo, hi)`` chunk-index ranges of about ``size`` samples each (at least one chunk)."""
    ends = np.cumsum(counts)
    out = []
    lo, n = 0, counts.shape[0]
    while lo < n:
        limit = int(ends[lo] - counts[lo]) + size
        hi = max(lo + 1, int(np.searchsorted(ends, limit, side="right")))
        out.append((lo, hi))
        lo = hi
    return out


def batch_offsets(
    buf: npt.NDArray[np.uint8],
    plan: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int8]],
    ranges: npt.NDArray[np.int64],
    vbytes: int,
    lo: int,
    hi: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Byte offset of every sample of chunks ``lo`` to ``hi - 1`` and whether it holds a
    timestamp (temporaries: about 40 bytes a sample)."""
    counts, first, kind = plan[0][lo:hi], plan[1][lo:hi], plan[2][lo:hi]
    total = int(counts.sum())
    chunk = np.repeat(np.arange(counts.shape[0]), counts)
    base = np.cumsum(counts) - counts
    j = np.arange(total, dtype=np.int64) - base[chunk]
    kinds = kind[chunk]
    stride = np.where(kinds == _ALL, 9 + vbytes, 1 + vbytes)
    offsets = first[chunk] + j * stride + 8 * ((kinds == _FIRST) & (j > 0))
    del stride
    for index in np.flatnonzero(kind == _MIXED).tolist():
        start, n = int(base[index]), int(counts[index])
        try:
            walked = _walk(buf, int(first[index]), n, vbytes, int(ranges[lo + index, 1]))
        except (ValueError, IndexError):
            raise ChunkDamage(lo + index, "timestamp bytes do not match the chunk length") from None
        offsets[start : start + n] = walked
    has = buf[offsets] != 0 if total else np.zeros(0, dtype=bool)
    expected = (kinds == _ALL) | ((kinds == _FIRST) & (j == 0))
    wrong = (kinds != _MIXED) & (has != expected)
    if wrong.any():
        raise ChunkDamage(lo + int(chunk[np.argmax(wrong)]), "unexpected TimestampBytes value")
    return offsets, has


class NumericFill:
    """A numeric stream's output arrays, allocated once and filled chunk range by range.

    Parameters
    ----------
    buf
        The file's bytes.
    ranges
        ``(n_chunks, 2)`` ``(content_start, content_end)`` byte ranges of its Samples chunks.
    dtype, n_channels
        Value format (little-endian) and channels.
    tdiff
        ``1 / nominal_srate`` in s (0 for irregular streams), for left-out timestamps.
    prev
        Timestamp (s) before the first sample, for a first sample without one.

    Raises
    ------
    ChunkDamage
        From the chunk lengths (here) or their samples (:meth:`advance`).
    """

    def __init__(
        self,
        buf: npt.NDArray[np.uint8],
        ranges: npt.NDArray[np.int64],
        dtype: np.dtype[Any],
        n_channels: int,
        tdiff: float,
        prev: float = 0.0,
    ) -> None:
        self.ranges = ranges
        self.dtype = dtype
        self.vbytes = dtype.itemsize * n_channels
        self.plan = plan_numeric(buf, ranges, self.vbytes)
        total = int(self.plan[0].sum())
        self.data: npt.NDArray[Any] = np.empty((total, n_channels), dtype.newbyteorder("="))
        self.stamps = np.zeros(total, dtype=np.float64)
        self.tdiff = tdiff
        self.prev = prev
        self.done = 0  # chunks decoded
        self._pos = 0  # samples decoded
        self._size = max(1, min(BATCH_SAMPLES, _BATCH_BYTES // (self.vbytes + 9)))

    @property
    def counts(self) -> npt.NDArray[np.int64]:
        """Samples per chunk."""
        return self.plan[0]

    def advance(
        self, buf: npt.NDArray[np.uint8], stop: int, release: Callable[[int], None] | None = None
    ) -> None:
        """Decode the chunks up to (not including) chunk ``stop``, batch by batch;
        ``release(end)`` is called after each batch with the byte its last chunk ends at."""
        for lo, hi in batches(self.plan[0][self.done : stop], self._size):
            self._batch(buf, self.done + lo, self.done + hi)
            if release is not None:
                release(int(self.ranges[self.done + hi - 1, 1]))
        self.done = max(self.done, stop)

    def _batch(self, buf: npt.NDArray[np.uint8], lo: int, hi: int) -> None:
        offsets, have = batch_offsets(buf, self.plan, self.ranges, self.vbytes, lo, hi)
        pos, stop = self._pos, self._pos + offsets.shape[0]
        part = self.stamps[pos:stop]
        if have.all() and _LITTLE:
            gather(buf, offsets + 1, 8, out=part.view("V8"))
        else:
            part[have] = gather(buf, offsets[have] + 1, 8).view("<f8")
            before = float(self.stamps[pos - 1]) if pos else self.prev
            fill_timestamps(part, have, self.tdiff, before)
        offsets += 1 + 8 * have
        vbytes = self.vbytes
        if self.dtype.isnative and vbytes > 0 and _LITTLE:
            gather(buf, offsets, vbytes, out=self.data[pos:stop].view(f"V{vbytes}").reshape(-1))
        elif vbytes:
            values = gather(buf, offsets, vbytes).view(self.dtype)
            self.data[pos:stop] = values.reshape(-1, self.data.shape[1])
        self._pos = stop


def decode_numeric(
    buf: npt.NDArray[np.uint8],
    ranges: npt.NDArray[np.int64],
    dtype: np.dtype[Any],
    n_channels: int,
    tdiff: float,
    *,
    prev: float = 0.0,
    release: Callable[[int], None] | None = None,
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Values ``(n, c)``, timestamps ``(n,)`` and samples per chunk of a numeric stream.

    The outputs are allocated once and filled batch by batch (:data:`BATCH_SAMPLES`
    samples at most; left-out timestamps rebuilt from the last one of the batch before),
    so the temporaries stay small whatever the length of the stream. ``prev`` and
    ``release`` are as in :class:`NumericFill`.
    """
    fill = NumericFill(buf, ranges, dtype, n_channels, tdiff, prev)
    fill.advance(buf, ranges.shape[0], release)
    return fill.data, fill.stamps, fill.counts


def decode_strings(
    buf: npt.NDArray[np.uint8],
    ranges: npt.NDArray[np.int64],
    n_channels: int,
    tdiff: float,
    *,
    prev: float = 0.0,
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Values (object array of str), timestamps and samples per chunk of a string stream.

    Strings are variable-length, so this walks value by value (marker streams are small).
    ``prev`` is the timestamp (s) before the first sample, as in :func:`decode_numeric`.
    """
    raw = memoryview(buf.data)
    rows: list[list[str]] = []
    stamps: list[float] = []
    has: list[bool] = []
    counts = []
    for index, (start, end) in enumerate(ranges.tolist()):
        try:
            n, pos = _varlen(raw, start)
            for _ in range(n):
                flag = raw[pos]
                has.append(flag != 0)
                stamps.append(_F8.unpack_from(raw, pos + 1)[0] if flag else 0.0)
                pos += 9 if flag else 1
                row = []
                for _ in range(n_channels):
                    size, pos = _varlen(raw, pos)
                    row.append(bytes(raw[pos : pos + size]).decode("utf-8", "replace"))
                    pos += size
                rows.append(row)
            if pos != end:
                raise ValueError
        except (ValueError, IndexError):
            raise ChunkDamage(index, "string sample does not fit its chunk") from None
        counts.append(n)
    data = np.empty((len(rows), n_channels), dtype=object)
    if rows:
        data[:] = rows
    ts = fill_timestamps(np.array(stamps, dtype=np.float64), np.array(has, dtype=bool), tdiff, prev)
    return data, ts, np.array(counts, dtype=np.int64)


def _varlen(raw: memoryview, pos: int) -> tuple[int, int]:
    count = raw[pos]
    if count not in (1, 4, 8):
        raise ValueError
    if pos + 1 + count > raw.nbytes:
        raise IndexError
    return int.from_bytes(raw[pos + 1 : pos + 1 + count], "little"), pos + 1 + count


def fill_timestamps(
    stamps: npt.NDArray[np.float64],
    has: npt.NDArray[np.bool_],
    tdiff: float,
    prev: float = 0.0,
) -> npt.NDArray[np.float64]:
    """Rebuild left-out timestamps in place: previous + ``tdiff`` (s), added sequentially
    (``prev`` before the first sample), bit-identical to pyxdf's ``last_timestamp + tdiff``
    loop. Long runs are summed in blocks, so the temporaries stay small."""
    missing = ~has
    if not missing.any():
        return stamps
    edges = np.diff(np.concatenate(([False], missing, [False])).astype(np.int8))
    del missing
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    del edges
    lengths = stops - starts
    if starts.shape[0] > int(lengths.max()):
        # Many short runs: advance every run one step at a time, all runs at once.
        last = np.where(starts > 0, stamps[np.maximum(starts - 1, 0)], prev)
        for step in range(int(lengths.max())):
            live = lengths > step
            last = np.where(live, last + tdiff, last)
            stamps[(starts + step)[live]] = last[live]
        return stamps
    for lo, hi in zip(starts.tolist(), stops.tolist(), strict=True):
        before = float(stamps[lo - 1]) if lo > 0 else prev
        for a in range(lo, hi, _FILL_BLOCK):
            b = min(hi, a + _FILL_BLOCK)
            steps = np.full(b - a + 1, tdiff)
            steps[0] = before
            stamps[a:b] = np.cumsum(steps)[1:]
            before = float(stamps[b - 1])
    return stamps
