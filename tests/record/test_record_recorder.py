"""The xdf-recorder consumer on virtual-clock sessions (no LSL): files pyxdf loads exactly."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
import pyxdf

from heartmind import Chunk, Context, Gap, Session, StreamInfo, VirtualClock
from heartmind.errors import ConfigError
from heartmind.events import event_from_json
from heartmind.pipeline import Pipeline
from heartmind.plugins.record import open_recorder
from heartmind.xdf import read_xdf, xdf_info

pytestmark = pytest.mark.timeout(60)

DURATION = 30.0
RATES = {"sim-ECG": 500.0, "sim-PPG": 100.0, "sim-EEG": 256.0}


def _record(tmp_path: Path, **options: object) -> Path:
    path = tmp_path / "sim.xdf"
    session = Session(clock="virtual", seed=11)
    session.add_sensor("simulator", name="p", modalities=["ECG", "PPG", "EEG"])
    session.add_processor("heart-rate", name="hr")
    session.add_consumer("xdf-recorder", name="rec", path=str(path), **options)
    session.run(duration=DURATION)
    return path


def _by_name(streams: list[dict]) -> dict[str, dict]:
    return {s["info"]["name"][0]: s for s in streams}


def test_simulated_session_loads_in_pyxdf_with_exact_counts(tmp_path: Path) -> None:
    path = _record(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    streams = _by_name(pyxdf.load_xdf(str(path), synchronize_clocks=False)[0])
    for name, rate in RATES.items():
        s = streams[name]
        ts = s["time_stamps"]
        assert len(ts) == int(DURATION * rate), name  # exact: nothing lost, nothing added
        assert np.all(np.diff(ts) > 0), name
        np.testing.assert_allclose(ts, np.arange(len(ts)) / rate, atol=1e-9)
        # a ClockOffset every 5 s of sample time (offset 0 on a virtual clock), as LabRecorder
        assert len(s["clock_times"]) == int(DURATION / 5.0), name
        assert set(s["clock_values"]) == {0.0}
        assert int(s["footer"]["info"]["sample_count"][0]) == len(ts)
    assert streams["sim-EEG"]["time_series"].shape == (int(DURATION * 256), 32)
    # pyxdf's defaults (clock sync + dejitter) also work on the file
    synced = _by_name(pyxdf.load_xdf(str(path))[0])
    assert len(synced["sim-ECG"]["time_stamps"]) == int(DURATION * 500)


def test_events_stream_holds_one_json_event_per_sample(tmp_path: Path) -> None:
    path = _record(tmp_path)
    events = _by_name(pyxdf.load_xdf(str(path), synchronize_clocks=False)[0])["heartmind-events"]
    parsed = [event_from_json(row[0]) for row in events["time_series"]]
    topics = {e.topic for e in parsed}
    assert "heart_rate" in topics
    np.testing.assert_allclose(events["time_stamps"], [e.timestamp for e in parsed])
    assert events["info"]["channel_format"] == ["string"]


def test_pipeline_toml_records_every_stream_by_default(tmp_path: Path) -> None:
    out = tmp_path / "toml.xdf"
    toml = tmp_path / "p.toml"
    toml.write_text(
        f"""
[session]
clock = "virtual"
duration = 5

[sensors.p]
spec = "simulator"
options = {{ modalities = ["ECG", "PPG"] }}

[consumers.rec]
spec = "xdf-recorder"
options = {{ path = "{out}" }}
"""
    )
    Session(Pipeline.load(toml)).run()
    names = {s["info"]["name"] for s in xdf_info(out)["streams"]}
    assert {"sim-ECG", "sim-PPG", "sim-STATE"} <= names
    counts = {s["info"]["name"]: s["sample_count"] for s in xdf_info(out)["streams"]}
    assert counts["sim-ECG"] == 2500 and counts["sim-PPG"] == 500


def test_explicit_empty_stream_selection_records_no_stream(tmp_path: Path) -> None:
    out = tmp_path / "none.xdf"
    session = Session(clock="virtual")
    session.add_sensor("simulator", name="p", modalities=["ECG"])
    session.add_consumer("xdf-recorder", name="rec", path=str(out), streams=[])
    session.run(duration=2)
    assert [s["info"]["name"] for s in xdf_info(out)["streams"]] == []


def test_raw_timestamps_clock_offsets_and_gaps(tmp_path: Path) -> None:
    """Samples keep raw sender time; offsets go to ClockOffset chunks; gaps to the footer."""
    path = tmp_path / "raw.xdf"
    rec = open_recorder(path=str(path), offset_interval=5.0)
    rec.start(Context(name="rec", clock=VirtualClock()))
    info = StreamInfo("ecg", "ECG", ("ECG",), "mV", 100.0, source_id="dev-1")
    offset = 0.25
    for k in range(12):  # 12 s, with an offset change at 6 s
        if k == 6:
            offset = 0.5
        ts = k + np.arange(100) / 100.0
        rec.on_chunk(Chunk(np.zeros((100, 1), np.float32), ts + offset, info, offset))
    rec.on_event(
        Gap(timestamp=12.0, stream="ecg", start=3.5, end=4.5, n_lost=99, reason="outlet lost")
    )
    rec.stop()
    (s,) = [x for x in read_xdf(path) if x.info.name == "ecg"]
    np.testing.assert_allclose(s.time_stamps, np.arange(1200) / 100.0, atol=1e-12)
    np.testing.assert_array_equal(s.clock_values, [0.25, 0.25, 0.5, 0.5])
    # collection time is in the sender's clock: recorder time (last sample) minus offset
    np.testing.assert_allclose(s.clock_times, [0.99, 5.99, 6.99, 11.99])
    (gap,) = s.gaps
    assert (gap.start, gap.end, gap.n_lost, gap.reason) == (3.0, 4.0, 99, "outlet lost")
    (ev,) = [x for x in read_xdf(path) if x.info.name == "heartmind-events"]
    assert json.loads(ev.time_series[0, 0])["topic"] == "gap"
    synced = _by_name(pyxdf.load_xdf(str(path), dejitter_timestamps=False)[0])["ecg"]
    assert abs(synced["time_stamps"][0] - 0.25) < 0.2  # moved onto the recorder's clock


def test_existing_file_is_not_replaced_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "x.xdf"
    path.write_bytes(b"keep me")
    rec = open_recorder(path=str(path))
    with pytest.raises(ConfigError, match="overwrite"):
        rec.start(Context(name="rec", clock=VirtualClock()))
    assert path.read_bytes() == b"keep me"
    rec2 = open_recorder(path=str(path), overwrite=True)
    rec2.start(Context(name="rec", clock=VirtualClock()))
    rec2.stop()
    assert xdf_info(path)["streams"] == []


def test_record_command_rejects_unclear_selections() -> None:
    from heartmind.plugins.record._cli import parse_selectors

    assert parse_selectors(
        ["name=A", "type=EEG", "source_id=x", "pred=starts-with(name,'E')"], False
    ) == {
        "lsl_names": ["A"],
        "lsl_types": ["EEG"],
        "source_ids": ["x"],
        "predicates": ["starts-with(name,'E')"],
    }
    for bad, all_streams in (
        (["colour=red"], False),
        (["name="], False),
        ([], False),
        (["name=A"], True),
    ):
        with pytest.raises(ConfigError):
            parse_selectors(bad, all_streams)


def test_lsl_streams_selection_predicate() -> None:
    from heartmind.plugins.lsl.api import selection_predicate

    assert selection_predicate(["A"], ["EEG"], ["s1"], ["channel_count>4"]) == (
        "(name='A') or (type='EEG') or (source_id='s1') or ((channel_count>4))"
    )
    assert selection_predicate() == ""
