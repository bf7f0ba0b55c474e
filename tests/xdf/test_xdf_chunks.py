"""iter_xdf_chunks and the batched decoder: the same samples as read_xdf and pyxdf, with
memory bounded by the block (streaming) or by the output (whole file)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xdf_testkit as kit
from test_xdf_errors import _file as _damaged_base
from test_xdf_pyxdf import _foreign_file, _recording

from heartmind import StreamInfo
from heartmind.xdf import XdfBlock, XdfError, XdfWriter, iter_xdf_chunks, read_xdf
from heartmind.xdf import _decode as decode_module
from heartmind.xdf import reader as reader_module


def _late(path: Path) -> None:
    """Streams added mid-file, one never written to, a late empty string stream."""
    rng = np.random.default_rng(2)
    with XdfWriter(path) as writer:
        first = writer.add_stream(StreamInfo("first", "EEG", ("a", "b", "c"), "uV", 250.0))
        writer.add_stream(StreamInfo("empty", "EEG", ("a",), "uV", 250.0, "int16"))
        for i in range(20):
            ts = i + np.arange(10) / 250 + 1e-7
            writer.write_chunk(first, rng.normal(size=(10, 3)).astype(np.float32), ts)
            if i == 8:
                late = writer.add_stream(StreamInfo("late", "RSP", ("r",), "a.u.", 25.0, "float64"))
                mk = writer.add_stream(StreamInfo("mk", "MARKERS", ("m",), "", 0.0, "string"))
            if i >= 8:
                writer.write_chunk(late, rng.normal(size=(5, 1)), i + np.arange(5) / 25 + 1e-7)
                writer.write_chunk(mk, [[f"marker {i} ♥"]], [i + 0.5])
        writer.add_stream(StreamInfo("late-empty", "MARKERS", ("m",), "", 0.0, "string"))


def _deduced(path: Path) -> None:
    """Chunks with no timestamp, only the first, and all (a regular stream, deduced)."""
    rate = 500.0
    with XdfWriter(path) as writer:
        sid = writer.add_stream(StreamInfo("ecg", "ECG", ("ECG",), "mV", rate))
        last = 0.0
        for i in range(40):
            n = 50
            stamps = np.empty(n)
            stamps[0] = last + 1 / rate if i % 3 else 10.0 * i
            for k in range(1, n):
                stamps[k] = stamps[k - 1] + 1 / rate
            if i % 5 == 4:
                stamps += 1e-6
            last = float(stamps[-1])
            writer.write_chunk(sid, np.full((n, 1), i, np.float32), stamps)


def _truncated(path: Path) -> None:
    full = path.with_name("full.xdf")
    _recording(full)
    raw = full.read_bytes()
    cut = raw.index(b"\x03\x00\x01\x00\x00\x00", int(len(raw) * 0.6)) + 6 + 400
    path.write_bytes(raw[:cut])


def _damaged(path: Path) -> None:
    _damaged_base(path)
    raw = bytearray(path.read_bytes())
    raw[raw.index(b"\x03\x00\x01\x00\x00\x00", len(raw) // 3) + 6] = 3  # bad NumSampleBytes
    path.write_bytes(bytes(raw))


FILES: dict[str, Callable[[Path], None]] = {
    "foreign": _foreign_file,
    "recording": _recording,
    "late-streams": _late,
    "deduced": _deduced,
    "truncated": _truncated,
}


def _joined(path: Path, **kwargs: Any) -> tuple[dict[int, list[XdfBlock]], list[Any]]:
    blocks: dict[int, list[XdfBlock]] = {}
    for block in iter_xdf_chunks(path, **kwargs):
        blocks.setdefault(block.stream_id, []).append(block)
    kwargs.pop("block_bytes", None)
    return blocks, read_xdf(path, **kwargs)


def _assert_same(blocks: dict[int, list[XdfBlock]], streams: list[Any]) -> None:
    for stream in streams:
        parts = blocks.get(stream.stream_id, [])
        assert all(b.info == stream.info and b.n_samples > 0 for b in parts)
        if not parts:
            assert stream.n_samples == 0
            continue
        stamps = np.concatenate([b.time_stamps for b in parts])
        data = np.concatenate([b.time_series for b in parts])
        np.testing.assert_array_equal(stamps, stream.time_stamps)
        assert data.dtype == stream.time_series.dtype and data.shape == stream.time_series.shape
        if stream.info.dtype == "string":
            assert data.tolist() == stream.time_series.tolist()
        else:
            np.testing.assert_array_equal(data, stream.time_series)


@pytest.mark.parametrize("block_bytes", [1, 97, 4096, 1 << 24])
@pytest.mark.parametrize("name", list(FILES))
def test_blocks_join_to_read_xdf_and_pyxdf(tmp_path: Path, name: str, block_bytes: int) -> None:
    path = tmp_path / f"{name}.xdf"
    FILES[name](path)
    kit.assert_same_as_pyxdf(path)
    blocks, streams = _joined(path, block_bytes=block_bytes)
    _assert_same(blocks, streams)
    if block_bytes == 97:
        assert max(len(parts) for parts in blocks.values()) > 5


def test_select_and_late_streams(tmp_path: Path) -> None:
    path = tmp_path / "late.xdf"
    _late(path)
    blocks, streams = _joined(path, streams=["mk", 3], block_bytes=500)
    assert [s.info.name for s in streams] == ["late", "mk"]
    assert set(blocks) == {3, 4}
    _assert_same(blocks, streams)
    assert blocks[4][0].time_series[0, 0] == "marker 8 ♥"
    with pytest.raises(XdfError, match="no stream 'nope'"):
        next(iter_xdf_chunks(path, streams=["nope"]))


def test_damaged_chunk_raises_or_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xdf"
    _damaged(path)
    seen = []
    with pytest.raises(XdfError, match=r"stream 1: Samples chunk at byte offset \d+ is damaged"):
        for block in iter_xdf_chunks(path, block_bytes=256):
            seen.append(block)
    assert seen  # the blocks before the damage came out first
    blocks, streams = _joined(path, block_bytes=256, recover=True)
    assert [s.n_samples for s in streams] == [550, 60]
    _assert_same(blocks, streams)


def test_damaged_samples_found_in_a_later_window(tmp_path: Path, monkeypatch: Any) -> None:
    """A sample with the wrong TimestampBytes, found while decoding a later window: the
    stream is decoded again without that chunk (recover), or the error names it."""
    path = tmp_path / "late-damage.xdf"
    _damaged_base(path)
    raw = bytearray(path.read_bytes())
    pos = raw.index(b"\x03\x00\x01\x00\x00\x00", 2 * len(raw) // 3) + 6
    assert raw[pos] == 1 and raw[pos + 2] == 8  # 50 samples, every timestamp written
    raw[pos + 2 + 13] = 0  # the second sample claims to have none
    path.write_bytes(bytes(raw))
    whole = read_xdf(path, recover=True)
    assert [s.n_samples for s in whole] == [550, 60]
    monkeypatch.setattr(reader_module, "WINDOW_BYTES", 300)
    with pytest.raises(XdfError, match=rf"stream 1: Samples chunk at byte offset {pos - 6}"):
        read_xdf(path)
    windowed = read_xdf(path, recover=True)
    blocks, _ = _joined(path, block_bytes=300, recover=True)
    for a, b in zip(whole, windowed, strict=True):
        np.testing.assert_array_equal(a.time_stamps, b.time_stamps)
        np.testing.assert_array_equal(a.time_series, b.time_series)
    _assert_same(blocks, whole)


def test_bad_block_size(tmp_path: Path) -> None:
    path = tmp_path / "r.xdf"
    _recording(path)
    with pytest.raises(ValueError, match="block_bytes"):
        next(iter_xdf_chunks(path, block_bytes=0))


@pytest.mark.parametrize("name", list(FILES))
def test_small_batches_match_pyxdf(tmp_path: Path, monkeypatch: Any, name: str) -> None:
    """Batches, timestamp-filling blocks and read_xdf's file windows far smaller than a
    chunk: still exact."""
    monkeypatch.setattr(decode_module, "BATCH_SAMPLES", 7)
    monkeypatch.setattr(decode_module, "_FILL_BLOCK", 5)
    monkeypatch.setattr(reader_module, "WINDOW_BYTES", 333)
    path = tmp_path / f"{name}.xdf"
    FILES[name](path)
    kit.assert_same_as_pyxdf(path)


def _long_file(path: Path, n_chunks: int = 2000, n: int = 1000) -> int:
    """One float32 channel at 250 Hz with every timestamp written (13 bytes a sample)."""
    rng = np.random.default_rng(8)
    with XdfWriter(path) as writer:
        sid = writer.add_stream(StreamInfo("ecg", "ECG", ("ECG",), "mV", 250.0))
        values = rng.normal(size=(n, 1)).astype(np.float32)
        for i in range(n_chunks):
            ts = (i * n + np.arange(n)) / 250.0 + rng.normal(0, 1e-5, n)
            writer.write_chunk(sid, values, ts)
    return n_chunks * n


def test_memory_is_bounded(tmp_path: Path, monkeypatch: Any) -> None:
    """read_xdf needs about its output (4 + 8 bytes a sample) plus one batch, the iterator
    one block (batches scaled down with the file, to keep the test small)."""
    monkeypatch.setattr(decode_module, "BATCH_SAMPLES", 1 << 14)
    path = tmp_path / "long.xdf"
    total = _long_file(path)
    tracemalloc.start()
    try:
        (stream,) = read_xdf(path)
        whole = tracemalloc.get_traced_memory()[1]
        del stream
        tracemalloc.reset_peak()
        count = sum(b.n_samples for b in iter_xdf_chunks(path, block_bytes=1 << 20))
        streaming = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    output = total * (4 + 8)
    assert count == total
    assert whole < 1.3 * output  # before the batched decoder: about 4 times the output
    assert streaming < 0.25 * output
