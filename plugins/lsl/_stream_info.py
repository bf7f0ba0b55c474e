"""Conversions between LSL stream descriptions and heartmind :class:`StreamInfo`."""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

from heartmind.streams import StreamInfo

__all__ = ["CHANNEL_FORMATS", "dtype_of", "from_lsl_info", "to_lsl_info"]

log = logging.getLogger(__name__)

#: heartmind dtype -> name of the pylsl channel-format constant.
CHANNEL_FORMATS: dict[str, str] = {
    "float32": "cf_float32",
    "float64": "cf_double64",
    "int8": "cf_int8",
    "int16": "cf_int16",
    "int32": "cf_int32",
    "int64": "cf_int64",
    "string": "cf_string",
}


def dtype_of(pylsl: ModuleType, channel_format: int) -> str:
    """heartmind dtype of an LSL channel format (``cf_*`` constant)."""
    for dtype, const in CHANNEL_FORMATS.items():
        if getattr(pylsl, const) == channel_format:
            return dtype
    raise ValueError(f"unsupported LSL channel format {channel_format}")


def _channel_list(values: list[str | None] | None, n: int, fallback: list[str]) -> list[str]:
    if not values or len(values) != n:
        return fallback
    return [v if v else fb for v, fb in zip(values, fallback, strict=True)]


def from_lsl_info(
    pylsl: ModuleType, info: Any, *, name: str = "", clock_offset: float = 0.0
) -> StreamInfo:
    """Build a heartmind :class:`StreamInfo` from a (full) ``pylsl.StreamInfo``.

    Parameters
    ----------
    pylsl
        The pylsl module (from :func:`ensure_lsl`).
    info
        The stream's info, ideally ``inlet.info()`` so that ``desc/channels`` is present.
    name
        Name of the stream in heartmind (default: the LSL name).
    clock_offset
        First time-correction estimate in s, recorded in ``meta``.

    Notes
    -----
    The type is upper-cased (``"Markers"`` → ``"MARKERS"``, heartmind's convention); the
    LSL type, host name, uid, session id and creation time are kept in ``meta``.
    """
    n = int(info.channel_count())
    labels = _channel_list(info.get_channel_labels(), n, [f"ch{i + 1}" for i in range(n)])
    dtype = dtype_of(pylsl, info.channel_format())
    default_unit = "" if dtype == "string" else "a.u."
    units = _channel_list(info.get_channel_units(), n, [default_unit] * n)
    ch_types = _channel_list(info.get_channel_types(), n, [""] * n)
    lsl_type = info.type() or ""
    meta: dict[str, Any] = {
        "lsl_name": info.name(),
        "lsl_type": lsl_type,
        "hostname": info.hostname(),
        "uid": info.uid(),
        "session_id": info.session_id(),
        "created_at": info.created_at(),
        "channel_types": ch_types,
        "clock_offset": clock_offset,
    }
    return StreamInfo(
        name=name or info.name() or "lsl",
        type=lsl_type.upper() or "MISC",
        channels=tuple(labels),
        units=tuple(units),
        rate=max(0.0, float(info.nominal_srate())),
        dtype=dtype,
        source_id=info.source_id(),
        meta=meta,
    )


def to_lsl_info(pylsl: ModuleType, info: StreamInfo, *, name: str, source_id: str) -> Any:
    """Build a ``pylsl.StreamInfo`` (with ``desc/channels``) for a heartmind stream."""
    fmt = getattr(pylsl, CHANNEL_FORMATS[info.dtype])
    out = pylsl.StreamInfo(name, info.type, info.n_channels, info.rate, fmt, source_id)
    desc = out.desc()
    channels = desc.append_child("channels")
    for label, unit in zip(info.channels, info.units, strict=True):
        ch = channels.append_child("channel")
        ch.append_child_value("label", label)
        ch.append_child_value("unit", unit)
        ch.append_child_value("type", info.type)
    acq = desc.append_child("acquisition")
    acq.append_child_value("manufacturer", "heartmind")
    acq.append_child_value("heartmind_stream", info.name)
    if info.source_id:
        acq.append_child_value("heartmind_source_id", info.source_id)
    return out
