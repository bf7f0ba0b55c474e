"""Errors for non-XDF and damaged files, recovery, stream selection, xdf_info."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import xdf_testkit as kit

from heartmind import HeartmindError, StreamInfo
from heartmind.xdf import XdfError, XdfWriter, read_xdf, xdf_info


def _file(path: Path, n_chunks: int = 12) -> None:
    with XdfWriter(path, boundary_bytes=2000) as writer:
        a = writer.add_stream(StreamInfo("ecg", "ECG", ("ECG",), "mV", 250.0))
        b = writer.add_stream(StreamInfo("rsp", "RSP", ("RSP",), "a.u.", 25.0, "int16"))
        for i in range(n_chunks):
            writer.write_chunk(a, np.full((50, 1), i, np.float32), i + np.arange(50) / 250 + 1e-9)
            writer.write_chunk(b, np.full((5, 1), i, np.int16), i + np.arange(5) / 25 + 1e-9)
            writer.write_clock_offset(a, float(i), 0.001)
        writer.add_gap(b, 3.0, 4.0, 25, "device disconnected")


def test_not_xdf(tmp_path: Path) -> None:
    path = tmp_path / "x.xdf"
    path.write_bytes(b"PK\x03\x04 a zip file")
    with pytest.raises(XdfError, match=r"not an XDF file.*byte offset 0") as info:
        read_xdf(path)
    assert isinstance(info.value, HeartmindError)
    with pytest.raises(XdfError, match="does not exist"):
        read_xdf(tmp_path / "missing.xdf")
    with pytest.raises(XdfError, match="not an XDF file"):
        xdf_info(path)


def test_damaged_length_raises_with_offset_and_recovers(tmp_path: Path) -> None:
    path = tmp_path / "d.xdf"
    _file(path)
    raw = bytearray(path.read_bytes())
    bad = raw.index(b"\x03\x00\x01\x00\x00\x00", len(raw) // 2) - 5  # an ECG Samples chunk
    assert raw[bad] == 4  # 50 samples: a 4-byte length
    raw[bad] = 7  # an invalid NumLengthBytes
    path.write_bytes(bytes(raw))
    with pytest.raises(XdfError, match=rf"byte offset {bad}.*recover=True"):
        read_xdf(path)
    streams = kit.assert_same_as_pyxdf(path, recover=True)  # pyxdf also skips to a boundary
    assert 0 < streams[0].n_samples < 600


def test_damaged_samples_chunk(tmp_path: Path) -> None:
    path = tmp_path / "s.xdf"
    _file(path)
    raw = bytearray(path.read_bytes())
    pos = raw.index(b"\x03\x00\x01\x00\x00\x00", len(raw) // 3) + 6
    raw[pos] = 3  # NumSampleBytes must be 1, 4 or 8
    path.write_bytes(bytes(raw))
    with pytest.raises(XdfError, match=rf"stream 1: Samples chunk at byte offset {pos - 6}"):
        read_xdf(path)
    ecg, rsp = read_xdf(path, recover=True)
    assert ecg.n_samples == 550 and rsp.n_samples == 60


def test_select_streams(tmp_path: Path) -> None:
    path = tmp_path / "sel.xdf"
    _file(path)
    assert [s.info.name for s in read_xdf(path, streams=["rsp"])] == ["rsp"]
    assert [s.info.name for s in read_xdf(path, streams=[2, "ecg"])] == ["ecg", "rsp"]
    with pytest.raises(XdfError, match=r"no stream 'eeg'.*1: ecg, 2: rsp"):
        read_xdf(path, streams=["eeg"])


def test_xdf_info_summary(tmp_path: Path) -> None:
    path = tmp_path / "i.xdf"
    _file(path)
    info = xdf_info(path)
    assert info["file_header"]["version"] == "1.0"
    assert info["truncated_at"] is None
    ecg, rsp = info["streams"]
    assert ecg["info"]["name"] == "ecg" and ecg["channel_format"] == "float32"
    assert ecg["sample_count"] == 600 and rsp["sample_count"] == 60
    assert ecg["first_timestamp"] == 1e-9
    assert rsp["duration_s"] == pytest.approx(11.16)
    assert ecg["clock_offsets"] == 12 and rsp["clock_offsets"] == 0
    assert rsp["gaps"] == [
        {"start": 3.0, "end": 4.0, "n_lost": 25, "reason": "device disconnected"}
    ]
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    half = xdf_info(path)
    assert half["truncated_at"] is not None
    assert not half["streams"][0]["has_footer"]
    assert 0 < half["streams"][0]["sample_count"] < 600


def test_length_prefixes_of_all_sizes(tmp_path: Path) -> None:
    """1-, 4- and 8-byte length fields all decode (8-byte ones are legal XDF)."""
    values = np.arange(6, dtype=np.float64).reshape(3, 2)
    body = (
        b"\x08" + struct.pack("<Q", 3) + kit.samples(values, np.arange(3.0), np.ones(3, bool))[5:]
    )
    content = struct.pack("<HI", 3, 1) + body
    parts = [
        b"XDF:",
        kit.chunk(2, kit.header("x", "double64", 2, 0.0), 1),
        b"\x08" + struct.pack("<Q", len(content)) + content,
    ]
    path = tmp_path / "len.xdf"
    path.write_bytes(b"".join(parts))
    (stream,) = kit.assert_same_as_pyxdf(path)
    np.testing.assert_array_equal(stream.time_series, values)
