"""``xdf_info``: a summary of an XDF file without decoding its samples (for ``heartmind info``);
``xdf_file_header``: just its FileHeader."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from ._decode import ChunkDamage
from ._format import (
    MAGIC,
    TAG_FILE_HEADER,
    XdfError,
    info_from_header,
    parse_footer,
    parse_xml,
    xml_to_dict,
)
from ._scan import scan_chunks
from .reader import open_file

__all__ = ["xdf_file_header", "xdf_info"]

#: Longest FileHeader :func:`xdf_file_header` reads, in bytes.
_MAX_HEADER = 1 << 20


def xdf_file_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The FileHeader of an XDF file as a dict (``version``, ``datetime``, and what the
    writer added: heartmind's recorder writes ``recorder``, ``clock`` and ``utc_offset``).

    Reads only the first chunk of the file.

    Raises
    ------
    XdfError
        The file is missing, is not XDF, or does not start with a FileHeader chunk.
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(4 + 9 + 2)
            magic, n_bytes = head[:4], head[4] if len(head) > 4 else 0
            if magic != MAGIC or n_bytes not in (1, 4, 8):
                raise XdfError(f"{path} is not an XDF file (no 'XDF:' magic and FileHeader).")
            length = int.from_bytes(head[5 : 5 + n_bytes], "little")
            tag = int.from_bytes(head[5 + n_bytes : 7 + n_bytes], "little")
            if tag != TAG_FILE_HEADER or not 2 <= length <= _MAX_HEADER:
                raise XdfError(f"{path}: the first chunk is not a FileHeader; the file is damaged.")
            f.seek(7 + n_bytes)
            raw = f.read(length - 2)
    except FileNotFoundError:
        raise XdfError(f"{path} does not exist; check the path.") from None
    except IsADirectoryError:
        raise XdfError(f"{path} is a directory, not an XDF file.") from None
    return xml_to_dict(parse_xml(raw, f"{path}, FileHeader"))


def xdf_info(path: str | os.PathLike[str], *, recover: bool = False) -> dict[str, Any]:
    """Summarise an XDF file: streams, channels, rates, durations, counts, gaps.

    Only chunk headers, the first timestamp-holding sample bytes, and the footers are
    read, so this is fast even for large files. For files without footers (a writer that
    was killed) sample counts come from the Samples chunks and the times from the footer
    are missing (``None``).

    Parameters
    ----------
    path
        The ``.xdf`` file.
    recover
        Skip damaged chunks instead of raising :class:`~heartmind.xdf.XdfError`.

    Returns
    -------
    dict
        ``{"path", "size_bytes", "file_header", "n_chunks", "truncated_at", "streams": [...]}``
        where each stream is ``{"stream_id", "info" (StreamInfo.to_dict()),
        "channel_format", "sample_count", "first_timestamp", "last_timestamp",
        "duration_s", "clock_offsets", "gaps", "has_footer"}``.
    """
    path = Path(path)
    raw, closer = open_file(path)
    try:
        scan = scan_chunks(raw, str(path), recover=recover)
        buf = np.frombuffer(raw, dtype=np.uint8)
        streams = [_summary(scan, buf, sid, str(path)) for sid in scan.headers]
        del buf
        size = len(raw)
    finally:
        if closer is not None:
            with contextlib.suppress(BufferError):  # a view held by a traceback; GC closes it
                closer.close()
    header = xml_to_dict(parse_xml(scan.file_header, str(path))) if scan.file_header else {}
    return {
        "path": str(path),
        "size_bytes": size,
        "file_header": header,
        "n_chunks": scan.n_chunks,
        "truncated_at": scan.truncated_at,
        "streams": streams,
    }


def _summary(scan: Any, buf: Any, sid: int, name: str) -> dict[str, Any]:
    from ._decode import _counts

    root = parse_xml(scan.headers[sid], f"{name}, stream {sid} header")
    info = info_from_header(root, sid)
    ranges = np.array(scan.samples.get(sid, []), dtype=np.int64).reshape(-1, 2)
    try:
        count = int(_counts(buf, ranges[:, 0])[0].sum()) if ranges.size else 0
    except ChunkDamage:
        count = -1
    first = last = None
    gaps: list[dict[str, Any]] = []
    raw_footer = scan.footers.get(sid)
    if raw_footer is not None:
        footer, gap_list = parse_footer(parse_xml(raw_footer, f"{name}, stream {sid} footer"))
        first = _float(footer.get("first_timestamp"))
        last = _float(footer.get("last_timestamp"))
        gaps = [
            {"start": g.start, "end": g.end, "n_lost": g.n_lost, "reason": g.reason}
            for g in gap_list
        ]
    duration = last - first if first is not None and last is not None else None
    return {
        "stream_id": sid,
        "info": info.to_dict(),
        "channel_format": root.findtext("channel_format") or "",
        "sample_count": count,
        "first_timestamp": first,
        "last_timestamp": last,
        "duration_s": duration,
        "clock_offsets": len(scan.offsets.get(sid, [])),
        "gaps": gaps,
        "has_footer": raw_footer is not None,
    }


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
