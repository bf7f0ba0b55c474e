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
from typing import Any

import numpy as np
import numpy.typing as npt

from ._scan import gather

__all__ = ["ChunkDamage", "decode_numeric", "decode_strings", "fill_timestamps"]

_ALL, _NONE, _FIRST, _MIXED = 0, 1, 2, 3
_F8 = struct.Struct("<d")


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


def sample_offsets(
    buf: npt.NDArray[np.uint8], ranges: npt.NDArray[np.int64], vbytes: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Byte offset of every sample of a numeric stream, whether it holds a timestamp, and
    the number of samples per chunk."""
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
    total = int(counts.sum())
    chunk = np.repeat(np.arange(counts.shape[0]), counts)
    base = np.cumsum(counts) - counts
    j = np.arange(total, dtype=np.int64) - base[chunk]
    kinds = kind[chunk]
    stride = np.where(kinds == _ALL, 9 + vbytes, 1 + vbytes)
    offsets = first[chunk] + j * stride + 8 * ((kinds == _FIRST) & (j > 0))
    for index in np.flatnonzero(kind == _MIXED).tolist():
        lo, n = int(base[index]), int(counts[index])
        try:
            walked = _walk(buf, int(first[index]), n, vbytes, int(ranges[index, 1]))
        except (ValueError, IndexError):
            raise ChunkDamage(index, "timestamp bytes do not match the chunk length") from None
        offsets[lo : lo + n] = walked
    has = buf[offsets] != 0 if total else np.zeros(0, dtype=bool)
    expected = (kinds == _ALL) | ((kinds == _FIRST) & (j == 0))
    wrong = (kinds != _MIXED) & (has != expected)
    if wrong.any():
        raise ChunkDamage(int(chunk[np.argmax(wrong)]), "unexpected TimestampBytes value")
    return offsets, has, counts


def decode_numeric(
    buf: npt.NDArray[np.uint8],
    ranges: npt.NDArray[np.int64],
    dtype: np.dtype[Any],
    n_channels: int,
    tdiff: float,
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Values ``(n, c)``, timestamps ``(n,)`` and samples per chunk of a numeric stream."""
    vbytes = dtype.itemsize * n_channels
    offsets, has, counts = sample_offsets(buf, ranges, vbytes)
    stamps = np.zeros(offsets.shape[0], dtype=np.float64)
    stamps[has] = gather(buf, offsets[has] + 1, 8).view("<f8")
    values = gather(buf, offsets + 1 + 8 * has, vbytes)
    data = values.view(dtype).reshape(-1, n_channels)
    if not data.dtype.isnative:
        data = data.astype(data.dtype.newbyteorder("="))
    return data, fill_timestamps(stamps, has, tdiff), counts


def decode_strings(
    buf: npt.NDArray[np.uint8], ranges: npt.NDArray[np.int64], n_channels: int, tdiff: float
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Values (object array of str), timestamps and samples per chunk of a string stream.

    Strings are variable-length, so this walks value by value (marker streams are small).
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
    ts = fill_timestamps(np.array(stamps, dtype=np.float64), np.array(has, dtype=bool), tdiff)
    return data, ts, np.array(counts, dtype=np.int64)


def _varlen(raw: memoryview, pos: int) -> tuple[int, int]:
    count = raw[pos]
    if count not in (1, 4, 8):
        raise ValueError
    if pos + 1 + count > raw.nbytes:
        raise IndexError
    return int.from_bytes(raw[pos + 1 : pos + 1 + count], "little"), pos + 1 + count


def fill_timestamps(
    stamps: npt.NDArray[np.float64], has: npt.NDArray[np.bool_], tdiff: float
) -> npt.NDArray[np.float64]:
    """Rebuild left-out timestamps: previous + ``tdiff``, added sequentially (0 before the
    first sample), bit-identical to pyxdf's ``last_timestamp + tdiff`` loop."""
    missing = ~has
    if not missing.any():
        return stamps
    edges = np.diff(np.concatenate(([False], missing, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    lengths = stops - starts
    if starts.shape[0] > int(lengths.max()):
        # Many short runs: advance every run one step at a time, all runs at once.
        prev = np.where(starts > 0, stamps[np.maximum(starts - 1, 0)], 0.0)
        for step in range(int(lengths.max())):
            live = lengths > step
            prev = np.where(live, prev + tdiff, prev)
            stamps[(starts + step)[live]] = prev[live]
        return stamps
    for lo, hi in zip(starts.tolist(), stops.tolist(), strict=True):
        steps = np.full(hi - lo + 1, tdiff)
        steps[0] = stamps[lo - 1] if lo > 0 else 0.0
        stamps[lo:hi] = np.cumsum(steps)[1:]
    return stamps
