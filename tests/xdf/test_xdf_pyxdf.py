"""read_xdf against pyxdf: foreign layouts, truncation, clock sync and dejitter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pyxdf
import xdf_testkit as kit

from heartmind import StreamInfo
from heartmind.xdf import XdfWriter, read_xdf


def _foreign_file(path: Path) -> None:
    """A file no heartmind writer makes: mixed timestamp bytes, 4-byte lengths, no footers."""
    rng = np.random.default_rng(5)
    parts = [b"XDF:", kit.chunk(1, b"<?xml version='1.0'?><info><version>1.0</version></info>")]
    parts.append(kit.chunk(2, kit.header("eeg", "int32", 4, 100.0), 1))
    parts.append(kit.chunk(2, kit.header("irr", "double64", 2, 0.0), 2))
    last = 3.0
    for i in range(30):
        n = int(rng.integers(1, 40))
        values = rng.integers(-(2**31), 2**31 - 1, (n, 4), dtype=np.int32)
        stamps = last + 0.01 + np.cumsum(rng.uniform(0.009, 0.011, n))
        keep = rng.random(n) < 0.3  # mixed: some timestamps left out, at random
        parts.append(kit.chunk(3, kit.samples(values, stamps, keep), 1))
        last = stamps[-1]
        irregular = rng.normal(size=(2, 2))
        parts.append(
            kit.chunk(3, kit.samples(irregular, last + rng.random(2), np.ones(2, bool)), 2)
        )
        if i % 7 == 0:
            parts.append(kit.chunk(5, kit.BOUNDARY))
    path.write_bytes(b"".join(parts))


def test_foreign_layout_matches_pyxdf(tmp_path: Path) -> None:
    path = tmp_path / "foreign.xdf"
    _foreign_file(path)
    eeg, irr = kit.assert_same_as_pyxdf(path)
    assert eeg.info.channels == ("ch1", "ch2", "ch3", "ch4")
    assert eeg.info.dtype == "int32" and irr.info.dtype == "float64"
    assert eeg.footer == {} and eeg.footer_xml is None
    assert eeg.n_samples > 100


def _recording(path: Path, *, reset: bool = False) -> None:
    rng = np.random.default_rng(6)
    ecg = StreamInfo("ecg", "ECG", ("ECG",), "mV", 250.0)
    mk = StreamInfo("markers", "MARKERS", ("m",), "", 0.0, "string")
    with XdfWriter(path) as writer:
        a = writer.add_stream(ecg)
        b = writer.add_stream(mk)
        for i in range(120):
            t0 = 100.0 + i * 0.5
            ts = t0 + np.arange(125) / 250.0 + rng.normal(0, 2e-4, 125)
            writer.write_chunk(a, rng.normal(size=(125, 1)).astype(np.float32), ts)
            if i % 10 == 0:
                writer.write_chunk(b, [[f"ev{i}"]], [t0 + 0.25])
            if i % 4 == 0:
                jump = 100.0 if reset and i >= 60 else 0.0
                for sid in (a, b):
                    offset = 0.02 + 1e-5 * i + rng.normal(0, 2e-5) + jump
                    writer.write_clock_offset(sid, t0 + 0.1 + jump, offset)


@pytest.mark.parametrize("reset", [False, True], ids=["steady", "clock-reset"])
def test_synchronize_matches_pyxdf(tmp_path: Path, reset: bool) -> None:
    path = tmp_path / "sync.xdf"
    _recording(path, reset=reset)
    ours = read_xdf(path, synchronize_clocks=True)
    theirs, _ = pyxdf.load_xdf(str(path), synchronize_clocks=True, dejitter_timestamps=False)
    raw = read_xdf(path)
    for a, b, r in zip(ours, theirs, raw, strict=True):
        np.testing.assert_allclose(a.time_stamps, b["time_stamps"], rtol=0, atol=1e-6)
        assert np.abs(a.time_stamps - r.time_stamps).min() > 0.015  # the offsets were applied


def test_dejitter_matches_pyxdf(tmp_path: Path) -> None:
    path = tmp_path / "jitter.xdf"
    _recording(path)
    ours = read_xdf(path, dejitter=True)
    theirs, _ = pyxdf.load_xdf(str(path), synchronize_clocks=False, dejitter_timestamps=True)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.time_stamps, b["time_stamps"], rtol=0, atol=1e-9)
        assert a.effective_srate == pytest.approx(b["info"]["effective_srate"], rel=1e-9)
    ecg = ours[0]
    assert np.ptp(np.diff(ecg.time_stamps)) < 1e-9  # regular after dejittering
    assert ecg.effective_srate == pytest.approx(250.0, rel=1e-4)


def test_dejitter_splits_segments_at_breaks(tmp_path: Path) -> None:
    path = tmp_path / "breaks.xdf"
    info = StreamInfo("ppg", "PPG", ("PPG",), "a.u.", 100.0)
    rng = np.random.default_rng(7)
    with XdfWriter(path) as writer:
        sid = writer.add_stream(info)
        for start in (0.0, 30.0):  # a 20 s pause: two segments
            ts = start + np.arange(1000) / 100.0 + rng.normal(0, 1e-4, 1000)
            writer.write_chunk(sid, np.zeros((1000, 1), np.float32), ts)
    (ours,) = read_xdf(path, dejitter=True)
    (theirs,), _ = pyxdf.load_xdf(str(path), synchronize_clocks=False)
    np.testing.assert_allclose(ours.time_stamps, theirs["time_stamps"], rtol=0, atol=1e-9)
    assert ours.time_stamps[1000] - ours.time_stamps[999] > 20.0


@pytest.mark.parametrize("where", [0.3, 0.6, 0.9])
def test_truncated_file_matches_pyxdf(tmp_path: Path, where: float) -> None:
    full = tmp_path / "full.xdf"
    _recording(full)
    raw = full.read_bytes()
    # cut in the middle of a Samples chunk's sample block (not inside its last sample)
    cut = raw.index(b"\x03\x00\x01\x00\x00\x00", int(len(raw) * where)) + 6 + 400
    path = tmp_path / "cut.xdf"
    path.write_bytes(raw[:cut])
    streams = kit.assert_same_as_pyxdf(path)
    complete = read_xdf(full)
    assert 0 < streams[0].n_samples < complete[0].n_samples
    np.testing.assert_array_equal(
        streams[0].time_series, complete[0].time_series[: streams[0].n_samples]
    )
    assert all(s.footer_xml is None for s in streams)
