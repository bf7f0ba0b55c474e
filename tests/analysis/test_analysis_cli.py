"""``heartmind analyze`` end to end: a recorder's XDF, CSV, WFDB; files, modes, plots."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import numpy as np
import pytest

from heartmind import Session
from heartmind.cli.main import main
from heartmind.plugins.analysis.api import analyze, load_recording
from heartmind.sim import simulate_ecg

pytest.importorskip("matplotlib")

PNG = b"\x89PNG\r\n\x1a\n"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session recording made by the ``xdf-recorder`` consumer (simulator, 4 modalities)."""
    path = tmp_path_factory.mktemp("rec") / "session.xdf"
    session = Session(clock="virtual", seed=5)
    session.add_sensor(
        "simulator", name="sim", modalities=["ECG", "PPG", "EDA", "RSP"], ecg_rate=250.0,
        state="rest-stress-recovery",
    )  # fmt: skip
    session.add_processor("heart-rate", name="hr")
    session.add_consumer("xdf-recorder", name="rec", path=str(path))
    session.run(duration=180.0)
    return path


def test_analyze_command_on_a_session_recording(recorded: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "report"
    assert main(["analyze", str(recorded), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert _mode(out) == 0o700
    files = sorted(out.iterdir())
    assert {str(f) for f in files} == set(printed)
    assert all(_mode(f) == 0o600 for f in files)
    names = {f.name for f in files}
    for expected in ("events.jsonl", "summary.csv", "summary.json", "hrv_windows.csv",
                     "sim-ECG_ecg_excerpts.png", "sim-ECG_ecg_overview.png",
                     "sim-ECG_heart_rate.png", "sim-ECG_hrv.png", "sim-PPG_ppg_pulses.png",
                     "sim-EDA_eda.png", "sim-RSP_respiration.png"):  # fmt: skip
        assert expected in names, expected
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == PNG and png.stat().st_size > 10_000
    summary = json.loads((out / "summary.json").read_text())
    ecg = next(s for s in summary["streams"] if s["type"] == "ECG")
    assert 160 < ecg["beats"] < 300 and 50 < ecg["hr_mean_bpm"] < 110
    assert {s["type"] for s in summary["streams"]} == {"ECG", "PPG", "EDA", "RSP"}
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [r["type"] for r in rows] == ["ECG", "PPG", "EDA", "RSP"]
    assert float(rows[0]["hrv_rmssd_ms"]) > 0


def test_stream_selection_and_errors(recorded: Path, tmp_path: Path, capsys) -> None:
    res = analyze(recorded, tmp_path / "a", streams=["ECG"], plots=False)
    assert [t.info.type for t in res.tracks] == ["ECG"]
    assert res.processors == ["heart-rate", "hrv"]
    assert main(["analyze", str(recorded), "--out", str(tmp_path / "b"), "--stream", "XYZ"]) == 2
    assert "no stream named or typed 'XYZ'" in capsys.readouterr().err
    assert main(["analyze", str(tmp_path / "missing.xdf"), "--out", str(tmp_path / "c")]) == 2


def _ecg(seconds: float = 120.0, fs: float = 250.0) -> np.ndarray:
    return simulate_ecg(seconds, fs, seed=3)[0]


def test_csv_with_time_column_and_with_rate(tmp_path: Path) -> None:
    x = _ecg()
    t = np.arange(x.size) / 250.0
    with_time = tmp_path / "with_time.csv"
    np.savetxt(with_time, np.column_stack([t, x]), delimiter=",", header="time,ECG", comments="")
    plain = tmp_path / "plain.csv"
    np.savetxt(plain, x[:, None], delimiter=",", header="lead", comments="")
    a = analyze(with_time, tmp_path / "a", plots=False)
    b = analyze(plain, tmp_path / "b", rate=250.0, plots=False)
    assert a.rows[0]["beats"] == b.rows[0]["beats"] > 100
    assert a.tracks[0].info.rate == 250.0
    with pytest.raises(Exception, match="--rate"):
        load_recording(plain)


def test_wfdb_record(tmp_path: Path) -> None:
    wfdb = pytest.importorskip("wfdb")
    x = _ecg()
    wfdb.wrsamp("rec", fs=250, units=["mV"], sig_name=["MLII"], p_signal=x[:, None],
                fmt=["16"], write_dir=str(tmp_path))  # fmt: skip
    res = analyze(tmp_path / "rec.hea", tmp_path / "out")
    assert res.tracks[0].info.type == "ECG" and res.tracks[0].info.channels == ("MLII",)
    ref = analyze(tmp_path / "rec", tmp_path / "out2", plots=False)
    assert res.rows[0]["beats"] == ref.rows[0]["beats"] > 100
    assert (tmp_path / "out" / "rec-ECG_ecg_excerpts.png").read_bytes()[:8] == PNG
