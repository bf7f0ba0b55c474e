"""XDF 1.0 constants, the variable-length integer, and the XML of headers and footers.

The layout follows the XDF 1.0 specification (https://github.com/sccn/xdf/wiki/Specifications)
as LabRecorder writes it: the magic ``XDF:``, then chunks of
``[NumLengthBytes][Length][Tag (uint16)][Content]``, where ``Length`` counts the tag and the
content. Every number is little-endian.
"""

from __future__ import annotations

import json
import logging
import math
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import HeartmindError
from ..streams import StreamInfo

__all__ = [
    "BOUNDARY_UUID",
    "MAGIC",
    "TAG_BOUNDARY",
    "TAG_CLOCK_OFFSET",
    "TAG_FILE_HEADER",
    "TAG_SAMPLES",
    "TAG_STREAM_FOOTER",
    "TAG_STREAM_HEADER",
    "XdfError",
    "XdfGap",
    "footer_xml",
    "header_xml",
    "info_from_header",
    "parse_footer",
    "varlen",
    "xml_to_dict",
]

logger = logging.getLogger(__name__)

MAGIC = b"XDF:"
TAG_FILE_HEADER = 1
TAG_STREAM_HEADER = 2
TAG_SAMPLES = 3
TAG_CLOCK_OFFSET = 4
TAG_BOUNDARY = 5
TAG_STREAM_FOOTER = 6

#: The 16 bytes of every Boundary chunk (the UUID the XDF specification fixes).
BOUNDARY_UUID = bytes.fromhex("43A546DCCBF5410FB30ED5467383CBE4")

#: heartmind dtype -> XDF channel_format.
XDF_FORMATS: dict[str, str] = {
    "float32": "float32",
    "float64": "double64",
    "int8": "int8",
    "int16": "int16",
    "int32": "int32",
    "int64": "int64",
    "string": "string",
}
#: XDF channel_format -> heartmind dtype.
HM_DTYPES: dict[str, str] = {v: k for k, v in XDF_FORMATS.items()}
#: Unsigned heartmind dtypes (XDF has none) -> the signed format that holds every value,
#: so that pyxdf reads the true values; the header's ``desc/heartmind/payload/dtype``
#: gives the heartmind dtype back.
XDF_FORMATS.update({"uint8": "int16", "uint16": "int32"})

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


class XdfError(HeartmindError, ValueError):
    """An XDF file is not XDF, is corrupt, or a writer was used wrongly.

    Messages name the file and, for damaged files, the byte offset of the problem.
    """


@dataclass(frozen=True, slots=True)
class XdfGap:
    """An interval of a stream whose samples were lost, as listed in its footer.

    Attributes
    ----------
    start, end
        First and last instant of the gap in s, on the stream's clock.
    n_lost
        Number of samples lost (estimated from the nominal rate for regular streams).
    reason
        Why they were lost (``"queue overflow"``, ``"device disconnected"``, …).
    """

    start: float
    end: float
    n_lost: int
    reason: str = ""


def varlen(value: int) -> bytes:
    """Encode ``value`` as an XDF variable-length integer (1, 4 or 8 bytes after the count)."""
    if value < 0:
        raise XdfError(f"cannot encode the negative length {value}; this is a bug.")
    if value < 256:
        return bytes((1, value))
    if value < 2**32:
        return b"\x04" + _U32.pack(value)
    return b"\x08" + _U64.pack(value)


def _text(parent: ET.Element, tag: str, value: object) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = str(value)
    return child


def _to_bytes(root: ET.Element) -> bytes:
    return b'<?xml version="1.0"?>' + ET.tostring(root, encoding="unicode").encode("utf-8")


def file_header_xml(datetime_iso: str, extra: dict[str, str] | None = None) -> bytes:
    """XML of the FileHeader chunk: XDF version 1.0, creation date and ``extra`` fields."""
    root = ET.Element("info")
    _text(root, "version", "1.0")
    _text(root, "datetime", datetime_iso)
    for key, value in (extra or {}).items():
        _text(root, key, value)
    return _to_bytes(root)


def header_xml(
    info: StreamInfo,
    *,
    created_at: float,
    uid: str,
    session_id: str,
    hostname: str,
) -> bytes:
    """XML of a StreamHeader chunk, laid out as LSL's ``StreamInfo.as_xml()``.

    Channel labels, units and types go to ``desc/channels``; ``info.meta`` is stored as JSON
    in ``desc/heartmind/meta`` so :func:`info_from_header` restores it. A stream with a
    ``shape`` (images, radar cubes) or an unsigned dtype is stored flat: ``channel_count``
    is ``info.n_values`` (every number of a sample, channel by channel, each channel's
    value in C order) and ``desc/heartmind/payload`` lists the axes (see
    :func:`payload_xml`).
    """
    root = ET.Element("info")
    _text(root, "name", info.name)
    _text(root, "type", info.type)
    _text(root, "channel_count", info.n_values)
    _text(root, "channel_format", XDF_FORMATS[info.dtype])
    _text(root, "source_id", info.source_id)
    _text(root, "nominal_srate", repr(info.rate))
    _text(root, "version", "1.1000000000000001")
    _text(root, "created_at", repr(float(created_at)))
    _text(root, "uid", uid)
    _text(root, "session_id", session_id)
    _text(root, "hostname", hostname)
    desc = ET.SubElement(root, "desc")
    channels = ET.SubElement(desc, "channels")
    for label, unit in zip(info.channels, info.units, strict=True):
        channel = ET.SubElement(channels, "channel")
        _text(channel, "label", label)
        _text(channel, "unit", unit)
        _text(channel, "type", info.type)
    acquisition = ET.SubElement(desc, "heartmind")
    _text(acquisition, "meta", json.dumps(info.meta, sort_keys=True))
    if info.shape or HM_DTYPES[XDF_FORMATS[info.dtype]] != info.dtype:
        payload_xml(acquisition, info)
    return _to_bytes(root)


def payload_xml(parent: ET.Element, info: StreamInfo) -> None:
    """``<payload>`` of a shaped or unsigned stream, under ``desc/heartmind``.

    ``<dtype>`` is the heartmind dtype; one ``<axis>`` (``name``, ``size`` and, when known,
    ``spacing`` and ``unit``) per axis of a sample, the first being ``channel``: the
    ``channel_count`` flat values of a sample reshape to those sizes in C order.
    ``<color_space>`` is there for images.
    """
    payload = ET.SubElement(parent, "payload")
    _text(payload, "dtype", info.dtype)
    _text(payload, "order", "C")
    axis = ET.SubElement(payload, "axis")
    _text(axis, "name", "channel")
    _text(axis, "size", info.n_channels)
    for i, (name, size) in enumerate(zip(info.axes, info.shape, strict=True)):
        axis = ET.SubElement(payload, "axis")
        _text(axis, "name", name)
        _text(axis, "size", size)
        if info.spacing:
            _text(axis, "spacing", repr(info.spacing[i]))
            _text(axis, "unit", info.spacing_units[i])
    if info.color_space:
        _text(payload, "color_space", info.color_space)


def footer_xml(
    first: float,
    last: float,
    count: int,
    offsets: list[tuple[float, float]],
    gaps: list[XdfGap],
) -> bytes:
    """XML of a StreamFooter chunk (LabRecorder's fields plus ``desc/gaps``).

    XDF has no chunk for lost data, so heartmind lists lost intervals in the footer as
    ``<desc><gaps><gap><start/><end/><n_lost/><reason/></gap>…</gaps></desc>``.
    """
    root = ET.Element("info")
    _text(root, "first_timestamp", repr(first))
    _text(root, "last_timestamp", repr(last))
    _text(root, "sample_count", count)
    clock = ET.SubElement(root, "clock_offsets")
    for time, value in offsets:
        offset = ET.SubElement(clock, "offset")
        _text(offset, "time", repr(time))
        _text(offset, "value", repr(value))
    desc = ET.SubElement(root, "desc")
    gaps_el = ET.SubElement(desc, "gaps")
    for gap in gaps:
        el = ET.SubElement(gaps_el, "gap")
        _text(el, "start", repr(gap.start))
        _text(el, "end", repr(gap.end))
        _text(el, "n_lost", gap.n_lost)
        _text(el, "reason", gap.reason)
    return _to_bytes(root)


def xml_to_dict(element: ET.Element) -> dict[str, Any]:
    """Nested dict of an attribute-less XML element (repeated tags become lists).

    Leaves map to their text (``""`` when empty); an element with children maps to a dict.
    """
    out: dict[str, Any] = {}
    for child in element:
        value: Any = xml_to_dict(child) if len(child) else (child.text or "")
        if child.tag in out:
            if not isinstance(out[child.tag], list):
                out[child.tag] = [out[child.tag]]
            out[child.tag].append(value)
        else:
            out[child.tag] = value
    return out


def parse_xml(raw: bytes, what: str) -> ET.Element:
    """Parse chunk XML, raising :class:`XdfError` (with ``what``: file and offset) if bad."""
    try:
        return ET.fromstring(raw.decode("utf-8", "replace"))
    except ET.ParseError as exc:
        raise XdfError(
            f"{what}: the XML is malformed ({exc}); the file is damaged there. "
            "Read it with recover=True to skip the damaged chunk."
        ) from None


def info_from_header(root: ET.Element, stream_id: int) -> StreamInfo:
    """Rebuild a heartmind :class:`StreamInfo` from a StreamHeader ``<info>`` element.

    Works for files of other writers too: missing labels become ``ch1``, ``ch2``, …,
    a missing unit ``""``, a missing name ``stream<id>``, a missing type ``MISC``. The
    payload of a shaped stream (``desc/heartmind/payload``) gives ``shape``, ``axes``,
    ``spacing`` and ``color_space`` back.
    """
    fmt = root.findtext("channel_format") or "float32"
    payload = _payload(root, stream_id, int(root.findtext("channel_count") or 0))
    n = int(payload.pop("n_channels"))
    labels: list[str] = []
    units: list[str] = []
    for channel in root.iterfind("desc/channels/channel"):
        labels.append(channel.findtext("label") or f"ch{len(labels) + 1}")
        units.append(channel.findtext("unit") or "")
    if len(labels) != n:
        labels = [f"ch{i + 1}" for i in range(n)]
        units = [""] * n
    meta: dict[str, Any] = {}
    meta_text = root.findtext("desc/heartmind/meta")
    if meta_text:
        try:
            meta = dict(json.loads(meta_text))
        except (ValueError, TypeError):
            logger.warning("stream %d: desc/heartmind/meta is not JSON; ignored.", stream_id)
    rate = float(root.findtext("nominal_srate") or 0.0)
    return StreamInfo(
        name=root.findtext("name") or f"stream{stream_id}",
        type=root.findtext("type") or "MISC",
        channels=tuple(labels),
        units=tuple(units),
        rate=rate if math.isfinite(rate) and rate > 0 else 0.0,
        dtype=payload.pop("dtype", None) or HM_DTYPES.get(fmt, "float32"),
        source_id=root.findtext("source_id") or "",
        meta=meta,
        **payload,
    )


def _payload(root: ET.Element, stream_id: int, count: int) -> dict[str, Any]:
    """``n_channels`` and the StreamInfo payload fields of ``desc/heartmind/payload``
    (just ``n_channels = channel_count`` for flat streams or a payload that does not fit)."""
    el = root.find("desc/heartmind/payload")
    if el is None:
        return {"n_channels": count}
    axes = list(el.iterfind("axis"))
    try:
        sizes = [int(a.findtext("size") or "") for a in axes]
        spacing = [float(a.findtext("spacing") or "nan") for a in axes[1:]]
    except ValueError:
        sizes, spacing = [], []
    dtype = el.findtext("dtype") or None
    fmt = root.findtext("channel_format") or ""
    if (
        not sizes
        or math.prod(sizes) != count
        or (dtype is not None and XDF_FORMATS.get(dtype) != fmt)
    ):
        logger.warning(
            "stream %d: desc/heartmind/payload does not fit channel_count %d / format %s; "
            "read flat.",
            stream_id,
            count,
            fmt,
        )
        return {"n_channels": count}
    known = all(math.isfinite(d) for d in spacing)
    return {
        "n_channels": sizes[0],
        "dtype": dtype,
        "shape": tuple(sizes[1:]),
        "axes": tuple(a.findtext("name") or "" for a in axes[1:]),
        "spacing": tuple(spacing) if known else (),
        "spacing_units": tuple(a.findtext("unit") or "" for a in axes[1:]) if known else (),
        "color_space": el.findtext("color_space") or "",
    }


def parse_footer(root: ET.Element) -> tuple[dict[str, Any], list[XdfGap]]:
    """The footer as a dict, and its ``desc/gaps`` as :class:`XdfGap` objects."""
    gaps = [
        XdfGap(
            start=float(el.findtext("start") or "nan"),
            end=float(el.findtext("end") or "nan"),
            n_lost=int(el.findtext("n_lost") or 0),
            reason=el.findtext("reason") or "",
        )
        for el in root.iterfind("desc/gaps/gap")
    ]
    return xml_to_dict(root), gaps


def numpy_format(channel_format: str) -> np.dtype[Any]:
    """Little-endian numpy dtype of an XDF ``channel_format`` (``object`` for strings)."""
    if channel_format == "string":
        return np.dtype(object)
    return np.dtype(HM_DTYPES.get(channel_format, "float32")).newbyteorder("<")
