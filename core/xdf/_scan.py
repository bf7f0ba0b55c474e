"""Fast scan of an XDF file's chunk headers, and vectorised access to its bytes.

The scan walks the chunk headers only (a few operations per chunk); sample blocks are
decoded afterwards, per stream, with numpy (see :mod:`._decode`).
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ._format import (
    BOUNDARY_UUID,
    MAGIC,
    TAG_CLOCK_OFFSET,
    TAG_FILE_HEADER,
    TAG_SAMPLES,
    TAG_STREAM_FOOTER,
    TAG_STREAM_HEADER,
    XdfError,
)

__all__ = ["Scan", "gather", "scan_chunks"]

logger = logging.getLogger(__name__)

#: Bytes of file scanned between two calls of ``release`` in :func:`scan_chunks`.
RELEASE_BYTES = 8 << 20

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_U16 = struct.Struct("<H")
_OFFSET = struct.Struct("<dd")


@dataclass(slots=True)
class Scan:
    """Where everything is in one file.

    ``samples[stream_id]`` lists ``(content_start, content_end)`` byte ranges of the
    stream's Samples chunks (content starts after the StreamId), in file order.
    """

    file_header: bytes | None = None
    headers: dict[int, bytes] = field(default_factory=dict)
    footers: dict[int, bytes] = field(default_factory=dict)
    samples: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    offsets: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    n_chunks: int = 0
    truncated_at: int | None = None


def _length(buf: Any, pos: int, size: int) -> tuple[int, int]:
    """Decode the variable-length integer at ``pos``: (value, position after it)."""
    count = buf[pos]
    if count == 1 and pos + 2 <= size:
        return buf[pos + 1], pos + 2
    if count == 4 and pos + 5 <= size:
        return _U32.unpack_from(buf, pos + 1)[0], pos + 5
    if count == 8 and pos + 9 <= size:
        return _U64.unpack_from(buf, pos + 1)[0], pos + 9
    if count in (1, 4, 8):
        raise EOFError
    raise ValueError(f"invalid length-byte count {count} (must be 1, 4 or 8)")


def _resync(buf: Any, pos: int, name: str, problem: str, recover: bool) -> int:
    """Position after the next Boundary chunk, or raise (``recover=False``)."""
    if not recover:
        raise XdfError(
            f"{name}: {problem} at byte offset {pos}; the file is damaged there. "
            "Pass recover=True to skip to the next Boundary chunk (as pyxdf does)."
        )
    found = bytes(buf[pos : len(buf)]).find(BOUNDARY_UUID) if pos < len(buf) else -1
    logger.warning("%s: %s at byte offset %d; skipping to the next boundary.", name, problem, pos)
    return len(buf) if found < 0 else pos + found + len(BOUNDARY_UUID)


def check_magic(buf: Any, name: str) -> None:
    """Raise :class:`XdfError` unless ``buf`` starts with ``XDF:``."""
    head = bytes(buf[:4])
    if head != MAGIC:
        raise XdfError(
            f"{name} is not an XDF file: it starts with {head!r} at byte offset 0, not "
            f"{MAGIC!r}. Check the path; XDF files are written by LabRecorder or heartmind."
        )


def scan_chunks(
    buf: Any,
    name: str,
    *,
    recover: bool = False,
    release: Callable[[int], None] | None = None,
) -> Scan:
    """Walk all chunk headers of an XDF file held in ``buf`` (bytes, mmap, …).

    ``release(pos)``, if given, is called about every :data:`RELEASE_BYTES` of the file
    with the position the scan has passed (to give the pages behind it back to the OS).
    """
    check_magic(buf, name)
    size = len(buf)
    scan = Scan()
    samples = scan.samples
    pos = 4
    mark = RELEASE_BYTES if release is not None else size
    while pos < size:
        if pos >= mark:
            assert release is not None
            release(pos)
            mark = pos + RELEASE_BYTES
        try:
            length, body = _length(buf, pos, size)
        except EOFError:
            scan.truncated_at = pos
            break
        except ValueError as exc:
            pos = _resync(buf, pos, name, str(exc), recover)
            continue
        end = body + length
        if end > size or length < 2:
            if end > size:
                scan.truncated_at = pos
                break
            pos = _resync(buf, pos, name, f"chunk length {length} < 2", recover)
            continue
        tag = _U16.unpack_from(buf, body)[0]
        scan.n_chunks += 1
        if tag == TAG_SAMPLES:
            sid = _U32.unpack_from(buf, body + 2)[0]
            if sid in samples:
                samples[sid].append((body + 6, end))
            else:
                samples[sid] = [(body + 6, end)]
        elif tag in (TAG_STREAM_HEADER, TAG_STREAM_FOOTER, TAG_CLOCK_OFFSET):
            _other(scan, buf, tag, body, end)
        elif tag == TAG_FILE_HEADER:
            scan.file_header = bytes(buf[body + 2 : end])
        pos = end
    if scan.truncated_at is not None:
        logger.warning(
            "%s ends inside a chunk at byte offset %d (the writer stopped early?); "
            "read up to the last complete chunk.",
            name,
            scan.truncated_at,
        )
    return scan


def _other(scan: Scan, buf: Any, tag: int, body: int, end: int) -> None:
    sid = _U32.unpack_from(buf, body + 2)[0]
    if tag == TAG_STREAM_HEADER:
        scan.headers[sid] = bytes(buf[body + 6 : end])
        scan.samples.setdefault(sid, [])
        scan.offsets.setdefault(sid, [])
    elif tag == TAG_STREAM_FOOTER:
        scan.footers[sid] = bytes(buf[body + 6 : end])
    elif end - body >= 22:
        scan.offsets.setdefault(sid, []).append(_OFFSET.unpack_from(buf, body + 6))


def gather(
    buf: npt.NDArray[np.uint8],
    offsets: npt.NDArray[np.int64],
    width: int,
    out: npt.NDArray[Any] | None = None,
) -> npt.NDArray[Any]:
    """Copy ``width`` bytes from each of ``offsets`` in ``buf``: an ``(n,)`` void array.

    A strided view with an item of ``width`` bytes at every byte offset turns the gather
    into one numpy take (one memcpy per item), with no per-byte index array. ``out`` (an
    ``(n,)`` array of dtype ``V<width>``, e.g. a view of the final array) receives the
    bytes.
    """
    if offsets.size == 0:
        return np.empty(0, dtype=f"V{width}") if out is None else out
    if int(offsets.min()) < 0 or int(offsets.max()) + width > buf.shape[0]:
        raise IndexError("sample outside the file")
    view: npt.NDArray[Any] = np.ndarray(
        shape=(buf.shape[0] - width + 1,), dtype=f"V{width}", buffer=buf, strides=(1,)
    )
    if out is None:
        return view[offsets]
    out[...] = view[offsets]  # (np.take with out= would copy the overlapping view first)
    return out
