"""XDF recordings (:mod:`heartmind.xdf`): one track per XDF stream, shapes restored.

The real start comes from the FileHeader: a heartmind recorder writes ``utc_offset``
(recorder clock + offset = seconds since the epoch), which is exact; for other writers
(LabRecorder) the header's ``datetime`` is the file's creation, taken as the instant of the
first data the file holds (its first ClockOffset or sample on the recorder's clock), so the
start is exact to the delay between the two (LabRecorder: well under a second).
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from ._channel_types import normalise_type, resolve_types
from ._datetimes import parse_datetime
from ._reader import ReadOptions, ReadResult
from ._recording import RecordingError, Track, TrackGap, readonly

__all__ = ["read_xdf_recording"]


def read_xdf_recording(path: Path, options: ReadOptions) -> ReadResult:
    """Every stream of an XDF file as a track (markers included)."""
    from ..xdf import XdfError, read_xdf, xdf_file_header

    try:
        streams = read_xdf(path, synchronize_clocks=options.synchronize_clocks)
        header = xdf_file_header(path)
    except XdfError as exc:
        raise RecordingError(f"cannot read {path} as XDF: {exc}") from None
    tracks = [_track(s, options) for s in streams]
    anchor, how = _anchor(streams, header, options.synchronize_clocks)
    return ReadResult(tracks, anchor, how, header, [s.stream_id for s in streams])


def _track(stream: Any, options: ReadOptions) -> Track:
    info = dataclasses.replace(stream.info, type=stream.info.type.upper())
    flat = readonly(stream.time_series)  # freeze first: the shaped view stays read-only
    stream.time_series = flat
    data = stream.shaped_series()
    want = (stream.n_samples, *info.sample_shape)
    if data.shape != want:
        data = data.reshape(want)
    if info.dtype == "string":  # markers keep their type whatever types= says
        types: tuple[str, ...] = (info.type,) * info.n_channels
    else:
        types = resolve_types(
            info.channels,
            info.units,
            override=options.types,
            given=_stated_types(stream.header, info.n_channels),
            default=info.type,
        )
        over = {options.types.get(c) for c in info.channels}
        if len(over) == 1 and None not in over:  # every channel typed by the caller alike
            info = dataclasses.replace(info, type=types[0])
    offsets = np.column_stack([stream.clock_times, stream.clock_values])
    return Track(
        info,
        readonly(data),
        readonly(np.asarray(stream.time_stamps, dtype=np.float64)),
        tuple(TrackGap(g.start, g.end, g.n_lost, g.reason) for g in stream.gaps),
        types,
        readonly(offsets),
    )


def _stated_types(header: dict[str, Any], n: int) -> list[str | None] | None:
    """The ``desc/channels/channel/type`` of each channel, if the header lists them all."""
    desc = header.get("desc")
    channels = desc.get("channels") if isinstance(desc, dict) else None
    items = channels.get("channel") if isinstance(channels, dict) else None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or len(items) != n:
        return None
    return [normalise_type(str(c.get("type", ""))) if isinstance(c, dict) else None for c in items]


def _anchor(
    streams: list[Any], header: dict[str, Any], synced: bool
) -> tuple[tuple[float, datetime] | None, str]:
    """``(first timestamp, its UTC)`` and how it was found; ``(None, "")`` if unknown."""
    with_samples = [s for s in streams if s.n_samples]
    if not with_samples:
        return None, ""

    def recorder_time(t: float, s: Any) -> float:
        return t if synced or not s.clock_values.size else t + float(s.clock_values[0])

    first = min(with_samples, key=lambda s: float(s.time_stamps[0]))
    t0 = float(first.time_stamps[0])
    r0 = recorder_time(t0, first)
    try:
        utc_offset = float(header.get("utc_offset", "nan"))
    except (TypeError, ValueError):
        utc_offset = math.nan
    if math.isfinite(utc_offset):
        when = datetime.fromtimestamp(r0 + utc_offset, UTC)
        return (t0, when), "XDF header utc_offset (heartmind recorder clock)"
    created = parse_datetime(header.get("datetime"))
    if created is None:
        return None, ""
    evidence = [recorder_time(float(s.time_stamps[0]), s) for s in with_samples]
    evidence += [float(s.clock_times[0] + s.clock_values[0]) for s in streams if s.clock_times.size]
    when = created + timedelta(seconds=r0 - min(evidence))
    return (t0, when), "XDF header datetime (file creation) and clock offsets"
