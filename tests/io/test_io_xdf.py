"""XDF recordings through heartmind.io: tracks, channel types, real start, names, gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

import heartmind
from heartmind import StreamInfo
from heartmind.io import RecordingError, TrackGap, open_recording, recording_format
from heartmind.xdf import XdfWriter, xdf_file_header


def test_a_session_recording_knows_its_real_start(tmp_path: Path) -> None:
    """The xdf-recorder writes the clock's UTC offset: the start is exact."""
    path = tmp_path / "session.xdf"
    session = heartmind.Session(clock="virtual", start="2026-02-03T04:05:06Z", seed=1)
    session.add_sensor("simulator", name="sim", modalities=["ECG", "EDA"], truth=False)
    session.add_processor("heart-rate", name="hr")
    session.add_consumer("xdf-recorder", name="rec", path=str(path))
    session.run(duration=5.0)
    rec = open_recording(path)
    assert rec.format == "xdf" and "utc_offset" in rec.start_from
    assert rec.start == datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC) + timedelta(seconds=rec.origin)
    ecg = next(t for t in rec.tracks if t.info.type == "ECG")
    assert ecg.channel_types == ("ECG",) * ecg.info.n_channels
    assert rec.utc(float(ecg.timestamps[-1])) == rec.start + timedelta(
        seconds=float(ecg.timestamps[-1]) - rec.origin
    )
    assert [t.info.name for t in rec.markers] == ["heartmind-events"]
    assert {t.info.type for t in rec.signals} == {"ECG", "EDA"}


def test_labrecorder_style_header_datetime_and_clock_offsets(tmp_path: Path) -> None:
    """Without utc_offset, the header's datetime names the first data on the recorder clock."""
    path = tmp_path / "lab.xdf"
    info = StreamInfo("eeg", "EEG", ("Cz",), "uV", 100.0)
    with XdfWriter(path) as w:
        sid = w.add_stream(info)
        w.write_clock_offset(sid, 100.0, 0.5)  # first data: recorder time 100.5
        w.write_chunk(sid, np.zeros((50, 1)), 100.2 + np.arange(50) / 100.0)  # recorder 100.7
    created = datetime.fromisoformat(xdf_file_header(path)["datetime"])
    rec = open_recording(path)
    assert rec.origin == 100.2 and "datetime" in rec.start_from
    assert rec.start == created + timedelta(seconds=0.2)
    synced = open_recording(path, synchronize_clocks=True)
    np.testing.assert_allclose(synced.tracks[0].timestamps, 100.7 + np.arange(50) / 100.0)
    np.testing.assert_array_equal(rec.tracks[0].clock_offsets, [[100.0, 0.5]])


def test_channel_types_from_labels_names_and_nan_gaps(tmp_path: Path) -> None:
    path = tmp_path / "exg.xdf"
    exg = StreamInfo("amp", "EXG", ("EKG", "EMG1", "Fp1", "Pleth"), "uV", 250.0, "float64")
    marks = StreamInfo("amp", "Markers", ("m",), "", 0.0, "string")
    data = np.ones((500, 4))
    data[100:110, 2] = np.nan  # a run of 10 samples with a NaN
    with XdfWriter(path) as w:
        a, b = w.add_stream(exg), w.add_stream(marks)
        w.write_chunk(a, data, np.arange(500) / 250.0)
        w.write_chunk(b, [["go"]], [1.0])
    rec = open_recording(path)
    amp, mk = rec.tracks
    assert (amp.info.name, mk.info.name) == ("amp", "amp-2")  # the later one: -<stream id>
    assert amp.info.type == "EXG" and amp.channel_types == ("ECG", "EMG", "EEG", "PPG")
    assert mk.info.type == "MARKERS" and amp.n_samples == 490
    assert amp.gaps == (TrackGap(99 / 250, 110 / 250, 10, "non-finite samples in the file"),)
    kept = open_recording(path, nan_gaps=False)
    assert kept.tracks[0].n_samples == 500 and not kept.tracks[0].gaps
    typed = open_recording(path, types="ECG")
    assert typed.tracks[0].info.type == "ECG" and typed.tracks[1].info.type == "MARKERS"
    assert open_recording(path, select=["markers"]).tracks[0].info.name == "amp-2"


def test_format_by_content_and_clear_errors(tmp_path: Path) -> None:
    good = tmp_path / "capture.bin"
    with XdfWriter(good) as w:
        w.write_chunk(w.add_stream(StreamInfo("x", "ECG", ("a",), rate=10.0)), [[1.0]], [0.0])
    assert recording_format(good) == "xdf" and open_recording(good).tracks[0].n_samples == 1
    damaged = tmp_path / "damaged.xdf"
    damaged.write_bytes(b"XDF:\x01\x05\x01\x00<inf")
    with pytest.raises(RecordingError, match=r"cannot read .*damaged\.xdf as XDF"):
        open_recording(damaged)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(RecordingError, match="not a file type heartmind can read"):
        open_recording(notes)
    with pytest.raises(RecordingError, match="does not exist"):
        open_recording(tmp_path / "missing.xdf")
    with pytest.raises(RecordingError, match="no stream named or typed 'EEG'"):
        open_recording(good, select=["EEG"])
    assert issubclass(RecordingError, heartmind.ConfigError)
