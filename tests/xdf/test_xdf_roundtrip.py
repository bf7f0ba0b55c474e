"""Round trips through XdfWriter and read_xdf (checked against pyxdf too)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest
from xdf_testkit import assert_same_as_pyxdf

from heartmind import StreamInfo
from heartmind.xdf import XdfError, XdfWriter, read_xdf

NUMERIC = ("float32", "float64", "int8", "int16", "int32", "int64")


def _info(dtype: str, n: int = 3, rate: float = 250.0, name: str = "") -> StreamInfo:
    return StreamInfo(
        name or f"s-{dtype}",
        "EEG",
        tuple(f"ch{i}" for i in range(n)),
        tuple(f"u{i}" for i in range(n)),
        rate,
        dtype,
        source_id=f"dev-{dtype}",
        meta={"device": "sim", "gain": 2.5},
    )


def _values(rng: np.random.Generator, dtype: str, n: int, c: int) -> np.ndarray:
    if dtype.startswith("float"):
        return rng.normal(0, 100, (n, c)).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, (n, c), dtype=dtype, endpoint=True)


@pytest.mark.parametrize("dtype", NUMERIC)
def test_numeric_round_trip(tmp_path: Path, dtype: str) -> None:
    rng = np.random.default_rng(1)
    path = tmp_path / "r.xdf"
    info = _info(dtype)
    data = [_values(rng, dtype, n, 3) for n in (1, 17, 64)]
    stamps = [5.0 + np.sort(rng.uniform(0, 1, len(d))) + i for i, d in enumerate(data)]
    with XdfWriter(path) as writer:
        sid = writer.add_stream(info)
        for d, t in zip(data, stamps, strict=True):
            writer.write_chunk(sid, d, t)
    (stream,) = assert_same_as_pyxdf(path)
    assert stream.info == info
    assert stream.info.meta == info.meta
    assert stream.time_series.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(stream.time_series, np.concatenate(data))
    np.testing.assert_array_equal(stream.time_stamps, np.concatenate(stamps))


def test_unicode_strings_and_multichannel_markers(tmp_path: Path) -> None:
    path = tmp_path / "m.xdf"
    info = StreamInfo("markers", "MARKERS", ("label", "note"), "", 0.0, "string")
    rows = [["stimulus ♥ onset", "ü"], ["", "日本語 テキスト"], ["x" * 300, "é\n<xml>&"]]
    with XdfWriter(path) as writer:
        sid = writer.add_stream(info)
        writer.write_chunk(sid, rows[:1], [1.0])
        writer.write_chunk(sid, rows[1:], [2.0, 2.0])
    (stream,) = assert_same_as_pyxdf(path)
    assert stream.time_series.dtype == object
    assert stream.time_series.tolist() == rows
    assert stream.time_stamps.tolist() == [1.0, 2.0, 2.0]
    assert stream.info == info


def test_late_and_empty_streams(tmp_path: Path) -> None:
    path = tmp_path / "late.xdf"
    rng = np.random.default_rng(2)
    with XdfWriter(path) as writer:
        first = writer.add_stream(_info("float32", name="first"))
        empty = writer.add_stream(_info("int16", name="empty"))
        writer.write_chunk(first, _values(rng, "float32", 10, 3), np.arange(10) / 250)
        late = writer.add_stream(_info("float64", 2, name="late"))
        writer.write_chunk(late, _values(rng, "float64", 5, 2), 1 + np.arange(5) / 250)
        writer.write_chunk(first, _values(rng, "float32", 10, 3), 1 + np.arange(10) / 250)
        late_empty = writer.add_stream(_info("string", 1, 0.0, name="late-empty"))
    streams = assert_same_as_pyxdf(path)
    assert [s.info.name for s in streams] == ["first", "empty", "late", "late-empty"]
    assert [s.stream_id for s in streams] == [first, empty, late, late_empty]
    assert [s.n_samples for s in streams] == [20, 0, 5, 0]
    assert streams[1].time_series.shape == (0, 3)
    assert streams[3].time_series.shape == (0, 1)
    assert streams[1].footer["sample_count"] == "0"


def test_large_channel_count(tmp_path: Path) -> None:
    path = tmp_path / "big.xdf"
    info = _info("float32", 2048, 20000.0)
    data = np.random.default_rng(3).normal(size=(300, 2048)).astype(np.float32)
    with XdfWriter(path) as writer:
        sid = writer.add_stream(info)
        writer.write_chunk(sid, data[:100], np.arange(100) / 2e4 + 1e-7)
        writer.write_chunk(sid, data[100:], np.arange(100, 300) / 2e4 + 2e-7)
    (stream,) = assert_same_as_pyxdf(path)
    np.testing.assert_array_equal(stream.time_series, data)
    assert stream.info.channels[-1] == "ch2047"


def _sequential(start: float, n: int, rate: float) -> np.ndarray:
    out = np.empty(n)
    out[0] = start
    for i in range(1, n):
        out[i] = out[i - 1] + 1.0 / rate
    return out


def test_deduced_timestamps_are_exact_and_smaller(tmp_path: Path) -> None:
    rate = 500.0
    rng = np.random.default_rng(4)
    # chunk kinds: all left out (the first from 0 + 1/rate), all but the first, all written
    first = _sequential(0.0, 201, rate)[1:]
    stamps = np.concatenate([first, _sequential(10.0, 150, rate), _sequential(20.0, 200, rate)])
    stamps[-30:] += np.sort(rng.normal(0, 1e-5, 30))  # a jittered chunk: written in full
    data = _values(rng, "float32", stamps.shape[0], 1)
    sizes = []
    for deduce, name in ((True, "d.xdf"), (False, "f.xdf")):
        info = StreamInfo("ecg", "ECG", ("ECG",), "mV", rate if deduce else 0.0)
        with XdfWriter(tmp_path / name) as writer:
            sid = writer.add_stream(info)
            for lo in range(0, stamps.shape[0], 50):
                writer.write_chunk(sid, data[lo : lo + 50], stamps[lo : lo + 50])
        (stream,) = assert_same_as_pyxdf(tmp_path / name)
        np.testing.assert_array_equal(stream.time_stamps, stamps)
        np.testing.assert_array_equal(stream.time_series, data)
        sizes.append((tmp_path / name).stat().st_size)
    # 2 chunks keep their first timestamp, 1 keeps all; the header says "500.0", not "0.0"
    assert sizes[0] == sizes[1] - 8 * (550 - 2 - 50) + 2


def test_footer_contents_and_gaps(tmp_path: Path) -> None:
    path = tmp_path / "footer.xdf"
    with XdfWriter(path) as writer:
        sid = writer.add_stream(_info("float32", 1, 100.0))
        writer.write_chunk(sid, np.zeros((3, 1), np.float32), [1.5, 1.51, 1.52])
        writer.write_clock_offset(sid, 2.0, -0.25)
        writer.write_chunk(sid, np.zeros((2, 1), np.float32), [3.25, 3.26])
        writer.write_clock_offset(sid, 7.0, -0.5)
        writer.add_gap(sid, 1.52, 3.25, 172, "queue overflow")
    (stream,) = read_xdf(path)
    assert float(stream.footer["first_timestamp"]) == 1.5
    assert float(stream.footer["last_timestamp"]) == 3.26
    assert int(stream.footer["sample_count"]) == 5
    offsets = stream.footer["clock_offsets"]["offset"]
    assert [(float(o["time"]), float(o["value"])) for o in offsets] == [(2.0, -0.25), (7.0, -0.5)]
    assert [(g.start, g.end, g.n_lost, g.reason) for g in stream.gaps] == [
        (1.52, 3.25, 172, "queue overflow")
    ]
    assert "<gaps><gap><start>1.52</start>" in (stream.footer_xml or "")
    assert stream.clock_times.tolist() == [2.0, 7.0]
    assert stream.clock_values.tolist() == [-0.25, -0.5]


def test_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "p.xdf"
    old = os.umask(0)
    try:
        XdfWriter(path).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(XdfError, match="overwrite=True"):
        XdfWriter(path)
    XdfWriter(path, overwrite=True).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_writer_is_incremental(tmp_path: Path) -> None:
    path = tmp_path / "inc.xdf"
    writer = XdfWriter(path, flush_interval=3600, flush_bytes=64 << 10)
    sid = writer.add_stream(_info("float64", 8, 1000.0))
    sizes = []
    for i in range(40):
        writer.write_chunk(sid, np.ones((100, 8)), i + np.arange(100) / 1000)
        sizes.append(path.stat().st_size)
    assert sizes[-1] > 35 * 100 * 8 * 8  # all but the last <64 KiB are on disk already
    assert writer._pending_bytes < 64 << 10  # nothing accumulates in memory
    writer.close()
    assert writer.closed
    with pytest.raises(XdfError, match="closed"):
        writer.write_chunk(sid, np.ones((1, 8)), [99.0])


def test_writer_rejects_bad_input(tmp_path: Path) -> None:
    with XdfWriter(tmp_path / "bad.xdf") as writer:
        sid = writer.add_stream(_info("float32", 2))
        with pytest.raises(XdfError, match=r"\(n_samples, n_channels\)"):
            writer.write_chunk(sid, np.zeros((3, 3)), np.arange(3.0))
        with pytest.raises(XdfError, match="no stream with id 7"):
            writer.write_chunk(7, np.zeros((3, 2)), np.arange(3.0))
        marker = writer.add_stream(StreamInfo("m", "MARKERS", ("a",), "", 0.0, "string"))
        with pytest.raises(XdfError, match="one string per channel"):
            writer.write_chunk(marker, [["a", "b"]], [1.0])


def test_boundary_chunks_are_written(tmp_path: Path) -> None:
    path = tmp_path / "b.xdf"
    with XdfWriter(path, boundary_bytes=10_000) as writer:
        sid = writer.add_stream(_info("float32", 4))
        for i in range(20):
            writer.write_chunk(sid, np.zeros((100, 4), np.float32), i + np.arange(100) / 250)
    raw = path.read_bytes()
    boundary = bytes.fromhex("0112050043A546DCCBF5410FB30ED5467383CBE4")
    assert raw.count(boundary) >= 3
    assert_same_as_pyxdf(path)
