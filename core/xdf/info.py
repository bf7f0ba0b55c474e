"""``xdf_info``: a summary of an XDF file without decoding its samples (for ``heartmind info``)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from ._decode import ChunkDamage
from ._format import info_from_header, parse_footer, parse_xml, xml_to_dict
from ._scan import scan_chunks
from .reader import open_file

__all__ = ["xdf_info"]


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
