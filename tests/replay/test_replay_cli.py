"""``heartmind replay``: events, pipelines (same events as the live simulation), errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from replay_testkit import write_xdf

import heartmind
from heartmind.cli.main import main
from heartmind.pipeline import Pipeline
from heartmind.xdf import XdfWriter

pytestmark = pytest.mark.timeout(60)

PIPELINE = """
[session]
clock = "virtual"
start = "2026-11-24T09:00:00Z"
duration = 60
seed = 7

[sensors.participant]
spec = "simulator"
options = { modalities = ["ECG"], truth = false, snr_db = 15, state = "rest-stress-recovery" }

[processors.hr]
spec = "heart-rate"
inputs = ["participant:ECG"]
options = { hr_interval = 2.0 }

[consumers.console]
spec = "console"
topics = ["heart_beat", "heart_rate"]
"""


def _record(pipeline: Path, out: Path) -> None:
    """Write the simulator's chunks of the pipeline's session to an XDF file."""
    loaded = Pipeline.load(pipeline)
    loaded.components = [c for c in loaded.components if c.kind == "sensors"]
    session = heartmind.Session(loaded)
    with XdfWriter(out) as writer:
        ids: dict[str, int] = {}

        def write(chunk: heartmind.Chunk) -> None:
            if chunk.info.name not in ids:
                ids[chunk.info.name] = writer.add_stream(chunk.info)
            writer.write_chunk(ids[chunk.info.name], chunk.data, chunk.timestamps)

        session.subscribe("stream:*", write)
        session.run()


def _jsonl(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    assert main(argv) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_replayed_file_gives_the_events_of_the_live_simulation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipeline = tmp_path / "p.toml"
    pipeline.write_text(PIPELINE)
    live = _jsonl(capsys, ["run", str(pipeline), "--fast", "--events", "jsonl"])
    recording = tmp_path / "sim.xdf"
    _record(pipeline, recording)
    replayed = _jsonl(
        capsys,
        [
            "replay",
            str(recording),
            "--pipeline",
            str(pipeline),
            "--speed",
            "max",
            "--events",
            "jsonl",
            "--chunk-duration",
            "0.25",
        ],
    )
    rates = [e for e in live if e["topic"] == "heart_rate"]
    beats = [e for e in live if e["topic"] == "heart_beat"]
    assert len(rates) >= 25 and len(beats) >= 60
    assert replayed == live


def test_events_are_printed_and_streams_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rec.xdf"
    write_xdf(path)
    events = _jsonl(capsys, ["replay", str(path), "--speed", "max", "--events", "jsonl"])
    assert [e["topic"] for e in events] == ["gap"]
    assert events[0]["stream"] == "t-ecg" and events[0]["timestamp"] == pytest.approx(1.5)
    main(["replay", str(path), "--speed", "max", "--stream", "ECG", "--keep-timestamps"])
    err = capsys.readouterr().err
    assert "t-ecg  ECG  250 Hz  1 ch  1,000 samples  1 gaps" in err
    assert "t-eeg" not in err and "replayed 3.996 s" in err


def test_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rec.xdf"
    write_xdf(path)
    assert main(["replay", str(path), "--speed", "max", "--stream", "PPG"]) == 2
    assert "no stream named or typed 'PPG'" in capsys.readouterr().err
    assert main(["replay", str(tmp_path / "x.xdf"), "--speed", "max"]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["replay", str(path), "--speed", "fast"])
    assert "give 'max' or a positive factor" in capsys.readouterr().err
