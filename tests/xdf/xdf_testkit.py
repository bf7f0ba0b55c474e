"""Helpers of the XDF tests: a tiny independent XDF encoder, and pyxdf comparisons."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np
import pyxdf

from heartmind.xdf import XdfStream, read_xdf

BOUNDARY = bytes.fromhex("43A546DCCBF5410FB30ED5467383CBE4")


def varlen(value: int) -> bytes:
    """XDF variable-length integer, always in the 4-byte form (also valid XDF)."""
    return b"\x04" + struct.pack("<I", value)


def chunk(tag: int, content: bytes, stream_id: int | None = None) -> bytes:
    head = struct.pack("<H", tag) + (b"" if stream_id is None else struct.pack("<I", stream_id))
    return varlen(len(head) + len(content)) + head + content


def header(name: str, fmt: str, n_channels: int, rate: float) -> bytes:
    return (
        f"<?xml version='1.0'?><info><name>{name}</name><type>EEG</type>"
        f"<channel_count>{n_channels}</channel_count><nominal_srate>{rate}</nominal_srate>"
        f"<channel_format>{fmt}</channel_format></info>"
    ).encode()


def samples(values: np.ndarray, stamps: np.ndarray, keep: np.ndarray) -> bytes:
    """A Samples chunk body; ``keep[i]`` False leaves sample i's timestamp out."""
    out = [varlen(len(stamps))]
    for row, stamp, k in zip(values, stamps, keep, strict=True):
        out.append(b"\x08" + struct.pack("<d", stamp) if k else b"\x00")
        out.append(np.ascontiguousarray(row).astype(row.dtype.newbyteorder("<")).tobytes())
    return b"".join(out)


def assert_same_as_pyxdf(path: Path, **kwargs: Any) -> list[XdfStream]:
    """read_xdf(path) equals pyxdf.load_xdf(path) without sync and dejitter, exactly."""
    ours = read_xdf(path, **kwargs)
    theirs, _ = pyxdf.load_xdf(str(path), synchronize_clocks=False, dejitter_timestamps=False)
    assert [s.stream_id for s in ours] == [s["info"]["stream_id"] for s in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert a.time_stamps.dtype == np.float64
        np.testing.assert_array_equal(a.time_stamps, b["time_stamps"])
        if a.info.dtype == "string":
            expected = np.empty((len(b["time_stamps"]), a.info.n_channels), dtype=object)
            if len(expected):
                expected[:] = b["time_series"]
            assert a.time_series.shape == expected.shape
            assert a.time_series.tolist() == expected.tolist()
        else:
            assert a.time_series.shape == np.shape(b["time_series"])
            if len(a.time_stamps):
                assert a.time_series.dtype == b["time_series"].dtype
            np.testing.assert_array_equal(a.time_series, b["time_series"])
        assert a.clock_times.tolist() == b["clock_times"]
        assert a.clock_values.tolist() == b["clock_values"]
    return ours
